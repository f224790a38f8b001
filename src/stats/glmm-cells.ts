/**
 * Internal: a mixed model's rows summed into (group x covariate pattern) cells, laid out
 * group by group, so that the deviance of a random-intercept model costs one pass over the
 * cells instead of over the rows. Exact: within a group the conditional log-likelihood, its
 * derivatives in the random effect and in the parameters are sums over rows that are linear
 * in weight x successes and weight x trials of rows with equal covariates (the same argument
 * as fitLogistic's pattern compression). 600,000 receipts of one model are ~1,400 queries x
 * a few dozen cells.
 *
 * Also validates the design, naming the row and the field: every figure of the fit rests
 * on it, and a bad row must not be summed away silently.
 * Cost: one hashing pass over the rows (findRowPatterns) plus one Map lookup a run of rows
 * with the same group label, and a counting sort of the cells by group.
 */
import { findRowPatterns } from "./row-patterns";
import { StatsError } from "./stats-error";
import type { RandomInterceptDesign } from "./glmm-types";

export interface GroupedCells {
  /** Term names, "intercept" first when there is one. */
  readonly terms: string[];
  /** One column a term over the cells (the intercept as a column of 1s). */
  readonly columns: Float64Array[];
  /** Sum of weight x successes, a cell. */
  readonly successes: Float64Array;
  /** Sum of weight x trials, a cell. */
  readonly trials: Float64Array;
  /**
   * Covariate pattern of each cell, 0 .. patterns - 1: cells of one pattern share x, so the
   * linear predictor x'beta and its exp cost one evaluation a pattern, not a cell.
   */
  readonly pattern: Int32Array;
  /** One column a term over the patterns (the intercept as a column of 1s), as `columns` over the cells. */
  readonly patternColumns: Float64Array[];
  /** Cells of group g are start[g] .. start[g + 1] - 1. */
  readonly start: Int32Array;
  /** Group labels in order of first appearance. */
  readonly labels: (string | number)[];
  /** Sum of weight x trials over all rows. */
  readonly nObs: number;
  readonly nRows: number;
  readonly intercept: boolean;
}

export const GLMM_CALLER = "fitRandomInterceptLogistic";

