/**
 * Internal: Brent's root finder, a line-for-line port of R's `R_zeroin2` (src/library/stats/
 * src/zeroin.c, behind `uniroot`), so that fisherExact walks the same path as fisher.test.
 * Cost: one evaluation of `f` an iteration; at most `maxIterations`.
 * Throws if f(lower) and f(upper) have the same sign (as uniroot does).
 */
export interface RootOptions {
  /** Absolute tolerance on the root; default 1e-13 (R's uniroot default is 1.2e-4). */
  tolerance?: number;
  /** Default 1000. */
  maxIterations?: number;
}

export function findRoot(f: (x: number) => number, lower: number, upper: number, options: RootOptions = {}): number {
  const tol = options.tolerance ?? 1e-13;
  let maxit = (options.maxIterations ?? 1000) + 1;
  const EPSILON = Number.EPSILON;
  let a = lower;
  let b = upper;
  let fa = f(a);
  let fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if ((fa > 0 && fb > 0) || (fa < 0 && fb < 0)) {
    throw new RangeError(`findRoot requires f(lower) and f(upper) of opposite sign, got f(${lower}) = ${fa} and f(${upper}) = ${fb}`);
  }
  let c = a;
  let fc = fa;
  while (maxit--) {
    const prevStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b; b = c; c = a;
      fa = fb; fb = fc; fc = fa;
    }
    const tolAct = 2 * EPSILON * Math.abs(b) + tol / 2;
    let newStep = (c - b) / 2;
    if (Math.abs(newStep) <= tolAct || fb === 0) return b;
    if (Math.abs(prevStep) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
      let p: number;
      let q: number;
      const cb = c - b;
      if (a === c) {
        const t1 = fb / fa;
        p = cb * t1;
        q = 1 - t1;
      } else {
        q = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1));
        q = (q - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolAct * q) / 2 && p < Math.abs((prevStep * q) / 2)) newStep = p / q;
    }
    if (Math.abs(newStep) < tolAct) newStep = newStep > 0 ? tolAct : -tolAct;
    a = b;
    fa = fb;
    b += newStep;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}
