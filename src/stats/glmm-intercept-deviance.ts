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
 * Cost: per evaluation, for each group, Newton steps for u^ warm-started from a first-order
 * prediction (du^/dphi of the previous evaluation), and K passes over its cells. A pass
 * takes one exp a group (e^eta = e^(x'beta) e^(theta u), e^(x'beta) once a covariate
 * pattern) and a division a cell; only the pass at u^ adds the gradient's multiply-adds and,
 * when the deviance is wanted, a log1p a cell. For the optimiser's nearby evaluations that
 * is one pass a group: the predicted start is a Newton step of ~1e-9 from u^, taken by
 * moving the sums along their derivatives (#shift).
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
/**
 * A Newton step for u^ with |theta step| below this cannot lower f (see #mode): it is taken
 * without a line search, so the pass that follows it needs no log-likelihood (no log1p).
 */
const SAFE_STEP = 0.5;
/**
 * While |x'beta| and |theta u| are at most this, e^eta = e^(x'beta) e^(theta u) neither
 * overflows nor underflows (e^600 < 1.8e308): the passes then take one exp a pattern and one
 * a group instead of one a cell. Beyond it, one exp a cell (#exactPass).
 */
const PRODUCT_RANGE = 300;
/**
 * A first Newton step for u^ at most this (relative to 1 + |u|) from a predicted start is
 * taken by moving the pass's sums along their derivatives in u (#shift) instead of another
 * pass: the first-order error, ~(theta step)^2 relative, is then at the rounding level.
 */
const TAYLOR_STEP = 1e-8;
/** Parameters this close (relative) to the last evaluation's predict modes to about TAYLOR_STEP. */
const NEAR = 1e-4;
/** What a pass computes (#pass). */
const LIGHT = 0;
const GRADIENT = 1;
const COMPLETE = 2;

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
  /** 1 when term 0 is the intercept: its sums are those of the cells' plain sums (r, s0, t0). */
  readonly #j0: number;
  /**
   * The other terms' count, and the first two of them (a column of 0s when there are
   * fewer): a pass sums these in registers, the rest (#extra) from the cells' values kept in
   * scratch arrays. Typed-array accumulators in the cell loop would cost a store a cell and term.
   */
  readonly #m: number;
  readonly #x1: Float64Array;
  readonly #x2: Float64Array;
  readonly #extra: Float64Array[];
  /** A group's per-cell values (v, w3, resid) for the #extra terms. */
  readonly #scratchV: Float64Array;
  readonly #scratchW: Float64Array;
  readonly #scratchR: Float64Array;
  readonly #scratchY: Float64Array;
  /** x'beta and e^(x'beta), a covariate pattern, of the evaluation under way. */
  readonly #a: Float64Array;
  readonly #e: Float64Array;
  /** PRODUCT_RANGE, or a smaller bound for the tests (negative: one exp a cell always). */
  readonly #productRange: number;
  /** Every |x'beta| is within #productRange. */
  #productForm = false;
  /**
   * du^/d(beta..., theta) of each group at the last evaluation (k + 1 a group) and its
   * parameters: the next evaluation starts each mode from their first-order prediction,
   * which for the optimiser's nearby evaluations (differences, short steps) is within a
   * Newton step's basin, so one pass is saved a group. The mode reached does not depend on
   * the start beyond MODE_TOLERANCE.
   */
  readonly #slopes: Float64Array;
  readonly #lastParams: Float64Array;
  #predict = false;
  // Sums of the last pass (no allocation a pass): LIGHT leaves only #r and #s0, GRADIENT all but #f, COMPLETE all.
  #level = LIGHT;
  #f = 0;
  #r = 0;
  #s0 = 0;
  #t0 = 0;
  /** sum t mu (1 - mu) x, sum t mu (1 - mu) (1 - 2 mu) x and sum (s - t mu) x, a term. */
  readonly #s1: Float64Array;
  readonly #t1: Float64Array;
  readonly #f0r: Float64Array;
  /**
   * With derivatives: sum t mu (1 - mu) (1 - 6 mu (1 - mu)) and the same times x, a term
   * (d t0 / d eta and d t1 / d eta, beside d r = -s0, d s0 = t0, d s1 = t1, d f0r = -s1).
   */
  #derivatives = false;
  #y0 = 0;
  readonly #y1: Float64Array;
  // A quadrature node's pass: f, sum (s - t mu) and sum (s - t mu) x.
  #fq = 0;
  #rq = 0;
  readonly #fkr: Float64Array;
  // Scratch of evaluate, a term or a node.
  readonly #duB: Float64Array;
  readonly #dsdB: Float64Array;
  readonly #nodeLog: Float64Array;
  readonly #nodeU: Float64Array;
  readonly #nodeR: Float64Array;
  readonly #nodeFr: Float64Array;

  constructor(cells: GroupedCells, rule: GaussHermiteRule, options: { productRange?: number } = {}) {
    this.#cells = cells;
    this.#productRange = Math.min(options.productRange ?? PRODUCT_RANGE, PRODUCT_RANGE);
    this.#rule = rule;
    const k = cells.columns.length;
    this.#k = k;
    this.size = k + 1;
    this.modes = new Float64Array(cells.labels.length);
    this.#slopes = new Float64Array(cells.labels.length * (k + 1));
    this.#lastParams = new Float64Array(k + 1);
    this.#j0 = cells.intercept ? 1 : 0;
    const m = k - this.#j0;
    this.#m = m;
    const C = cells.successes.length;
    const zeros = m < 2 ? new Float64Array(C) : null;
    this.#x1 = m >= 1 ? cells.columns[this.#j0] : zeros!;
    this.#x2 = m >= 2 ? cells.columns[this.#j0 + 1] : zeros!;
    this.#extra = cells.columns.slice(this.#j0 + 2);
    let largest = 0;
    for (let g = 0; g + 1 < cells.start.length; g++) largest = Math.max(largest, cells.start[g + 1] - cells.start[g]);
    const scratch = this.#extra.length > 0 ? largest : 0;
    this.#scratchV = new Float64Array(scratch);
    this.#scratchW = new Float64Array(scratch);
    this.#scratchR = new Float64Array(scratch);
    this.#scratchY = new Float64Array(scratch);
    this.#y1 = new Float64Array(k);
    const P = cells.patternColumns[0].length;
    this.#a = new Float64Array(P);
    this.#e = new Float64Array(P);
    this.#s1 = new Float64Array(k);
    this.#t1 = new Float64Array(k);
    this.#f0r = new Float64Array(k);
    this.#fkr = new Float64Array(k);
    this.#duB = new Float64Array(k);
    this.#dsdB = new Float64Array(k);
    const K = rule.nodes.length;
    this.#nodeLog = new Float64Array(K);
    this.#nodeU = new Float64Array(K);
    this.#nodeR = new Float64Array(K);
    this.#nodeFr = new Float64Array(K * k);
  }

  /**
   * @param withDeviance false when only the gradient is wanted (the optimiser's differences):
   * with the Laplace approximation (K = 1) the passes then skip the log-likelihood, and the
   * deviance returned is NaN.
   */
  evaluate(params: ArrayLike<number>, withDeviance = true): DevianceAndGradient {
    const k = this.#k;
    const { patternColumns, start } = this.#cells;
    const { nodes, weights } = this.#rule;
    const theta = params[k];
    // The linear predictor a covariate pattern (the cells of a pattern share it).
    const a = this.#a, e = this.#e;
    a.fill(0);
    for (let j = 0; j < k; j++) {
      const b = params[j];
      const col = patternColumns[j];
      for (let p = 0; p < a.length; p++) a[p] += b * col[p];
    }
    let productForm = true;
    for (let p = 0; p < a.length; p++) {
      if (!(Math.abs(a[p]) <= this.#productRange)) productForm = false;
      e[p] = Math.exp(a[p]);
    }
    this.#productForm = productForm;
    const gradient = new Float64Array(k + 1);
    const s1 = this.#s1, t1 = this.#t1, f0r = this.#f0r, fkr = this.#fkr;
    const duB = this.#duB, dsdB = this.#dsdB;
    const nodeLog = this.#nodeLog, nodeU = this.#nodeU, nodeR = this.#nodeR, nodeFr = this.#nodeFr;
    const K = nodes.length;
    const need = withDeviance || K > 1 ? COMPLETE : GRADIENT;
    const logWeight0 = Math.log(weights[0]);
    let total = 0;
    this.modesConverged = true;
    const G = start.length - 1;
    const slopes = this.#slopes, last = this.#lastParams;
    const predict = this.#predict;
    // Where the start is likely a Taylor step from u^ (#mode): in the optimiser's gradient-only
    // differences, and in evaluations near the last (a far one would pay a log1p a cell in
    // vain before its Newton steps).
    let move = 0;
    for (let j = 0; j <= k; j++) move = Math.max(move, Math.abs(params[j] - last[j]) / (1 + Math.abs(last[j])));
    const taylor = predict && (need === GRADIENT || move <= NEAR);
    for (let g = 0; g < G; g++) {
      const from = start[g];
      const to = start[g + 1];
      let u0 = this.modes[g];
      if (predict) for (let j = 0, i = g * (k + 1); j <= k; j++, i++) u0 += slopes[i] * (params[j] - last[j]);
      const u = this.#mode(from, to, theta, u0, need, taylor);
      this.modes[g] = u;
      // The sums of the last pass, which #mode left complete at u^.
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
      for (let j = 0, i = g * (k + 1); j < k; j++, i++) slopes[i] = duB[j];
      slopes[g * (k + 1) + k] = duT;
      const dsdT = 0.5 * sd * sd * sd * (-2 * theta * s0 - theta * theta * t0 * u + fuuu * duT);
      for (let j = 0; j < k; j++) gradient[j] += dsdB[j] / sd;
      gradient[k] += dsdT / sd;
      if (K === 1) {
        // Laplace: the one node is the mode (z = 0, pi = 1): no pass, no exp, and the
        // deviance's logs only when it is wanted (the same sums as the loop below).
        if (need === COMPLETE) total += Math.log(sd) + (f0 + logWeight0);
        const fu = theta * r0 - u;
        for (let j = 0; j < k; j++) gradient[j] += f0r[j] + fu * duB[j];
        gradient[k] += u * r0 + fu * duT;
        continue;
      }
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
          this.#nodePass(from, to, theta, uq);
          fq = this.#fq; rq = this.#rq;
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
      for (let q = 0; q < K; q++) {
        const pi = Math.exp(nodeLog[q] - maxLog) / sum;
        const fu = theta * nodeR[q] - nodeU[q];
        const z = nodes[q];
        for (let j = 0; j < k; j++) gradient[j] += pi * (nodeFr[q * k + j] + fu * (duB[j] + z * dsdB[j]));
        gradient[k] += pi * (nodeU[q] * nodeR[q] + fu * (duT + z * dsdT));
      }
    }
    for (let j = 0; j <= k; j++) gradient[j] *= -2;
    for (let j = 0; j <= k; j++) last[j] = params[j];
    let finite = true;
    for (let j = 0; j <= k; j++) if (!Number.isFinite(params[j])) finite = false;
    this.#predict = finite && this.modesConverged;
    return { deviance: need === COMPLETE ? -2 * total : NaN, gradient };
  }

  /**
   * The conditional mode u^ of one group: Newton's method on the concave f (f'' <= -1),
   * halving steps that lower f; leaves the complete sums of a pass at u^.
   *
   * Why a short step needs no check: with h the Newton step at u, f(u + h) - f(u) =
   * h^2 (|f''(u)| - |f''(xi)| / 2) for some xi between, and |f''| = 1 + theta^2 sum t mu (1 - mu)
   * changes by at most a factor e^|theta h| over the step (d log(mu (1 - mu)) / d eta =
   * 1 - 2 mu is within [-1, 1]): for |theta h| < ln 2 the step raises f, and the halving
   * test would accept it at once. So only long steps pay for f (a log1p a cell).
   */
  #mode(from: number, to: number, theta: number, u0: number, need: number, taylor: boolean): number {
    let u = Number.isFinite(u0) ? u0 : 0;
    if (taylor) {
      // A predicted start is mostly a tiny step from u^ (the optimiser's differences): one
      // pass with the sums' derivatives, and the step by first-order Taylor.
      this.#pass(from, to, theta, u, need, true);
      const step = (theta * this.#r - u) / (theta * theta * this.#s0 + 1);
      if (this.#derivatives && Math.abs(step) <= TAYLOR_STEP * (1 + Math.abs(u))) {
        this.#shift(theta, u, step);
        return u + step;
      }
    } else {
      this.#pass(from, to, theta, u, LIGHT);
    }
    for (let it = 0; it < MAX_MODE_ITERATIONS; it++) {
      const step = (theta * this.#r - u) / (theta * theta * this.#s0 + 1);
      if (Math.abs(step) <= MODE_TOLERANCE * (1 + Math.abs(u))) {
        if (this.#level < need) this.#pass(from, to, theta, u, need);
        return u;
      }
      if (Math.abs(theta * step) < SAFE_STEP) {
        u += step;
        // Newton's error squares each step (|f'''/f''| is at most ~|theta|): after a step
        // below 1e-7 the mode is within ~1e-14, and the pass at it is the last one.
        const last = Math.abs(step) <= QUADRATIC_BASIN * (1 + Math.abs(u));
        this.#pass(from, to, theta, u, last ? need : LIGHT);
        if (last) return u;
        continue;
      }
      if (this.#level < COMPLETE) this.#pass(from, to, theta, u, COMPLETE);
      const f = this.#f;
      let h = step;
      let halvings = 0;
      for (; ; halvings++) {
        this.#pass(from, to, theta, u + h, COMPLETE);
        // Near the mode f changes by less than its rounding: accept steps that do not lower it beyond that.
        if (this.#f >= f - 1e-12 * (1 + Math.abs(f)) || halvings >= 60) break;
        h /= 2;
      }
      u += h;
      if (halvings === 0 && Math.abs(h) <= QUADRATIC_BASIN * (1 + Math.abs(u))) return u;
    }
    this.modesConverged = false;
    if (this.#level < need) this.#pass(from, to, theta, u, need);
    return u;
  }

  /**
   * The sums of one group at u: LIGHT only sum (s - t mu) and sum t mu (1 - mu), all a Newton
   * step needs; GRADIENT also those the gradient needs (a few multiply-adds a cell); COMPLETE
   * also f (a log1p a cell). e^eta = e^(x'beta) e^(theta u): one exp a group, and mu = e^eta / (1 + e^eta),
   * 1 - mu = 1 / (1 + e^eta) without cancellation.
   */
  #pass(from: number, to: number, theta: number, u: number, level: number, derivatives = false): void {
    const tu = theta * u;
    this.#derivatives = false;
    if (!this.#productForm || !(Math.abs(tu) <= this.#productRange)) {
      this.#exactPass(from, to, theta, u);
      return;
    }
    const { successes, trials, pattern } = this.#cells;
    const e = this.#e;
    const w = Math.exp(tu);
    let r = 0, s0 = 0;
    if (level === LIGHT) {
      for (let c = from; c < to; c++) {
        const ew = e[pattern[c]] * w;
        const q = 1 / (1 + ew); // 1 - mu
        const mu = ew * q;
        const t = trials[c];
        const s = successes[c];
        r += s * q - (t - s) * mu; // s - t mu without cancellation
        s0 += t * mu * q;
      }
      this.#r = r;
      this.#s0 = s0;
      this.#level = LIGHT;
      return;
    }
    const a = this.#a;
    const x1 = this.#x1, x2 = this.#x2;
    const extra = this.#extra;
    const keep = extra.length > 0;
    const sv = this.#scratchV, sw = this.#scratchW, sr = this.#scratchR, sy = this.#scratchY;
    const withF = level === COMPLETE;
    let f = 0, t0 = 0;
    let v1 = 0, w1 = 0, r1 = 0, v2 = 0, w2 = 0, r2 = 0;
    let y0 = 0, y1 = 0, y2 = 0;
    for (let c = from; c < to; c++) {
      const p = pattern[c];
      const ew = e[p] * w;
      const q = 1 / (1 + ew);
      const mu = ew * q;
      const t = trials[c];
      const s = successes[c];
      if (withF) {
        const eta = a[p] + tu;
        // log(1 + e^eta) and log(1 + e^-eta): one log1p, of the smaller of e^eta and e^-eta.
        let softplus: number, softplusNeg: number;
        if (ew <= 1) {
          softplus = Math.log1p(ew);
          softplusNeg = softplus - eta;
        } else {
          softplusNeg = -Math.log1p(-q); // -log(mu)
          softplus = eta + softplusNeg;
        }
        f -= s * softplusNeg + (t - s) * softplus;
      }
      const resid = s * q - (t - s) * mu;
      const v = t * mu * q;
      const w3 = v * (q - mu);
      r += resid;
      s0 += v;
      t0 += w3;
      const xa = x1[c], xb = x2[c];
      v1 += v * xa; w1 += w3 * xa; r1 += resid * xa;
      v2 += v * xb; w2 += w3 * xb; r2 += resid * xb;
      if (keep) { sv[c - from] = v; sw[c - from] = w3; sr[c - from] = resid; }
      if (derivatives) {
        const y = v * (1 - 6 * mu * q);
        y0 += y; y1 += y * xa; y2 += y * xb;
        if (keep) sy[c - from] = y;
      }
    }
    const s1 = this.#s1, t1 = this.#t1, f0r = this.#f0r;
    const j0 = this.#j0, m = this.#m;
    if (j0 === 1) { s1[0] = s0; t1[0] = t0; f0r[0] = r; }
    if (m >= 1) { s1[j0] = v1; t1[j0] = w1; f0r[j0] = r1; }
    if (m >= 2) { s1[j0 + 1] = v2; t1[j0 + 1] = w2; f0r[j0 + 1] = r2; }
    for (let j = 0; j < extra.length; j++) {
      const col = extra[j];
      let vj = 0, wj = 0, rj = 0, yj = 0;
      for (let c = from; c < to; c++) {
        const xj = col[c];
        vj += sv[c - from] * xj; wj += sw[c - from] * xj; rj += sr[c - from] * xj;
        if (derivatives) yj += sy[c - from] * xj;
      }
      s1[j0 + 2 + j] = vj; t1[j0 + 2 + j] = wj; f0r[j0 + 2 + j] = rj;
      this.#y1[j0 + 2 + j] = yj;
    }
    if (derivatives) {
      const ys = this.#y1;
      if (j0 === 1) ys[0] = y0;
      if (m >= 1) ys[j0] = y1;
      if (m >= 2) ys[j0 + 1] = y2;
      this.#y0 = y0;
      this.#derivatives = true;
    }
    this.#f = withF ? f - (u * u) / 2 : NaN;
    this.#r = r;
    this.#s0 = s0;
    this.#t0 = t0;
    this.#level = level;
  }

  /**
   * Moves the sums of a pass with derivatives at u to u + step, to first order (the sums
   * are of functions of eta = x'beta + theta u, so d/du = theta d/deta); f to second order
   * along the Newton step, f(u + step) = f(u) + f'(u) step / 2.
   */
  #shift(theta: number, u: number, step: number): void {
    const d = theta * step;
    const r = this.#r, s0 = this.#s0, t0 = this.#t0;
    if (this.#level === COMPLETE) this.#f += 0.5 * (theta * r - u) * step;
    this.#r = r - d * s0;
    this.#s0 = s0 + d * t0;
    this.#t0 = t0 + d * this.#y0;
    const s1 = this.#s1, t1 = this.#t1, f0r = this.#f0r, y1 = this.#y1;
    for (let j = 0; j < this.#k; j++) {
      const s1j = s1[j];
      s1[j] = s1j + d * t1[j];
      t1[j] += d * y1[j];
      f0r[j] -= d * s1j;
    }
  }

  /** #pass (complete) with one exp a cell, for linear predictors beyond the product form's range. */
  #exactPass(from: number, to: number, theta: number, u: number): void {
    const { successes, trials, columns, pattern } = this.#cells;
    const k = this.#k;
    const a = this.#a;
    const s1 = this.#s1, t1 = this.#t1, f0r = this.#f0r;
    s1.fill(0); t1.fill(0); f0r.fill(0);
    let f = 0, r = 0, s0 = 0, t0 = 0;
    for (let c = from; c < to; c++) {
      const t = trials[c];
      const s = successes[c];
      const { mu, oneMinusMu, softplus, softplusNeg } = logistic(a[pattern[c]] + theta * u);
      f -= s * softplusNeg + (t - s) * softplus;
      const resid = s * oneMinusMu - (t - s) * mu;
      const v = t * mu * oneMinusMu;
      const w3 = v * (oneMinusMu - mu);
      r += resid;
      s0 += v;
      t0 += w3;
      for (let j = 0; j < k; j++) {
        const xj = columns[j][c];
        s1[j] += v * xj; t1[j] += w3 * xj; f0r[j] += resid * xj;
      }
    }
    this.#f = f - (u * u) / 2;
    this.#r = r;
    this.#s0 = s0;
    this.#t0 = t0;
    this.#level = COMPLETE;
  }

  /** f, sum (s - t mu) and sum (s - t mu) x of one group at a quadrature node uq (#fq, #rq, #fkr). */
  #nodePass(from: number, to: number, theta: number, uq: number): void {
    const { successes, trials, columns, pattern } = this.#cells;
    const a = this.#a, e = this.#e;
    const k = this.#k, j0 = this.#j0;
    const fkr = this.#fkr;
    for (let j = 0; j < k; j++) fkr[j] = 0;
    let fq = 0, rq = 0;
    const tu = theta * uq;
    if (this.#productForm && Math.abs(tu) <= this.#productRange) {
      const w = Math.exp(tu);
      for (let c = from; c < to; c++) {
        const p = pattern[c];
        const ew = e[p] * w;
        const q = 1 / (1 + ew);
        const mu = ew * q;
        const t = trials[c];
        const s = successes[c];
        const eta = a[p] + tu;
        let softplus: number, softplusNeg: number;
        if (ew <= 1) {
          softplus = Math.log1p(ew);
          softplusNeg = softplus - eta;
        } else {
          softplusNeg = -Math.log1p(-q);
          softplus = eta + softplusNeg;
        }
        fq -= s * softplusNeg + (t - s) * softplus;
        const resid = s * q - (t - s) * mu;
        rq += resid;
        for (let j = j0; j < k; j++) fkr[j] += resid * columns[j][c];
      }
      if (j0 === 1) fkr[0] = rq;
    } else {
      for (let c = from; c < to; c++) {
        const t = trials[c];
        const s = successes[c];
        const { mu, oneMinusMu, softplus, softplusNeg } = logistic(a[pattern[c]] + tu);
        const resid = s * oneMinusMu - (t - s) * mu;
        fq -= s * softplusNeg + (t - s) * softplus;
        rq += resid;
        for (let j = 0; j < k; j++) fkr[j] += resid * columns[j][c];
      }
    }
    this.#fq = fq - (uq * uq) / 2;
    this.#rq = rq;
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
