/**
 * Internal: the distribution functions the engine needs, all from stdlib. Upper tails are
 * computed directly (never as 1 - cdf) so p-values down to 1e-300 keep full relative precision.
 */
import normalCdf = require("@stdlib/stats-base-dists-normal-cdf");
import normalQuantileStd = require("@stdlib/stats-base-dists-normal-quantile");

// These two are required on first use: a logistic fit's p-values and intervals need only the
// normal distribution, and loading them cost every fit command about 30 ms.
type Gammainc = typeof import("@stdlib/math-base-special-gammainc");
type BetaQuantile = typeof import("@stdlib/stats-base-dists-beta-quantile");
let gammaincStd: Gammainc | undefined;
let betaQuantileStd: BetaQuantile | undefined;
// eslint-disable-next-line @typescript-eslint/no-var-requires
const loadGammainc = (): Gammainc => (gammaincStd ??= require("@stdlib/math-base-special-gammainc") as Gammainc);
// eslint-disable-next-line @typescript-eslint/no-var-requires
const loadBetaQuantile = (): BetaQuantile => (betaQuantileStd ??= require("@stdlib/stats-base-dists-beta-quantile") as BetaQuantile);

/** P(X > x) for X ~ chi-square(df): the regularized upper incomplete gamma Q(df/2, x/2). */
export function chiSquareUpperTail(x: number, df: number): number {
  if (Number.isNaN(x) || Number.isNaN(df)) return NaN;
  if (x <= 0) return 1;
  return loadGammainc()(x / 2, df / 2, true, true);
}

/** Two-sided normal p-value 2 * P(Z > |z|), computed as 2 * Phi(-|z|). */
export function normalTwoSidedP(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return 2 * normalCdf(-Math.abs(z), 0, 1);
}

/** The standard normal quantile: Phi^-1(p). */
export function normalQuantile(p: number): number {
  return normalQuantileStd(p, 0, 1);
}

/** The quantile of Beta(alpha, beta) at probability p (R's qbeta). */
export function betaQuantile(p: number, alpha: number, beta: number): number {
  return loadBetaQuantile()(p, alpha, beta);
}

/** The two-sided normal critical value for a confidence level: qnorm(1 - (1 - level) / 2). */
export function criticalValue(confLevel: number, caller: string): number {
  if (!(confLevel > 0 && confLevel < 1)) {
    throw new RangeError(`${caller} requires confLevel strictly between 0 and 1, got ${confLevel}`);
  }
  return normalQuantile(1 - (1 - confLevel) / 2);
}
