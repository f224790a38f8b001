/**
 * The study's three logistic models on receipt counts, with x = log(n + 1) (default) or
 * x = n:
 *   total    complied ~ x(n_total)
 *   harmful  complied ~ x(n_harmful)
 *   joint    complied ~ x(n_harmful) + x(n_benign)
 * plus `encompassing` (x(n_total) + x(n_harmful) + x(n_benign)), the smallest model that
 * contains both total and joint when counts are on the log scale, where the total model is
 * not a special case of the joint one; with raw counts the joint model already contains it.
 *
 * Standard errors are cluster-robust by query by default: every query is asked in every cell,
 * so receipts of one query are not independent, and model-based errors (and the chi-square
 * tests that assume independent receipts) are too small or too large depending on how queries
 * differ (see docs/inference.md). `cluster` left undefined means "query_id" when the receipts
 * carry query ids, and model-based errors otherwise; null opts out. With a cluster the fit
 * runs on the receipts themselves and errors are, by default ("auto"), CR1 as
 * `sandwich::vcovCL(type = "HC1")` with CR2_BELOW_CLUSTERS (42) clusters or more, and CR2 with
 * Satterthwaite degrees of freedom as clubSandwich below. Without a cluster, receipts are first
 * aggregated to one row per (n_benign, n_harmful) cell and fitted as grouped binomial data:
 * the same estimates as the 0/1 fit at a fraction of the cost.
 * Parse errors are left out and counted.
 */
import type { ReceiptTable } from "../io/receipt-table";
import { FIELD_BY_NAME, type ReceiptFieldName } from "../receipt/fields";
import { fitLogistic, type LogisticFit } from "../stats";
import { clusterPatternCells } from "../stats/cluster-pattern-cells";
import { flagsOf, numbersOf } from "./view-columns";

export type Hypothesis = "total" | "harmful" | "joint" | "encompassing";
export type CountScale = "log1p" | "raw";
export type ClusterType = "auto" | "CR1" | "CR2";

export const HYPOTHESIS_TERMS: Record<Hypothesis, readonly ("total" | "harmful" | "benign")[]> = {
  total: ["total"],
  harmful: ["harmful"],
  joint: ["harmful", "benign"],
  encompassing: ["total", "harmful", "benign"],
};

export interface HypothesisFitOptions {
  /** Count scale: log(n + 1) (default, the study's) or raw counts. */
  readonly counts?: CountScale;
  /**
   * Field whose values are clusters for robust errors. Default (undefined): "query_id" when the
   * receipts have query ids, else none; null: model-based errors.
   */
  readonly cluster?: ReceiptFieldName | null;
  /** Which cluster-robust errors: "auto" (default; CR2 below 42 clusters, else CR1), "CR1" or "CR2". */
  readonly clusterType?: ClusterType;
  readonly confLevel?: number;
}

export interface CountData {
  readonly nBenign: Float64Array;
  readonly nHarmful: Float64Array;
  readonly successes: Float64Array;
  readonly trials: Float64Array;
  /** Cluster code per row (0 .. clusters - 1), when fitted on receipts. */
  readonly cluster: Int32Array | null;
  /** The cluster field, when fitted on receipts. */
  readonly clusterName: string | null;
  readonly parseErrors: number;
  /**
   * Frequency weights, one a row, when the rows are a weighted table's cells (row i stands
   * for weights[i] receipts); absent or null: one receipt a row. Only with `cluster`: the
   * grouped rows already sum the weights into their trials.
   */
  readonly weights?: Float64Array | null;
}

/** out[k] = from[rows[k]] in a plain loop (TypedArray.from with a map function costs a call per row). */
function gatherRows<T extends Float64Array | Int32Array>(from: ArrayLike<number>, rows: Int32Array, out: T): T {
  for (let k = 0; k < rows.length; k++) out[k] = from[rows[k]];
  return out;
}

/** Counts below this index the cell array directly in countData. */
const DENSE_COUNTS = 512;

