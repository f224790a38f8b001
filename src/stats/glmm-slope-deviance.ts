/**
 * Internal: the Laplace deviance of a logistic model with a correlated random intercept and
 * random slope per group, glmer's `(1 + x | group)` with nAGQ = 1.
 *
 * lme4's parametrisation: b_i = Lambda u_i, u_i ~ N(0, I_2), Lambda = [[t0, 0], [t1, t2]]
 * (theta = (t0, t1, t2), column-wise lower triangle), so the random intercept has SD |t0|,
 * the slope SD sqrt(t1^2 + t2^2) and their correlation t1 / sqrt(t1^2 + t2^2) (t0 > 0).
 * For group i, with eta = x'beta + (t0 + t1 x) u1 + t2 x u2 on each cell,
 *   f_i(u) = sum [s eta - t log(1 + e^eta)] - |u|^2 / 2,
 *   G_i = f_i(u^) - log det(L_i),  L_i L_i' = I + Lambda' Z_i' W Z_i Lambda at the mode u^,
 * and the deviance is -2 sum_i G_i (0/1 expansion, as the random-intercept deviance).
 *
 * Exact gradient: with w = Lambda' z a cell's loading on u and H = I + sum v w w' at u^,
 *   dG_i/dphi = df_i/dphi (at u^ fixed: the mode is stationary) - 1/2 tr(H^-1 dH/dphi),
 *   dH/dphi = sum [v (1 - 2 mu) (d eta / d phi) w w' + v (dw w' + w dw')],
 *   d eta / d phi = its partial + w' du^/dphi,  du^/dphi = H^-1 d(grad_u f)/dphi,
 * so one extra pass over a group's cells at u^ (checked against central differences of the
 * deviance in the tests). The Hessian is by differences of this gradient (glmm-optimize.ts).
 * Cost: per evaluation a few 2-D Newton passes over the cells, plus one.
 */
import type { GroupedCells } from "./glmm-cells";
import type { DevianceAndGradient } from "./glmm-intercept-deviance";

const MODE_TOLERANCE = 1e-13;
const MAX_MODE_ITERATIONS = 200;

export class RandomSlopeDeviance {
  /** k fixed effects and theta (3). */
  readonly size: number;
  /** Spherical modes, (u1, u2) a group. */
  readonly modes: Float64Array;
  modesConverged = true;
  readonly #cells: GroupedCells;
  readonly #slope: number;
  readonly #k: number;
  readonly #offset: Float64Array;
  #f = 0; #g1 = 0; #g2 = 0; #h11 = 0; #h12 = 0; #h22 = 0;

  /** @param slopeColumn index of the slope's term in cells.columns */
  constructor(cells: GroupedCells, slopeColumn: number) {
    this.#cells = cells;
    this.#slope = slopeColumn;
    this.#k = cells.columns.length;
    this.size = this.#k + 3;
    this.modes = new Float64Array(2 * cells.labels.length);
    this.#offset = new Float64Array(cells.successes.length);
  }

