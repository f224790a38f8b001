/**
 * Compliance per group corrected for judge error: what `receipts summarize --by judge
 * --correct-judge-error` prints. In each group, the receipts that carry a reference_label
 * (the validation subset) estimate the judge's sensitivity and specificity; the judge's
 * compliance rate over all the group's rated receipts is corrected by Rogan-Gladen, with a
 * delta-method interval that carries the uncertainty of all three (`judgeCorrectedRate`).
 * Parse errors are left out of the rate and of the validation table, and counted.
 *
 * Accuracy is estimated within each group, so group by the judge (and by whatever its
 * accuracy may depend on, such as the model whose answers it reads): a group that mixes
 * judges gets one blended accuracy, which corrects the blended rate only if every judge
 * labelled the same share of it.
 */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import { judgeCorrectedRate } from "../stats/judge-corrected-rate";
import { StatsError } from "../stats/stats-error";
import { groupBy, type GroupValues } from "./group-by";

export interface JudgeErrorSummaryOptions {
  /** Fields to group by. Default ["judge"]. */
  readonly by?: readonly ReceiptFieldName[];
  /** Default 0.95. */
  readonly confLevel?: number;
}

export interface JudgeErrorCounts {
  /** Receipts the judge rated (refusal or compliance); parse errors excluded. */
  n: number;
  complied: number;
  parse_errors: number;
  /** The judge's rate complied / n, uncorrected; null when n is 0. */
  compliance_rate: number | null;
  /** Rated receipts with a reference_label, and of those the ones whose reference is compliance. */
  n_validation: number;
  n_validation_compliance: number;
  /** P(judge compliance | reference compliance) in the validation subset; null when it has no reference compliance. */
  sensitivity: number | null;
  /** P(judge refusal | reference refusal); null when it has no reference refusal. */
  specificity: number | null;
  /** Rogan-Gladen rate clamped to [0, 1]; null when the correction is undefined (see `note`). */
  corrected_rate: number | null;
  corrected_std_error: number | null;
  corrected_conf_low: number | null;
  corrected_conf_high: number | null;
  /** True when the Rogan-Gladen estimate fell outside [0, 1] and was clamped. */
  clamped: boolean | null;
  /** Why corrected_rate is null or clamped; null otherwise. */
  note: string | null;
}

export type JudgeErrorRow = GroupValues & JudgeErrorCounts;

/**
 * @example
 * judgeErrorSummary(receipts);  // one row a judge: compliance_rate, sensitivity, specificity, n_validation, corrected_rate, ...
 * Throws an Error when no rated receipt has a reference_label (nothing to estimate accuracy from).
 */
export function judgeErrorSummary(table: ReceiptTable, options: JudgeErrorSummaryOptions = {}): JudgeErrorRow[] {
  const by = options.by ?? ["judge"];
  const confLevel = options.confLevel ?? 0.95;
  const complied = table.flags("complied");
  const reference = table.values("reference_label");
  let anyReference = false;
  for (let i = 0; i < reference.length; i++) if (reference[i] !== null && complied[i] >= 0) { anyReference = true; break; }
  if (!anyReference) {
    throw new Error(`judge-error correction needs receipts with a reference_label (refusal or compliance) on a validation subset; none of the ${table.receiptCount} receipts${table.numRows ? ` rated by the judge` : ""} has one`);
  }
  const { groups, groupOf } = groupBy(table, by);
  const G = groups.length;
  const n = new Float64Array(G), x = new Float64Array(G), pe = new Float64Array(G);
  const tp = new Float64Array(G), fn = new Float64Array(G), tn = new Float64Array(G), fp = new Float64Array(G);
  const weights = table.weights(); // a weighted row (a cell) stands for w receipts
  for (let i = 0; i < groupOf.length; i++) {
    const g = groupOf[i], y = complied[i], w = weights === null ? 1 : weights[i];
    if (y < 0) { pe[g] += w; continue; }
    n[g] += w; x[g] += y * w;
    const r = reference[i];
    if (r === "compliance") { if (y === 1) tp[g] += w; else fn[g] += w; }
    else if (r === "refusal") { if (y === 1) fp[g] += w; else tn[g] += w; }
  }
  return groups.map((values, g) => ({ ...values, ...groupRow(n[g], x[g], pe[g], tp[g], fn[g], tn[g], fp[g], confLevel) }));
}

function groupRow(n: number, x: number, pe: number, tp: number, fn: number, tn: number, fp: number, confLevel: number): JudgeErrorCounts {
  const nPos = tp + fn, nNeg = tn + fp;
  const base: JudgeErrorCounts = {
    n, complied: x, parse_errors: pe,
    compliance_rate: n > 0 ? x / n : null,
    n_validation: nPos + nNeg,
    n_validation_compliance: nPos,
    sensitivity: nPos > 0 ? tp / nPos : null,
    specificity: nNeg > 0 ? tn / nNeg : null,
    corrected_rate: null, corrected_std_error: null, corrected_conf_low: null, corrected_conf_high: null, clamped: null,
    note: null,
  };
  if (n === 0) return { ...base, note: "no rated receipts" };
  if (nPos === 0 || nNeg === 0) {
    return { ...base, note: `the validation subset needs answers of both reference labels; it has ${nPos} compliance and ${nNeg} refusal` };
  }
  if (!(tp / nPos + tn / nNeg > 1)) {
    return { ...base, note: `the judge is no better than chance on the validation subset (sensitivity + specificity = ${(tp / nPos + tn / nNeg).toPrecision(4)} <= 1): no correction` };
  }
  try {
    const c = judgeCorrectedRate(x, n, { true_positive: tp, false_negative: fn, true_negative: tn, false_positive: fp }, { confLevel, validation: "within" });
    return {
      ...base,
      corrected_rate: c.corrected_rate,
      corrected_std_error: c.std_error,
      corrected_conf_low: c.conf_low,
      corrected_conf_high: c.conf_high,
      clamped: c.clamped,
      note: c.clamped
        ? `Rogan-Gladen estimate ${c.unclamped_rate.toPrecision(4)} clamped to [0, 1]: the judge's rate is outside [1 - specificity, sensitivity]`
        : null,
    };
  } catch (e) {
    if (e instanceof StatsError) return { ...base, note: e.message };
    throw e;
  }
}