/** Receipts as count data: grouped by cell, or one row per receipt when clustering. */
export function countData(table: ReceiptTable, cluster: ReceiptFieldName | null = null): CountData {
  // analyses and their warnings ask for the same table's counts more than once (a table never
  // changes): the grouped counts are made once a table; their arrays are shared, read only
  if (cluster !== null) return countDataOf(table, cluster);
  return memo(table, "", () => countDataOf(table, null));
}

const made = new WeakMap<ReceiptTable, Map<string, CountData>>();

function memo(table: ReceiptTable, key: string, make: () => CountData): CountData {
  let byKey = made.get(table);
  if (byKey === undefined) made.set(table, (byKey = new Map()));
  let data = byKey.get(key);
  if (data === undefined) byKey.set(key, (data = make()));
  return data;
}

function countDataOf(table: ReceiptTable, cluster: ReceiptFieldName | null): CountData {
  const nb = numbersOf(table, "n_benign"), nh = numbersOf(table, "n_harmful"), y = flagsOf(table, "complied");
  // a weighted table's row is a cell of w identical receipts: it counts w times everywhere
  const w = table.weights();
  let parseErrors = 0, parseRows = 0;
  for (let i = 0; i < y.length; i++) if (y[i] < 0) {
    parseRows++;
    parseErrors += w === null ? 1 : w[i];
  }
  if (cluster !== null) {
    const codes = clusterCodesOf(table, cluster);
    const keep = new Int32Array(y.length - parseRows);
    for (let i = 0, m = 0; i < y.length; i++) if (y[i] >= 0) keep[m++] = i;
    return {
      nBenign: gatherRows(nb, keep, new Float64Array(keep.length)),
      nHarmful: gatherRows(nh, keep, new Float64Array(keep.length)),
      successes: gatherRows(y, keep, new Float64Array(keep.length)),
      trials: new Float64Array(keep.length).fill(1),
      cluster: gatherRows(codes, keep, new Int32Array(keep.length)),
      clusterName: cluster,
      parseErrors,
      ...(w === null ? {} : { weights: gatherRows(w, keep, new Float64Array(keep.length)) }),
    };
  }
  const cells = new Map<number, number>();
  const b: number[] = [], h: number[] = [], s: number[] = [], t: number[] = [];
  // demonstration counts are small integers: their cell is looked up in an array, the rest
  // (never in practice) through the Map; cells are numbered by first appearance either way
  const dense = new Int32Array(DENSE_COUNTS * DENSE_COUNTS).fill(-1);
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0) continue;
    const bi = nb[i], hi = nh[i], wi = w === null ? 1 : w[i];
    if (bi >= 0 && bi < DENSE_COUNTS && hi >= 0 && hi < DENSE_COUNTS && (bi | 0) === bi && (hi | 0) === hi) {
      const d = bi * DENSE_COUNTS + hi;
      let c = dense[d];
      if (c < 0) {
        c = dense[d] = b.length;
        b.push(bi); h.push(hi); s.push(0); t.push(0);
      }
      s[c] += y[i] * wi;
      t[c] += wi;
      continue;
    }
    const key = nb[i] * 1048576 + nh[i];
    let c = cells.get(key);
    if (c === undefined) {
      c = b.length;
      cells.set(key, c);
      b.push(nb[i]); h.push(nh[i]); s.push(0); t.push(0);
    }
    s[c] += y[i] * wi;
    t[c] += wi;
  }
  return { nBenign: Float64Array.from(b), nHarmful: Float64Array.from(h), successes: Float64Array.from(s), trials: Float64Array.from(t), cluster: null, clusterName: null, parseErrors };
}

/**
 * Receipts as clustered count data summed into (cluster, n_benign, n_harmful) cells: a cell's
 * receipts are its frequency weight, its compliance fraction the outcome. A cluster-robust fit
 * on these has the estimates, likelihood, nObs and CR1/CR2 errors of the fit on the receipts
 * (`countData(table, cluster)`; see stats/cluster-pattern-cells.ts), on about a tenth of the
 * rows, so this is what the analyses fit. Its rows are cells: fitted values are per cell.
 */
