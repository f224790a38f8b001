/**
 * Equivalence of a coefficient to zero within a margin, by two one-sided z tests (TOST;
 * Schuirmann 1987): H0 |beta| >= margin against H1 |beta| < margin. Equivalent at level
 * alpha exactly when the (1 - 2 alpha) Wald interval lies inside (-margin, margin); the TOST
 * p-value is the larger of the two one-sided p-values,
 *   p_lower = P(Z > (estimate + margin) / SE),  p_upper = P(Z > (margin - estimate) / SE).
 * The margin is the user's statement of the smallest effect that would matter, on the
 * coefficient's own scale (logits per unit of log(n + 1) for b2); nothing here chooses it.
 * Cost: O(1). Throws StatsError for a margin or SE not positive and finite, alpha outside (0, 0.5).
 *
 * @example
 * equivalenceTest(0.01, 0.02, 0.1); // { conf_low: -0.0229, conf_high: 0.0429, p_value: 3.4e-6, equivalent: true, ... }
 */
import normalCdf = require("@stdlib/stats-base-dists-normal-cdf");
import { normalQuantile } from "./distributions";
import { StatsError } from "./stats-error";

export interface EquivalenceTest {
  /** The margin M of the equivalence region (-M, M). */
  margin: number;
  alpha: number;
  /** The (1 - 2 alpha) Wald interval. */
  conf_low: number;
  conf_high: number;
  /** The TOST p-value: max of the two one-sided p-values. */
  p_value: number;
  /** The interval lies inside (-margin, margin), i.e. p_value < alpha. */
  equivalent: boolean;
}

export function equivalenceTest(estimate: number, stdError: number, margin: number, alpha = 0.05): EquivalenceTest {
  if (!(margin > 0 && Number.isFinite(margin))) throw new StatsError(`equivalenceTest requires a positive, finite margin, got ${margin}`);
  if (!(stdError > 0 && Number.isFinite(stdError))) throw new StatsError(`equivalenceTest requires a positive, finite standard error, got ${stdError}`);
  if (!Number.isFinite(estimate)) throw new StatsError(`equivalenceTest requires a finite estimate, got ${estimate}`);
  if (!(alpha > 0 && alpha < 0.5)) throw new StatsError(`equivalenceTest requires alpha strictly between 0 and 0.5, got ${alpha}`);
  const z = normalQuantile(1 - alpha);
  // Upper tails as lower tails of the negated statistic, so small p-values keep their digits.
  const pLower = normalCdf(-(estimate + margin) / stdError, 0, 1);
  const pUpper = normalCdf(-(margin - estimate) / stdError, 0, 1);
  const p = Math.max(pLower, pUpper);
  const low = estimate - z * stdError, high = estimate + z * stdError;
  return { margin, alpha, conf_low: low, conf_high: high, p_value: p, equivalent: low > -margin && high < margin };
}
