/**
 * The analyses' cluster-robust tests on receipts, against R: the total-count test's per-N
 * factor Wald test (CR1 with 50 queries, CR2 + HTZ with 15), from the datasets of
 * test/stats/fixtures/cluster-robust-cr2.R turned into receipts; and the default (cluster by
 * query_id when present, `cluster: null` opts out).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromRecords } from "../../src";
import { benignEffect } from "../../src/analysis/benign-effect";
import { formatAdoption } from "../../src/analysis/format-adoption";
import { ordering } from "../../src/analysis/ordering";
import { pairedClusterDifference } from "../../src/stats";
import { totalCountTest } from "../../src/analysis/total-count-test";
import { assertClose, loadFixture } from "./helpers";

interface FactorFixture {
  data: { harmful_fraction: number[]; y: number[]; cluster: number[] };
  joint: { htz_f: number; htz_df_denom: number; htz_p_value: number; cr1_statistic: number; cr1_df: number; cr1_p_value: number };
}
const fx = loadFixture<Record<string, FactorFixture>>("cluster-robust-cr2.json");

/** Receipts at N = 4 (harmful = fraction x 4), one a fixture row, plus the same rows at N = 8. */
function receipts(d: FactorFixture["data"], withQueries = true) {
  return [4, 8].flatMap((N) => d.y.map((y, i) => ({
    run_id: "r", model: "A", judge: "j", query_source: "fixture", sample_index: i, ...(withQueries ? { query_id: `q${d.cluster[i]}` } : {}),
    n_harmful: d.harmful_fraction[i] * N, n_benign: N - d.harmful_fraction[i] * N,
    schedule: d.harmful_fraction[i] === 0 || d.harmful_fraction[i] === 1 ? "none" : "suffix",
    judge_label: y === 1 ? "compliance" : "refusal",
  })));
}

describe("total-count test: cluster-robust factor Wald test at each N", () => {
  it("50 queries: CR1 Wald chi-square as vcovCL(type = 'HC1')", () => {
    const r = fx.factor_cr1;
    const { perN, summary } = totalCountTest(fromRecords(receipts(r.data)));
    assert.deepEqual(perN.map((p) => p.n_total), [4, 8]);
    for (const row of perN) {
      assert.equal(row.vcov_type, "CR1");
      assert.equal(row.clusters, 50);
      assert.equal(row.std_error_type, "CR1 by query_id (50 clusters)");
      assertClose(row.cluster_statistic as number, r.joint.cr1_statistic, 1e-8, "CR1 Wald statistic");
      assert.equal(row.cluster_df, r.joint.cr1_df);
      assertClose(row.cluster_p_value as number, r.joint.cr1_p_value, 1e-8, "CR1 Wald p-value");
      assertClose(row.cluster_p_value_bonferroni as number, Math.min(1, 2 * r.joint.cr1_p_value), 1e-8, "Bonferroni");
    }
    assert.equal(summary[0].test, "cluster-robust Wald");
  });

  it("15 queries: CR2 with clubSandwich's HTZ F test", () => {
    const r = fx.factor_cr2;
    const { perN } = totalCountTest(fromRecords(receipts(r.data)));
    for (const row of perN) {
      assert.equal(row.vcov_type, "CR2");
      assertClose(row.cluster_df_denom as number, r.joint.htz_df_denom, 1e-8, "HTZ df");
      assertClose(row.cluster_p_value as number, r.joint.htz_p_value, 1e-8, "HTZ p-value");
    }
  });

  it("without query ids, or with cluster: null, only the chi-square is made", () => {
    const r = fx.factor_cr1;
    for (const result of [totalCountTest(fromRecords(receipts(r.data, false))), totalCountTest(fromRecords(receipts(r.data)), { cluster: null })]) {
      assert.ok(result.perN.every((p) => p.cluster_p_value === null && p.cluster_p_value_bonferroni === null));
      assert.equal(result.summary[0].test, "chi-square");
      assert.equal(result.summary[0].n_values_significant, result.summary[0].n_values_significant_chi_square);
    }
  });
});

describe("benignEffect: cluster-robust by query_id by default", () => {
  const r = fx.factor_cr1;
  const table = fromRecords(receipts(r.data));
  it("clusters by query_id unless told not to, and says so", () => {
    const [clustered] = benignEffect(table).rows;
    assert.equal(clustered.vcov_type, "CR1");
    assert.equal(clustered.std_error_type, "CR1 by query_id (50 clusters)");
    const [model] = benignEffect(table, { cluster: null }).rows;
    assert.equal(model.vcov_type, "model");
    assert.equal(model.std_error_type, "model-based");
    assertClose(model.estimate, clustered.estimate, 1e-10, "same estimate (grouped cells vs receipts)");
    assert.notEqual(model.std_error, clustered.std_error);
  });
});

