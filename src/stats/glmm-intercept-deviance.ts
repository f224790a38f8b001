/**
 * Internal: the deviance (-2 log-likelihood) of a random-intercept logistic model and its
 * exact gradient, by the Laplace approximation (K = 1) or adaptive Gauss-Hermite quadrature
 * with K points, as lme4's glmer computes them for nAGQ = K.
 *
 * Parameters are lme4's: the fixed effects beta and theta, the random intercept's SD (the
 * scale of a binomial model is 1). The random intercept of group i is b_i = theta u_i with
 * u_i ~ N(0, 1) ("spherical", lme4's u), and group i's contribution is
 *   G_i = log of the integral of exp(f_i(u)) du / sqrt(2 pi),
 *   f_i(u) = sum over its cells of [s eta - t log(1 + e^eta)] - u^2 / 2,  eta = x'beta + theta u,
 * approximated around the conditional mode u^ (f_i'(u^) = 0) with scale sd = 1 / L,
 * L^2 = -f_i''(u^) = 1 + theta^2 sum t mu (1 - mu):
 *   G_i ~ log sd + log sum_k w_k exp(f_i(u^ + sd z_k) + z_k^2 / 2)
 * with (z_k, w_k) the Gauss-Hermite rule for the normal density (gauss-hermite.ts). K = 1 is
 * f_i(u^) - log L, the Laplace approximation. The deviance is -2 sum_i G_i: lme4's
 * "aic + sum u^2 + log|L|^2" for 0/1 rows; for grouped rows it is that of their 0/1
 * expansion (no log binomial coefficients: see fitRandomInterceptLogistic).
 *
 * Gradient: u^ and sd depend on the parameters, and for K > 1 the nodes are not at a
 * stationary point, so dG_i/dphi = (dsd/dphi) / sd + sum_k pi_k [df/dphi + f'(u_k)
 * (du^/dphi + z_k dsd/dphi)] at u_k = u^ + sd z_k (pi_k the normalised node terms), with
 * du^/dphi = -f_uphi / f_uu and dsd/dphi = sd^3 / 2 (f_uuphi + f_uuu du^/dphi) at u^ by the
 * implicit-function theorem. Checked against central differences of the deviance in the tests.
 *
 * Cost: per evaluation, for each group, a few Newton steps for u^ (warm-started from the
 * previous evaluation) and K passes over its cells: O(cells (iterations + K k)).
 */
import type { GaussHermiteRule } from "./gauss-hermite";
import type { GroupedCells } from "./glmm-cells";

export interface DevianceAndGradient {
  deviance: number;
  /** d deviance / d (beta..., theta). */
  gradient: Float64Array;
}

/** A Newton step for u^ smaller than this (relative to 1 + |u|) ends the inner iteration. */
const MODE_TOLERANCE = 1e-13;
const MAX_MODE_ITERATIONS = 200;
const QUADRATIC_BASIN = 1e-7;

export class RandomInterceptDeviance {
  /** Number of parameters: k fixed effects and theta. */
  readonly size: number;
  /** Spherical conditional modes u^, one a group, kept between evaluations as warm starts. */
  readonly modes: Float64Array;
  /** False when some group's conditional mode did not converge in the last evaluation. */
  modesConverged = true;
  readonly #cells: GroupedCells;
  readonly #rule: GaussHermiteRule;
  readonly #k: number;
  readonly #offset: Float64Array;
  // Sums of the last pass (no allocation a pass).
  #f = 0;
  #r = 0;
  #s0 = 0;
  #t0 = 0;
  /** sum t mu (1 - mu) x, sum t mu (1 - mu) (1 - 2 mu) x and sum (s - t mu) x, a term. */
  readonly #s1: Float64Array;
  readonly #t1: Float64Array;
  readonly #f0r: Float64Array;

  constructor(cells: GroupedCells, rule: GaussHermiteRule) {
    this.#cells = cells;
    this.#rule = rule;
    this.#k = cells.columns.length;
    this.size = this.#k + 1;
    this.modes = new Float64Array(cells.labels.length);
    this.#offset = new Float64Array(cells.successes.length);
    this.#s1 = new Float64Array(this.#k);
    this.#t1 = new Float64Array(this.#k);
    this.#f0r = new Float64Array(this.#k);
  }

