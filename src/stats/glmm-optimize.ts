/**
 * Internal: minimise a mixed model's deviance over its few parameters (fixed effects and
 * random-effect factors) by damped Newton steps, with the Hessian from differences of the
 * exact gradient (forward while iterating, central at the optimum).
 *
 * Why not glmer's derivative-free bobyqa: with an exact gradient Newton reaches the optimum
 * to rounding in a handful of steps (glmer stops where bobyqa's trust region shrinks to
 * rhoend, about 1e-7 relative by default). The same Hessian, at the optimum, gives the
 * standard errors as glmer's (which differentiates the deviance twice numerically).
 *
 * Steps: Newton direction from the Hessian model, shifted towards gradient descent
 * (H + lambda I) while it is not positive definite; halved until the deviance falls
 * (Armijo), except steps below 1e-5 (relative), which the deviance's rounding cannot judge.
 * The model is a Hessian by forward differences, updated by BFGS along each step: far from
 * the optimum that steers as well at one evaluation a step instead of 1 + p; once the steps
 * are short (or the model fails) and it was taken more than 1e-3 away, it is taken afresh,
 * so that the last steps, and the verdict of convergence, are Newton's. Converged when a
 * full step moves no parameter by more than 1e-10 (relative to 1 + |value|), or when no
 * step lowers the deviance any more and the gradient is at its rounding level.
 * Cost (one random intercept, paper data): ~10 evaluations of deviance and gradient while
 * far, 2p for the two Hessians by forward differences (gradient only), 2p + 1 at the end.
 */
import { choleskyFactor, choleskyInverse, choleskySolve } from "./linear-algebra";
import type { DevianceAndGradient } from "./glmm-intercept-deviance";

export interface DevianceObjective {
  readonly size: number;
  /** With `withDeviance` false only the gradient is needed; the deviance may be NaN. */
  evaluate(params: ArrayLike<number>, withDeviance?: boolean): DevianceAndGradient;
}

export interface MinimumFound {
  params: Float64Array;
  deviance: number;
  gradient: Float64Array;
  /** Hessian of the deviance at `params` (symmetrised), row-major p x p. */
  hessian: Float64Array;
  /** Its inverse, or null when it is not positive definite there. */
  hessianInverse: number[][] | null;
  iterations: number;
  converged: boolean;
  /** Why it stopped, for warnings. */
  reason: string;
}

const STEP_TOLERANCE = 1e-10;
/** Newton steps this small (relative) are taken without a line search. */
const CLOSE_ENOUGH = 1e-5;
/**
 * A Hessian by differences serves (BFGS-updated) as Newton's while the parameters stay this
 * close (relative) to where it was taken: its error, ~this times the deviance's relative third
 * derivative, is then the factor by which each step shrinks the remaining error.
 */
const TRUST = 1e-3;

export function minimizeDeviance(objective: DevianceObjective, start: Float64Array, maxIterations: number): MinimumFound {
  const p = objective.size;
  let x = Float64Array.from(start);
  let current = objective.evaluate(x);
  let converged = false;
  let reason = `did not converge in ${maxIterations} Newton iterations`;
  let iterations = 0;
  // The Hessian model: by forward differences at `takenAt`, then updated by BFGS along each step.
  let model: Float64Array | null = null;
  let takenAt = x;
  let atX = false; // the model was taken at x and not updated since
  while (iterations < maxIterations) {
    if (!Number.isFinite(current.deviance)) {
      reason = "the deviance is not finite at the current parameters";
      break;
    }
    if (model === null) {
      // Forward differences while iterating (half the evaluations; the direction needs no more
      // than a few digits), central ones at the optimum for the standard errors.
      model = numericHessian(objective, x, current.gradient);
      takenAt = x;
      atX = true;
    }
    const h = model;
    let factor = choleskyFactor(h, p);
    let lambda = 0;
    let maxDiag = 0;
    for (let j = 0; j < p; j++) maxDiag = Math.max(maxDiag, Math.abs(h[j * p + j]));
    while (factor === null) {
      lambda = lambda === 0 ? 1e-6 * (maxDiag + 1) : lambda * 10;
      const shifted = Float64Array.from(h);
      for (let j = 0; j < p; j++) shifted[j * p + j] += lambda;
      factor = choleskyFactor(shifted, p);
      if (lambda > 1e12 * (maxDiag + 1)) break;
    }
    if (factor === null) {
      if (!atX) { model = null; continue; }
      reason = "the Hessian of the deviance could not be made positive definite";
      break;
    }
    const direction = choleskySolve(factor, p, current.gradient).map((v) => -v);
    let slope = 0;
    for (let j = 0; j < p; j++) slope += current.gradient[j] * direction[j];
    let fullMove = 0;
    for (let j = 0; j < p; j++) fullMove = Math.max(fullMove, Math.abs(direction[j]) / (1 + Math.abs(x[j])));
    // Far from the optimum BFGS's model steers (one evaluation a step instead of 1 + p); the
    // last steps, and every verdict of convergence, are Newton's on a Hessian by differences.
    if (!atX && (lambda > 0 || fullMove < CLOSE_ENOUGH) && relativeDistance(x, takenAt) > TRUST) {
      model = null;
      continue;
    }
    if (lambda === 0 && fullMove < STEP_TOLERANCE) {
      // At the optimum to ~1e-20 (quadratic convergence): the deviance cannot tell the step apart.
      x = x.map((v, j) => v + direction[j]);
      converged = true;
      iterations++;
      reason = "converged";
      break;
    }
    let t = 1;
    let trial: DevianceAndGradient | null = null;
    let next = x;
    if (lambda === 0 && fullMove < CLOSE_ENOUGH) {
      // Inside the quadratic basin the deviance changes by less than its rounding (~1e-16
      // |deviance|) over a step: a line search cannot judge it, and a Newton step needs none.
      next = x.map((v, j) => v + direction[j]);
      trial = objective.evaluate(next);
      updateBFGS(model, p, x, next, current.gradient, trial.gradient);
      x = next;
      current = trial;
      atX = false;
      iterations++;
      continue;
    }
    for (let halving = 0; halving < 40; halving++) {
      next = x.map((v, j) => v + t * direction[j]);
      trial = objective.evaluate(next);
      if (Number.isFinite(trial.deviance) && trial.deviance <= current.deviance + 1e-4 * t * slope) break;
      trial = null;
      t /= 2;
    }
    let largestMove = 0;
    for (let j = 0; j < p; j++) largestMove = Math.max(largestMove, Math.abs(t * direction[j]) / (1 + Math.abs(x[j])));
    if (trial === null) {
      // First try again with a Hessian by differences here.
      if (!atX) { model = null; continue; }
      // No step lowers the deviance: at the optimum up to rounding when the Newton step is tiny.
      converged = lambda === 0 && fullMove < 1e-7;
      iterations++;
      reason = converged ? "converged (at the rounding level of the deviance)" : "the line search found no step that lowers the deviance";
      break;
    }
    updateBFGS(model, p, x, next, current.gradient, trial.gradient);
    x = next;
    current = trial;
    atX = false;
    iterations++;
    if (t === 1 && lambda === 0 && largestMove < STEP_TOLERANCE) {
      converged = true;
      reason = "converged";
      break;
    }
  }
  // Differentiate at the optimum, then evaluate there last: the objective's warm starts
  // (conditional modes) are left at the optimum for the caller.
  const hessian = numericHessian(objective, x);
  const factor = choleskyFactor(hessian, p);
  current = objective.evaluate(x);
  return {
    params: x, deviance: current.deviance, gradient: current.gradient, hessian,
    hessianInverse: factor === null ? null : choleskyInverse(factor, p), iterations, converged, reason,
  };
}

