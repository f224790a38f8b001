/**
 * waldTest and likelihoodRatioTest against R (fixtures/plain.json: anova(..., test = "Chisq")
 * and the Wald formula with vcov). Tolerances: statistics 1e-8 relative, p-values 1e-6 relative.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fitLogistic, likelihoodRatioTest, StatsError, waldTest } from "../../src/stats";
import { assertClose, loadCsv, loadFixture } from "./helpers";

const d = loadCsv("plain.csv");
const r = loadFixture("plain.json");
const full = fitLogistic({ terms: ["x1", "x2", "x3"], columns: [d.x1, d.x2, d.x3], successes: d.y });
const small = fitLogistic({ terms: ["x1"], columns: [d.x1], successes: d.y });

describe("waldTest", () => {
  it("a single coefficient equals the squared z statistic and tidy's p-value", () => {
    const w = waldTest(full, { x2: 1 });
    assert.equal(w.df, 1);
    assertClose(w.statistic, r.full.statistic[2] ** 2, 1e-8, "Wald statistic");
    assertClose(w.p_value, r.full.p_value[2], 1e-6, "Wald p-value");
    assertClose(w.estimate, r.full.estimate[2], 1e-8, "Wald estimate");
    assertClose(w.std_error, r.full.std_error[2], 1e-8, "Wald std_error");
  });
  it("a contrast with a null value matches R (" + r.wald_contrast.call + ")", () => {
    const c = r.wald_contrast;
    for (const contrast of [c.contrast as number[], { x1: 1, x3: -1 }]) {
      const w = waldTest(full, contrast, c.null_value);
      assertClose(w.statistic, c.statistic, 1e-8, "contrast statistic");
      assertClose(w.p_value, c.p_value, 1e-6, "contrast p-value");
      assertClose(w.estimate, c.estimate, 1e-8, "contrast estimate");
      assertClose(w.std_error, c.std_error, 1e-8, "contrast std_error");
    }
  });
  it("a matrix of contrasts is a joint test with df = rows (" + r.wald_joint.call + ")", () => {
    const w = waldTest(full, [{ x2: 1 }, { x3: 1 }]);
    assert.equal(w.df, 2);
    assertClose(w.statistic, r.wald_joint.statistic, 1e-8, "joint statistic");
    assertClose(w.p_value, r.wald_joint.p_value, 1e-6, "joint p-value");
    const same = waldTest(full, [[0, 0, 1, 0], [0, 0, 0, 1]]);
    assertClose(same.statistic, r.wald_joint.statistic, 1e-8, "joint statistic from arrays");
    assert.equal(same.estimates.length, 2);
  });
  it("refuses unknown terms and wrong lengths", () => {
    assert.throws(() => waldTest(full, { x9: 1 }), (e: unknown) => e instanceof StatsError && /no term 'x9'/.test(e.message));
    assert.throws(() => waldTest(full, [1, 0]), /one weight a term \(4: intercept, x1, x2, x3\), got 2/);
    assert.throws(() => waldTest(full, [{ x2: 1 }, { x2: 2 }]), /linearly dependent/);
  });
});

describe("likelihoodRatioTest", () => {
  it("matches " + r.lrt.call, () => {
    const t = likelihoodRatioTest(small, full);
    assert.equal(t.df, r.lrt.df);
    assertClose(t.statistic, r.lrt.statistic, 1e-8, "LR statistic");
    assertClose(t.p_value, r.lrt.p_value, 1e-6, "LR p-value");
  });
  it("refuses models that are not nested", () => {
    const other = fitLogistic({ terms: ["x2"], columns: [d.x2], successes: d.y });
    assert.throws(() => likelihoodRatioTest(other, small),
      (e: unknown) => e instanceof StatsError && /nested models: the smaller model's term 'x2' is not in the larger model/.test(e.message));
    assert.throws(() => likelihoodRatioTest(full, small), /terms 'x2', 'x3' are not in the larger model/);
    assert.throws(() => likelihoodRatioTest(small, small), /more terms than the smaller/);
  });
  it("refuses fits on different rows, even with the same number of rows", () => {
    const n = 1000;
    const firstHalf = fitLogistic({ terms: ["x1"], columns: [d.x1.subarray(0, n)], successes: d.y.subarray(0, n) });
    assert.throws(() => likelihoodRatioTest(firstHalf, full), /same rows: the smaller has 1000 observations/);
    const flipped = d.y.slice();
    flipped[5] = 1 - flipped[5];
    const other = fitLogistic({ terms: ["x1"], columns: [d.x1], successes: flipped });
    assert.throws(() => likelihoodRatioTest(other, full), /same rows/);
  });
});
