/**
 * Checks for (quasi-)complete separation in a logistic fit, beside the fit's own diagnosis.
 *
 * Three signs, each enough on its own (no linear programme is solved):
 * 1. The fit's own: `fit.separation`, set when the last Newton steps stopped shrinking while
 *    rows sit at fitted probabilities of 0 or 1 (the estimates diverge across iterations).
 * 2. Fitted probabilities numerically 0 or 1: some row's fitted probability within 10 * 2^-52
 *    of 0 or 1, R's `glm.fit` rule for its warning "fitted probabilities numerically 0 or 1
 *    occurred"; a converged fit that gets there is near a boundary of the parameter space,
 *    where Wald standard errors (model-based or cluster-robust) mean little.
 * 3. With one predictor and an intercept the condition is exact and cheap:
 *    `separationOnOneAxis` says whether every failure lies at or below every success on the
 *    predictor (or the reverse), which is when no finite maximum-likelihood estimate exists
 *    (Albert & Anderson 1984). It catches separated fits that stopped early and so show
 *    neither sign 1 nor 2.
 * Cost: one pass over the rows.
 */
import type { LogisticFit } from "./logistic-fit";

/** R's glm.fit threshold for "fitted probabilities numerically 0 or 1". */
const NUMERICALLY_BOUNDARY = 10 * 2 ** -52;

export interface SeparationCheck {
  separated: boolean;
  /** "complete", "quasi-complete", or null when not separated. */
  kind: "complete" | "quasi-complete" | null;
  /** What showed it, in words; empty when not separated. */
  evidence: string[];
}

/** Whether a fitted logistic model shows separation, by signs 1 and 2 above. */
export function separationCheck(fit: LogisticFit): SeparationCheck {
  const evidence: string[] = [];
  let kind: SeparationCheck["kind"] = null;
  if (fit.separation !== null) {
    kind = fit.separation.kind;
    evidence.push(`${fit.separation.kind} separation: the estimates of ${fit.separation.terms.map((t) => `'${t}'`).join(", ")} diverge across iterations while ${fit.separation.rows} rows are predicted perfectly`);
  }
  let atBound = 0;
  for (let i = 0; i < fit.fitted.length; i++) {
    const p = fit.fitted[i];
    if (p < NUMERICALLY_BOUNDARY || p > 1 - NUMERICALLY_BOUNDARY) atBound++;
  }
  if (atBound > 0) {
    kind ??= "quasi-complete";
    evidence.push(`fitted probabilities numerically 0 or 1 in ${atBound} of ${fit.fitted.length} rows`);
  }
  return { separated: evidence.length > 0, kind, evidence };
}

/**
 * Exact separation check for complied ~ intercept + x on grouped rows: separated when the
 * largest x with a failure is at most the smallest x with a success, or the reverse
 * (all-success and all-failure data included). "complete" when the inequality is strict.
 *
 * @example
 * separationOnOneAxis([0, 1.1], [20, 0], [20, 20]); // { separated: true, kind: "complete", ... }
 */
export function separationOnOneAxis(x: ArrayLike<number>, successes: ArrayLike<number>, trials: ArrayLike<number>): SeparationCheck {
  let sMin = Infinity, sMax = -Infinity, fMin = Infinity, fMax = -Infinity;
  for (let i = 0; i < x.length; i++) {
    if (successes[i] > 0) { sMin = Math.min(sMin, x[i]); sMax = Math.max(sMax, x[i]); }
    if (trials[i] - successes[i] > 0) { fMin = Math.min(fMin, x[i]); fMax = Math.max(fMax, x[i]); }
  }
  const up = fMax <= sMin, down = sMax <= fMin;
  if (!up && !down) return { separated: false, kind: null, evidence: [] };
  const complete = (up && fMax < sMin) || (down && sMax < fMin);
  const short = (v: number) => String(Number(v.toPrecision(4)));
  const what = sMin === Infinity ? "no row has a success" : fMin === Infinity ? "no row has a failure"
    : up ? `every failure is at x <= ${short(fMax)} and every success at x >= ${short(sMin)}` : `every success is at x <= ${short(sMax)} and every failure at x >= ${short(fMin)}`;
  return { separated: true, kind: complete ? "complete" : "quasi-complete", evidence: [`${complete ? "complete" : "quasi-complete"} separation on one predictor: ${what}`] };
}
