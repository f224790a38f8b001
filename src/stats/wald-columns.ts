/**
 * Internal: the per-term Wald columns of a fit from its estimates and covariance matrix:
 * standard error sqrt(V_jj), z (or t) statistic, two-sided p-value and interval. With
 * per-term degrees of freedom (CR2 + Satterthwaite) a term uses t(df); otherwise the normal.
 * Shared by the logistic GLM and the random-intercept GLMM so both read their tables alike.
 */
import { criticalValue, normalTwoSidedP } from "./distributions";
import { tCriticalValue, tTwoSidedP } from "./satterthwaite";

export interface WaldColumns {
  readonly stdErrors: Float64Array;
  readonly statistics: Float64Array;
  readonly pValues: Float64Array;
  readonly confLow: Float64Array;
  readonly confHigh: Float64Array;
}

export function waldColumns(
  estimates: Float64Array, vcov: readonly (readonly number[])[], confLevel: number,
  dfs: ArrayLike<number> | null, caller: string,
): WaldColumns {
  const k = estimates.length;
  const out = {
    stdErrors: new Float64Array(k), statistics: new Float64Array(k), pValues: new Float64Array(k),
    confLow: new Float64Array(k), confHigh: new Float64Array(k),
  };
  const z = criticalValue(confLevel, caller);
  for (let j = 0; j < k; j++) {
    const v = vcov[j][j];
    const se = v >= 0 ? Math.sqrt(v) : NaN;
    const statistic = estimates[j] / se;
    const df = dfs === null ? Infinity : dfs[j];
    const crit = df === Infinity ? z : tCriticalValue(confLevel, df);
    out.stdErrors[j] = se;
    out.statistics[j] = statistic;
    out.pValues[j] = df === Infinity ? normalTwoSidedP(statistic) : tTwoSidedP(statistic, df);
    out.confLow[j] = estimates[j] - crit * se;
    out.confHigh[j] = estimates[j] + crit * se;
  }
  return out;
}
