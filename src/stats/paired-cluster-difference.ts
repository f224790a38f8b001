/**
 * The difference of two proportions measured on the same clusters (suffix minus prefix
 * compliance over the same queries), with a cluster-robust interval: the paired analogue of
 * Newcombe's interval, which treats the two samples as independent.
 *
 * Estimate p_a - p_b, the difference of the pooled proportions. Its variance is the CR1
 * sandwich of the linear regression y ~ [group is a] on the receipts of both groups, by
 * cluster: with the influence of cluster g,
 *   e_g = sum_{i in g, a} (y_i - p_a) / n_a - sum_{i in g, b} (y_i - p_b) / n_b,
 *   V = G / (G - 1) * (n - 1) / (n - 2) * sum_g e_g^2,
 * exactly `sandwich::vcovCL(lm(y ~ a), cluster = ~g, type = "HC1")[2, 2]`. A cluster seen
 * in both groups contributes one e_g, so the covariance of the two rates (positive when
 * queries differ in how often they comply) is subtracted, as a paired test does. The
 * interval is estimate +/- qt(1 - (1 - level) / 2, G - 1) * sqrt(V) (clubSandwich's
 * "naive-t" reference; G clusters, those with receipts in either group).
 * With fewer than CR2_BELOW_CLUSTERS (42) clusters (type "auto", the default) the variance
 * is CR2 instead and the t reference has Satterthwaite degrees of freedom, exactly
 * `clubSandwich::coef_test(lm(y ~ a), vcov = "CR2", cluster = g, test = "Satterthwaite")`
 * and `conf_int`: CR1 understates the variance with few clusters (docs/inference.md).
 * Reference: Cameron & Miller (2015), J. Human Resources 50(2), sec. II-III.
 * Cost: O(n). Throws StatsError with fewer than 2 clusters or an empty group.
 *
 * @example
 * pairedClusterDifference(y, isA, cluster); // { estimate, std_error, df, conf_low, conf_high, p_value, clusters }
 */
import { clusterCodes, type ClusterLabels } from "./cluster-codes";
import { CR2_BELOW_CLUSTERS } from "./cluster-robust-vcov";
import { cr2Vcov } from "./cr2-vcov";
import { satterthwaiteDf, tCriticalValue, tTwoSidedP } from "./satterthwaite";
import { StatsError } from "./stats-error";

export interface PairedClusterDifference {
  estimate: number;
  std_error: number;
  /** The t reference's degrees of freedom: G - 1 (CR1) or Satterthwaite's (CR2). */
  df: number;
  vcov_type: "CR1" | "CR2";
  statistic: number;
  p_value: number;
  conf_low: number;
  conf_high: number;
  clusters: number;
  /** Clusters with receipts in both groups. */
  paired_clusters: number;
}

const CALLER = "pairedClusterDifference";

/**
 * @param y 0/1 outcome a receipt
 * @param group 1 for group a (suffix), 0 for group b (prefix), a receipt
 * @param cluster cluster label a receipt
 * @param weights frequency weights: row i stands for weights[i] identical receipts (default 1 a row);
 *   every figure is that of the expanded receipts
 */
export function pairedClusterDifference(
  y: ArrayLike<number>, group: ArrayLike<number>, cluster: ClusterLabels, confLevel = 0.95, type: "auto" | "CR1" | "CR2" = "auto",
  weights?: ArrayLike<number>,
): PairedClusterDifference {
  const rows = y.length;
  if (group.length !== rows) throw new StatsError(`${CALLER} requires one group a receipt: ${group.length} groups for ${rows} outcomes`);
  if (weights !== undefined && weights.length !== rows) throw new StatsError(`${CALLER} requires one weight a row: ${weights.length} weights for ${rows} outcomes`);
  if (!(confLevel > 0 && confLevel < 1)) throw new StatsError(`${CALLER} requires confLevel strictly between 0 and 1, got ${confLevel}`);
  const { codes, groups } = clusterCodes(cluster, rows, CALLER);
  let na = 0, nb = 0, sa = 0, sb = 0;
  for (let i = 0; i < rows; i++) {
    const w = weights === undefined ? 1 : weights[i];
    if (!(y[i] === 0 || y[i] === 1)) throw new StatsError(`${CALLER} requires 0/1 outcomes: ${y[i]} at row ${i}`);
    if (!(w >= 0 && Number.isFinite(w))) throw new StatsError(`${CALLER} requires finite weights >= 0: ${w} at row ${i}`);
    if (group[i] === 1) { na += w; sa += w * y[i]; } else if (group[i] === 0) { nb += w; sb += w * y[i]; } else {
      throw new StatsError(`${CALLER} requires group 0 or 1: ${group[i]} at row ${i}`);
    }
  }
  const n = na + nb; // receipts (the sum of the weights)
  if (na === 0 || nb === 0) throw new StatsError(`${CALLER} requires receipts in both groups, got ${na} and ${nb}`);
  if (groups < 2) throw new StatsError(`${CALLER} requires at least 2 clusters, got ${groups}`);
  const pa = sa / na, pb = sb / nb;
  const e = new Float64Array(groups);
  const seen = new Uint8Array(groups);
  for (let i = 0; i < rows; i++) {
    const g = codes[i], w = weights === undefined ? 1 : weights[i];
    if (!(w > 0)) continue;
    if (group[i] === 1) { e[g] += (w * (y[i] - pa)) / na; seen[g] |= 1; } else { e[g] -= (w * (y[i] - pb)) / nb; seen[g] |= 2; }
  }
  let sum = 0, paired = 0;
  for (let g = 0; g < groups; g++) {
    sum += e[g] * e[g];
    if (seen[g] === 3) paired++;
  }
  const useCr2 = type === "CR2" || (type === "auto" && groups < CR2_BELOW_CLUSTERS);
  let variance = (groups / (groups - 1)) * ((n - 1) / (n - 2)) * sum;
  let df = groups - 1;
  if (useCr2) {
    // The least-squares fit y ~ 1 + a: B = (X'X)^-1 with X'X = [[n, na], [na, na]].
    const det = n * na - na * na;
    const B = [[na / det, -na / det], [-na / det, n / det]];
    const indicator = new Float64Array(rows), outcome = new Float64Array(rows), fitted = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      indicator[i] = group[i];
      outcome[i] = y[i];
      fitted[i] = group[i] === 1 ? pa : pb;
    }
    const freq = weights === undefined ? undefined : Float64Array.from(weights);
    const cr2 = cr2Vcov(B, fitted, { predictors: [indicator], intercept: true, successes: outcome, ...(freq === undefined ? {} : { weights: freq }) }, { codes, groups }, true);
    variance = cr2.vcov[1][1];
    df = satterthwaiteDf(cr2.parts, [0, 1]);
  }
  const se = Math.sqrt(variance);
  const estimate = pa - pb;
  const t = tCriticalValue(confLevel, df);
  const statistic = estimate / se;
  return {
    estimate, std_error: se, df, statistic, p_value: se > 0 ? tTwoSidedP(statistic, df) : NaN,
    conf_low: estimate - t * se, conf_high: estimate + t * se, clusters: groups, paired_clusters: paired,
    vcov_type: useCr2 ? "CR2" : "CR1",
  };
}
