/**
 * Newcombe's hybrid score interval for a difference of two independent proportions,
 * p1 - p2 = x1/n1 - x2/n2 (Newcombe 1998, method 10), built from the Wilson limits (l, u):
 *   low  = d - sqrt((p1 - l1)^2 + (u2 - p2)^2),  high = d + sqrt((u1 - p1)^2 + (p2 - l2)^2).
 * R: the same formula on prop.test(x, n, correct = FALSE)$conf.int (test/stats/fixtures).
 * Cost: O(1). Throws StatsError as wilsonInterval.
 *
 * @example
 * newcombeDifference(56, 70, 48, 80); // { estimate: 0.2, conf_low: 0.0524, conf_high: 0.3339 }
 */
import { criticalValue } from "./distributions";
import { wilsonWith, type ProportionInterval } from "./wilson-interval";

export function newcombeDifference(x1: number, n1: number, x2: number, n2: number, confLevel = 0.95): ProportionInterval {
  const z = criticalValue(confLevel, "newcombeDifference");
  const w1 = wilsonWith(x1, n1, z, "newcombeDifference (group 1)");
  const w2 = wilsonWith(x2, n2, z, "newcombeDifference (group 2)");
  const p1 = w1.estimate;
  const p2 = w2.estimate;
  const d = p1 - p2;
  return {
    estimate: d,
    conf_low: d - Math.sqrt((p1 - w1.conf_low) ** 2 + (w2.conf_high - p2) ** 2),
    conf_high: d + Math.sqrt((w1.conf_high - p1) ** 2 + (p2 - w2.conf_low) ** 2),
  };
}
