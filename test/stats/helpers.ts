/** Shared by the stats tests: read the fixtures R wrote and compare numbers with a tolerance. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LogisticFit } from "../../src/stats";

const DIR = join(__dirname, "fixtures");

/** A fixture JSON; R writes infinities as the strings "Infinity" / "-Infinity". */
export function loadFixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(join(DIR, name), "utf8"), (_k, v) =>
    v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v,
  ) as T;
}

/** A numeric CSV from write.csv(row.names = FALSE), as one Float64Array a column. */
export function loadCsv(name: string): Record<string, Float64Array> {
  const lines = readFileSync(join(DIR, name), "utf8").trim().split(/\r?\n/);
  const header = lines[0].split(",").map((h) => h.replace(/^"|"$/g, ""));
  const cols: Record<string, Float64Array> = {};
  header.forEach((h) => (cols[h] = new Float64Array(lines.length - 1)));
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r].split(",");
    header.forEach((h, c) => (cols[h][r - 1] = Number(cells[c])));
  }
  return cols;
}

export function log1pColumn(x: Float64Array): Float64Array {
  return x.map((v) => Math.log1p(v));
}

/** |actual - expected| <= rel * |expected| (+ abs), with a message naming the quantity. */
export function assertClose(actual: number, expected: number, rel: number, what: string, abs = 0): void {
  if (expected === actual) return;
  const tol = rel * Math.abs(expected) + abs;
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: got ${actual}, R gives ${expected} (relative difference ${Math.abs(actual - expected) / Math.abs(expected)}, tolerance ${rel})`,
  );
}

export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, what: string, abs = 0): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) assertClose(actual[i], expected[i], rel, `${what}[${i}]`, abs);
}

/** Tolerances against R: estimates, SEs and vcov 1e-8 relative; p-values 1e-6; logLik, deviance, AIC, BIC 1e-10. */
const R_EST = 1e-8;
const R_PVAL = 1e-6;
const R_LIK = 1e-10;

/** A fit against an R fixture entry (glm + broom, written by fixtures/make-fixtures.R). */
export function checkAgainstR(fit: LogisticFit, r: any, what: string, glance = true): void {
  assert.deepEqual([...fit.terms], r.terms, `${what}: terms`);
  assertAllClose(fit.estimates, r.estimate, R_EST, `${what} estimate`);
  assertAllClose(fit.stdErrors, r.std_error, R_EST, `${what} std_error`);
  assertAllClose(fit.statistics, r.statistic, R_EST, `${what} statistic`);
  assertAllClose(fit.pValues, r.p_value, R_PVAL, `${what} p_value`);
  assertAllClose(fit.confLow, r.conf_low, R_EST, `${what} conf_low`);
  assertAllClose(fit.confHigh, r.conf_high, R_EST, `${what} conf_high`);
  fit.vcov.forEach((row, i) => assertAllClose(row, r.vcov[i], R_EST, `${what} vcov row ${i}`, 1e-14));
  if (!glance) return;
  assertClose(fit.logLik, r.log_lik, R_LIK, `${what} logLik`);
  assertClose(fit.deviance, r.deviance, R_LIK, `${what} deviance`);
  assertClose(fit.nullDeviance, r.null_deviance, R_LIK, `${what} null deviance`);
  assertClose(fit.aic, r.aic, R_LIK, `${what} AIC`);
  assertClose(fit.bic, r.bic, R_LIK, `${what} BIC`);
  assert.equal(fit.nObs, r.n_obs, `${what} nObs`);
  assert.equal(fit.dfResidual, r.df_residual, `${what} dfResidual`);
  assert.equal(fit.converged, true, `${what} converged`);
  assert.deepEqual(fit.warnings, [], `${what} warnings`);
  assertAllClose(fit.fitted.subarray(0, r.fitted_head.length), r.fitted_head, 1e-8, `${what} fitted`, 1e-15);
}

/**
 * Two fits of the same rows agree: every number to `rel` relative (p-values to rel x z^2;
 * fitted probabilities also 1e-300 absolute, for exact zeros), and every count, flag, warning,
 * separation diagnostic and fingerprint exactly.
 */
export function assertSameFit(actual: LogisticFit, expected: LogisticFit, rel: number, what: string): void {
  assert.deepEqual([...actual.terms], [...expected.terms], `${what}: terms`);
  // Estimates and bounds also rel x their SE absolute, z statistics rel, and covariances
  // rel x sqrt(v_ii v_jj): a coefficient near 0 agrees on the scale of its uncertainty.
  expected.terms.forEach((term, j) => {
    const se = expected.stdErrors[j];
    assertClose(actual.stdErrors[j], se, rel, `${what} stdErrors[${j}] (${term})`);
    for (const key of ["estimates", "confLow", "confHigh"] as const) {
      assertClose(actual[key][j], expected[key][j], rel, `${what} ${key}[${j}] (${term})`, rel * se);
    }
    assertClose(actual.statistics[j], expected.statistics[j], rel, `${what} statistics[${j}] (${term})`, rel);
  });
  // A two-sided normal p-value moves z^2 times as much as z does, relatively (d log p / dz ~ -z).
  expected.pValues.forEach((p, j) => {
    const z = expected.statistics[j];
    assertClose(actual.pValues[j], p, rel * Math.max(1, z * z), `${what} pValues[${j}] (z = ${z.toFixed(1)})`);
  });
  actual.vcov.forEach((row, i) => row.forEach((v, j) => {
    const scale = Math.sqrt(expected.vcov[i][i] * expected.vcov[j][j]);
    assertClose(v, expected.vcov[i][j], rel, `${what} vcov[${i}][${j}]`, rel * scale);
  }));
  const a = actual.glance(), e = expected.glance();
  for (const key of ["log_lik", "null_log_lik", "deviance", "null_deviance", "aic", "bic"] as const) {
    assertClose(a[key], e[key], rel, `${what} glance ${key}`);
  }
  for (const key of ["n_obs", "df_residual", "converged", "iterations", "vcov_type"] as const) {
    assert.equal(a[key], e[key], `${what} glance ${key}`);
  }
  assert.equal(actual.nRows, expected.nRows, `${what} nRows`);
  assert.deepEqual(actual.warnings, expected.warnings, `${what} warnings`);
  assert.deepEqual(actual.separation, expected.separation, `${what} separation`);
  assert.deepEqual(actual.cluster, expected.cluster, `${what} cluster`);
  assert.equal(actual.rowFingerprint, expected.rowFingerprint, `${what} rowFingerprint`);
  assertAllClose(actual.fitted, expected.fitted, rel, `${what} fitted`, 1e-300);
  assert.deepEqual(actual.tidy().map((r) => r.flag), expected.tidy().map((r) => r.flag), `${what} tidy flags`);
}