export function clusteredCellData(table: ReceiptTable, cluster: ReceiptFieldName): CountData {
  return memo(table, `cells:${cluster}`, () => cellDataOf(table, cluster));
}

function cellDataOf(table: ReceiptTable, cluster: ReceiptFieldName): CountData {
  const nb = numbersOf(table, "n_benign"), nh = numbersOf(table, "n_harmful"), y = flagsOf(table, "complied");
  const w = table.weights();
  const codes = clusterCodesOf(table, cluster);
  // one pass a function (typed arrays and numbers only), so that each is compiled once cold
  const keep = judgedRows(y);
  const pattern = new Int32Array(y.length);
  const patterns = countPatterns(keep, nb, nh, pattern);
  const cells = clusterPatternCells(keep, pattern, patterns, codes, y, w);
  return {
    nBenign: gatherRows(nb, cells.first, new Float64Array(cells.first.length)),
    nHarmful: gatherRows(nh, cells.first, new Float64Array(cells.first.length)),
    successes: cells.successes,
    trials: new Float64Array(cells.first.length).fill(1),
    cluster: cells.cluster,
    clusterName: cluster,
    parseErrors: parseErrorsOf(y, w),
    weights: cells.weights,
  };
}

/** Rows with a parsed outcome (complied 0 or 1). */
function judgedRows(y: Int8Array): Int32Array {
  const keep = new Int32Array(y.length);
  let m = 0;
  for (let i = 0; i < y.length; i++) if (y[i] >= 0) keep[m++] = i;
  return keep.slice(0, m);
}

/** Receipts with a parse error (weighted rows count their weight). */
function parseErrorsOf(y: Int8Array, w: Float64Array | null): number {
  let parseErrors = 0;
  for (let i = 0; i < y.length; i++) if (y[i] < 0) parseErrors += w === null ? 1 : w[i];
  return parseErrors;
}

/**
 * (n_benign, n_harmful) cell codes of the kept rows into `pattern`, numbered by first
 * appearance: small integer counts index an array, the rest go through a Map. Returns the count.
 */
function countPatterns(keep: Int32Array, nb: Float64Array, nh: Float64Array, pattern: Int32Array): number {
  const dense = new Int32Array(DENSE_COUNTS * DENSE_COUNTS).fill(-1);
  let other: Map<string, number> | null = null;
  let patterns = 0;
  for (let k = 0; k < keep.length; k++) {
    const i = keep[k], bi = nb[i], hi = nh[i];
    let c: number;
    if (bi >= 0 && bi < DENSE_COUNTS && hi >= 0 && hi < DENSE_COUNTS && (bi | 0) === bi && (hi | 0) === hi) {
      const d = bi * DENSE_COUNTS + hi;
      c = dense[d];
      if (c < 0) c = dense[d] = patterns++;
    } else {
      other ??= new Map();
      const key = `${bi}/${hi}`;
      const found = other.get(key);
      if (found === undefined) other.set(key, (c = patterns++));
      else c = found;
    }
    pattern[i] = c;
  }
  return patterns;
}

export function transformCounts(n: Float64Array, scale: CountScale): Float64Array {
  if (scale === "raw") return n;
  // Counts are small integers: look log(n + 1) up instead of calling Math.log1p a million times
  // (same values, bit for bit), in a typed array filled once (a growing plain array with ??=
  // cost a hole check and a call a row)
  const table = (log1pTable ??= log1pOfSmallCounts());
  const out = new Float64Array(n.length);
  for (let i = 0; i < n.length; i++) {
    const v = n[i];
    // false for NaN and non-integers; -0 is looked up as 0 (log(1 + 0) = 0, as before)
    out[i] = v >= 0 && v < SMALL_COUNTS && (v | 0) === v ? table[v] : Math.log1p(v);
  }
  return out;
}

