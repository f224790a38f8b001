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
 * Cost: one pass over the rows, O(n k + G k^2), no refit.
 */
import { sandwichProduct } from "./linear-algebra";
import type { FitData } from "./logistic-fit-types";
import { StatsError } from "./stats-error";

const CALLER = "withClusterRobust";

export function clusterRobustVcov(
  modelVcov: number[][], estimates: Float64Array, fitted: Float64Array, data: FitData, nObs: number,
  cluster: ArrayLike<string | number>,
): { vcov: number[][]; groups: number } {
  const n = fitted.length;
  const k = estimates.length;
  if (cluster === null || cluster === undefined || cluster.length !== n) {
    throw new StatsError(`${CALLER} requires one cluster label a row: got ${cluster?.length} labels for ${n} rows`);
  }
  if (modelVcov.some((r) => r.some((v) => !Number.isFinite(v)))) {
    throw new StatsError(`${CALLER} requires a fit with a finite model covariance matrix; this fit has none (see its warnings)`);
  }
  const ids = new Map<string | number, number>();
  const groupOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = cluster[i];
    if (label === null || label === undefined || (typeof label === "number" && Number.isNaN(label))) {
      throw new StatsError(`${CALLER}: the cluster label is missing at row ${i}`);
    }
    let g = ids.get(label);
    if (g === undefined) {
      g = ids.size;
      ids.set(label, g);
    }
    groupOf[i] = g;
  }
  const groups = ids.size;
  if (groups < 2) throw new StatsError(`${CALLER} requires at least 2 clusters, got ${groups}`);
  const scores = new Float64Array(groups * k);
  const { predictors, intercept, successes, trials, weights } = data;
  const first = intercept ? 1 : 0; // the intercept's column is 1 in every row
  for (let i = 0; i < n; i++) {
    const t = trials === undefined ? 1 : trials[i];
    const pw = weights === undefined ? 1 : weights[i];
    const r = pw * (successes[i] - t * fitted[i]);
    const base = groupOf[i] * k;
    if (intercept) scores[base] += r;
    for (let j = first; j < k; j++) scores[base + j] += predictors[j - first][i] * r;
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
