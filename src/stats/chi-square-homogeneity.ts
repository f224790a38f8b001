/**
 * Pearson's chi-square test of homogeneity of a proportion across k groups (a k x 2 table of
 * successes and failures), without continuity correction.
 *
 * Statistic sum over cells (O - E)^2 / E with E = row total x column total / grand total;
 * df = k - 1; p-value the upper chi-square tail, computed directly so it stays accurate down
 * to 1e-300. Equals R's `chisq.test(cbind(s, t - s), correct = FALSE)`; for a 2 x 2 table R's
 * default applies Yates' correction, which this function never does.
 * `expected_min` is the smallest expected count (the usual rule of thumb wants >= 5).
 * Cost: O(k).
 * Throws StatsError for fewer than two groups, a group without trials, successes outside
 * [0, trials], or a table whose every trial is a success (or every one a failure).
 *
 * @example
 * chiSquareHomogeneity([12, 19], [80, 85]); // { statistic: 1.4603, df: 1, p_value: 0.2269, expected_min: 15.03 }
 */
import { chiSquareUpperTail } from "./distributions";
import { StatsError } from "./stats-error";

const CALLER = "chiSquareHomogeneity";

export interface ChiSquareTest {
  statistic: number;
  df: number;
  p_value: number;
  expected_min: number;
}

export function chiSquareHomogeneity(successes: ArrayLike<number>, trials: ArrayLike<number>): ChiSquareTest {
  const k = successes.length;
  if (trials.length !== k) throw new StatsError(`${CALLER} requires one trial count a group: ${k} successes, ${trials.length} trials`);
  if (k < 2) throw new StatsError(`${CALLER} requires at least two groups, got ${k}`);
  let s = 0;
  let n = 0;
  for (let i = 0; i < k; i++) {
    if (!(trials[i] > 0) || !Number.isFinite(trials[i])) throw new StatsError(`${CALLER} requires every group to have trials: group ${i + 1} has ${trials[i]}`);
    if (!(successes[i] >= 0 && successes[i] <= trials[i])) {
      throw new StatsError(`${CALLER} requires 0 <= successes <= trials: group ${i + 1} has ${successes[i]} of ${trials[i]}`);
    }
    s += successes[i];
    n += trials[i];
  }
  const f = n - s;
  if (s === 0 || f === 0) {
    throw new StatsError(`${CALLER} requires both successes and failures in the table: all ${n} trials are ${s === 0 ? "failures" : "successes"}, so homogeneity cannot be tested`);
  }
  // Column-major order of R's sum((x - E)^2 / E): the successes column, then the failures.
  let statistic = 0;
  let expectedMin = Infinity;
  for (const [colTotal, pick] of [[s, (i: number) => successes[i]], [f, (i: number) => trials[i] - successes[i]]] as const) {
    for (let i = 0; i < k; i++) {
      const e = (trials[i] * colTotal) / n;
      const d = pick(i) - e;
      statistic += (d * d) / e;
      if (e < expectedMin) expectedMin = e;
    }
  }
  const df = k - 1;
  return { statistic, df, p_value: chiSquareUpperTail(statistic, df), expected_min: expectedMin };
}
