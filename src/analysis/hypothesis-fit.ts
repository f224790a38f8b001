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
 * Without a cluster field, receipts are first aggregated to one row per (n_benign,
 * n_harmful) cell and fitted as grouped binomial data: the same estimates as the 0/1 fit at
 * a fraction of the cost. With a cluster field (e.g. query_id) the fit runs on the receipts
 * themselves and standard errors are CR1 cluster-robust, as `sandwich::vcovCL(type = "HC1")`.
 * Parse errors are left out and counted.
 */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import { fitLogistic, type LogisticFit } from "../stats";

export type Hypothesis = "total" | "harmful" | "joint" | "encompassing";
export type CountScale = "log1p" | "raw";

export const HYPOTHESIS_TERMS: Record<Hypothesis, readonly ("total" | "harmful" | "benign")[]> = {
  total: ["total"],
  harmful: ["harmful"],
  joint: ["harmful", "benign"],
  encompassing: ["total", "harmful", "benign"],
};

export interface HypothesisFitOptions {
  /** Count scale: log(n + 1) (default, the study's) or raw counts. */
  readonly counts?: CountScale;
  /** Field whose values are clusters for CR1 robust errors, e.g. "query_id"; default none. */
  readonly cluster?: ReceiptFieldName | null;
  readonly confLevel?: number;
}

export interface CountData {
  readonly nBenign: Float64Array;
  readonly nHarmful: Float64Array;
  readonly successes: Float64Array;
  readonly trials: Float64Array;
  /** Cluster label per row, when fitted on receipts. */
  readonly cluster: unknown[] | null;
  readonly parseErrors: number;
}

/** Receipts as count data: grouped by cell, or one row per receipt when clustering. */
export function countData(table: ReceiptTable, cluster: ReceiptFieldName | null = null): CountData {
  const nb = table.numbers("n_benign"), nh = table.numbers("n_harmful"), y = table.flags("complied");
  let parseErrors = 0;
  for (let i = 0; i < y.length; i++) if (y[i] < 0) parseErrors++;
  if (cluster !== null) {
    const labels = table.values(cluster);
    const keep: number[] = [];
    for (let i = 0; i < y.length; i++) if (y[i] >= 0) keep.push(i);
    return {
      nBenign: Float64Array.from(keep, (i) => nb[i]),
      nHarmful: Float64Array.from(keep, (i) => nh[i]),
      successes: Float64Array.from(keep, (i) => y[i]),
      trials: new Float64Array(keep.length).fill(1),
      cluster: keep.map((i) => labels[i]),
      parseErrors,
    };
  }
  const cells = new Map<number, number>();
  const b: number[] = [], h: number[] = [], s: number[] = [], t: number[] = [];
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0) continue;
    const key = nb[i] * 1048576 + nh[i];
    let c = cells.get(key);
    if (c === undefined) {
      c = b.length;
      cells.set(key, c);
      b.push(nb[i]); h.push(nh[i]); s.push(0); t.push(0);
    }
    s[c] += y[i];
    t[c] += 1;
  }
  return { nBenign: Float64Array.from(b), nHarmful: Float64Array.from(h), successes: Float64Array.from(s), trials: Float64Array.from(t), cluster: null, parseErrors };
}

export function transformCounts(n: Float64Array, scale: CountScale): Float64Array {
  if (scale === "raw") return n;
  // Counts are small integers: look log(n + 1) up instead of calling Math.log1p a million times
  // (same values, bit for bit).
  const table: number[] = [];
  const out = new Float64Array(n.length);
  for (let i = 0; i < n.length; i++) {
    const v = n[i];
    if (Number.isInteger(v) && v >= 0 && v < 65536) out[i] = table[v] ??= Math.log1p(v);
    else out[i] = Math.log1p(v);
  }
  return out;
}

/** Fit one hypothesis' model to count data. Terms are named total, harmful, benign. */
export function fitCountModel(data: CountData, hypothesis: Hypothesis, options: HypothesisFitOptions = {}): LogisticFit {
  const scale = options.counts ?? "log1p";
  const columnsByTerm = {
    total: () => transformCounts(data.nBenign.map((b, i) => b + data.nHarmful[i]), scale),
    harmful: () => transformCounts(data.nHarmful, scale),
    benign: () => transformCounts(data.nBenign, scale),
  };
  const terms = [...HYPOTHESIS_TERMS[hypothesis]];
  const fit = fitLogistic(
    { terms, columns: terms.map((t) => columnsByTerm[t]()), successes: data.successes, trials: data.trials },
    { confLevel: options.confLevel },
  );
  return data.cluster !== null && options.cluster ? fit.withClusterRobust(data.cluster as (string | number)[], options.cluster) : fit;
}

/** Fit one hypothesis' model to receipts. */
export function fitHypothesis(table: ReceiptTable, hypothesis: Hypothesis, options: HypothesisFitOptions = {}): LogisticFit {
  return fitCountModel(countData(table, options.cluster ?? null), hypothesis, options);
}
