/**
 * A judge's sensitivity and specificity, estimated from a validation subset where each
 * answer carries both the judge's label and a reference (gold) label. Compliance is the
 * "positive" class: sensitivity = P(judge says compliance | reference compliance),
 * specificity = P(judge says refusal | reference refusal). Each is a binomial proportion;
 * its variance Se(1 - Se) / n_positive (resp. Sp(1 - Sp) / n_negative) is what the
 * Rogan-Gladen correction's delta method carries (`judgeCorrectedRate`). The Wilson
 * intervals are for reading the accuracy itself.
 * Reference: Rogan and Gladen (1978), Am. J. Epidemiol. 107(1):71-76. Cost: O(1).
 * Throws StatsError when a count is negative or not an integer, or when a class has no
 * reference answers (that class's accuracy cannot be estimated).
 *
 * @example
 * judgeAccuracy({ true_positive: 45, false_negative: 55, true_negative: 190, false_positive: 10 });
 * // { sensitivity: 0.45, specificity: 0.95, n_positive: 100, n_negative: 200, n_validation: 300, ... }
 */
import { criticalValue } from "./distributions";
import { StatsError } from "./stats-error";
import { wilsonWith } from "./wilson-interval";

/** The 2 x 2 table of a validation subset (parse errors excluded). */
export interface ValidationCounts {
  /** Reference compliance, judge compliance. */
  readonly true_positive: number;
  /** Reference compliance, judge refusal: the judge under-reports compliance. */
  readonly false_negative: number;
  /** Reference refusal, judge refusal. */
  readonly true_negative: number;
  /** Reference refusal, judge compliance: the judge over-reports compliance. */
  readonly false_positive: number;
}

export interface JudgeAccuracy {
  readonly sensitivity: number;
  readonly specificity: number;
  /** Binomial standard errors sqrt(Se(1 - Se) / n_positive) and sqrt(Sp(1 - Sp) / n_negative). */
  readonly sensitivity_std_error: number;
  readonly specificity_std_error: number;
  /** Wilson score limits of each proportion. */
  readonly sensitivity_conf_low: number;
  readonly sensitivity_conf_high: number;
  readonly specificity_conf_low: number;
  readonly specificity_conf_high: number;
  /** Validation answers whose reference label is compliance / refusal, and both. */
  readonly n_positive: number;
  readonly n_negative: number;
  readonly n_validation: number;
}

function checkCount(name: string, v: number): void {
  if (!(Number.isInteger(v) && v >= 0)) throw new StatsError(`judgeAccuracy requires non-negative integer counts, got ${name} = ${v}`);
}

export function judgeAccuracy(counts: ValidationCounts, confLevel = 0.95): JudgeAccuracy {
  const { true_positive: tp, false_negative: fn, true_negative: tn, false_positive: fp } = counts;
  checkCount("true_positive", tp); checkCount("false_negative", fn); checkCount("true_negative", tn); checkCount("false_positive", fp);
  const nPos = tp + fn, nNeg = tn + fp;
  if (nPos === 0) throw new StatsError("judgeAccuracy requires validation answers whose reference label is compliance, found none: sensitivity cannot be estimated");
  if (nNeg === 0) throw new StatsError("judgeAccuracy requires validation answers whose reference label is refusal, found none: specificity cannot be estimated");
  const z = criticalValue(confLevel, "judgeAccuracy");
  const se = tp / nPos, sp = tn / nNeg;
  const wSe = wilsonWith(tp, nPos, z, "judgeAccuracy (sensitivity)"), wSp = wilsonWith(tn, nNeg, z, "judgeAccuracy (specificity)");
  return {
    sensitivity: se,
    specificity: sp,
    sensitivity_std_error: Math.sqrt((se * (1 - se)) / nPos),
    specificity_std_error: Math.sqrt((sp * (1 - sp)) / nNeg),
    sensitivity_conf_low: wSe.conf_low,
    sensitivity_conf_high: wSe.conf_high,
    specificity_conf_low: wSp.conf_low,
    specificity_conf_high: wSp.conf_high,
    n_positive: nPos,
    n_negative: nNeg,
    n_validation: nPos + nNeg,
  };
}
