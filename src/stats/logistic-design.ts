/**
 * Internal: check a logistic design (fitLogistic's input) and name the first problem: the
 * term, the row and the value found.
 */
import { FIT_CALLER as CALLER } from "./logistic-irls-model";
import type { LogisticDesign } from "./logistic-fit-types";
import { StatsError } from "./stats-error";

export function validateDesign(design: LogisticDesign): { terms: string[]; predictors: Float64Array[]; intercept: boolean; n: number } {
  const { successes, trials, weights } = design;
  if (!(successes instanceof Float64Array)) {
    throw new StatsError(`${CALLER} requires successes to be a Float64Array`);
  }
  const n = successes.length;
  if (!Array.isArray(design.terms) || !Array.isArray(design.columns) || design.terms.length !== design.columns.length) {
    throw new StatsError(`${CALLER} requires one column per term, got ${design.terms?.length} terms and ${design.columns?.length} columns`);
  }
  const seen = new Set<string>();
  for (const term of design.terms) {
    if (seen.has(term)) throw new StatsError(`${CALLER} requires distinct term names, got '${term}' twice`);
    seen.add(term);
  }
  const intercept = design.intercept !== false;
  if (intercept && seen.has("intercept")) {
    throw new StatsError(`${CALLER}: the term name 'intercept' is reserved for the intercept; rename the predictor or pass intercept: false`);
  }
  design.columns.forEach((col, j) => {
    const term = design.terms[j];
    if (!(col instanceof Float64Array)) throw new StatsError(`${CALLER} requires column '${term}' to be a Float64Array`);
    if (col.length !== n) {
      throw new StatsError(`${CALLER} requires every column to have one value a row: column '${term}' has ${col.length} values, successes has ${n}`);
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(col[i])) throw new StatsError(`${CALLER}: column '${term}' has a missing or non-finite value (${col[i]}) at row ${i}`);
    }
  });
  for (const [name, arr] of [["trials", trials], ["weights", weights]] as const) {
    if (arr === undefined) continue;
    if (!(arr instanceof Float64Array)) throw new StatsError(`${CALLER} requires ${name} to be a Float64Array`);
    if (arr.length !== n) throw new StatsError(`${CALLER} requires ${name} to have one value a row: ${arr.length} values, successes has ${n}`);
    for (let i = 0; i < n; i++) {
      if (!(arr[i] >= 0) || !Number.isFinite(arr[i])) {
        throw new StatsError(`${CALLER} requires ${name} to be finite and non-negative: ${arr[i]} at row ${i}`);
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const s = successes[i];
    const t = trials === undefined ? 1 : trials[i];
    if (!(s >= 0 && s <= t)) {
      throw new StatsError(
        trials === undefined
          ? `${CALLER} requires a 0/1 outcome (successes between 0 and 1) in every row: ${s} at row ${i}`
          : `${CALLER} requires 0 <= successes <= trials in every row: ${s} successes of ${t} trials at row ${i}`,
      );
    }
  }
  if (n === 0) throw new StatsError(`${CALLER} requires at least one row`);
  const terms = intercept ? ["intercept", ...design.terms] : [...design.terms];
  if (terms.length === 0) throw new StatsError(`${CALLER} requires at least one term (no predictors and intercept: false)`);
  return { terms, predictors: [...design.columns], intercept, n };
}
