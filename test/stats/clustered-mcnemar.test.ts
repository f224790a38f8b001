/**
 * clusteredMcNemar against R (test/stats/fixtures/clustered-mcnemar.R): mcnemar.test(correct =
 * FALSE) and binom.test for one pair a query; Durkalski's statistic and sandwich::vcovCL
 * (HC1) of lm(diff ~ 1) clustered by query for several samples a query.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { clusteredMcNemar } from "../../src/stats/clustered-mcnemar";
import { StatsError } from "../../src/stats/stats-error";
import { loadFixture } from "./helpers";

const fx = loadFixture("clustered-mcnemar.json");
const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs R ${expected}`);

for (const name of ["unclustered", "clustered"] as const) {
  test(`clusteredMcNemar matches R (${name})`, () => {
    const c = fx[name];
    const r = clusteredMcNemar(c.a, c.b, c.cluster);
    assert.equal(r.a_only, c.a_only);
    assert.equal(r.b_only, c.b_only);
    for (const k of ["statistic", "p_value", "estimate", "std_error", "conf_low", "conf_high"] as const) close(r[k], c[k], 1e-10, k);
    if (name === "unclustered") {
      assert.equal(r.method, "McNemar");
      close(r.exact_p_value!, c.exact_p_value, 1e-10, "exact_p_value");
    } else {
      assert.equal(r.method, "clustered McNemar (Durkalski 2003)");
      assert.equal(r.exact_p_value, null);
    }
  });
}

test("clusteredMcNemar: the documented example, no discordant pairs, and bad input", () => {
  const r = clusteredMcNemar([1, 1, 1, 0, 1, 0], [0, 0, 0, 1, 1, 0], [1, 2, 3, 4, 5, 6]);
  // b = 3, c = 1: X^2 = (3 - 1)^2 / 4 = 1; binom.test(3, 4)$p.value = 0.625
  assert.equal(r.statistic, 1);
  close(r.p_value, 0.3173105078629141, 1e-12, "p_value"); // pchisq(1, 1, lower.tail = FALSE)
  close(r.exact_p_value!, 0.625, 1e-12, "exact");
  close(r.estimate, 1 / 3, 1e-15, "estimate");
  const same = clusteredMcNemar([1, 0, 1], [1, 0, 1], ["q1", "q2", "q3"]);
  assert.ok(Number.isNaN(same.statistic));
  assert.equal(same.exact_p_value, 1);
  assert.throws(() => clusteredMcNemar([1, 2], [0, 1], [1, 2]), StatsError);
  assert.throws(() => clusteredMcNemar([1, 0], [0, 1], [1, 1]), /at least two clusters/);
  assert.throws(() => clusteredMcNemar([1], [0, 1], [1, 2]), /one length/);
});
