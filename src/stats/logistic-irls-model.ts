/**
 * Internal: what fitLogistic's IRLS loop iterates on (the input rows, logistic-irls-rows.ts,
 * or one row a covariate pattern, logistic-irls-patterns.ts), and what one pass returns.
 */

/** The caller named in the fit's errors and warnings. */
export const FIT_CALLER = "fitLogistic";
/** Fitted probabilities this close to the observed 0 or 1 count as perfectly predicted. */
export const PERFECT_FIT = 1e-6;

export interface PassResult {
  logLik: number;
  maxStepEta: number;
  perfectRows: number;
}

/** What the IRLS loop iterates on: the input rows, or one row a covariate pattern. */
export interface IrlsModel {
  /** The design columns iterated on, intercept first when there is one. */
  columns: readonly Float64Array[];
  nObs: number;
  totalSuccesses: number;
  /** Input rows with positive weight x trials. */
  activeRows(): number;
  /** One IRLS pass (see accumulatePass). */
  pass(first: boolean, beta: Float64Array, step: Float64Array | null, hessian: Float64Array, score: Float64Array, startRhs: Float64Array): PassResult;
  /** Fitted probability per input row, after the last pass (`atStart`: that pass was the first). */
  fitted(atStart: boolean): Float64Array;
}

/** Input rows with positive weight x trials. */
export function countRows(trials: Float64Array | undefined, weights: Float64Array | undefined, n: number): number {
  let count = 0;
  for (let i = 0; i < n; i++) if ((trials === undefined ? 1 : trials[i]) * (weights === undefined ? 1 : weights[i]) > 0) count++;
  return count;
}