/** max_j |a_j - b_j| / (1 + |b_j|). */
function relativeDistance(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let j = 0; j < a.length; j++) d = Math.max(d, Math.abs(a[j] - b[j]) / (1 + Math.abs(b[j])));
  return d;
}

/**
 * The BFGS update of a Hessian model h (p x p, in place) along the step from x to next:
 * h + y y' / y's - h s s' h / s'h s, with s the step and y the change of the gradient. Keeps
 * h positive definite; skipped when the step shows no positive curvature (y's <= 0).
 */
function updateBFGS(h: Float64Array, p: number, x: Float64Array, next: Float64Array, gradient: Float64Array, nextGradient: Float64Array): void {
  const s = new Float64Array(p), y = new Float64Array(p), hs = new Float64Array(p);
  let ys = 0;
  for (let j = 0; j < p; j++) {
    s[j] = next[j] - x[j];
    y[j] = nextGradient[j] - gradient[j];
    ys += y[j] * s[j];
  }
  let shs = 0;
  for (let i = 0; i < p; i++) {
    let v = 0;
    for (let j = 0; j < p; j++) v += h[i * p + j] * s[j];
    hs[i] = v;
    shs += s[i] * v;
  }
  if (!(ys > 0) || !(shs > 0) || !Number.isFinite(ys)) return;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) h[i * p + j] += (y[i] * y[j]) / ys - (hs[i] * hs[j]) / shs;
  }
}

/**
 * Central differences of the exact gradient, step 1e-4 (1 + |x_j|): truncation error
 * ~1e-8 relative, rounding ~1e-12; symmetrised. With `gradientAtX`, forward differences
 * (step 1e-6 (1 + |x_j|), ~1e-6 relative) at half the cost. The lower triangle is what
 * choleskyFactor reads.
 */
export function numericHessian(objective: DevianceObjective, x: Float64Array, gradientAtX?: Float64Array): Float64Array {
  const p = x.length;
  const h = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    const step = (gradientAtX === undefined ? 1e-4 : 1e-6) * (1 + Math.abs(x[j]));
    const up = Float64Array.from(x);
    up[j] += step;
    const gUp = objective.evaluate(up, false).gradient;
    if (gradientAtX !== undefined) {
      for (let i = 0; i < p; i++) h[i * p + j] = (gUp[i] - gradientAtX[i]) / step;
      continue;
    }
    const down = Float64Array.from(x);
    down[j] -= step;
    const gDown = objective.evaluate(down, false).gradient;
    for (let i = 0; i < p; i++) h[i * p + j] = (gUp[i] - gDown[i]) / (2 * step);
  }
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < i; j++) {
      const s = (h[i * p + j] + h[j * p + i]) / 2;
      h[i * p + j] = s;
      h[j * p + i] = s;
    }
  }
  return h;
}
