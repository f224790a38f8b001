import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fitLogistic } from "../../src/stats";

// Expected values: glm(cbind(s, t - s) ~ ..., binomial, epsilon = 1e-14) in logistic-saturated.R.
interface Case { s: number[]; t: number[]; x: number[]; z?: number[]; coef: number[]; se: number[]; logLik: number; iter: number }
const R = JSON.parse(readFileSync(join(__dirname, "fixtures/logistic-saturated.json"), "utf8")) as Record<string, Case>;

const close = (got: number, want: number, tol: number, what: string) =>
  assert.ok(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what}: ${got} against R's ${want}`);

/** The case as 0/1 rows: s ones and t - s zeros per pattern. */
function expand(c: Case, names: string[]) {
  const cols: number[][] = names.map(() => []);
  const y: number[] = [];
  c.s.forEach((s, g) => {
    for (let i = 0; i < c.t[g]; i++) {
      y.push(i < s ? 1 : 0);
      names.forEach((n, j) => cols[j].push((c as unknown as Record<string, number[]>)[n][g]));
    }
  });
  return { columns: cols.map((v) => Float64Array.from(v)), successes: Float64Array.from(y) };
}

for (const [name, terms] of [["two", ["x"]], ["three", ["x", "z"]]] as const) {
  const c = R[name];
  const grouped = {
    terms: [...terms], successes: Float64Array.from(c.s), trials: Float64Array.from(c.t),
    columns: terms.map((t) => Float64Array.from((c as unknown as Record<string, number[]>)[t])),
  };
  const variants = [
    ["grouped rows", fitLogistic(grouped, { compress: false })],
    ["grouped rows, compressed", fitLogistic(grouped, { compress: true })],
    ["0/1 rows, compressed", fitLogistic({ terms: [...terms], ...expand(c, [...terms]) }, { compress: true })],
    ["0/1 rows", fitLogistic({ terms: [...terms], ...expand(c, [...terms]) }, { compress: false })],
  ] as const;
  test(`saturated fit (${name}: as many patterns as terms) reaches R's estimates, not its starting values`, () => {
    for (const [how, fit] of variants) {
      assert.equal(fit.converged, true, how);
      c.coef.forEach((b, j) => close(fit.estimates[j], b, 1e-9, `${how} coefficient ${j}`));
      c.se.forEach((se, j) => close(fit.stdErrors[j], se, 1e-8, `${how} std error ${j}`));
      close(fit.logLik, c.logLik, 1e-9, `${how} logLik`);
      // More than the one pass that would mean "stopped at the start".
      assert.ok(fit.iterations >= 3, `${how}: ${fit.iterations} iterations`);
    }
  });
}
