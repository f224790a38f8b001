/**
 * Clustered fits on (cluster, pattern) cells: clusterFactorTest and clusteredCellData sum the
 * receipts into one weighted row per (query, covariate pattern) and fit those. The reference
 * here is the fit on the 0/1 receipts themselves (fitLogistic + withClusterRobust, verified
 * against sandwich::vcovCL and clubSandwich in test/stats): estimates, CR1 and CR2 errors and
 * the joint Wald test must agree to 1e-10 relative, with and without row weights.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { clusterFactorTest } from "../../src/analysis/cluster-factor-test";
import { clusteredCellData, countData, fitCountModel } from "../../src/analysis/hypothesis-fit";
import { fromRecords } from "../../src/io/load";
import { fitLogistic, waldTest } from "../../src/stats";
import { clusterPatternCells } from "../../src/stats/cluster-pattern-cells";

/** A seeded linear congruential generator in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

function close(got: number, want: number, rel = 1e-10, what = ""): void {
  assert.ok(Math.abs(got - want) <= rel * Math.max(Math.abs(want), 1e-300), `${what}: ${got} vs ${want}`);
}

/** n receipts over `queries` clusters and 4 levels, compliance depending on both. */
function design(n: number, queries: number, seed: number) {
  const r = lcg(seed);
  const level = new Float64Array(n), y = new Int8Array(n), cluster = new Int32Array(n), w = new Float64Array(n);
  const effect = Array.from({ length: queries }, () => r() * 2 - 1);
  for (let i = 0; i < n; i++) {
    cluster[i] = 7 + Math.floor(r() * queries) * 3; // sparse codes, not 0 .. G - 1
    level[i] = [0, 0.25, 0.5, 1][Math.floor(r() * 4)];
    const eta = -0.3 + level[i] * 0.8 + effect[(cluster[i] - 7) / 3];
    y[i] = r() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    w[i] = 1 + Math.floor(r() * 3);
  }
  return { level, y, cluster, w };
}

/** The factor test computed on the rows themselves. */
function rowFactorTest(level: Float64Array, y: Int8Array, cluster: Int32Array, rows: Int32Array, type: "CR1" | "CR2", w: Float64Array | null) {
  const levels = [...new Set(Array.from(rows, (i) => level[i]))].sort((a, b) => a - b).slice(1);
  const columns = levels.map((l) => Float64Array.from(rows, (i) => (level[i] === l ? 1 : 0)));
  const fit = fitLogistic({ terms: levels.map((l) => `level_${l}`), columns, successes: Float64Array.from(rows, (i) => y[i]), ...(w ? { weights: Float64Array.from(rows, (i) => w[i]) } : {}) }, { compress: false });
  const robust = fit.withClusterRobust(Int32Array.from(rows, (i) => cluster[i]), "query_id", { type });
  return waldTest(robust, levels.map((_, j) => robust.terms.map((_t, m) => (m === j + 1 ? 1 : 0))));
}

test("clusterFactorTest on (cluster, level) cells equals the test on the receipts (CR1 and CR2, weighted or not)", () => {
  for (const [queries, type] of [[60, "CR1"], [12, "CR2"]] as const) {
    const { level, y, cluster, w } = design(3000, queries, queries);
    const rows = new Int32Array(2000);
    for (let k = 0; k < rows.length; k++) rows[k] = 3 * (k >> 1) + (k & 1); // a subset, in order
    for (const weights of [null, w]) {
      const got = clusterFactorTest(level, y, cluster, rows, "query_id", type, weights);
      const want = rowFactorTest(level, y, cluster, rows, type, weights);
      assert.equal(got.vcov_type, type);
      assert.equal(got.cluster_df, 3);
      close(got.cluster_statistic!, want.statistic, 1e-10, `${type} statistic`);
      close(got.cluster_p_value!, want.p_value, 1e-9, `${type} p`);
      if (type === "CR2") close(got.cluster_df_denom!, want.df_denom!, 1e-10, "HTZ denominator df");
    }
  }
});

test("clusterPatternCells sums receipts and weights per (cluster, pattern), clusters numbered by first appearance", () => {
  const cells = clusterPatternCells(Int32Array.of(0, 1, 2, 3, 4, 5), Int32Array.of(0, 1, 0, 0, 1, 1), 2, Int32Array.of(9, 9, 4, 9, 4, 9), Int8Array.of(1, 0, 1, 0, 1, 1), Float64Array.of(1, 2, 3, 1, 1, 2));
  assert.deepEqual(Array.from(cells.first), [0, 1, 2, 4]);
  assert.deepEqual(Array.from(cells.cluster), [0, 0, 1, 1]);
  assert.equal(cells.groups, 2);
  assert.deepEqual(Array.from(cells.weights), [2, 4, 3, 1]);
  assert.deepEqual(Array.from(cells.successes), [0.5, 0.5, 1, 1]);
  assert.equal(cells.receipts, 10);
});

test("clusterPatternCells refuses a negative cluster code instead of counting it in the first cluster", () => {
  assert.throws(
    () => clusterPatternCells(Int32Array.of(0, 1), Int32Array.of(0, 0), 1, Int32Array.of(3, -1), Int8Array.of(1, 0), null),
    /cluster label is missing at row 1 \(code -1\)/,
  );
});

test("clusteredCellData: the encompassing fit on cells has the receipts' estimates, CR1/CR2 errors and nObs", () => {
  for (const [queries, type] of [[50, "CR1"], [10, "CR2"]] as const) {
    const r = lcg(queries + 1);
    const records: Record<string, unknown>[] = [];
    for (let i = 0; i < 2400; i++) {
      const q = Math.floor(r() * queries), nb = [0, 1, 2, 4][Math.floor(r() * 4)], nh = [1, 2, 4][Math.floor(r() * 3)];
      const eta = -1 + 0.3 * Math.log1p(nh) - 0.2 * Math.log1p(nb) + (q % 5) * 0.2;
      const parse = r() < 0.02;
      const label = parse ? "parse_error" : r() < 1 / (1 + Math.exp(-eta)) ? "compliance" : "refusal";
      records.push({ run_id: "r", model: "m", judge: "j", query_source: "s", query_id: `q${q}`, n_benign: nb, n_harmful: nh, sample_index: i, judge_label: label });
    }
    const table = fromRecords(records);
    const cells = clusteredCellData(table, "query_id"), rows = countData(table, "query_id");
    assert.ok(cells.successes.length < rows.successes.length / 4);
    assert.equal(cells.parseErrors, rows.parseErrors);
    const got = fitCountModel(cells, "encompassing", { cluster: "query_id", clusterType: type });
    const want = fitCountModel(rows, "encompassing", { cluster: "query_id", clusterType: type });
    assert.equal(got.vcovType, type);
    assert.equal(got.nObs, want.nObs);
    close(got.logLik, want.logLik, 1e-12, "logLik");
    for (const t of want.terms) {
      close(got.coefficient(t).estimate, want.coefficient(t).estimate, 1e-10, `${type} ${t} estimate`);
      close(got.coefficient(t).std_error, want.coefficient(t).std_error, 1e-10, `${type} ${t} std error`);
    }
    if (type === "CR2") for (let j = 0; j < want.terms.length; j++) close(got.dfs![j], want.dfs![j], 1e-9, "Satterthwaite df");
  }
});
