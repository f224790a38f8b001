/**
 * Wald test of linear hypotheses on a logistic fit's coefficients, L b = c.
 *
 * Statistic Q = (L b - c)' (L V L')^-1 (L b - c), where V is the fit's covariance. Its reference
 * distribution follows the fit's standard errors (`test`):
 * - model-based or CR1: chi-square with as many df as rows of L ("chi-square"). With one row
 *   Q is the square of the z statistic of L b, so a single coefficient's p-value equals tidy()'s.
 *   R: `(L %*% b - c)^2 / (L %*% vcov(fit) %*% L)`, `pchisq(.., lower.tail = FALSE)`.
 * - CR2: the small-sample HTZ test of clubSandwich (`Wald_test(fit, L, vcov = "CR2", test =
 *   "HTZ")`, Pustejovsky & Tipton 2018): F = (nu - q + 1) / nu * Q / q on (q, nu - q + 1) df,
 *   `f_statistic` and `df_denom` below; with one row the Satterthwaite t test of coef_test.
 *   Only for c = 0 (clubSandwich tests L b = 0); a nonzero c throws.
 * Reference: Wald (1943). Cost: O(r k^2 + r^3) for r contrasts (CR2: O(J^2 r^2 k), J clusters).
 * Throws StatsError for an unknown term, a contrast of the wrong length, or a singular L V L'.
 *
 * @example
 * waldTest(fit, { n_benign: 1 });          // H0: b_benign = 0
 * waldTest(fit, { x1: 1, x3: -1 }, 0.5);   // H0: b_x1 - b_x3 = 0.5
 * waldTest(fit, [[0, 0, 1, 0], [0, 0, 0, 1]]); // joint, df = 2
 */
import { cr2PartsOf } from "./cr2-parts";
import { chiSquareUpperTail } from "./distributions";
import { invertSymmetric } from "./linear-algebra";
import type { LogisticFit } from "./logistic-fit-types";
import { htzTest } from "./satterthwaite";
import { StatsError } from "./stats-error";

const CALLER = "waldTest";

export interface WaldTest {
  /** The Wald statistic Q. */
  statistic: number;
  df: number;
  p_value: number;
  /** "chi-square" (model-based and CR1 fits) or "HTZ" (CR2 fits: an F test, see below). */
  test: "chi-square" | "HTZ";
  /** HTZ only (else null): the F statistic and its denominator df (numerator df = df). */
  f_statistic: number | null;
  df_denom: number | null;
  /** L b. */
  estimate: number;
  /** sqrt(L V L'). */
  std_error: number;
}

export interface WaldTestJoint {
  /** The Wald statistic Q. */
  statistic: number;
  df: number;
  p_value: number;
  test: "chi-square" | "HTZ";
  f_statistic: number | null;
  df_denom: number | null;
  /** L b, one a contrast row. */
  estimates: number[];
  /** sqrt(diag(L V L')), one a contrast row. */
  std_errors: number[];
}

export type Contrast = number[] | Record<string, number>;

export function waldTest(fit: LogisticFit, contrast: Contrast, nullValue?: number): WaldTest;
export function waldTest(fit: LogisticFit, contrasts: Contrast[], nullValue?: number | number[]): WaldTestJoint;
export function waldTest(
  fit: LogisticFit, contrast: Contrast | Contrast[], nullValue: number | number[] = 0,
): WaldTest | WaldTestJoint {
  const k = fit.terms.length;
  const joint = Array.isArray(contrast) && contrast.length > 0 && typeof contrast[0] !== "number";
  const rows = (joint ? (contrast as Contrast[]) : [contrast as Contrast]).map((c, r) => contrastRow(fit, c, r));
  const m = rows.length;
  if (m === 0) throw new StatsError(`${CALLER} requires at least one contrast`);
  const nulls = typeof nullValue === "number" ? new Array<number>(m).fill(nullValue) : nullValue;
  if (nulls.length !== m) throw new StatsError(`${CALLER} requires one null value a contrast: ${nulls.length} for ${m} contrasts`);
  const est = rows.map((L) => L.reduce((s, v, j) => s + v * fit.estimates[j], 0));
  const cov: number[][] = rows.map((La) =>
    rows.map((Lb) => {
      let s = 0;
      for (let a = 0; a < k; a++) {
        if (La[a] === 0) continue;
        for (let b = 0; b < k; b++) s += La[a] * fit.vcov[a][b] * Lb[b];
      }
      return s;
    }),
  );
  const inv = invertSymmetric(cov);
  if (inv === null) {
    throw new StatsError(`${CALLER}: the contrasts are linearly dependent or the covariance is singular (L V L' is not positive definite)`);
  }
  const diff = est.map((e, r) => e - nulls[r]);
  let statistic = 0;
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) statistic += diff[a] * inv[a][b] * diff[b];
  const parts = cr2PartsOf(fit);
  let reference: { test: "chi-square" | "HTZ"; p_value: number; f_statistic: number | null; df_denom: number | null };
  if (parts === null) {
    reference = { test: "chi-square", p_value: chiSquareUpperTail(statistic, m), f_statistic: null, df_denom: null };
  } else {
    if (nulls.some((v) => v !== 0)) {
      throw new StatsError(`${CALLER}: the small-sample (HTZ) test of a CR2 fit tests L b = 0 only; got null values ${nulls.join(", ")} (refit with CR1 errors, or shift the estimates)`);
    }
    const htz = htzTest(parts, rows, statistic);
    reference = { test: "HTZ", p_value: htz.p_value, f_statistic: htz.f_statistic, df_denom: htz.df_denom };
  }
  if (!joint) return { statistic, df: 1, ...reference, estimate: est[0], std_error: Math.sqrt(cov[0][0]) };
  return { statistic, df: m, ...reference, estimates: est, std_errors: cov.map((r, i) => Math.sqrt(r[i])) };
}

function contrastRow(fit: LogisticFit, c: Contrast, r: number): number[] {
  const k = fit.terms.length;
  if (Array.isArray(c)) {
    if (c.length !== k) {
      throw new StatsError(`${CALLER} requires a contrast of one weight a term (${k}: ${fit.terms.join(", ")}), got ${c.length} in contrast ${r + 1}`);
    }
    return c.map(Number);
  }
  const row = new Array<number>(k).fill(0);
  for (const [term, weight] of Object.entries(c)) {
    const j = fit.terms.indexOf(term);
    if (j < 0) throw new StatsError(`${CALLER}: no term '${term}' in the fit (terms: ${fit.terms.join(", ")})`);
    row[j] = weight;
  }
  if (row.every((v) => v === 0)) throw new StatsError(`${CALLER} requires a contrast with a nonzero weight (contrast ${r + 1} is all zero)`);
  return row;
}