  evaluate(params: ArrayLike<number>): DevianceAndGradient {
    const k = this.#k;
    const { columns, successes, trials } = this.#cells;
    const xs = columns[this.#slope];
    const gradient = new Float64Array(k + 3);
    const A = new Float64Array(k), SB1 = new Float64Array(k), SB2 = new Float64Array(k), TQX = new Float64Array(k);
    const B = new Float64Array(3), ST1 = new Float64Array(3), ST2 = new Float64Array(3), TQT = new Float64Array(3), VWH = new Float64Array(3);
    const t0 = params[k], t1 = params[k + 1], t2 = params[k + 2];
    const deviance = this.deviance(params, (from, to, u1, u2) => {
      // Inverse of H = I + sum v w w' at the mode (the last pass's sums are at u^).
      const det = this.#h11 * this.#h22 - this.#h12 * this.#h12;
      const i11 = this.#h22 / det, i12 = -this.#h12 / det, i22 = this.#h11 / det;
      A.fill(0); SB1.fill(0); SB2.fill(0); TQX.fill(0);
      B.fill(0); ST1.fill(0); ST2.fill(0); TQT.fill(0); VWH.fill(0);
      let tqw1 = 0, tqw2 = 0;
      const a = this.#offset;
      for (let c = from; c < to; c++) {
        const x = xs[c];
        const w1 = t0 + t1 * x, w2 = t2 * x;
        const eta = a[c] + w1 * u1 + w2 * u2;
        const t = trials[c], s = successes[c];
        const e = Math.exp(-Math.abs(eta));
        const mu = eta >= 0 ? 1 / (1 + e) : e / (1 + e);
        const oneMinusMu = eta >= 0 ? e / (1 + e) : 1 / (1 + e);
        const r = s * oneMinusMu - (t - s) * mu;
        const v = t * mu * oneMinusMu;
        const tt = v * (oneMinusMu - mu);
        const hw1 = i11 * w1 + i12 * w2, hw2 = i12 * w1 + i22 * w2;
        const tq = tt * (w1 * hw1 + w2 * hw2);
        for (let j = 0; j < k; j++) {
          const xj = columns[j][c];
          A[j] += r * xj; SB1[j] += v * xj * w1; SB2[j] += v * xj * w2; TQX[j] += tq * xj;
        }
        // d eta / d theta_m at fixed u, and d w / d theta_m: (1, 0), (x, 0), (0, x).
        const e0 = u1, e1 = x * u1, e2 = x * u2;
        B[0] += r * e0; B[1] += r * e1; B[2] += r * e2;
        ST1[0] += -v * e0 * w1 + r; ST2[0] += -v * e0 * w2;
        ST1[1] += -v * e1 * w1 + r * x; ST2[1] += -v * e1 * w2;
        ST1[2] += -v * e2 * w1; ST2[2] += -v * e2 * w2 + r * x;
        TQT[0] += tq * e0; TQT[1] += tq * e1; TQT[2] += tq * e2;
        VWH[0] += v * hw1; VWH[1] += v * x * hw1; VWH[2] += v * x * hw2;
        tqw1 += tq * w1; tqw2 += tq * w2;
      }
      // dG = df/dphi (envelope) - 1/2 tr(H^-1 dH/dphi), with du^/dphi = H^-1 d(grad_u f)/dphi.
      for (let j = 0; j < k; j++) {
        const d1 = -(i11 * SB1[j] + i12 * SB2[j]), d2 = -(i12 * SB1[j] + i22 * SB2[j]);
        gradient[j] += A[j] - 0.5 * (TQX[j] + tqw1 * d1 + tqw2 * d2);
      }
      for (let m = 0; m < 3; m++) {
        const d1 = i11 * ST1[m] + i12 * ST2[m], d2 = i12 * ST1[m] + i22 * ST2[m];
        gradient[k + m] += B[m] - 0.5 * (TQT[m] + tqw1 * d1 + tqw2 * d2 + 2 * VWH[m]);
      }
    });
    for (let j = 0; j < gradient.length; j++) gradient[j] *= -2;
    return { deviance, gradient };
  }

  /** The deviance alone; `atMode` is called for each group with the last pass's sums at its mode u^. */
  deviance(params: ArrayLike<number>, atMode?: (from: number, to: number, u1: number, u2: number) => void): number {
    const k = this.#k;
    const { columns, start } = this.#cells;
    const a = this.#offset;
    a.fill(0);
    for (let j = 0; j < k; j++) {
      const b = params[j];
      const col = columns[j];
      for (let c = 0; c < a.length; c++) a[c] += b * col[c];
    }
    const t0 = params[k], t1 = params[k + 1], t2 = params[k + 2];
    let total = 0;
    this.modesConverged = true;
    for (let g = 0; g + 1 < start.length; g++) {
      const from = start[g], to = start[g + 1];
      let u1 = this.modes[2 * g], u2 = this.modes[2 * g + 1];
      this.#pass(from, to, t0, t1, t2, u1, u2);
      let done = false;
      for (let it = 0; it < MAX_MODE_ITERATIONS; it++) {
        const det = this.#h11 * this.#h22 - this.#h12 * this.#h12;
        const d1 = (this.#h22 * this.#g1 - this.#h12 * this.#g2) / det;
        const d2 = (this.#h11 * this.#g2 - this.#h12 * this.#g1) / det;
        if (Math.abs(d1) <= MODE_TOLERANCE * (1 + Math.abs(u1)) && Math.abs(d2) <= MODE_TOLERANCE * (1 + Math.abs(u2))) {
          done = true;
          break;
        }
        const f = this.#f;
        let s = 1;
        for (let halving = 0; ; halving++) {
          this.#pass(from, to, t0, t1, t2, u1 + s * d1, u2 + s * d2);
          if (this.#f >= f - 1e-12 * (1 + Math.abs(f)) || halving >= 60) break;
          s /= 2;
        }
        u1 += s * d1;
        u2 += s * d2;
      }
      if (!done) this.modesConverged = false;
      this.modes[2 * g] = u1;
      this.modes[2 * g + 1] = u2;
      total += this.#f - 0.5 * Math.log(this.#h11 * this.#h22 - this.#h12 * this.#h12);
      if (atMode !== undefined) atMode(from, to, u1, u2);
    }
    return -2 * total;
  }

  /** f, its gradient in u and minus its Hessian (I + sum v c c') at (u1, u2). */
  #pass(from: number, to: number, t0: number, t1: number, t2: number, u1: number, u2: number): void {
    const { successes, trials, columns } = this.#cells;
    const xs = columns[this.#slope];
    const a = this.#offset;
    let f = 0, g1 = 0, g2 = 0, h11 = 1, h12 = 0, h22 = 1;
    for (let c = from; c < to; c++) {
      const c1 = t0 + t1 * xs[c];
      const c2 = t2 * xs[c];
      const eta = a[c] + c1 * u1 + c2 * u2;
      const t = trials[c], s = successes[c];
      let mu: number, oneMinusMu: number, softplus: number, softplusNeg: number;
      if (eta >= 0) {
        const e = Math.exp(-eta);
        mu = 1 / (1 + e); oneMinusMu = e / (1 + e); softplusNeg = Math.log1p(e); softplus = eta + softplusNeg;
      } else {
        const e = Math.exp(eta);
        mu = e / (1 + e); oneMinusMu = 1 / (1 + e); softplus = Math.log1p(e); softplusNeg = softplus - eta;
      }
      f -= s * softplusNeg + (t - s) * softplus;
      const r = s * oneMinusMu - (t - s) * mu;
      const v = t * mu * oneMinusMu;
      g1 += c1 * r; g2 += c2 * r;
      h11 += v * c1 * c1; h12 += v * c1 * c2; h22 += v * c2 * c2;
    }
    this.#f = f - (u1 * u1 + u2 * u2) / 2;
    this.#g1 = g1 - u1;
    this.#g2 = g2 - u2;
    this.#h11 = h11; this.#h12 = h12; this.#h22 = h22;
  }
}
