/**
 * Judge accuracy and the Rogan-Gladen corrected rate: point estimates and delta-method
 * standard errors against R (test/stats/fixtures/judge-corrected-rate.R, where the gradient
 * is numerical and the covariance matrix explicit), the errors for undefined corrections,
 * and interval coverage in a seeded simulation with known truth.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { judgeCorrectionCoverage } from "../../src/analysis/judge-correction-coverage";
import { judgeAccuracy } from "../../src/stats/judge-accuracy";
import { judgeCorrectedRate } from "../../src/stats/judge-corrected-rate";
import { StatsError } from "../../src/stats/stats-error";
import { assertClose, loadFixture } from "./helpers";

interface Case {
  complied: number; n: number; tp: number; fn: number; tn: number; fp: number;
  sensitivity: number; specificity: number; unclamped_rate: number; corrected_rate: number;
  std_error_within: number; std_error_separate: number;
  conf_low_within: number; conf_high_within: number; conf_low_separate: number; conf_high_separate: number;
}
const fixture = loadFixture<{ cases: Case[] }>("judge-corrected-rate.json");

for (const c of fixture.cases) {
  const counts = { true_positive: c.tp, false_negative: c.fn, true_negative: c.tn, false_positive: c.fp };
  test(`judgeCorrectedRate matches R: ${c.complied}/${c.n}, validation ${c.tp} ${c.fn} ${c.tn} ${c.fp}`, () => {
    for (const mode of ["within", "separate"] as const) {
      const r = judgeCorrectedRate(c.complied, c.n, counts, { validation: mode });
      assertClose(r.sensitivity, c.sensitivity, 1e-14, "sensitivity");
      assertClose(r.specificity, c.specificity, 1e-14, "specificity");
      assertClose(r.unclamped_rate, c.unclamped_rate, 1e-13, "unclamped Rogan-Gladen rate");
      assertClose(r.corrected_rate, c.corrected_rate, 1e-13, "corrected rate");
      assert.equal(r.clamped, c.unclamped_rate < 0 || c.unclamped_rate > 1);
      // R's gradient is a forward difference: agreement to ~1e-7 is what it can give
      assertClose(r.std_error, mode === "within" ? c.std_error_within : c.std_error_separate, 1e-6, `std_error (${mode})`);
      assertClose(r.conf_low, mode === "within" ? c.conf_low_within : c.conf_low_separate, 1e-6, `conf_low (${mode})`, 1e-9);
      assertClose(r.conf_high, mode === "within" ? c.conf_high_within : c.conf_high_separate, 1e-6, `conf_high (${mode})`, 1e-9);
    }
  });
}

test("a clamped estimate is flagged and stays in [0, 1]", () => {
  const below = judgeCorrectedRate(40, 500, { true_positive: 20, false_negative: 5, true_negative: 60, false_positive: 15 });
  assert.equal(below.corrected_rate, 0);
  assert.equal(below.clamped, true);
  assert.ok(below.unclamped_rate < 0);
  assert.ok(below.conf_low >= 0 && below.conf_high <= 1);
});

test("undefined corrections throw StatsError naming the problem", () => {
  const ok = { true_positive: 10, false_negative: 10, true_negative: 10, false_positive: 10 };
  assert.throws(() => judgeCorrectedRate(25, 100, ok), (e: Error) => e instanceof StatsError && /better than chance/.test(e.message));
  assert.throws(() => judgeAccuracy({ true_positive: 0, false_negative: 0, true_negative: 5, false_positive: 1 }), /reference label is compliance, found none/);
  assert.throws(() => judgeAccuracy({ true_positive: 1.5, false_negative: 0, true_negative: 5, false_positive: 1 }), /true_positive = 1.5/);
  assert.throws(() => judgeCorrectedRate(101, 100, { true_positive: 9, false_negative: 1, true_negative: 9, false_positive: 1 }), /0 <= complied <= n/);
  // 30 validation answers the judge called compliance cannot be among 20 such answers
  assert.throws(() => judgeCorrectedRate(20, 100, { true_positive: 25, false_negative: 1, true_negative: 9, false_positive: 5 }), /validation: "separate"/);
});

test("seeded simulation: the corrected interval covers the truth at about 95%, the naive one does not", () => {
  // A judge that misses 45% of compliances. 400 repetitions: a 95% coverage lands in
  // [0.914, 0.986] with probability 0.999.
  const r = judgeCorrectionCoverage({ rate: 0.3, sensitivity: 0.55, specificity: 0.95, n: 1500, n_validation: 250 }, 400, 20261203);
  assert.equal(r.reps_defined, 400);
  assert.ok(r.corrected_coverage >= 0.914 && r.corrected_coverage <= 0.986, `corrected coverage ${r.corrected_coverage}`);
  assert.ok(r.naive_coverage < 0.05, `naive coverage ${r.naive_coverage}`);
  assert.ok(Math.abs(r.mean_corrected_rate - 0.3) < 0.01, `mean corrected rate ${r.mean_corrected_rate}`);
});
