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
 * The gradient is by central differences of the deviance (step 1e-6 (1 + |p|)); the Hessian
 * by second differences (step 1e-4 (1 + |p|)): each deviance is exact to rounding (the
 * modes are solved to 1e-13), so the gradient is good to ~1e-7 and the Hessian to ~1e-7
 * relative, on a par with glmer's own finite-difference Hessian.
 * Cost: per evaluation 2 (k + 3) + 1 deviances, each a few 2-D Newton passes over the cells.
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
  /** The numerical gradient is good to ~1e-7: Newton steps below ~1e-8 are noise. */
  readonly stepTolerance = 1e-8;
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
    const p = this.size;
    const x = Float64Array.from(params);
    const deviance = this.deviance(x);
    const gradient = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      const h = 1e-6 * (1 + Math.abs(x[j]));
      const keep = x[j];
      x[j] = keep + h;
      const up = this.deviance(x);
      x[j] = keep - h;
      const down = this.deviance(x);
      x[j] = keep;
      gradient[j] = (up - down) / (2 * h);
    }
    this.deviance(x); // leave the warm starts at params
    return { deviance, gradient };
  }

  /** Second differences of the deviance: more accurate here than differences of the numerical gradient. */
  hessian(params: ArrayLike<number>): Float64Array {
    const p = this.size;
    const x = Float64Array.from(params);
    const h = Array.from(x, (v) => 1e-4 * (1 + Math.abs(v)));
    const d0 = this.deviance(x);
    const out = new Float64Array(p * p);
    const at = (i: number, si: number, j: number, sj: number): number => {
      const y = Float64Array.from(x);
      y[i] += si * h[i];
      y[j] += sj * h[j];
      return this.deviance(y);
    };
    for (let i = 0; i < p; i++) {
      out[i * p + i] = (at(i, 1, i, 0) - 2 * d0 + at(i, -1, i, 0)) / (h[i] * h[i]);
      for (let j = 0; j < i; j++) {
        const v = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * h[i] * h[j]);
        out[i * p + j] = v;
        out[j * p + i] = v;
      }
    }
    this.deviance(x);
    return out;
  }

  deviance(params: ArrayLike<number>): number {
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