  evaluate(params: ArrayLike<number>): DevianceAndGradient {
    const k = this.#k;
    const { columns, successes, trials, start } = this.#cells;
    const { nodes, weights } = this.#rule;
    const theta = params[k];
    const a = this.#offset;
    a.fill(0);
    for (let j = 0; j < k; j++) {
      const b = params[j];
      const col = columns[j];
      for (let c = 0; c < a.length; c++) a[c] += b * col[c];
    }
    const gradient = new Float64Array(k + 1);
    const s1 = this.#s1, t1 = this.#t1, f0r = this.#f0r;
    const fkr = new Float64Array(k); // the same at a node
    const duB = new Float64Array(k);
    const dsdB = new Float64Array(k);
    const K = nodes.length;
    const nodeLog = new Float64Array(K);
    const nodeU = new Float64Array(K);
    const nodeR = new Float64Array(K);
    const nodeFr = new Float64Array(K * k);
    let total = 0;
    this.modesConverged = true;
    const G = start.length - 1;
    for (let g = 0; g < G; g++) {
      const from = start[g];
      const to = start[g + 1];
      const u = this.#mode(from, to, theta, this.modes[g]);
      this.modes[g] = u;
      // The sums of the last pass, which #mode left at u^.
      const s0 = this.#s0, t0 = this.#t0, r0 = this.#r, f0 = this.#f;
      const L2 = theta * theta * s0 + 1;
      const sd = 1 / Math.sqrt(L2);
      // Implicit derivatives of u^ and sd.
      const fuuu = -theta * theta * theta * t0;
      for (let j = 0; j < k; j++) {
        duB[j] = (-theta * s1[j]) / L2;
        dsdB[j] = 0.5 * sd * sd * sd * (-theta * theta * t1[j] + fuuu * duB[j]);
      }
      const duT = (r0 - theta * u * s0) / L2;
      const dsdT = 0.5 * sd * sd * sd * (-2 * theta * s0 - theta * theta * t0 * u + fuuu * duT);
      // The quadrature nodes.
      let maxLog = -Infinity;
      for (let q = 0; q < K; q++) {
        const z = nodes[q];
        let fq: number, rq: number;
        const uq = u + sd * z;
        if (z === 0) {
          fq = f0; rq = r0;
          for (let j = 0; j < k; j++) nodeFr[q * k + j] = f0r[j];
        } else {
          fq = 0; rq = 0; fkr.fill(0);
          for (let c = from; c < to; c++) {
            const eta = a[c] + theta * uq;
            const t = trials[c];
            const s = successes[c];
            const { mu, oneMinusMu, softplus, softplusNeg } = logistic(eta);
            const resid = s * oneMinusMu - (t - s) * mu;
            fq -= s * softplusNeg + (t - s) * softplus;
            rq += resid;
            for (let j = 0; j < k; j++) fkr[j] += resid * columns[j][c];
          }
          fq -= (uq * uq) / 2;
          for (let j = 0; j < k; j++) nodeFr[q * k + j] = fkr[j];
        }
        nodeU[q] = uq;
        nodeR[q] = rq;
        nodeLog[q] = fq + (z * z) / 2 + Math.log(weights[q]);
        if (nodeLog[q] > maxLog) maxLog = nodeLog[q];
      }
      let sum = 0;
      for (let q = 0; q < K; q++) sum += Math.exp(nodeLog[q] - maxLog);
      total += Math.log(sd) + maxLog + Math.log(sum);
      // Gradient of G_i.
      for (let j = 0; j < k; j++) gradient[j] += dsdB[j] / sd;
      gradient[k] += dsdT / sd;
      for (let q = 0; q < K; q++) {
        const pi = Math.exp(nodeLog[q] - maxLog) / sum;
        const fu = theta * nodeR[q] - nodeU[q];
        const z = nodes[q];
        for (let j = 0; j < k; j++) gradient[j] += pi * (nodeFr[q * k + j] + fu * (duB[j] + z * dsdB[j]));
        gradient[k] += pi * (nodeU[q] * nodeR[q] + fu * (duT + z * dsdT));
      }
    }
    for (let j = 0; j <= k; j++) gradient[j] *= -2;
    return { deviance: -2 * total, gradient };
  }

