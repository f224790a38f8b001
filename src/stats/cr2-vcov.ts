/**
 * Internal: the bias-reduced cluster-robust covariance CR2 of a logistic fit (Bell &
 * McCaffrey 2002; Pustejovsky & Tipton 2018), exactly as R's
 * `clubSandwich::vcovCR(fit, cluster, type = "CR2")` for a binomial glm with its defaults
 * (working-model target, inverse-variance weights):
 *   V = B (sum_j E_j r_j r_j' E_j') B,   E_j = X_j' diag(w) A_j,
 *   A_j = S_j (T_j (I - P_jj) T_j)^(-1/2) S_j,
 * with B = (X' W X)^-1 the model covariance, r_j the response residuals y - mu of cluster j,
 * w the prior weights (the trials of grouped rows), T_j = diag(v / w), v = mu (1 - mu),
 * S_j = T_j^(1/2), and P_jj = Z_j B Z_j' the cluster's block of the hat matrix of the
 * weighted design Z = diag(sqrt(v w)) X. The power -1/2 is the symmetric one, eigenvalues at
 * or below 1e-12 set to 0 (clubSandwich's matrix_power).
 *
 * Why it is cheap: receipts repeat a few dozen covariate patterns within a query. Rows of a
 * cluster with the same covariates and weight form a block; vectors constant on the blocks
 * and vectors summing to zero within each block are invariant subspaces of T (I - P) T, and
 * X' diag(w) annihilates the second. So every quantity reduces exactly to the C_j x C_j
 * matrices of the cluster's C_j distinct blocks (block sums of the residuals, block sizes),
 * with no n_j x n_j matrix: cost O(n) for the blocks plus O(sum_j C_j^3 + J k^3).
 *
 * The same pass keeps, per cluster, the two k x k matrices the Satterthwaite degrees of
 * freedom and the HTZ test need (clubSandwich's get_GH with inverse_var = TRUE):
 *   GG_j = B E_j T_j E_j' B   and   H_j = B E_j Z~_j L,
 * Z~_j = diag(v) X_j the glm's model matrix scaled by dmu/deta, L the lower Cholesky factor
 * of B. See satterthwaite.ts.
 * `linear: true` gives the same for an unweighted linear regression fitted by least squares
 * (`vcovCR(lm(...), type = "CR2")`): v = 1 and w = 1, B = (X'X)^-1, `fitted` the fitted means.
 * Frequency weights (`weights`) are the 0/1 expansion, as everywhere in the fit: a row of
 * weight m is m identical rows, i.e. m more rows of its block (block size and residual sum),
 * not a row of prior weight m (which clubSandwich's glm weights would be). So a table of cells
 * weighted by their receipts gives exactly the CR2 of the receipts themselves.
 * Throws StatsError when a cluster has more than MAX_BLOCKS distinct blocks (continuous
 * covariates): CR2 would need that cluster's full matrix; use CR1 there.
 */
import type { ClusterCodes } from "./cluster-codes";
import type { Cr2Parts } from "./cr2-parts";
import { symmetricPower } from "./cr2-symmetric-power";
import type { FitData } from "./logistic-fit-types";
import { choleskyFactor } from "./linear-algebra";
import { findRowPatterns } from "./row-patterns";
import { StatsError } from "./stats-error";

const CALLER = "withClusterRobust (CR2)";
/** Distinct (covariates, weight) blocks a cluster may have: the adjustment costs C^3 a cluster. */
const MAX_BLOCKS = 2000;

