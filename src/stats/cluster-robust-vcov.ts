/**
 * Internal: the cluster-robust (CR1) covariance of a logistic fit, as R's
 * `sandwich::vcovCL(fit, cluster = ~g, type = "HC1")` with its default cadjust = TRUE:
 *   V = B M B * G / (G - 1) * (n - 1) / (n - k),
 * where B is the model covariance (X'WX)^-1, M = sum over clusters of S_g S_g', S_g the sum of
 * the score contributions x_i * w_i * (s_i - t_i * mu_i) of the cluster's rows, G the number of
 * clusters, n the number of observations and k the number of terms.
 * For grouped rows n is the total number of trials (the individual expansion), so a grouped
 * fit with a per-row cluster gives the same CR1 as its expansion with the cluster repeated
 * (R's vcovCL on a cbind() fit would use the number of grouped rows instead).
 * The fitted probabilities are those of the input rows, also when the fit iterated on one row
 * a covariate pattern (each row has its pattern's), so the scores are the rows' own.
 * Cost: one pass over the rows, O(n k + G k^2), no refit; the clusters come as dense integer
 * codes (cluster-codes.ts), so the pass indexes a typed array.
 */
import { sandwichProduct } from "./linear-algebra";
import type { ClusterCodes } from "./cluster-codes";
import type { FitData } from "./logistic-fit-types";
import { StatsError } from "./stats-error";

const CALLER = "withClusterRobust";

export function clusterRobustVcov(
  modelVcov: number[][], estimates: Float64Array, fitted: Float64Array, data: FitData, nObs: number,
  clusters: ClusterCodes,
): { vcov: number[][]; groups: number } {
  const n = fitted.length;
  const k = estimates.length;
  if (modelVcov.some((r) => r.some((v) => !Number.isFinite(v)))) {
    throw new StatsError(`${CALLER} requires a fit with a finite model covariance matrix; this fit has none (see its warnings)`);
  }
  const { codes: groupOf, groups } = clusters;
  if (groups < 2) throw new StatsError(`${CALLER} requires at least 2 clusters, got ${groups}`);
  const scores = new Float64Array(groups * k);
  const { predictors, intercept, successes, trials, weights } = data;
  const first = intercept ? 1 : 0; // the intercept's column is 1 in every row
  // Residuals first, then one tight pass a term (the same sums in the same row order as one
  // pass doing all terms, so the same bits, at a third of the time on a million rows).
  const residual = new Float64Array(n);
  if (trials === undefined && weights === undefined) {
    for (let i = 0; i < n; i++) residual[i] = successes[i] - fitted[i];
  } else {
    for (let i = 0; i < n; i++) {
      const t = trials === undefined ? 1 : trials[i];
      const pw = weights === undefined ? 1 : weights[i];
      residual[i] = pw * (successes[i] - t * fitted[i]);
    }
  }
  if (intercept) for (let i = 0; i < n; i++) scores[groupOf[i] * k] += residual[i];
  for (let j = first; j < k; j++) {
    const column = predictors[j - first];
    for (let i = 0; i < n; i++) scores[groupOf[i] * k + j] += column[i] * residual[i];
  }
  const meat: number[][] = [];
  for (let a = 0; a < k; a++) meat.push(new Array<number>(k).fill(0));
  for (let g = 0; g < groups; g++) {
    const base = g * k;
    for (let a = 0; a < k; a++) {
      const sa = scores[base + a];
      for (let b = 0; b <= a; b++) meat[a][b] += sa * scores[base + b];
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) meat[b][a] = meat[a][b];
  const adjust = (groups / (groups - 1)) * ((nObs - 1) / (nObs - k));
  const vcov = sandwichProduct(modelVcov, meat).map((r) => r.map((v) => v * adjust));
  return { vcov, groups };
}

/**
 * Below this many clusters, "auto" cluster-robust errors are CR2 with Satterthwaite degrees
 * of freedom instead of CR1 with normal (chi-square) reference distributions. Why 42: CR1
 * Wald tests over-reject with few clusters (Cameron & Miller 2015, J. Human Resources 50(2),
 * sec. VI: "few" is somewhere between 20 and 50 depending on the design; Angrist & Pischke's
 * rule of thumb is 42), while CR2 + Satterthwaite stays close to nominal down to a handful of
 * clusters (Pustejovsky & Tipton 2018) and approaches CR1 as clusters grow, so erring towards
 * CR2 costs little. Its cost is O(sum of C_j^3) for C_j distinct covariate patterns a
 * cluster, a few milliseconds for receipt designs; CR1 is kept above so that large studies
 * report the familiar sandwich::vcovCL errors. See docs/inference.md.
 */
export const CR2_BELOW_CLUSTERS = 42;
