/**
 * McNemar's test for paired binary outcomes, clustered: two models answered the same items
 * (queries, perhaps several samples of each), and the items fall in clusters (the query) whose
 * pairs are not independent.
 *
 * With e_k = b_k - c_k in cluster k (b_k pairs where only A complied, c_k where only B did),
 * the statistic is X^2 = (sum e_k)^2 / sum e_k^2 on 1 df (Durkalski, Palesch, Lipsitz and
 * Rust 2003, "Analysis of clustered matched-pair data", Stat Med 22:2417); with one pair a
 * cluster, sum e_k^2 = b + c and it is McNemar's statistic without continuity correction
 * (R's `mcnemar.test(x, correct = FALSE)`). The difference in compliance rates
 * d = (b - c) / N has the cluster-robust (CR1) standard error of an intercept-only regression
 * of the pair differences, sqrt(K / (K - 1) * sum (e_k - d n_k)^2) / N (R:
 * `sandwich::vcovCL(lm(diff ~ 1), cluster = ~query, type = "HC1")`), and a Wald interval.
 * Without clustering (one pair a cluster) the exact two-sided binomial p-value of b among
 * b + c is also given (R's `binom.test(b, b + c)`).
 * Cost: O(N). Throws StatsError on unequal lengths, values other than 0/1, or fewer than two
 * clusters.
 *
 * @example
 * // 6 queries, one pair each: b = 3 (only A complied), c = 1
 * clusteredMcNemar([1, 1, 1, 0, 1, 0], [0, 0, 0, 1, 1, 0], [1, 2, 3, 4, 5, 6]);
 * // { statistic: 1, p_value: 0.3173, estimate: 0.3333, exact_p_value: 0.625, ... }
 */
import { chiSquareUpperTail, criticalValue } from "./distributions";
import { StatsError } from "./stats-error";

export interface ClusteredMcNemar {
  /** Pairs (both outcomes known). */
  readonly n_pairs: number;
  readonly n_clusters: number;
  /** Pairs where only A complied (b) and only B complied (c). */
  readonly a_only: number;
  readonly b_only: number;
  readonly rate_a: number;
  readonly rate_b: number;
  /** rate_a - rate_b = (b - c) / N. */
  readonly estimate: number;
  readonly std_error: number;
  readonly conf_low: number;
  readonly conf_high: number;
  /** (sum e_k)^2 / sum e_k^2; NaN when no pair is discordant. */
  readonly statistic: number;
  readonly df: 1;
  readonly p_value: number;
  /** Exact binomial p-value of b among b + c; null when some cluster holds more than one pair. */
  readonly exact_p_value: number | null;
  readonly method: "McNemar" | "clustered McNemar (Durkalski 2003)";
}

export function clusteredMcNemar(a: ArrayLike<number>, b: ArrayLike<number>, cluster: ArrayLike<string | number>, confLevel = 0.95): ClusteredMcNemar {
  const n = a.length;
  if (b.length !== n || cluster.length !== n) throw new StatsError(`clusteredMcNemar requires a, b and cluster of one length, got ${n}, ${b.length} and ${cluster.length}`);
  const z = criticalValue(confLevel, "clusteredMcNemar");
  const index = new Map<string | number, number>();
  const e: number[] = [], size: number[] = [];
  let sumA = 0, sumB = 0, bOnly = 0, cOnly = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i], y = b[i];
    if ((x !== 0 && x !== 1) || (y !== 0 && y !== 1)) throw new StatsError(`clusteredMcNemar requires outcomes 0 or 1, got a = ${x}, b = ${y} at pair ${i}`);
    let k = index.get(cluster[i]);
    if (k === undefined) { k = e.length; index.set(cluster[i], k); e.push(0); size.push(0); }
    e[k] += x - y;
    size[k]++;
    sumA += x; sumB += y;
    if (x === 1 && y === 0) bOnly++;
    if (x === 0 && y === 1) cOnly++;
  }
  const K = e.length;
  if (K < 2) throw new StatsError(`clusteredMcNemar requires at least two clusters, got ${K}`);
  const d = (bOnly - cOnly) / n;
  let sumE2 = 0, sumU2 = 0;
  for (let k = 0; k < K; k++) {
    sumE2 += e[k] * e[k];
    const u = e[k] - d * size[k];
    sumU2 += u * u;
  }
  const se = Math.sqrt((K / (K - 1)) * sumU2) / n;
  const statistic = sumE2 === 0 ? NaN : (bOnly - cOnly) ** 2 / sumE2;
  const unclustered = K === n;
  return {
    n_pairs: n, n_clusters: K, a_only: bOnly, b_only: cOnly,
    rate_a: sumA / n, rate_b: sumB / n,
    estimate: d, std_error: se, conf_low: d - z * se, conf_high: d + z * se,
    statistic, df: 1, p_value: chiSquareUpperTail(statistic, 1),
    exact_p_value: unclustered ? exactBinomialHalf(bOnly, bOnly + cOnly) : null,
    method: unclustered ? "McNemar" : "clustered McNemar (Durkalski 2003)",
  };
}

/** Two-sided exact p-value of x successes in m trials at p = 1/2: min(1, 2 P(X <= min(x, m - x))). */
function exactBinomialHalf(x: number, m: number): number {
  if (m === 0) return 1;
  const lo = Math.min(x, m - x);
  // pmf(k + 1) = pmf(k) (m - k) / (k + 1), summed in log space so large m does not underflow
  let logPmf = m * Math.log(0.5), logSum = logPmf;
  for (let k = 0; k < lo; k++) {
    logPmf += Math.log(m - k) - Math.log(k + 1);
    const hi = Math.max(logSum, logPmf);
    logSum = hi + Math.log(Math.exp(logSum - hi) + Math.exp(logPmf - hi));
  }
  return Math.min(1, 2 * Math.exp(logSum));
}