export function cr2Vcov(
  modelVcov: number[][], fitted: Float64Array, data: FitData, clusters: ClusterCodes, linear = false,
): { vcov: number[][]; groups: number; parts: Cr2Parts } {
  const n = fitted.length;
  const k = modelVcov.length;
  if (modelVcov.some((r) => r.some((v) => !Number.isFinite(v)))) {
    throw new StatsError(`${CALLER} requires a fit with a finite model covariance matrix; this fit has none (see its warnings)`);
  }
  const { codes, groups } = clusters;
  if (groups < 2) throw new StatsError(`${CALLER} requires at least 2 clusters, got ${groups}`);
  const { predictors, intercept, successes, trials, weights } = data;
  const first = intercept ? 1 : 0;

  // Blocks: rows with the same cluster, covariates and prior weight. Two hashing passes, each
  // on few columns: the covariate (and weight) patterns, then (pattern, cluster) pairs as one
  // integer key; much faster than hashing every column with the cluster at once.
  const plain = trials === undefined;
  const prior = new Float64Array(n);
  for (let i = 0; i < n; i++) prior[i] = trials === undefined ? 1 : trials[i];
  const covariates = findRowPatterns(plain ? [...predictors] : [...predictors, prior], n, Infinity, false);
  if (covariates === null) throw new StatsError(`${CALLER}: internal error, no covariate patterns`);
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) key[i] = covariates.patternOf[i] * groups + codes[i];
  const pairs = findRowPatterns([key], n, Infinity, false);
  if (pairs === null) throw new StatsError(`${CALLER}: internal error, no blocks`);
  const count = pairs.count;
  const size = new Float64Array(count); // rows with positive weight
  const residual = new Float64Array(count); // sum of y - mu
  const mu = new Float64Array(count);
  for (let i = 0; i < n; i++) {
    const m = weights === undefined ? 1 : weights[i]; // identical rows this row stands for
    if (!(prior[i] > 0) || !(m > 0)) continue;
    const b = pairs.patternOf[i];
    const t = trials === undefined ? 1 : trials[i];
    size[b] += m;
    residual[b] += m * (successes[i] / t - fitted[i]);
    mu[b] = fitted[i];
  }
  const blockCluster = new Int32Array(count), blockPattern = new Int32Array(count);
  for (let b = 0; b < count; b++) {
    const v = pairs.values[0][b];
    blockCluster[b] = v % groups;
    blockPattern[b] = (v - blockCluster[b]) / groups;
  }
  const kp = predictors.length;
  const blockWeight = (b: number): number => (plain ? 1 : covariates.values[kp][blockPattern[b]]);
  // x of a block, intercept first.
  const x = (b: number, j: number): number => (j < first ? 1 : covariates.values[j - first][blockPattern[b]]);

  // Blocks of each cluster, in order.
  const start = new Int32Array(groups + 1);
  for (let b = 0; b < count; b++) if (size[b] > 0) start[blockCluster[b] + 1]++;
  for (let g = 0; g < groups; g++) start[g + 1] += start[g];
  const order = new Int32Array(start[groups]);
  const fill = start.slice(0, groups);
  for (let b = 0; b < count; b++) if (size[b] > 0) order[fill[blockCluster[b]]++] = b;

  const B = Float64Array.from(modelVcov.flat());
  const L = choleskyFactor(B, k);
  if (L === null) throw new StatsError(`${CALLER}: the model covariance matrix is not positive definite`);
  const meat = new Float64Array(k * k);
  const gg = new Float64Array(groups * k * k);
  const h = new Float64Array(groups * k * k);
  for (let g = 0; g < groups; g++) {
    const from = start[g], c = start[g + 1] - from;
    if (c > MAX_BLOCKS) {
      throw new StatsError(`${CALLER}: cluster ${g + 1} has ${c} distinct covariate patterns (at most ${MAX_BLOCKS}); CR2 needs a matrix of that size per cluster, use CR1`);
    }
    // Per block: t = v / w, z = sqrt(m v w) x (weighted design in the block basis).
    const tt = new Float64Array(c), z = new Float64Array(c * k), f = new Float64Array(c * k), xs = new Float64Array(c * k), rr = new Float64Array(c);
    for (let a = 0; a < c; a++) {
      const b = order[from + a];
      const m = size[b], w = blockWeight(b), v = linear ? 1 : mu[b] * (1 - mu[b]);
      tt[a] = v / w;
      const sz = Math.sqrt(m * v * w), sf = w * Math.sqrt(m), sx = Math.sqrt(m) * v;
      for (let j = 0; j < k; j++) {
        const xv = x(b, j);
        z[a * k + j] = sz * xv;
        f[a * k + j] = sf * xv; // F' row: the column of X_j' diag(w) on the block's unit vector
        xs[a * k + j] = sx * xv; // the block's row of diag(v) X in the block basis
      }
      rr[a] = residual[b] / Math.sqrt(m);
    }
    // G = T (I - Z B Z') T, then A = S G^(-1/2) S.
    const zb = matMul(z, c, k, B, k); // c x k
    const G = new Float64Array(c * c);
    for (let a = 0; a < c; a++) {
      for (let d = 0; d < c; d++) {
        let p = 0;
        for (let j = 0; j < k; j++) p += zb[a * k + j] * z[d * k + j];
        G[a * c + d] = tt[a] * ((a === d ? 1 : 0) - p) * tt[d];
      }
    }
    const Q = symmetricPower(G, c, -0.5);
    const A = new Float64Array(c * c);
    for (let a = 0; a < c; a++) for (let d = 0; d < c; d++) A[a * c + d] = Math.sqrt(tt[a]) * Q[a * c + d] * Math.sqrt(tt[d]);
    // E' = A F (c x k): E = F' A.
    const AF = matMul(A, c, c, f, k);
    const comp = new Float64Array(k);
    for (let a = 0; a < c; a++) for (let j = 0; j < k; j++) comp[j] += AF[a * k + j] * rr[a];
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) meat[i * k + j] += comp[i] * comp[j];
    // BE = B E (k x c) stored transposed as c x k: (A F B)
    const EtB = matMul(AF, c, k, B, k); // c x k, row a = (B E)[:, a]
    const base = g * k * k;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let a = 0; a < c; a++) s += EtB[a * k + i] * tt[a] * EtB[a * k + j];
        gg[base + i * k + j] = s;
      }
    }
    // H = B E Z~ L: (k x c)(c x k)(k x k).
    const BEX = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      let s = 0;
      for (let a = 0; a < c; a++) s += EtB[a * k + i] * xs[a * k + j];
      BEX[i * k + j] = s;
    }
    h.set(matMul(BEX, k, k, L, k), base);
  }
  const bm = matMul(matMul(B, k, k, meat, k), k, k, B, k);
  const vcov: number[][] = [];
  for (let i = 0; i < k; i++) {
    const row: number[] = [];
    for (let j = 0; j < k; j++) row.push((bm[i * k + j] + bm[j * k + i]) / 2);
    vcov.push(row);
  }
  return { vcov, groups, parts: { k, groups, gg, h } };
}

function matMul(a: Float64Array, rows: number, inner: number, b: Float64Array, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let l = 0; l < inner; l++) {
      const ail = a[i * inner + l];
      if (ail === 0) continue;
      for (let j = 0; j < cols; j++) out[i * cols + j] += ail * b[l * cols + j];
    }
  }
  return out;
}