interface PairedFixture {
  data: { y: number[]; suffix: number[]; cluster: number[] };
  estimate: number; std_error: number; df: number; p_value: number; conf_low: number; conf_high: number;
  cr2: { std_error: number; df: number; p_value: number; conf_low: number; conf_high: number };
}
const pairedFx = loadFixture<Record<string, PairedFixture>>("cluster-robust-cr2.json").paired_difference;

describe("suffix minus prefix, paired by query", () => {
  const d = pairedFx.data;
  it("pairedClusterDifference, CR1: vcovCL(lm(y ~ suffix), type = 'HC1') with a t(G - 1) interval", () => {
    const r = pairedClusterDifference(d.y, d.suffix, d.cluster, 0.95, "CR1");
    assertClose(r.estimate, pairedFx.estimate, 1e-12, "estimate");
    assertClose(r.std_error, pairedFx.std_error, 1e-10, "std_error");
    assert.equal(r.df, pairedFx.df);
    assertClose(r.p_value, pairedFx.p_value, 1e-8, "p_value");
    assertClose(r.conf_low, pairedFx.conf_low, 1e-9, "conf_low");
    assertClose(r.conf_high, pairedFx.conf_high, 1e-9, "conf_high");
    assert.equal(r.clusters, 20);
    assert.equal(r.paired_clusters, 18);
  });

  it("pairedClusterDifference, 20 < 42 clusters: CR2 + Satterthwaite as coef_test(lm(y ~ suffix), 'CR2') and conf_int", () => {
    const r = pairedClusterDifference(d.y, d.suffix, d.cluster);
    assert.equal(r.vcov_type, "CR2");
    assertClose(r.estimate, pairedFx.estimate, 1e-12, "estimate");
    assertClose(r.std_error, pairedFx.cr2.std_error, 1e-9, "CR2 std_error");
    assertClose(r.df, pairedFx.cr2.df, 1e-9, "Satterthwaite df");
    assertClose(r.p_value, pairedFx.cr2.p_value, 1e-8, "p_value");
    assertClose(r.conf_low, pairedFx.cr2.conf_low, 1e-9, "conf_low");
    assertClose(r.conf_high, pairedFx.cr2.conf_high, 1e-9, "conf_high");
  });

  it("ordering() reports the paired interval, labelled, with Newcombe's beside it", () => {
    const records = d.y.map((y, i) => ({
      run_id: "r", model: "A", judge: "j", query_source: "fixture", query_id: `q${d.cluster[i]}`, sample_index: i,
      n_benign: 4, n_harmful: 4, schedule: d.suffix[i] === 1 ? "suffix" : "prefix", judge_label: y === 1 ? "compliance" : "refusal",
    }));
    const [row] = ordering(fromRecords(records)).tests;
    assertClose(row.suffix_minus_prefix as number, pairedFx.estimate, 1e-12, "estimate");
    assertClose(row.diff_low as number, pairedFx.cr2.conf_low, 1e-9, "paired conf_low");
    assertClose(row.diff_high as number, pairedFx.cr2.conf_high, 1e-9, "paired conf_high");
    assert.equal(row.diff_interval, "paired by query_id (CR2, Satterthwaite t with 18.5 df; 18 of 20 queries in both schedules)");
    assert.ok(row.newcombe_low !== null && row.newcombe_low !== row.diff_low);
    // two schedules: the factor test is the Wald test of the one schedule term, CR2 (20 queries)
    assert.equal(row.vcov_type, "CR2");
    assert.equal(row.cluster_df, 1);
    const independent = ordering(fromRecords(records), { cluster: null }).tests[0];
    assert.equal(independent.diff_interval, "Newcombe (independent samples)");
    assert.equal(independent.diff_low, independent.newcombe_low);
    assert.equal(independent.cluster_p_value, null);
  });
});

describe("format adoption: a cluster-aware test beside Fisher's", () => {
  it("the adoption difference between compliances and refusals, by query (the paired fixture, read as adopted ~ complied; CR2 with 20 queries)", () => {
    const d = pairedFx.data;
    const records = d.y.map((y, i) => ({
      run_id: "r", model: "A", judge: "j", query_source: "fixture", query_id: `q${d.cluster[i]}`, sample_index: i,
      n_benign: 4, n_harmful: 4, schedule: "suffix", format_cue: "neutral", format_cue_text: "Answer:",
      judge_label: d.suffix[i] === 1 ? "compliance" : "refusal", adopted_cue: y === 1,
    }));
    const [row] = formatAdoption(fromRecords(records)).coupling;
    assertClose(row.adoption_difference as number, pairedFx.estimate, 1e-12, "difference");
    assertClose(row.cluster_p_value as number, pairedFx.cr2.p_value, 1e-8, "cluster p");
    assertClose(row.cluster_conf_low as number, pairedFx.cr2.conf_low, 1e-9, "conf_low");
    assert.equal(row.clusters, 20);
    assert.equal(row.std_error_type, "CR2 + Satterthwaite by query_id (20 clusters), t with 18.5 df");
    assert.equal(formatAdoption(fromRecords(records), { cluster: null }).coupling[0].cluster_p_value, null);
  });
});
