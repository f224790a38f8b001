/**
 * Gauss-Hermite quadrature rule for the standard normal density: K nodes z_k and weights
 * w_k with sum_k w_k f(z_k) ~ E[f(Z)], Z ~ N(0, 1), exact for polynomials of degree up to
 * 2K - 1. The same rule as `lme4::GHrule(K)` (its columns z and w), in increasing z.
 *
 * Reference: Press et al., Numerical Recipes (3rd ed.), section 4.6 (`gauher`): Newton's
 * method on the orthonormal Hermite polynomials from asymptotic starting guesses, then
 * z = sqrt(2) x and w = w_x / sqrt(pi) to move from the weight e^(-x^2) to the normal density.
 * Cost: O(K^2) (K Newton iterations of a K-term recurrence, for K / 2 roots).
 * Throws StatsError unless K is an integer from 1 to 100.
 *
 * @example
 * gaussHermiteRule(3); // { nodes: [-1.7320508, 0, 1.7320508], weights: [1/6, 2/3, 1/6] } (R: lme4::GHrule(3))
 */
import { StatsError } from "./stats-error";

export interface GaussHermiteRule {
  /** Nodes z_k, increasing. */
  readonly nodes: Float64Array;
  /** Weights w_k for the standard normal density; they sum to 1. */
  readonly weights: Float64Array;
}

/** Above 100 nodes the asymptotic starting guesses are no longer reliable and nothing needs more. */
const MAX_NODES = 100;
const PI_M4 = Math.pow(Math.PI, -0.25);

export function gaussHermiteRule(k: number): GaussHermiteRule {
  if (!(Number.isInteger(k) && k >= 1 && k <= MAX_NODES)) {
    throw new StatsError(`gaussHermiteRule requires an integer number of nodes from 1 to ${MAX_NODES}, got ${k}`);
  }
  // Roots x of the physicists' Hermite polynomial H_k, largest first (Numerical Recipes' order).
  const x = new Float64Array(k);
  const wx = new Float64Array(k);
  const half = Math.floor((k + 1) / 2);
  let z = 0;
  for (let i = 0; i < half; i++) {
    if (i === 0) z = Math.sqrt(2 * k + 1) - 1.85575 * Math.pow(2 * k + 1, -0.16667);
    else if (i === 1) z -= (1.14 * Math.pow(k, 0.426)) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * x[0];
    else if (i === 3) z = 1.91 * z - 0.91 * x[1];
    else z = 2 * z - x[i - 2];
    let derivative = 0;
    // Newton converges quadratically from these guesses; a few more passes than needed cost nothing
    // and leave the root at full precision (the loop stops once a step no longer moves it).
    for (let iteration = 0; iteration < 100; iteration++) {
      const { value, slope } = orthonormalHermite(k, z);
      derivative = slope;
      const previous = z;
      z = previous - value / slope;
      if (Math.abs(z - previous) <= 1e-15 * Math.max(1, Math.abs(z))) {
        derivative = orthonormalHermite(k, z).slope;
        break;
      }
    }
    x[i] = z;
    x[k - 1 - i] = -z;
    wx[i] = 2 / (derivative * derivative);
    wx[k - 1 - i] = wx[i];
  }
  if (k % 2 === 1) x[half - 1] = 0; // the middle root is exactly 0 (Newton leaves ~1e-17)
  const nodes = new Float64Array(k);
  const weights = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    nodes[i] = Math.SQRT2 * x[k - 1 - i];
    weights[i] = wx[k - 1 - i] / Math.sqrt(Math.PI);
  }
  return Object.freeze({ nodes, weights });
}

/** The orthonormal Hermite polynomial of degree k at x and its derivative (Numerical Recipes' recurrence). */
function orthonormalHermite(k: number, x: number): { value: number; slope: number } {
  let p1 = PI_M4;
  let p2 = 0;
  for (let j = 1; j <= k; j++) {
    const p3 = p2;
    p2 = p1;
    p1 = x * Math.sqrt(2 / j) * p2 - Math.sqrt((j - 1) / j) * p3;
  }
  return { value: p1, slope: Math.sqrt(2 * k) * p2 };
}
