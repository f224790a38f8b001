/**
 * Wilson score intervals for many proportions at once, x[i] / n[i]: wilsonInterval over
 * arrays, with the critical value computed once. Returns columns, not rows.
 * Cost: O(length). Throws StatsError as wilsonInterval, naming the index.
 *
 * @example
 * wilsonIntervals([7, 0], [20, 10]).conf_high; // Float64Array [0.5671, 0.2775]
 */
import { criticalValue } from "./distributions";
import { StatsError } from "./stats-error";
import { wilsonWith } from "./wilson-interval";

export interface ProportionIntervals {
  estimate: Float64Array;
  conf_low: Float64Array;
  conf_high: Float64Array;
}

export function wilsonIntervals(x: ArrayLike<number>, n: ArrayLike<number>, confLevel = 0.95): ProportionIntervals {
  if (x.length !== n.length) throw new StatsError(`wilsonIntervals requires x and n of the same length, got ${x.length} and ${n.length}`);
  const z = criticalValue(confLevel, "wilsonIntervals");
  const out = { estimate: new Float64Array(x.length), conf_low: new Float64Array(x.length), conf_high: new Float64Array(x.length) };
  for (let i = 0; i < x.length; i++) {
    const r = wilsonWith(x[i], n[i], z, `wilsonIntervals (index ${i})`);
    out.estimate[i] = r.estimate;
    out.conf_low[i] = r.conf_low;
    out.conf_high[i] = r.conf_high;
  }
  return out;
}
