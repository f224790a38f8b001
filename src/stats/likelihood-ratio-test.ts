/**
 * Likelihood-ratio test of a logistic model against a larger one that nests it.
 *
 * Statistic 2 (logLik(larger) - logLik(smaller)), chi-square with the difference in number of
 * terms as df. R: `anova(smaller, larger, test = "Chisq")`.
 * Cost: O(k^2).
 * Throws StatsError when the smaller model's terms are not all in the larger one, when the
 * larger has no extra term, or when the fits were made on different rows (different nObs,
 * or a different response, trials or weights fingerprint). Nesting is checked by term name.
 *
 * @example
 * likelihoodRatioTest(harmfulOnly, joint); // { statistic: 12.3, df: 1, p_value: 4.5e-4 }
 */
import { chiSquareUpperTail } from "./distributions";
import type { LogisticFit } from "./logistic-fit";
import { StatsError } from "./stats-error";

const CALLER = "likelihoodRatioTest";

export interface LikelihoodRatioTest {
  statistic: number;
  df: number;
  p_value: number;
}

export function likelihoodRatioTest(smaller: LogisticFit, larger: LogisticFit): LikelihoodRatioTest {
  const missing = smaller.terms.filter((t) => !larger.terms.includes(t));
  if (missing.length > 0) {
    throw new StatsError(
      `${CALLER} requires nested models: the smaller model's term${missing.length > 1 ? "s" : ""} ${missing.map((t) => `'${t}'`).join(", ")} ` +
      `${missing.length > 1 ? "are" : "is"} not in the larger model (terms: ${larger.terms.join(", ")})`,
    );
  }
  const df = larger.terms.length - smaller.terms.length;
  if (df <= 0) {
    throw new StatsError(`${CALLER} requires the larger model to have more terms than the smaller: both have ${smaller.terms.join(", ")}`);
  }
  if (smaller.nObs !== larger.nObs || smaller.rowFingerprint !== larger.rowFingerprint) {
    throw new StatsError(
      `${CALLER} requires both models fitted on the same rows: the smaller has ${smaller.nObs} observations ` +
      `(rows ${smaller.rowFingerprint}), the larger ${larger.nObs} (rows ${larger.rowFingerprint})`,
    );
  }
  const statistic = Math.max(0, 2 * (larger.logLik - smaller.logLik));
  return { statistic, df, p_value: chiSquareUpperTail(statistic, df) };
}
