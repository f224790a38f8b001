/**
 * The study's count models (total, harmful, joint; `hypothesis-fit.ts`) refitted with the
 * misclassification-adjusted likelihood, so that b1 (harmful) and b2 (benign) describe
 * true compliance rather than what an imperfect judge reports; the ordinary fit on the
 * judge's labels is returned beside it for comparison.
 *
 * Receipts are first aggregated to one weighted row per (n_benign, n_harmful, judge label,
 * reference label) pattern: the same likelihood as one row a receipt, at a fraction of the
 * cost. Parse errors are left out and counted. The standard errors are model-based (no
 * clustering by query): with strong query effects they are too small, as the ordinary
 * fit's model-based errors are.
 */
import type { ReceiptTable } from "../io/receipt-table";
import { fitLogistic, type LogisticFit } from "../stats";
import { fitMisclassifiedLogistic, type MisclassifiedLogisticFit, type MisclassifiedTerm } from "../stats/misclassification-logistic-fit";
import { HYPOTHESIS_TERMS, transformCounts, type CountScale, type Hypothesis } from "./hypothesis-fit";

export interface JudgeCorrectedFitOptions {
  /** Default "joint": complied ~ x(n_harmful) + x(n_benign). */
  readonly hypothesis?: Hypothesis;
  /** Default "log1p". */
  readonly counts?: CountScale;
  /** "joint" (default): Se and Sp estimated with the coefficients from the reference labels; or fixed values. */
  readonly accuracy?: "joint" | { readonly sensitivity: number; readonly specificity: number };
  readonly confLevel?: number;
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
  const patterns = new Map<string, number>();
  const b: number[] = [], h: number[] = [], judged: number[] = [], ref: number[] = [], weight: number[] = [];
  let parseErrors = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0) { parseErrors++; continue; }
    const r = reference[i] === "compliance" ? 1 : reference[i] === "refusal" ? 0 : -1;
    const key = `${nb[i]},${nh[i]},${y[i]},${r}`;
    let k = patterns.get(key);
    if (k === undefined) {
      k = b.length;
      patterns.set(key, k);
      b.push(nb[i]); h.push(nh[i]); judged.push(y[i]); ref.push(r); weight.push(0);
    }
    weight[k]++;
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
  const fit = fitMisclassifiedLogistic({ terms, columns, judged: successes, reference: Float64Array.from(ref), weights }, { accuracy: options.accuracy, confLevel: options.confLevel });
  const naive = fitLogistic({ terms, columns, successes, weights }, { confLevel: options.confLevel });
  return {
    hypothesis,
    terms: fit.terms.map((t) => {
      const j = naive.terms.indexOf(t.term);
      return { ...t, naive_estimate: j >= 0 ? naive.estimates[j] : null, naive_std_error: j >= 0 ? naive.stdErrors[j] : null };
    }),
    fit,
    naive,
    parse_errors: parseErrors,
  };
}