export function groupCells(design: RandomInterceptDesign): GroupedCells {
  const { successes, trials, weights, groups } = design;
  if (!(successes instanceof Float64Array)) throw new StatsError(`${GLMM_CALLER} requires successes to be a Float64Array`);
  const n = successes.length;
  if (n === 0) throw new StatsError(`${GLMM_CALLER} requires at least one row`);
  if (!Array.isArray(design.terms) || !Array.isArray(design.columns) || design.terms.length !== design.columns.length) {
    throw new StatsError(`${GLMM_CALLER} requires one column per term, got ${design.terms?.length} terms and ${design.columns?.length} columns`);
  }
  const intercept = design.intercept !== false;
  const seen = new Set<string>();
  for (const term of design.terms) {
    if (seen.has(term)) throw new StatsError(`${GLMM_CALLER} requires distinct term names, got '${term}' twice`);
    if (intercept && term === "intercept") throw new StatsError(`${GLMM_CALLER}: the term name 'intercept' is reserved for the intercept`);
    seen.add(term);
  }
  design.columns.forEach((col, j) => {
    const term = design.terms[j];
    if (!(col instanceof Float64Array)) throw new StatsError(`${GLMM_CALLER} requires column '${term}' to be a Float64Array`);
    if (col.length !== n) throw new StatsError(`${GLMM_CALLER}: column '${term}' has ${col.length} values, successes has ${n}`);
    const i = firstNonFinite(col);
    if (i >= 0) throw new StatsError(`${GLMM_CALLER}: column '${term}' has a missing or non-finite value (${col[i]}) at row ${i}`);
  });
  for (const [name, arr] of [["trials", trials], ["weights", weights]] as const) {
    if (arr === undefined) continue;
    if (!(arr instanceof Float64Array)) throw new StatsError(`${GLMM_CALLER} requires ${name} to be a Float64Array`);
    if (arr.length !== n) throw new StatsError(`${GLMM_CALLER} requires ${name} to have one value a row: ${arr.length} values, successes has ${n}`);
    for (let i = 0; i < n; i++) {
      if (!(arr[i] >= 0) || !Number.isFinite(arr[i])) throw new StatsError(`${GLMM_CALLER} requires ${name} to be finite and non-negative: ${arr[i]} at row ${i}`);
    }
  }
  if (groups === undefined || groups === null || groups.length !== n) {
    throw new StatsError(`${GLMM_CALLER} requires one group label a row: got ${groups?.length} labels for ${n} rows`);
  }

  const names = design.groupNames;
  if (names !== undefined && !(groups instanceof Int32Array)) throw new StatsError(`${GLMM_CALLER} requires groups to be an Int32Array of codes when groupNames is given`);
  const { groupOf, labels } = names === undefined ? indexGroups(groups, successes, trials) : indexGroupCodes(groups as Int32Array, names, successes, trials);
  const patterns = findRowPatterns(design.columns, n, Infinity, false);
  if (patterns === null) throw new StatsError(`${GLMM_CALLER}: internal error: no covariate patterns`);
  const P = patterns.count;
  const G = labels.length;
  // Cell id by (group, pattern): dense when small, else a Map.
  const dense = G * P <= 1 << 24 ? new Int32Array(G * P).fill(-1) : null;
  const sparse = dense === null ? new Map<number, number>() : null;
  const { C, cellGroup, cellPattern, cellOf } = assignCells(groupOf, patterns.patternOf, dense, sparse, P);
  // Counting sort of the cells by group (stable: patterns keep their first-appearance order).
  const { start, position } = sortByGroup(cellGroup, C, G);
  const sums = new Float64Array(C);
  const tsum = new Float64Array(C);
  const nObs = sumCells(successes, trials, weights, cellOf, position, sums, tsum);
  const terms = intercept ? ["intercept", ...design.terms] : [...design.terms];
  if (terms.length === 0) throw new StatsError(`${GLMM_CALLER} requires at least one fixed-effect term (no predictors and intercept: false)`);
  const columns: Float64Array[] = [];
  const patternColumns: Float64Array[] = [];
  if (intercept) {
    columns.push(new Float64Array(C).fill(1));
    patternColumns.push(new Float64Array(P).fill(1));
  }
  const pattern = new Int32Array(C);
  for (let c = 0; c < C; c++) pattern[position[c]] = cellPattern[c];
  for (let j = 0; j < design.columns.length; j++) {
    const values = patterns.values[j];
    columns.push(gather(values, pattern));
    patternColumns.push(values);
  }
  return { terms, columns, successes: sums, trials: tsum, pattern, patternColumns, start, labels, nObs, nRows: n, intercept };
}

// The passes over the rows, one a function: V8 then optimises each on its own type feedback
// (one function holding them all is compiled at its first hot loop and falls back to the
// interpreter at each later one, which costs more than the loops in a single cold run).

/** The first row whose value is NaN or infinite, or -1. */
function firstNonFinite(col: Float64Array): number {
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    // v - v is 0 exactly for finite v, NaN for NaN and +-Infinity
    if (v - v !== 0) return i;
  }
  return -1;
}

/** Row i's outcome is 0 <= successes <= trials (0/1 without trials), or a StatsError naming the row. */
function checkOutcome(successes: Float64Array, trials: Float64Array | undefined, i: number): void {
  const s = successes[i];
  const t = trials === undefined ? 1 : trials[i];
  if (!(s >= 0 && s <= t)) {
    throw new StatsError(trials === undefined
      ? `${GLMM_CALLER} requires a 0/1 outcome in every row: ${s} at row ${i}`
      : `${GLMM_CALLER} requires 0 <= successes <= trials in every row: ${s} successes of ${t} trials at row ${i}`);
  }
}

