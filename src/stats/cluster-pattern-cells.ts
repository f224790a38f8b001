/**
 * Receipts summed into one row per (cluster, covariate pattern) cell, for cluster-robust
 * logistic fits: the cell's receipts as a frequency weight and its compliance fraction as the
 * outcome. Why this is exact: the log-likelihood, the score and X'WX of a logistic fit are
 * sums over rows that are linear in weight x outcome and weight at each covariate pattern,
 * and the cluster-robust meat needs each cluster's score sum, which is again a sum over the
 * cluster's patterns. So the fit on the cells has the estimates, likelihood and CR1 of the fit
 * on the 0/1 rows (n in the CR1 factor is the summed weights, nObs), up to rounding; CR2 too,
 * since rows with equal covariates in a cluster enter its blocks only through their summed
 * weights (the same cells `--engine duckdb` fits, engine/from-sufficient-statistics.ts).
 * A 600k-receipt study has ~1,400 queries x a few dozen cells: a tenth of the rows to fit,
 * no per-row design columns.
 * Cost: three passes over the rows (gathering the rows' clusters, renumbering them, then
 * cells) with typed arrays; a Map only when cluster codes are sparse or cells exceed 2^22.
 */
import { clusterCodes } from "./cluster-codes";

export interface ClusterPatternCells {
  /** A row (index into the input arrays) of each cell, to read the cell's pattern values from. */
  readonly first: Int32Array;
  /** Dense cluster code of each cell, 0 .. groups - 1 in order of first appearance. */
  readonly cluster: Int32Array;
  readonly groups: number;
  /** Compliance fraction of each cell (weighted compliances / weighted receipts). */
  readonly successes: Float64Array;
  /** Receipts (summed row weights) of each cell. */
  readonly weights: Float64Array;
  /** Receipts in all cells (the fit's nObs). */
  readonly receipts: number;
}

const DENSE_CELLS = 1 << 22;

/**
 * @param rows the rows to use (indices into the other arrays)
 * @param pattern pattern code 0 .. patterns - 1 of each row (indexed like the arrays)
 * @param cluster non-negative cluster code of each row
 * @param complied outcome 0/1 of each row
 * @param weights receipts a row stands for, or null: one a row
 */
export function clusterPatternCells(
  rows: Int32Array, pattern: Int32Array, patterns: number, cluster: Int32Array, complied: Int8Array,
  weights: Float64Array | null,
): ClusterPatternCells {
  const n = rows.length;
  // one pass a function, each of typed arrays and numbers only: these run cold a few dozen
  // times an analysis, and a loop compiled on the spot (OSR) in a function with more loops
  // after it is thrown away when the next loop is reached
  // the rows' clusters renumbered densely by first appearance (clusterCodes also refuses a
  // negative code, which would otherwise fall silently into the first cluster)
  const { codes: local, groups } = clusterCodes(clusterOfRows(rows, cluster), n, "clusterPatternCells");
  const space = groups * patterns;
  // at most one cell a row: arrays of that size, no growing
  const cap = Math.min(space, n);
  const first = new Int32Array(cap), cellCluster = new Int32Array(cap);
  const s = new Float64Array(cap), t = new Float64Array(cap);
  const m = space <= DENSE_CELLS
    ? cellsDense(rows, local, pattern, patterns, complied, weights, new Int32Array(space).fill(-1), first, cellCluster, s, t)
    : cellsSparse(rows, local, pattern, patterns, complied, weights, first, cellCluster, s, t);
  const successes = new Float64Array(m), cellWeights = new Float64Array(m);
  const receipts = fractions(s, t, m, successes, cellWeights);
  return { first: first.slice(0, m), cluster: cellCluster.slice(0, m), groups, successes, weights: cellWeights, receipts };
}

function clusterOfRows(rows: Int32Array, cluster: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let r = 0; r < rows.length; r++) out[r] = cluster[rows[r]];
  return out;
}

function cellsDense(
  rows: Int32Array, local: Int32Array, pattern: Int32Array, patterns: number, complied: Int8Array, weights: Float64Array | null,
  slot: Int32Array, first: Int32Array, cellCluster: Int32Array, s: Float64Array, t: Float64Array,
): number {
  let m = 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r], g = local[r], key = g * patterns + pattern[i];
    let c = slot[key];
    if (c < 0) {
      c = slot[key] = m++;
      first[c] = i;
      cellCluster[c] = g;
    }
    const w = weights === null ? 1 : weights[i];
    s[c] += complied[i] * w;
    t[c] += w;
  }
  return m;
}

function cellsSparse(
  rows: Int32Array, local: Int32Array, pattern: Int32Array, patterns: number, complied: Int8Array, weights: Float64Array | null,
  first: Int32Array, cellCluster: Int32Array, s: Float64Array, t: Float64Array,
): number {
  const slot = new Map<number, number>();
  let m = 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r], g = local[r], key = g * patterns + pattern[i];
    let c = slot.get(key);
    if (c === undefined) {
      c = m++;
      slot.set(key, c);
      first[c] = i;
      cellCluster[c] = g;
    }
    const w = weights === null ? 1 : weights[i];
    s[c] += complied[i] * w;
    t[c] += w;
  }
  return m;
}

/** Each cell's compliance fraction and receipts; returns the receipts of all cells. */
function fractions(s: Float64Array, t: Float64Array, m: number, successes: Float64Array, cellWeights: Float64Array): number {
  let receipts = 0;
  for (let c = 0; c < m; c++) {
    successes[c] = s[c] / t[c];
    cellWeights[c] = t[c];
    receipts += t[c];
  }
  return receipts;
}
