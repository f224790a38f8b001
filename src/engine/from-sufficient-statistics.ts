/**
 * Back from grouped counts (the rows `sufficientStatisticsSQL` returns, from DuckDB or any
 * SQL engine) to what the fit needs: per group, one row per covariate pattern (and cluster).
 * Without a cluster, its compliances are the successes and its judged receipts the trials: a
 * grouped binomial fit with the 0/1 fit's estimates and likelihood. With a cluster, a row is
 * its receipts as a frequency weight, its compliance fraction as the outcome (see
 * `countsAsData`): the 0/1 fit's estimates, likelihood, CR1 and CR2 covariances.
 */
import type { CountData } from "../analysis/hypothesis-fit";
import type { GroupValues } from "../analysis/group-by";

/** One row of sufficient statistics: the group's fields, the cluster (if any), the pattern and its counts. */
export interface SufficientStatisticsRow {
  readonly n_benign: number | bigint;
  readonly n_harmful: number | bigint;
  readonly compliances: number | bigint;
  readonly trials: number | bigint;
  readonly parse_errors?: number | bigint;
  readonly cluster?: string | number | bigint | null;
  readonly [field: string]: unknown;
}

export interface CountDataPart {
  readonly group: GroupValues;
  readonly data: CountData;
}

/** Engines return counts as 64-bit integers; receipts counts are far below 2^53. */
function num(v: unknown): number {
  return typeof v === "bigint" ? Number(v) : (v as number);
}

function scalar(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  return typeof v === "bigint" ? Number(v) : (v as string | number | boolean);
}

/**
 * Count data per group of `by` from sufficient-statistics rows, groups in the kit's order
 * (by their values: numbers numerically, nulls first), as `splitTable` orders them.
 * `cluster`: the field the rows' `cluster` column holds (null: not clustered); its labels
 * become codes 0 .. G-1 per group, one a row, for CR1.
 */
export function fromSufficientStatistics(rows: readonly SufficientStatisticsRow[], by: readonly string[] = [], cluster: string | null = null): CountDataPart[] {
  const index = new Map<string, number>();
  const parts: { group: GroupValues; rows: SufficientStatisticsRow[] }[] = [];
  for (const r of rows) {
    const group: GroupValues = {};
    for (const f of by) group[f] = scalar(r[f]);
    const key = by.map((f) => String(group[f])).join("\x1f");
    let g = index.get(key);
    if (g === undefined) { g = parts.length; index.set(key, g); parts.push({ group, rows: [] }); }
    parts[g].rows.push(r);
  }
  parts.sort((a, b) => compareGroups(a.group, b.group, by));
  return parts.map(({ group, rows: rs }) => {
    let parseErrors = 0;
    const keep = rs.filter((r) => {
      parseErrors += num(r.parse_errors ?? 0);
      return num(r.trials) > 0;
    });
    return {
      group,
      data: countsAsData(
        Float64Array.from(keep, (r) => num(r.n_benign)), Float64Array.from(keep, (r) => num(r.n_harmful)),
        Float64Array.from(keep, (r) => num(r.compliances)), Float64Array.from(keep, (r) => num(r.trials)),
        cluster === null ? null : clusterCodes(keep, cluster), cluster, parseErrors,
      ),
    };
  });
}

/**
 * Sufficient statistics as columns, with integer codes for the groups and clusters (what
 * `codedSufficientStatisticsSQL` returns, read by `readResultColumns`): the same count data
 * as `fromSufficientStatistics` on the equivalent rows, built with typed arrays and no
 * per-row objects or strings.
 */
export interface CodedStatistics {
  /** Group code a row: any non-negative integers, one a distinct group. */
  readonly groupCode: Int32Array;
  /** Cluster code a row (non-negative integers; -1: the row has no cluster), or null when not clustered. */
  readonly clusterCode: Int32Array | null;
  readonly nBenign: Float64Array;
  readonly nHarmful: Float64Array;
  readonly compliances: Float64Array;
  readonly trials: Float64Array;
  readonly parseErrors: Float64Array;
}

/**
 * Count data per group from coded columns, groups in the kit's order. `groupOf(row)`: the
 * `by` values of the group of a row, asked once a group (at its first row). Within a group
 * the cluster codes are renumbered 0 .. G-1 in order of first appearance.
 */
