/**
 * Internal: describe a separated logistic fit (which terms diverge, complete or
 * quasi-complete) and say so in words for the fit's warnings.
 */
import { FIT_CALLER as CALLER } from "./logistic-irls-model";
import type { Separation } from "./logistic-fit-types";

/** The diverging terms are those that carry the last Newton step, on the scale of their column. */
export function describeSeparation(
  terms: readonly string[], columns: readonly Float64Array[], step: Float64Array, perfectRows: number, activeRows: number,
): Separation {
  const k = terms.length;
  const size = new Float64Array(k);
  let largest = 0;
  for (let j = 0; j < k; j++) {
    let maxAbs = 0;
    const col = columns[j];
    for (let i = 0; i < col.length; i++) maxAbs = Math.max(maxAbs, Math.abs(col[i]));
    size[j] = Math.abs(step[j]) * maxAbs;
    largest = Math.max(largest, size[j]);
  }
  const diverging: string[] = [];
  for (let j = 0; j < k; j++) if (size[j] > 1e-2 * largest) diverging.push(terms[j]);
  return { kind: perfectRows >= activeRows ? "complete" : "quasi-complete", terms: diverging, rows: perfectRows };
}

export function separationWarning(sep: Separation, n: number): string {
  const names = sep.terms.map((t) => `'${t}'`).join(", ");
  const plural = sep.terms.length === 1 ? "estimate of" : "estimates of";
  return (
    `${CALLER}: ${sep.kind} separation: ${sep.rows} of ${n} rows are predicted perfectly (fitted probability at 0 or 1) ` +
    `and the ${plural} ${names} diverge${sep.terms.length === 1 ? "s" : ""} with every iteration, so no finite maximum-likelihood ` +
    `estimate exists; their estimates, standard errors and p-values are meaningless. Merge or drop the predictor, or use a penalised (Firth) fit`
  );
}
