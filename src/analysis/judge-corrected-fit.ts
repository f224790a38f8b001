/**
 * The study's count models (total, harmful, joint; `hypothesis-fit.ts`) refitted with the
 * misclassification-adjusted likelihood, so that b1 (harmful) and b2 (benign) describe
 * true compliance rather than what an imperfect judge reports; the ordinary fit on the
 * judge's labels is returned beside it for comparison.
 *
 * Receipts are first aggregated to one weighted row per (cluster, n_benign, n_harmful,
 * judge label, reference label) pattern: the same likelihood as one row a receipt, at a
 * fraction of the cost. Parse errors are left out and counted.
 *
 * Standard errors are CR1 cluster-robust by query_id by default, as everywhere in the kit
 * (every query is asked in every cell; see docs/inference.md): `cluster: null` gives
 * model-based errors, `cluster: "field"` clusters by another field. Only CR1 is available
 * for this likelihood (the kit switches ordinary fits to CR2 below CR2_BELOW_CLUSTERS
 * clusters); with fewer clusters than that the result carries a warning.
 */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import { fitLogistic, type LogisticFit } from "../stats";
import { CR2_BELOW_CLUSTERS } from "../stats/cluster-robust-vcov";
import { fitMisclassifiedLogistic, type MisclassifiedLogisticFit, type MisclassifiedTerm } from "../stats/misclassification-logistic-fit";
import { clusterCodesOf, HYPOTHESIS_TERMS, resolveCluster, transformCounts, type CountScale, type Hypothesis } from "./hypothesis-fit";

export interface JudgeCorrectedFitOptions {
  /** Default "joint": complied ~ x(n_harmful) + x(n_benign). */
  readonly hypothesis?: Hypothesis;
  /** Default "log1p". */
  readonly counts?: CountScale;
  /** "joint" (default): Se and Sp estimated with the coefficients from the reference labels; or fixed values. */
  readonly accuracy?: "joint" | { readonly sensitivity: number; readonly specificity: number };
  readonly confLevel?: number;
  /** Cluster field for CR1 errors. Default (undefined): "query_id" when receipts carry one; null: model-based. */
  readonly cluster?: ReceiptFieldName | null;
}

/** A corrected term beside the ordinary fit's estimate of it (null for sensitivity and specificity). */
export type JudgeCorrectedTerm = MisclassifiedTerm & { naive_estimate: number | null; naive_std_error: number | null };

export interface JudgeCorrectedFitResult {
  readonly hypothesis: Hypothesis;
  /** Tidy rows: intercept and count terms, then sensitivity and specificity (joint accuracy). */
  readonly terms: JudgeCorrectedTerm[];
  readonly fit: MisclassifiedLogisticFit;
  /** The ordinary logistic fit on the judge's labels. */
  readonly naive: LogisticFit;
  readonly parse_errors: number;
  /** "model-based" or "CR1 by query_id (300 clusters)": the errors of `terms` (corrected and naive alike). */
  readonly std_error_type: string;
  /** Problems a reader must see: non-convergence, few clusters. */
  readonly warnings: string[];
}

/**
 * @example
 * judgeCorrectedFit(receipts.where({ model: "OLMo-3.1-32B-DPO" })).terms
 * // [{ term: "intercept", ... }, { term: "harmful", estimate, naive_estimate, ... }, { term: "benign", ... }, { term: "sensitivity", ... }, ...]
 */
export function judgeCorrectedFit(table: ReceiptTable, options: JudgeCorrectedFitOptions = {}): JudgeCorrectedFitResult {
  const hypothesis = options.hypothesis ?? "joint";
  const scale = options.counts ?? "log1p";
  const nb = table.numbers("n_benign"), nh = table.numbers("n_harmful"), y = table.flags("complied");
  const reference = table.values("reference_label");
  const clusterField = resolveCluster(table, options.cluster);
  const codes = clusterField === null ? null : clusterCodesOf(table, clusterField);
  const patterns = new Map<string, number>();
  const b: number[] = [], h: number[] = [], judged: number[] = [], ref: number[] = [], weight: number[] = [], cluster: number[] = [];
  const rowWeights = table.weights(); // a weighted row (a cell) stands for w receipts
  let parseErrors = 0;
  for (let i = 0; i < y.length; i++) {
    const w = rowWeights === null ? 1 : rowWeights[i];
    if (y[i] < 0) { parseErrors += w; continue; }
    const r = reference[i] === "compliance" ? 1 : reference[i] === "refusal" ? 0 : -1;
    const c = codes === null ? 0 : codes[i];
    const key = `${c},${nb[i]},${nh[i]},${y[i]},${r}`;
    let k = patterns.get(key);
    if (k === undefined) {
      k = b.length;
      patterns.set(key, k);
      b.push(nb[i]); h.push(nh[i]); judged.push(y[i]); ref.push(r); weight.push(0); cluster.push(c);
    }
    weight[k] += w;
  }
  const nBenign = Float64Array.from(b), nHarmful = Float64Array.from(h);
  const columnsByTerm = {
    total: () => transformCounts(nBenign.map((v, i) => v + nHarmful[i]), scale),
    harmful: () => transformCounts(nHarmful, scale),
    benign: () => transformCounts(nBenign, scale),
  };
  const terms = [...HYPOTHESIS_TERMS[hypothesis]];
  const columns = terms.map((t) => columnsByTerm[t]());
  const weights = Float64Array.from(weight), successes = Float64Array.from(judged);
  const clusterCodes = clusterField === null ? undefined : Int32Array.from(cluster);
  const fit = fitMisclassifiedLogistic(
    { terms, columns, judged: successes, reference: Float64Array.from(ref), weights, cluster: clusterCodes },
    { accuracy: options.accuracy, confLevel: options.confLevel, clusterName: clusterField ?? undefined },
  );
  const modelNaive = fitLogistic({ terms, columns, successes, weights }, { confLevel: options.confLevel });
  // CR1 for the naive fit too, so the two columns' errors are of one kind
  const naive = clusterCodes === undefined ? modelNaive : modelNaive.withClusterRobust(clusterCodes, clusterField!, { type: "CR1" });
  const warnings: string[] = [];
  if (!fit.converged) warnings.push(`the misclassification-adjusted fit did not converge in ${fit.iterations} iterations: its estimates are not to be read`);
  if (fit.clusters !== null && fit.clusters < CR2_BELOW_CLUSTERS) {
    warnings.push(`only ${fit.clusters} clusters of ${clusterField}: CR1 errors are too small with fewer than ${CR2_BELOW_CLUSTERS}`);
  }
  return {
    hypothesis,
    terms: fit.terms.map((t) => {
      const j = naive.terms.indexOf(t.term);
      return { ...t, naive_estimate: j >= 0 ? naive.estimates[j] : null, naive_std_error: j >= 0 ? naive.stdErrors[j] : null };
    }),
    fit,
    naive,
    parse_errors: parseErrors,
    std_error_type: fit.std_error_type,
    warnings,
  };
}
