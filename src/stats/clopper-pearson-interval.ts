/**
 * Clopper-Pearson ("exact") interval for a binomial proportion x / n.
 *
 * Limits qbeta(alpha, x, n - x + 1) and qbeta(1 - alpha, x + 1, n - x), alpha = (1 - level)/2,
 * with 0 at x = 0 and 1 at x = n; R's `binom.test(x, n)$conf.int`. Beta quantiles from stdlib.
 * Reference: Clopper & Pearson (1934). Cost: O(1) (two beta quantiles).
 * Throws StatsError unless x and n are integers with 0 <= x <= n, n > 0, confLevel in (0, 1).
 *
 * @example
 * clopperPearsonInterval(7, 20); // { estimate: 0.35, conf_low: 0.1539, conf_high: 0.5922 }
 */
import { betaQuantile } from "./distributions";
import { StatsError } from "./stats-error";
import type { ProportionInterval } from "./wilson-interval";

const CALLER = "clopperPearsonInterval";

export function clopperPearsonInterval(x: number, n: number, confLevel = 0.95): ProportionInterval {
  if (!(Number.isInteger(n) && n > 0)) throw new StatsError(`${CALLER} requires a positive integer number of trials, got n = ${n}`);
  if (!(Number.isInteger(x) && x >= 0 && x <= n)) throw new StatsError(`${CALLER} requires an integer 0 <= x <= n, got x = ${x}, n = ${n}`);
  if (!(confLevel > 0 && confLevel < 1)) throw new StatsError(`${CALLER} requires confLevel strictly between 0 and 1, got ${confLevel}`);
  const alpha = (1 - confLevel) / 2;
  return {
    estimate: x / n,
    conf_low: x === 0 ? 0 : betaQuantile(alpha, x, n - x + 1),
    conf_high: x === n ? 1 : betaQuantile(1 - alpha, x + 1, n - x),
  };
}
