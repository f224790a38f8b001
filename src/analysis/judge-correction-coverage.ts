/**
 * How often the judge-corrected interval covers the true compliance rate, in seeded
 * simulations with known truth: a test (few repetitions), a script
 * (scripts/check-judge-correction-coverage.ts, many) and notebook 06 share it.
 *
 * One repetition: n answers, each truly compliant with probability `rate`; the judge
 * labels a compliant answer compliance with probability `sensitivity` and a refusal
 * refusal with probability `specificity`; the first `n_validation` answers (a random
 * subset, since answers are exchangeable) also get their true label as reference_label.
 * The corrected interval uses every answer's judge label and the validation subset's
 * 2 x 2 table, as `judgeErrorSummary` does. The naive Wilson interval of the judge's
 * rate is scored against the same truth, to show what the correction buys.
 *
 * Cost: O(reps * n) uniform draws.
 */
import { Xoshiro128 } from "../random/xoshiro128";
import { judgeCorrectedRate } from "../stats/judge-corrected-rate";
import { wilsonInterval } from "../stats/wilson-interval";

export interface JudgeCoverageScenario {
  /** True compliance rate, in [0, 1]. */
  readonly rate: number;
  readonly sensitivity: number;
  readonly specificity: number;
  /** Answers rated by the judge. */
  readonly n: number;
  /** Of those, answers that also have a reference label (at most n). */
  readonly n_validation: number;
}

export interface JudgeCoverageResult extends JudgeCoverageScenario {
  readonly reps: number;
  /** Repetitions where the correction was defined (the validation subset had both classes and Se + Sp > 1). */
  readonly reps_defined: number;
  /** Share of defined repetitions whose corrected interval contains `rate`. */
  readonly corrected_coverage: number;
  /** Share of all repetitions whose naive Wilson interval contains `rate`. */
  readonly naive_coverage: number;
  /** Mean corrected estimate and mean naive rate over the repetitions. */
  readonly mean_corrected_rate: number;
  readonly mean_naive_rate: number;
  /** Share of defined repetitions whose estimate was clamped to [0, 1]. */
  readonly clamped_share: number;
}

/**
 * Simulate `reps` studies of one scenario and score both intervals.
 *
 * @example
 * judgeCorrectionCoverage({ rate: 0.3, sensitivity: 0.6, specificity: 0.95, n: 2000, n_validation: 300 }, 200, 1);
 * // { corrected_coverage: ~0.95, naive_coverage: ~0, ... }
 */
export function judgeCorrectionCoverage(s: JudgeCoverageScenario, reps: number, seed: number, confLevel = 0.95): JudgeCoverageResult {
  if (!(s.n_validation <= s.n)) throw new RangeError(`judgeCorrectionCoverage: n_validation (${s.n_validation}) must be at most n (${s.n})`);
  const rng = new Xoshiro128().setState(seed, 0x9e3779b9, 0x243f6a88, reps);
  let defined = 0, covered = 0, naiveCovered = 0, sumCorrected = 0, sumNaive = 0, clamped = 0;
  for (let r = 0; r < reps; r++) {
    let complied = 0, tp = 0, fn = 0, tn = 0, fp = 0;
    for (let i = 0; i < s.n; i++) {
      const truth = rng.uniform() < s.rate;
      const says = truth ? rng.uniform() < s.sensitivity : !(rng.uniform() < s.specificity);
      if (says) complied++;
      if (i < s.n_validation) {
        if (truth) says ? tp++ : fn++;
        else says ? fp++ : tn++;
      }
    }
    const naive = wilsonInterval(complied, s.n, confLevel);
    if (naive.conf_low <= s.rate && s.rate <= naive.conf_high) naiveCovered++;
    sumNaive += complied / s.n;
    if (tp + fn === 0 || tn + fp === 0) continue;
    const se = tp / (tp + fn), sp = tn / (tn + fp);
    if (!(se + sp > 1)) continue;
    const c = judgeCorrectedRate(complied, s.n, { true_positive: tp, false_negative: fn, true_negative: tn, false_positive: fp }, { confLevel });
    defined++;
    sumCorrected += c.corrected_rate;
    if (c.clamped) clamped++;
    if (c.conf_low <= s.rate && s.rate <= c.conf_high) covered++;
  }
  return {
    ...s,
    reps,
    reps_defined: defined,
    corrected_coverage: defined ? covered / defined : NaN,
    naive_coverage: naiveCovered / reps,
    mean_corrected_rate: defined ? sumCorrected / defined : NaN,
    mean_naive_rate: sumNaive / reps,
    clamped_share: defined ? clamped / defined : NaN,
  };
}
