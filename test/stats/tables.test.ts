/**
 * Tests on counts against R: chisq.test, fisher.test, binom.test, prop.test, the Newcombe
 * interval and p.adjust (fixtures chisq.json, fisher.json, binomial.json, p-adjust.json, each
 * value beside its R call). Tolerances: statistics 1e-10 relative; p-values 1e-6 relative
 * (p-values that underflow to 0 in R, below 1e-308, must be < 1e-300 here); intervals 1e-8.
 * fisher.test's estimate and interval come from uniroot at tol 1.2e-4, so they are compared
 * at 1e-3 relative and, against fisher.test with uniroot's tolerance lowered to 1e-13, at 1e-8.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  adjustPValues, chiSquareHomogeneity, clopperPearsonInterval, fisherExact, newcombeDifference, StatsError,
  wilsonInterval, wilsonIntervals,
} from "../../src/stats";
import { assertAllClose, assertClose, loadFixture } from "./helpers";

describe("chiSquareHomogeneity", () => {
  for (const c of loadFixture("chisq.json").cases) {
    it(c.call, () => {
      const t = chiSquareHomogeneity(c.successes, c.trials);
      assertClose(t.statistic, c.statistic, 1e-10, "statistic");
      assert.equal(t.df, c.df);
      assertClose(t.expected_min, c.expected_min, 1e-12, "expected_min");
      if (c.p_value === 0) assert.ok(t.p_value < 1e-300 && t.p_value >= 0, `p-value ${t.p_value} where R underflows to 0`);
      else assertClose(t.p_value, c.p_value, 1e-6, "p-value");
      if (c.yates_p_value !== undefined) assert.notEqual(t.p_value, c.yates_p_value, "no Yates correction");
    });
  }
  it("keeps p ~ 1e-167 to full relative precision", () => {
    const t = chiSquareHomogeneity([290, 500, 700, 900, 1100], [2808, 2808, 2808, 2808, 2808]);
    assert.ok(t.p_value > 1e-168 && t.p_value < 1e-166);
  });
  it("refuses tables that cannot be tested, naming the group", () => {
    assert.throws(() => chiSquareHomogeneity([1, 2], [10, 0]), (e: unknown) => e instanceof StatsError && /group 2 has 0/.test(e.message));
    assert.throws(() => chiSquareHomogeneity([0, 0], [10, 12]), /all 22 trials are failures/);
    assert.throws(() => chiSquareHomogeneity([11, 2], [10, 12]), /group 1 has 11 of 10/);
    assert.throws(() => chiSquareHomogeneity([1], [10]), /at least two groups/);
  });
});

describe("fisherExact", () => {
  for (const c of loadFixture("fisher.json").cases) {
    it(c.call, () => {
      const [a, b, cc, d] = c.table;
      const t = fisherExact(a, b, cc, d, c.conf_level);
      assertClose(t.p_value, c.p_value, 1e-6, "p-value");
      assertClose(t.odds_ratio, c.tight_odds_ratio, 1e-8, "odds ratio (tight)");
      assertClose(t.conf_low, c.tight_conf_low, 1e-8, "conf_low (tight)");
      assertClose(t.conf_high, c.tight_conf_high, 1e-8, "conf_high (tight)");
      assertClose(t.odds_ratio, c.odds_ratio, 1e-3, "odds ratio (fisher.test default)");
      assertClose(t.conf_low, c.conf_low, 1e-2, "conf_low (fisher.test default)");
      assertClose(t.conf_high, c.conf_high, 1e-2, "conf_high (fisher.test default)");
    });
  }
  it("refuses non-integer counts", () => {
    assert.throws(() => fisherExact(1.5, 2, 3, 4), /non-negative integer counts: a = 1.5/);
  });
});

describe("binomial intervals", () => {
  const f = loadFixture("binomial.json");
  for (const c of f.intervals) {
    it(c.wilson_call + " and " + c.clopper_pearson_call, () => {
      const w = wilsonInterval(c.x, c.n, c.conf_level);
      assertAllClose([w.conf_low, w.conf_high], c.wilson, 1e-10, "Wilson", 1e-15);
      assert.equal(w.estimate, c.x / c.n);
      const cp = clopperPearsonInterval(c.x, c.n, c.conf_level);
      assertAllClose([cp.conf_low, cp.conf_high], c.clopper_pearson, 1e-8, "Clopper-Pearson", 1e-15);
    });
  }
  it("wilsonIntervals equals wilsonInterval element by element", () => {
    const xs = f.intervals.map((c: any) => c.x), ns = f.intervals.map((c: any) => c.n);
    const v = wilsonIntervals(xs, ns);
    xs.forEach((x: number, i: number) => {
      const one = wilsonInterval(x, ns[i]);
      assert.equal(v.conf_low[i], one.conf_low);
      assert.equal(v.conf_high[i], one.conf_high);
    });
    assert.throws(() => wilsonIntervals([1, 5], [4, 4]), /wilsonIntervals \(index 1\) requires 0 <= x <= n, got x = 5, n = 4/);
  });
  for (const c of f.newcombe) {
    it(`Newcombe hybrid score ${c.x1}/${c.n1} - ${c.x2}/${c.n2} at ${c.conf_level}`, () => {
      const t = newcombeDifference(c.x1, c.n1, c.x2, c.n2, c.conf_level);
      assertClose(t.estimate, c.estimate, 1e-12, "estimate", 1e-15);
      assertClose(t.conf_low, c.conf_low, 1e-10, "conf_low", 1e-15);
      assertClose(t.conf_high, c.conf_high, 1e-10, "conf_high", 1e-15);
    });
  }
});

describe("adjustPValues", () => {
  const f = loadFixture("p-adjust.json");
  for (const method of ["bonferroni", "holm", "BH"] as const) {
    it(`p.adjust(p, "${method}")`, () => assertAllClose(adjustPValues(f.p, method), f[method], 1e-12, method));
  }
  it("keeps NaN as missing and counts only the others", () => {
    assert.deepEqual([...adjustPValues([0.01, NaN, 0.02], "bonferroni")], [0.02, NaN, 0.04]);
    assert.throws(() => adjustPValues([0.1], "fdr" as any), /method "bonferroni", "holm" or "BH", got "fdr"/);
    assert.throws(() => adjustPValues([1.5], "holm"), /\[0, 1\]: 1.5 at index 0/);
  });
});
