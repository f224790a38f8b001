/**
 * Adjust p-values for multiple comparisons, as R's `p.adjust(p, method)`.
 *
 * - "bonferroni": min(1, m p).
 * - "holm": step-down, cummax over sorted p of (m - i + 1) p_(i), capped at 1 (Holm 1979).
 * - "BH": step-up false discovery rate, cummin from the largest of m / i p_(i), capped at 1
 *   (Benjamini & Hochberg 1995).
 * NaN entries are missing: they stay NaN and m counts only the others (R's n = sum(!is.na(p))).
 * Cost: O(m log m). Throws StatsError for an unknown method or a p-value outside [0, 1].
 *
 * @example
 * adjustPValues([0.01, 0.04, 0.03], "holm"); // Float64Array [0.03, 0.06, 0.06]
 */
import { StatsError } from "./stats-error";

export type PAdjustMethod = "bonferroni" | "holm" | "BH";

export function adjustPValues(p: ArrayLike<number>, method: PAdjustMethod): Float64Array {
  const out = new Float64Array(p.length).fill(NaN);
  const idx: number[] = [];
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (Number.isNaN(v)) continue;
    if (!(v >= 0 && v <= 1)) throw new StatsError(`adjustPValues requires p-values in [0, 1]: ${v} at index ${i}`);
    idx.push(i);
  }
  const m = idx.length;
  if (method === "bonferroni") {
    for (const i of idx) out[i] = Math.min(1, m * p[i]);
  } else if (method === "holm") {
    idx.sort((a, b) => p[a] - p[b] || a - b);
    let running = 0;
    idx.forEach((i, r) => {
      running = Math.max(running, (m - r) * p[i]);
      out[i] = Math.min(1, running);
    });
  } else if (method === "BH") {
    idx.sort((a, b) => p[b] - p[a] || a - b);
    let running = Infinity;
    idx.forEach((i, r) => {
      running = Math.min(running, (m / (m - r)) * p[i]);
      out[i] = Math.min(1, running);
    });
  } else {
    throw new StatsError(`adjustPValues requires method "bonferroni", "holm" or "BH", got ${JSON.stringify(method)}`);
  }
  return out;
}
