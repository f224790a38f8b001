/**
 * Minimum detectable effect of a two-sided Wald (z) test: the smallest true coefficient the
 * test would reject with the given power, for the standard error the data gave,
 *   MDE = (z_{1 - alpha/2} + z_{power}) * SE
 * (e.g. Bloom 1995, "Minimum detectable effects"). It neglects the far tail (the chance of
 * rejecting with the wrong sign, below alpha/2), so the power at the MDE is `power` plus at
 * most alpha/2 times a vanishing amount. The SE is the one the test used (cluster-robust
 * when the fit was), so the MDE describes the design at hand, not a hypothetical one.
 * Cost: O(1). Throws StatsError for SE not positive and finite, alpha or power outside (0, 1).
 *
 * @example
 * minimumDetectableEffect(0.1); // 0.2802 = (qnorm(0.975) + qnorm(0.8)) * 0.1 in R
 */
import { normalQuantile } from "./distributions";
import { StatsError } from "./stats-error";

export interface MinimumDetectableEffectOptions {
  /** Two-sided significance level of the test. Default 0.05. */
  readonly alpha?: number;
  /** Power at which the effect counts as detectable. Default 0.8. */
  readonly power?: number;
}

export function minimumDetectableEffect(stdError: number, options: MinimumDetectableEffectOptions = {}): number {
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  if (!(stdError > 0 && Number.isFinite(stdError))) throw new StatsError(`minimumDetectableEffect requires a positive, finite standard error, got ${stdError}`);
  if (!(alpha > 0 && alpha < 1)) throw new StatsError(`minimumDetectableEffect requires alpha strictly between 0 and 1, got ${alpha}`);
  if (!(power > 0 && power < 1)) throw new StatsError(`minimumDetectableEffect requires power strictly between 0 and 1, got ${power}`);
  return (normalQuantile(1 - alpha / 2) + normalQuantile(power)) * stdError;
}