export function fromCodedStatistics(
  columns: CodedStatistics, groupOf: (row: number) => GroupValues, by: readonly string[] = [], cluster: string | null = null,
): CountDataPart[] {
  const { groupCode, clusterCode, nBenign, nHarmful, compliances, trials, parseErrors } = columns;
  const n = groupCode.length;
  if (cluster !== null && clusterCode === null) throw new Error(`fromCodedStatistics: clustered by ${cluster} but given no cluster codes`);
  // part of each group code (codes are small: a lookup array), rows kept and parse errors a part
  let maxCode = -1;
  for (let i = 0; i < n; i++) {
    const g = groupCode[i];
    if (!(g >= 0)) throw new Error(`fromCodedStatistics: row ${i} has no group code`);
    if (g > maxCode) maxCode = g;
  }
  const partOfCode = new Int32Array(maxCode + 1).fill(-1);
  const firstRow: number[] = [], kept: number[] = [], errors: number[] = [];
  for (let i = 0; i < n; i++) {
    let p = partOfCode[groupCode[i]];
    if (p < 0) {
      p = partOfCode[groupCode[i]] = firstRow.length;
      firstRow.push(i); kept.push(0); errors.push(0);
    }
    errors[p] += parseErrors[i];
    if (trials[i] > 0) kept[p]++;
  }
  const parts = firstRow.map((row, p) => ({
    group: groupOf(row),
    nb: new Float64Array(kept[p]), nh: new Float64Array(kept[p]), s: new Float64Array(kept[p]), t: new Float64Array(kept[p]),
    c: clusterCode === null ? null : new Int32Array(kept[p]),
    fill: 0,
  }));
  for (let i = 0; i < n; i++) {
    if (!(trials[i] > 0)) continue;
    const part = parts[partOfCode[groupCode[i]]];
    const k = part.fill++;
    part.nb[k] = nBenign[i]; part.nh[k] = nHarmful[i]; part.s[k] = compliances[i]; part.t[k] = trials[i];
    if (part.c !== null) {
      const code = clusterCode![i];
      if (code < 0) throw new Error(`fromCodedStatistics: a row has no ${cluster} (the cluster field); every receipt needs one for cluster-robust errors`);
      part.c[k] = code;
    }
  }
  const out = parts.map((part, p) => ({
    group: part.group,
    data: countsAsData(part.nb, part.nh, part.s, part.t, part.c === null ? null : denseCodes(part.c), cluster, errors[p]),
  }));
  out.sort((a, b) => compareGroups(a.group, b.group, by));
  return out;
}

/**
 * The count data of grouped rows. Without a cluster: successes out of trials, a grouped
 * binomial fit (the same fit as the 0/1 receipts). With a cluster, each (cluster, pattern)
 * row stands for `trials` receipts of one cluster: it becomes a row of frequency weight
 * `trials` with the fraction `compliances / trials` as its outcome (and trials 1), which is
 * how CountData says "this row is w receipts". CR1 and the likelihood are the same either
 * way, but CR2 is not: it takes trials as prior weights (clubSandwich on a cbind() glm) and
 * frequency weights as the 0/1 expansion, and only the latter is the receipts' CR2 (with
 * trials, `--engine duckdb` gave CR2 standard errors 65% off the in-memory ones for three
 * clusters).
 */
function countsAsData(
  nBenign: Float64Array, nHarmful: Float64Array, compliances: Float64Array, trials: Float64Array,
  cluster: Int32Array | null, clusterName: string | null, parseErrors: number,
): CountData {
  if (cluster === null) return { nBenign, nHarmful, successes: compliances, trials, cluster: null, clusterName, parseErrors };
  const fraction = new Float64Array(trials.length);
  for (let i = 0; i < trials.length; i++) fraction[i] = compliances[i] / trials[i];
  return { nBenign, nHarmful, successes: fraction, trials: new Float64Array(trials.length).fill(1), weights: trials, cluster, clusterName, parseErrors };
}

/** Non-negative codes renumbered 0 .. G-1 in order of first appearance, in place. */
function denseCodes(codes: Int32Array): Int32Array {
  let max = -1;
  for (let i = 0; i < codes.length; i++) if (codes[i] > max) max = codes[i];
  const dense = new Int32Array(max + 1).fill(-1);
  let next = 0;
  for (let i = 0; i < codes.length; i++) {
    let d = dense[codes[i]];
    if (d < 0) d = dense[codes[i]] = next++;
    codes[i] = d;
  }
  return codes;
}

/** The rows' cluster labels as codes in order of first appearance. */
function clusterCodes(rows: readonly SufficientStatisticsRow[], field: string): Int32Array {
  const codes = new Int32Array(rows.length);
  const index = new Map<unknown, number>();
  rows.forEach((r, i) => {
    const label = scalar(r.cluster);
    if (label === null) throw new Error(`fromSufficientStatistics: a row has no ${field} (the cluster field); every receipt needs one for cluster-robust errors`);
    let c = index.get(label);
    if (c === undefined) { c = index.size; index.set(label, c); }
    codes[i] = c;
  });
  return codes;
}

/** The order `groupBy` sorts groups in: field by field, nulls first, numbers numerically, else as text. */
export function compareGroups(a: GroupValues, b: GroupValues, by: readonly string[]): number {
  for (const f of by) {
    const x = a[f], y = b[f];
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}