/** Each row's group, numbered in order of first appearance; checks the outcomes and labels on the way. */
function indexGroups(
  groups: ArrayLike<string | number>, successes: Float64Array, trials: Float64Array | undefined,
): { groupOf: Int32Array; labels: (string | number)[] } {
  const n = successes.length;
  const groupIndex = new Map<string | number, number>();
  const labels: (string | number)[] = [];
  const groupOf = new Int32Array(n);
  // Receipts come in runs of one query: a run needs no Map lookup after its first row.
  let previousLabel: string | number | undefined;
  let previousGroup = -1;
  for (let i = 0; i < n; i++) {
    checkOutcome(successes, trials, i);
    const label = groups[i];
    if (label === null || label === undefined || (typeof label === "number" && Number.isNaN(label))) {
      throw new StatsError(`${GLMM_CALLER}: the group label is missing at row ${i}`);
    }
    if (label === previousLabel) {
      groupOf[i] = previousGroup;
      continue;
    }
    let g = groupIndex.get(label);
    if (g === undefined) {
      g = labels.length;
      groupIndex.set(label, g);
      labels.push(label);
    }
    groupOf[i] = g;
    previousLabel = label;
    previousGroup = g;
  }
  return { groupOf, labels };
}

/** indexGroups for integer codes into `names`: an array lookup a row instead of a Map's. */
function indexGroupCodes(
  codes: Int32Array, names: readonly (string | number)[], successes: Float64Array, trials: Float64Array | undefined,
): { groupOf: Int32Array; labels: (string | number)[] } {
  const n = successes.length;
  const groupOfCode = new Int32Array(names.length).fill(-1);
  const labels: (string | number)[] = [];
  const groupOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    checkOutcome(successes, trials, i);
    const code = codes[i];
    if (!(code >= 0 && code < names.length) || names[code] === null || names[code] === undefined) {
      throw new StatsError(`${GLMM_CALLER}: the group label is missing at row ${i}`);
    }
    let g = groupOfCode[code];
    if (g < 0) {
      g = groupOfCode[code] = labels.length;
      labels.push(names[code]);
    }
    groupOf[i] = g;
  }
  return { groupOf, labels };
}

/** A cell id a (group, pattern) in order of first appearance, and each row's cell. */
function assignCells(
  groupOf: Int32Array, patternOf: Int32Array, dense: Int32Array | null, sparse: Map<number, number> | null, P: number,
): { C: number; cellGroup: Int32Array; cellPattern: Int32Array; cellOf: Int32Array } {
  const n = groupOf.length;
  // At most one cell a row.
  const cellGroup = new Int32Array(n);
  const cellPattern = new Int32Array(n);
  const cellOf = new Int32Array(n);
  let C = 0;
  for (let i = 0; i < n; i++) {
    const key = groupOf[i] * P + patternOf[i];
    let c = dense !== null ? dense[key] : (sparse!.get(key) ?? -1);
    if (c < 0) {
      c = C++;
      if (dense !== null) dense[key] = c;
      else sparse!.set(key, c);
      cellGroup[c] = groupOf[i];
      cellPattern[c] = patternOf[i];
    }
    cellOf[i] = c;
  }
  return { C, cellGroup, cellPattern, cellOf };
}

/** Counting sort of the cells by group: group g's cells start at start[g]; cell c goes to position[c]. */
function sortByGroup(cellGroup: Int32Array, C: number, G: number): { start: Int32Array; position: Int32Array } {
  const start = new Int32Array(G + 1);
  for (let c = 0; c < C; c++) start[cellGroup[c] + 1]++;
  for (let g = 0; g < G; g++) start[g + 1] += start[g];
  const next = start.slice(0, G);
  const position = new Int32Array(C);
  for (let c = 0; c < C; c++) position[c] = next[cellGroup[c]]++;
  return { start, position };
}

/** Weight x successes and weight x trials summed into the cells (at their sorted positions); returns the total weight x trials. */
function sumCells(
  successes: Float64Array, trials: Float64Array | undefined, weights: Float64Array | undefined,
  cellOf: Int32Array, position: Int32Array, sums: Float64Array, tsum: Float64Array,
): number {
  let nObs = 0;
  for (let i = 0; i < successes.length; i++) {
    const w = weights === undefined ? 1 : weights[i];
    const t = (trials === undefined ? 1 : trials[i]) * w;
    const p = position[cellOf[i]];
    sums[p] += successes[i] * w;
    tsum[p] += t;
    nObs += t;
  }
  return nObs;
}

/** values[index[c]] a c. */
function gather(values: Float64Array, index: Int32Array): Float64Array {
  const out = new Float64Array(index.length);
  for (let c = 0; c < index.length; c++) out[c] = values[index[c]];
  return out;
}
