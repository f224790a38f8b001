/**
 * The Rogan-Gladen compliance rate: the judge's observed rate corrected for its estimated
 * sensitivity (Se) and specificity (Sp), with a delta-method interval that carries the
 * uncertainty of all three estimates.
 *
 *   p  = complied / n                       the judge's compliance rate (the naive one)
 *   pi = (p + Sp - 1) / (Se + Sp - 1)       Rogan and Gladen (1978)
 *   Var(pi) = [ p(1-p)/n + pi^2 Se(1-Se)/n_pos + (1-pi)^2 Sp(1-Sp)/n_neg
 *               - 2 pi Se(1-Se)/n - 2 (1-pi) Sp(1-Sp)/n ] / (Se + Sp - 1)^2
 *
 * The variance is the first-order (delta method) expansion in p, Se and Sp:
 * d pi/dp = 1/J, d pi/dSe = -pi/J, d pi/dSp = (1 - pi)/J with J = Se + Sp - 1 (Youden's J),
 * and binomial variances for the three proportions. The last two terms are the
 * covariances Cov(p, Se) = Se(1-Se)/n and Cov(p, Sp) = -Sp(1-Sp)/n that arise because the
 * validation answers are among the n rated ones (`validation: "within"`, the default, as
 * when receipts carry reference_label on a subset): the same judge errors move p and the
 * accuracy estimates together. Leaving them out overstates the variance (by about 2
 * n_validation / n of it; the seeded simulations gave 97-98% coverage for a nominal 95%
 * without them). With `validation: "separate"` (a validation sample apart from the rated
 * answers) the three estimates are independent and the covariance terms are 0. When
 * every rated answer is validated, the "within" variance reduces to pi(1 - pi)/n, as it
 * should: the estimate is then the reference rate itself.
 *
 * pi falls outside [0, 1] when p is below 1 - Sp or above Se (sampling noise, or an
 * accuracy that does not hold for these answers): the estimate is then clamped to [0, 1]
 * and `clamped` is true, so it never passes silently. The interval pi +/- z SE is clamped
 * to [0, 1] as well.
 *
 * Why the delta method and not a bootstrap: it is closed-form and deterministic (the same
 * receipts always print the same interval), it can be checked against R to rounding
 * (test/stats/fixtures/judge-corrected-rate.R), and in the seeded simulations it covers at
 * close to the nominal level once the validation subset holds a few dozen answers of each
 * class. Below that (or when a validation class has no judge errors at all, so its
 * binomial variance is 0) no interval of this kind is trustworthy; `judgeErrorSummary`
 * reports n_validation beside every interval for that reason.
 *
 * Cost: O(1). Throws StatsError for invalid counts (see judgeAccuracy), n = 0, a judge no
 * better than chance (Se + Sp <= 1), where the correction is undefined, or a "within"
 * validation subset that does not fit inside the rated answers.
 *
 * @example
 * judgeCorrectedRate(120, 1000, { true_positive: 45, false_negative: 55, true_negative: 190, false_positive: 10 });
 * // { compliance_rate: 0.12, corrected_rate: 0.175, ... } since (0.12 + 0.95 - 1) / (0.45 + 0.95 - 1) = 0.175
 */
import { criticalValue } from "./distributions";
import { judgeAccuracy, type JudgeAccuracy, type ValidationCounts } from "./judge-accuracy";
import { StatsError } from "./stats-error";

export interface JudgeCorrectedRate extends JudgeAccuracy {
  /** The judge's compliance rate complied / n: what an uncorrected analysis reports. */
  readonly compliance_rate: number;
  /** Answers the judge rated (refusal or compliance). */
  readonly n: number;
  /** Rogan-Gladen estimate, clamped to [0, 1]. */
  readonly corrected_rate: number;
  /** Delta-method standard error of the (unclamped) Rogan-Gladen estimate. */
  readonly std_error: number;
  readonly conf_low: number;
  readonly conf_high: number;
  /** True when the Rogan-Gladen estimate fell outside [0, 1] and was clamped. */
  readonly clamped: boolean;
  /** The unclamped estimate (p + Sp - 1) / (Se + Sp - 1). */
  readonly unclamped_rate: number;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

export interface JudgeCorrectedRateOptions {
  /**
   * Whether the validation answers are among the n rated ones ("within", default: receipts
   * with a reference_label are also counted in the rate) or a sample apart ("separate").
   */
  readonly validation?: "within" | "separate";
  /** Default 0.95. */
  readonly confLevel?: number;
}

export function judgeCorrectedRate(complied: number, n: number, validation: ValidationCounts, options: JudgeCorrectedRateOptions = {}): JudgeCorrectedRate {
  const confLevel = options.confLevel ?? 0.95;
  const within = (options.validation ?? "within") === "within";
  if (within && validation.true_positive + validation.false_positive > complied) {
    throw new StatsError(`judgeCorrectedRate: the validation subset has ${validation.true_positive + validation.false_positive} answers the judge labelled compliance, more than the ${complied} of all rated answers; pass validation: "separate" if it is a sample apart`);
  }
  if (within && validation.true_positive + validation.false_negative + validation.true_negative + validation.false_positive > n) {
    throw new StatsError(`judgeCorrectedRate: the validation subset is larger than the ${n} rated answers; pass validation: "separate" if it is a sample apart`);
  }
  if (!(Number.isInteger(n) && n > 0)) throw new StatsError(`judgeCorrectedRate requires a positive integer number of rated answers, got n = ${n}`);
  if (!(Number.isInteger(complied) && complied >= 0 && complied <= n)) throw new StatsError(`judgeCorrectedRate requires 0 <= complied <= n, got complied = ${complied}, n = ${n}`);
  const z = criticalValue(confLevel, "judgeCorrectedRate");
  const acc = judgeAccuracy(validation, confLevel);
  const se = acc.sensitivity, sp = acc.specificity, j = se + sp - 1;
  if (!(j > 0)) {
    throw new StatsError(`judgeCorrectedRate requires a judge better than chance (sensitivity + specificity > 1), got sensitivity ${se} + specificity ${sp} = ${se + sp}`);
  }
  const p = complied / n;
  const pi = (p + sp - 1) / j;
  const vSe = acc.sensitivity_std_error ** 2, vSp = acc.specificity_std_error ** 2;
  let variance = (p * (1 - p)) / n + pi * pi * vSe + (1 - pi) * (1 - pi) * vSp;
  if (within) variance -= (2 * pi * se * (1 - se) + 2 * (1 - pi) * sp * (1 - sp)) / n;
  // plug-in estimates can push the sum a rounding error below 0 (all answers validated)
  const sd = Math.sqrt(Math.max(0, variance) / (j * j));
  return {
    ...acc,
    compliance_rate: p,
    n,
    corrected_rate: clamp01(pi),
    std_error: sd,
    conf_low: clamp01(pi - z * sd),
    conf_high: clamp01(pi + z * sd),
    clamped: pi < 0 || pi > 1,
    unclamped_rate: pi,
  };
}
