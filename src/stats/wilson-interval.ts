/**
 * Wilson score interval for a binomial proportion x / n.
 *
 * Limits (p + z^2/2n +/- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n), z = qnorm(1 - (1 - level)/2);
 * exactly R's `prop.test(x, n, correct = FALSE)$conf.int` (the lower limit is 0 at x = 0 and
 * the upper 1 at x = n, as in R).
 * Reference: Wilson (1927); Newcombe (1998) method 3. Cost: O(1).
 * Throws StatsError unless 0 <= x <= n, n > 0 and confLevel is in (0, 1).
 *
 * @example
 * wilsonInterval(7, 20); // { estimate: 0.35, conf_low: 0.1812, conf_high: 0.5671 }
 */
import { criticalValue } from "./distributions";
import { StatsError } from "./stats-error";

export interface ProportionInterval {
  estimate: number;
  conf_low: number;
  conf_high: number;
}

export function wilsonInterval(x: number, n: number, confLevel = 0.95): ProportionInterval {
  return wilsonWith(x, n, criticalValue(confLevel, "wilsonInterval"), "wilsonInterval");
}

/** Internal: the interval for a precomputed critical value z (shared with wilsonIntervals). */
export function wilsonWith(x: number, n: number, z: number, caller: string): ProportionInterval {
  if (!(n > 0) || !Number.isFinite(n)) throw new StatsError(`${caller} requires a positive number of trials, got n = ${n}`);
  if (!(x >= 0 && x <= n)) throw new StatsError(`${caller} requires 0 <= x <= n, got x = ${x}, n = ${n}`);
  const p = x / n;
  const z22n = (z * z) / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z22n / (2 * n));
  const upper = p >= 1 ? 1 : (p + z22n + spread) / (1 + 2 * z22n);
  const lower = p <= 0 ? 0 : (p + z22n - spread) / (1 + 2 * z22n);
  return { estimate: p, conf_low: Math.max(lower, 0), conf_high: Math.min(upper, 1) };
}