  /** The conditional mode u^ of one group: Newton's method on the concave f (f'' <= -1), halving steps that lower f. */
  #mode(from: number, to: number, theta: number, u0: number): number {
    let u = Number.isFinite(u0) ? u0 : 0;
    this.#pass(from, to, theta, u);
    for (let it = 0; it < MAX_MODE_ITERATIONS; it++) {
      const f = this.#f;
      const step = (theta * this.#r - u) / (theta * theta * this.#s0 + 1);
      if (Math.abs(step) <= MODE_TOLERANCE * (1 + Math.abs(u))) return u;
      let h = step;
      let halvings = 0;
      for (; ; halvings++) {
        this.#pass(from, to, theta, u + h);
        // Near the mode f changes by less than its rounding: accept steps that do not lower it beyond that.
        if (this.#f >= f - 1e-12 * (1 + Math.abs(f)) || halvings >= 60) break;
        h /= 2;
      }
      u += h;
      // Newton's error squares each step (|f'''/f''| is at most ~|theta|): after a full step
      // below 1e-7 the mode is within ~1e-14, and the pass just made is at it. Saves a pass.
      if (halvings === 0 && Math.abs(h) <= QUADRATIC_BASIN * (1 + Math.abs(u))) return u;
    }
    this.modesConverged = false;
    return u;
  }

  /**
   * f and the sums the gradient needs, of one group at u. Every pass computes them all (a
   * few multiply-adds a cell beside exp and log1p): the last pass of #mode is then at u^.
   */
  #pass(from: number, to: number, theta: number, u: number): void {
    const { successes, trials, columns } = this.#cells;
    const k = this.#k;
    const a = this.#offset;
    const s1 = this.#s1, t1 = this.#t1, f0r = this.#f0r;
    s1.fill(0); t1.fill(0); f0r.fill(0);
    let f = 0, r = 0, s0 = 0, t0 = 0;
    for (let c = from; c < to; c++) {
      const t = trials[c];
      const s = successes[c];
      const { mu, oneMinusMu, softplus, softplusNeg } = logistic(a[c] + theta * u);
      f -= s * softplusNeg + (t - s) * softplus;
      const resid = s * oneMinusMu - (t - s) * mu; // s - t mu without cancellation
      const v = t * mu * oneMinusMu;
      const w3 = v * (oneMinusMu - mu);
      r += resid;
      s0 += v;
      t0 += w3;
      for (let j = 0; j < k; j++) {
        const x = columns[j][c];
        s1[j] += v * x; t1[j] += w3 * x; f0r[j] += resid * x;
      }
    }
    this.#f = f - (u * u) / 2;
    this.#r = r;
    this.#s0 = s0;
    this.#t0 = t0;
  }
}

const terms = { mu: 0, oneMinusMu: 0, softplus: 0, softplusNeg: 0 };

/**
 * mu, 1 - mu, log(1 + e^eta) and log(1 + e^-eta) without cancellation. Returns one shared
 * object (read its fields at once): the inner loops call it per cell and must not allocate.
 */
function logistic(eta: number): typeof terms {
  if (eta >= 0) {
    const e = Math.exp(-eta);
    terms.mu = 1 / (1 + e);
    terms.oneMinusMu = e / (1 + e);
    terms.softplusNeg = Math.log1p(e);
    terms.softplus = eta + terms.softplusNeg;
  } else {
    const e = Math.exp(eta);
    terms.mu = e / (1 + e);
    terms.oneMinusMu = 1 / (1 + e);
    terms.softplus = Math.log1p(e);
    terms.softplusNeg = terms.softplus - eta;
  }
  return terms;
}