/** Counts below this have log(n + 1) looked up. */
const SMALL_COUNTS = 4096;
let log1pTable: Float64Array | undefined;

function log1pOfSmallCounts(): Float64Array {
  const t = new Float64Array(SMALL_COUNTS);
  for (let v = 0; v < SMALL_COUNTS; v++) t[v] = Math.log1p(v);
  return t;
}

/** Fit one hypothesis' model to count data. Terms are named total, harmful, benign. */
export function fitCountModel(data: CountData, hypothesis: Hypothesis, options: HypothesisFitOptions = {}): LogisticFit {
  const scale = options.counts ?? "log1p";
  const columnsByTerm = {
    total: () => transformCounts(sumOf(data.nBenign, data.nHarmful), scale),
    harmful: () => transformCounts(data.nHarmful, scale),
    benign: () => transformCounts(data.nBenign, scale),
  };
  const terms = [...HYPOTHESIS_TERMS[hypothesis]];
  const fit = fitLogistic(
    { terms, columns: terms.map((t) => columnsByTerm[t]()), successes: data.successes, trials: data.trials, ...(data.weights ? { weights: data.weights } : {}) },
    { confLevel: options.confLevel },
  );
  return data.cluster !== null && options.cluster !== null
    ? fit.withClusterRobust(data.cluster, data.clusterName ?? "cluster", { type: options.clusterType ?? "auto" })
    : fit;
}

/** a + b elementwise in a plain loop (TypedArray.map calls its function a row). */
function sumOf(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] + b[i];
  return out;
}

/** Fit one hypothesis' model to receipts. */
export function fitHypothesis(table: ReceiptTable, hypothesis: Hypothesis, options: HypothesisFitOptions = {}): LogisticFit {
  return fitCountModel(countData(table, resolveCluster(table, options.cluster)), hypothesis, options);
}

/**
 * The cluster field an analysis uses: the one asked for, or (undefined) "query_id" when some
 * receipt has a query id; null when asked for none or when no receipt has one.
 */
export function resolveCluster(table: ReceiptTable, cluster: ReceiptFieldName | null | undefined): ReceiptFieldName | null {
  if (cluster !== undefined) return cluster;
  const codes = table.dictionary("query_id").codes;
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) return "query_id";
  return null;
}

/**
 * Cluster codes of a field, one a row: a dictionary field's codes as they are, any other
 * field's values numbered once here. A receipt without a value is an error naming it.
 * Made once a table and field (analyses ask for the same view's query codes many times) and
 * shared: read only.
 */
export function clusterCodesOf(table: ReceiptTable, field: ReceiptFieldName): Int32Array {
  let byField = clusterCodeColumns.get(table);
  if (byField === undefined) clusterCodeColumns.set(table, (byField = new Map()));
  let codes = byField.get(field);
  if (codes === undefined) byField.set(field, (codes = clusterCodesOfRows(table, field)));
  return codes;
}

const clusterCodeColumns = new WeakMap<ReceiptTable, Map<ReceiptFieldName, Int32Array>>();

function clusterCodesOfRows(table: ReceiptTable, field: ReceiptFieldName): Int32Array {
  let codes: Int32Array;
  if (FIELD_BY_NAME.get(field)?.dictionary === true) {
    codes = table.dictionary(field).codes;
  } else {
    const values = table.values(field);
    const ids = new Map<unknown, number>();
    codes = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) { codes[i] = -1; continue; }
      const key = typeof v === "object" ? JSON.stringify(v) : v;
      let c = ids.get(key);
      if (c === undefined) ids.set(key, (c = ids.size));
      codes[i] = c;
    }
  }
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] < 0) {
      throw new Error(
        `cluster-robust errors by ${field}: ${table.weights() === null ? "receipt" : "row (cell of receipts)"} ${i + 1} of the ${codes.length} analysed has no ${field}; ` +
        `give every receipt one, or pass cluster: null (CLI: --cluster none) for model-based errors`,
      );
    }
  }
  return codes;
}
