/**
 * From the simulator's conditional parameters to the population-averaged rates and
 * coefficients that a study reports, and back.
 *
 * With a query random intercept u ~ Normal(0, sd), the compliance rate over queries is
 * E_u[expit(eta + u)], not expit(eta): heterogeneity pulls rates towards 1/2 and a
 * logistic regression without a query effect (as in the study) estimates slopes shrunk by
 * about 1 / sqrt(1 + c^2 sd^2), c = 16 sqrt(3) / (15 pi), c^2 = 0.346 (Zeger, Liang &
 * Albert 1988, Biometrics 44:1049, eq. 2.5; MacKay's probit matching gives pi / 8 = 0.393
 * in place of c^2). So a published population-averaged slope b corresponds to a
 * conditional slope of about b * sqrt(1 + c^2 sd^2). Rates are computed exactly here by
 * quadrature; slopes use the approximation, which a calibration step then refines.
 */

const Z_STEP = 0.05;
const Z_MAX = 10;
const NODES: Float64Array = (() => {
  const n = Math.round((2 * Z_MAX) / Z_STEP) + 1;
  return Float64Array.from({ length: n }, (_, i) => -Z_MAX + i * Z_STEP);
})();
const WEIGHTS: Float64Array = (() => {
  const w = NODES.map((z) => Math.exp(-0.5 * z * z));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
})();

/** The logistic function 1 / (1 + exp(-x)). */
export function expit(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** log(p / (1 - p)). */
export function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/**
 * Expected compliance rate over queries, E[expit(eta + sd * Z)] with Z standard normal,
 * by the trapezoid rule on [-10, 10] in steps of 0.05 (exponentially accurate for this
 * smooth integrand; error below 1e-12). Cost: 401 exponentials.
 *
 * @example expectedComplianceRate(0, 2) // 0.5 (by symmetry)
 */
export function expectedComplianceRate(eta: number, sd: number): number {
  if (sd === 0) return expit(eta);
  let s = 0;
  for (let i = 0; i < NODES.length; i++) s += WEIGHTS[i] * expit(eta + sd * NODES[i]);
  return s;
}

/**
 * The conditional logit eta whose expected rate over queries (sd of the query effect) is
 * `rate`. Bisection to 1e-12. Throws if rate is not strictly between 0 and 1.
 *
 * @example conditionalLogitForRate(0.103, 1.5) // -2.9124 (expit(-2.9124) = 0.0515: the median query complies less often than the average)
 */
export function conditionalLogitForRate(rate: number, sd: number): number {
  if (!(rate > 0 && rate < 1)) throw new Error(`conditionalLogitForRate requires a rate strictly between 0 and 1, found ${rate}`);
  let lo = -40, hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (expectedComplianceRate(mid, sd) < rate) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Zeger-Liang-Albert constant c^2 = (16 sqrt(3) / (15 pi))^2 = 0.3461. */
export const ATTENUATION_C2 = (16 * Math.sqrt(3) / (15 * Math.PI)) ** 2;

/**
 * Factor by which a population-averaged logistic slope is smaller than the conditional
 * one under a normal random intercept of this sd: 1 / sqrt(1 + c^2 sd^2).
 *
 * @example marginalAttenuation(1.5) // 0.7499
 */
export function marginalAttenuation(sd: number): number {
  return 1 / Math.sqrt(1 + ATTENUATION_C2 * sd * sd);
}
