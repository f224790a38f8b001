/**
 * The one error type of the statistics engine. Thrown when a computation cannot give a
 * meaningful answer: invalid input, a rank-deficient design, models that cannot be compared.
 * Its message names the function, the requirement and the offending term, group or value,
 * e.g. `fitLogistic: term 'total' is a linear combination of 'intercept', 'harmful', 'benign'`.
 */
export class StatsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StatsError";
  }
}
