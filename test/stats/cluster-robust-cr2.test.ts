/**
 * Cluster-robust errors against R: CR1 as sandwich::vcovCL(type = "HC1"), CR2 as
 * clubSandwich::vcovCR(type = "CR2") with Satterthwaite t tests (coef_test, conf_int) and the
 * HTZ joint test (Wald_test), and the total-count test's per-N factor Wald test.
 * Fixture: test/stats/fixtures/cluster-robust-cr2.R (datasets generated there, written into the JSON).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fitLogistic, waldTest, CR2_BELOW_CLUSTERS, type LogisticFit } from "../../src/stats";
import { assertClose, loadFixture } from "./helpers";

interface Described {
  data: Record<string, number[]>;
  terms: string[];
  estimates: number[];
  cr1: { vcov: number[][] };
  cr2: { vcov: number[][]; std_error: number[]; df: number[]; p_value: number[]; conf_low: number[]; conf_high: number[] };
  joint: { terms: number[]; htz_f: number; htz_df_num: number; htz_df_denom: number; htz_p_value: number; cr1_statistic: number; cr1_df: number; cr1_p_value: number };
}
const fx = loadFixture<Record<string, Described>>("cluster-robust-cr2.json");
const f64 = (x: number[]) => Float64Array.from(x);
const TOL = 1e-8;

function fitOf(name: string): { fit: LogisticFit; cluster: number[] } {
  const d = fx[name].data;
  const tight = { tolerance: 1e-14, maxIterations: 100 };
  switch (name) {
    case "receipt_cells":
      return { fit: fitLogistic({ terms: ["harmful", "benign"], columns: [f64(d.harmful), f64(d.benign)], successes: f64(d.y) }, tight), cluster: d.cluster };
    case "continuous":
      return { fit: fitLogistic({ terms: ["x1", "x2"], columns: [f64(d.x1), f64(d.x2)], successes: f64(d.y) }, tight), cluster: d.cluster };
    case "grouped":
      return { fit: fitLogistic({ terms: ["x"], columns: [f64(d.x)], successes: f64(d.successes), trials: f64(d.trials) }, tight), cluster: d.cluster };
    default: {
      // compliance ~ factor(harmful_fraction): one indicator a level after the first.
      const levels = [...new Set(d.harmful_fraction)].sort((a, b) => a - b).slice(1);
      const columns = levels.map((l) => Float64Array.from(d.harmful_fraction, (v) => (v === l ? 1 : 0)));
      return { fit: fitLogistic({ terms: levels.map((l) => `f${l}`), columns, successes: f64(d.y) }, tight), cluster: d.cluster };
    }
  }
}

function assertMatrix(actual: readonly (readonly number[])[], expected: number[][], what: string): void {
  expected.forEach((row, i) => row.forEach((v, j) => assertClose(actual[i][j], v, TOL, `${what}[${i}][${j}]`, 1e-15)));
}

for (const name of ["receipt_cells", "continuous", "grouped", "factor_cr1", "factor_cr2"]) {
  describe(`cluster-robust errors: ${name}`, () => {
    const r = fx[name];
    const { fit, cluster } = fitOf(name);
    const jointContrasts = r.joint.terms.map((j) => fit.terms.map((_, m) => (m === j ? 1 : 0)));

    it("estimates match glm", () => {
      r.estimates.forEach((b, j) => assertClose(fit.estimates[j], b, 1e-9, `estimate ${j}`));
    });

    it("CR1 matches sandwich::vcovCL(type = 'HC1'), also from Int32Array codes", () => {
      const cr1 = fit.withClusterRobust(cluster, "q");
      assert.equal(cr1.vcovType, "CR1");
      // Grouped rows: the kit's (n - 1) / (n - k) counts trials (the 0/1 expansion), R's counts
      // the grouped rows (documented in cluster-robust-vcov.ts); rescale R's to the kit's.
      const k = fit.terms.length, rows = fit.nRows, n = fit.nObs;
      const scale = ((n - 1) / (n - k)) / ((rows - 1) / (rows - k));
      assertMatrix(cr1.vcov, r.cr1.vcov.map((row) => row.map((v) => v * scale)), "CR1 vcov");
      const coded = fit.withClusterRobust(Int32Array.from(cluster, (c) => c * 3 + 7), "q");
      assert.deepEqual(coded.vcov, cr1.vcov);
      const w = waldTest(cr1, jointContrasts);
      assert.equal(w.test, "chi-square");
      assert.equal(w.df, r.joint.cr1_df);
      if (scale === 1) {
        assertClose(w.statistic, r.joint.cr1_statistic, TOL, "CR1 Wald statistic");
        assertClose(w.p_value, r.joint.cr1_p_value, TOL, "CR1 Wald p-value");
      } else {
        assertClose(w.statistic, r.joint.cr1_statistic / scale, TOL, "CR1 Wald statistic (rescaled)");
      }
    });

    it("CR2 matches clubSandwich vcovCR(type = 'CR2'), coef_test Satterthwaite and conf_int", () => {
      const cr2 = fit.withClusterRobust(cluster, "q", { type: "CR2" });
      assert.equal(cr2.vcovType, "CR2");
      assertMatrix(cr2.vcov, r.cr2.vcov, "CR2 vcov");
      const tidy = cr2.tidy();
      tidy.forEach((row, j) => {
        assertClose(row.std_error, r.cr2.std_error[j], TOL, `CR2 std_error ${row.term}`);
        assertClose(row.df as number, r.cr2.df[j], TOL, `Satterthwaite df ${row.term}`);
        assertClose(row.p_value, r.cr2.p_value[j], TOL, `Satterthwaite p ${row.term}`);
        assertClose(row.conf_low, r.cr2.conf_low[j], TOL, `conf_low ${row.term}`);
        assertClose(row.conf_high, r.cr2.conf_high[j], TOL, `conf_high ${row.term}`);
      });
      assert.match(cr2.stdErrorType, /^CR2 \+ Satterthwaite by q \(\d+ clusters\)$/);
    });

    it("the CR2 joint test matches clubSandwich Wald_test(test = 'HTZ')", () => {
      const cr2 = fit.withClusterRobust(cluster, "q", { type: "CR2" });
      const w = waldTest(cr2, jointContrasts);
      assert.equal(w.test, "HTZ");
      assertClose(w.f_statistic as number, r.joint.htz_f, TOL, "HTZ F");
      assertClose(w.df_denom as number, r.joint.htz_df_denom, TOL, "HTZ denominator df");
      assertClose(w.p_value, r.joint.htz_p_value, TOL, "HTZ p-value");
    });

    it('"auto" picks CR2 below CR2_BELOW_CLUSTERS clusters and CR1 from there on', () => {
      const groups = new Set(cluster).size;
      const auto = fit.withClusterRobust(cluster, "q", { type: "auto" });
      assert.equal(auto.vcovType, groups < CR2_BELOW_CLUSTERS ? "CR2" : "CR1");
    });
  });
}

describe("cluster labels", () => {
  const { fit, cluster } = fitOf("continuous");
  it("strings, numbers and integer codes give the same CR2", () => {
    const a = fit.withClusterRobust(cluster, "q", { type: "CR2" });
    const b = fit.withClusterRobust(cluster.map((c) => `query-${c}`), "q", { type: "CR2" });
    const c = fit.withClusterRobust(Int32Array.from(cluster), "q", { type: "CR2" });
    assert.deepEqual(b.vcov, a.vcov);
    assert.deepEqual(c.vcov, a.vcov);
  });
  it("a missing label is an error naming the row", () => {
    const codes = Int32Array.from(cluster);
    codes[3] = -1;
    assert.throws(() => fit.withClusterRobust(codes, "q"), /cluster label is missing at row 3/);
    assert.throws(() => fit.withClusterRobust(cluster.slice(1), "q"), /one cluster label a row/);
  });
});
