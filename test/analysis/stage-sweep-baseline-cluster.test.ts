/**
 * Cluster-robust by default: the benign-sweep slopes, the training-stage x benign interaction
 * test and the paired difference from baseline, on receipts built from the datasets of
 * test/analysis/fixtures/stage-sweep-baseline-cluster.R, against sandwich (CR1, HC1) and
 * clubSandwich (CR2, Satterthwaite / HTZ); `cluster: null` opts out and gives the
 * model-based statistics that stay beside the robust ones.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fromRecords } from "../../src";
import { relativeToBaseline } from "../../src/analysis/baseline";
import { benignSweep } from "../../src/analysis/benign-sweep";
import { analyze } from "../../src/analysis/analyze";
import { resultReceiptToMarkdown } from "../../src/analysis/render-result-receipt";
import { trainingStage } from "../../src/analysis/training-stage";

const fx = JSON.parse(readFileSync(join(__dirname, "fixtures", "stage-sweep-baseline-cluster.json"), "utf8"));

function close(actual: number | null | undefined, expected: number, rel: number, what: string) {
  assert.ok(typeof actual === "number", `${what}: got ${actual}`);
  const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
  assert.ok(err <= rel, `${what}: ${actual} vs R ${expected} (relative error ${err.toExponential(2)} > ${rel})`);
}

interface Row { query: number; n_benign: number; n_harmful: number; y: number; model?: string; stage?: string }
function receipts(rows: Row[], maxQuery: number, withQueries = true) {
  // sample_index numbers the rows, so receipts stay distinct without query ids too.
  return rows.filter((r) => r.query <= maxQuery).map((r, k) => {
    return {
      run_id: "r", model: r.model ?? "A", judge: "j", query_source: "fixture", sample_index: k,
      ...(withQueries ? { query_id: `q${r.query}` } : {}),
      ...(r.stage ? { model_family: "F", training_stage: r.stage } : {}),
      n_benign: r.n_benign, n_harmful: r.n_harmful, schedule: r.n_benign > 0 && r.n_harmful > 0 ? "suffix" : "none",
      judge_label: r.y === 1 ? "compliance" : "refusal",
    };
  });
}
// Agreement 1e-8 relative throughout. The fixtures drop receipts at random: in a balanced
// design CR2's Satterthwaite df is G - 1 analytically and both programs compute it from
// near-singular matrices (G - 1 + 5e-7 in R), which tests nothing but rounding.
const columns = (d: Record<string, unknown[]>): Row[] =>
  (d.y as number[]).map((_, i) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v[i]])) as unknown as Row);

describe("benignSweep: slopes clustered by query by default", () => {
  const rows = columns(fx.sweep.data).map((r) => ({ ...r, n_harmful: 4 }));
  it("50 queries: CR1 (vcovCL HC1, normal reference), model-based beside it", () => {
    const [s] = benignSweep(fromRecords(receipts(rows, 50))).slopes;
    const R = fx.sweep.q50;
    assert.equal(s.std_error_type, "CR1 by query_id (50 clusters)");
    assert.equal(s.vcov_type, "CR1");
    assert.equal(s.df, null);
    close(s.estimate, R.estimate, 1e-8, "estimate");
    close(s.std_error, R.cr1.std_error, 1e-8, "CR1 SE");
    close(s.p_value, R.cr1.p_value, 1e-8, "CR1 p");
    close(s.model_std_error, R.model.std_error, 1e-8, "model-based SE");
    close(s.model_p_value, R.model.p_value, 1e-8, "model-based p");
  });
  it("15 queries: CR2 with a Satterthwaite t (coef_test, conf_int)", () => {
    const [s] = benignSweep(fromRecords(receipts(rows, 15))).slopes;
    const R = fx.sweep.q15;
    assert.equal(s.vcov_type, "CR2");
    assert.equal(s.clusters, 15);
    close(s.std_error, R.cr2.std_error, 1e-8, "CR2 SE");
    close(s.df, R.cr2.df, 1e-8, "Satterthwaite df");
    close(s.p_value, R.cr2.p_value, 1e-8, "CR2 p");
    close(s.conf_low, R.cr2.conf_low, 1e-8, "CR2 conf_low");
    close(s.conf_high, R.cr2.conf_high, 1e-8, "CR2 conf_high");
  });
  it("cluster: null, or no query ids: model-based errors, labelled", () => {
    for (const t of [benignSweep(fromRecords(receipts(rows, 50)), { cluster: null }), benignSweep(fromRecords(receipts(rows, 50, false)))]) {
      const [s] = t.slopes;
      assert.equal(s.std_error_type, "model-based");
      assert.equal(s.clusters, null);
      close(s.std_error, fx.sweep.q50.model.std_error, 1e-8, "model-based SE");
      close(s.p_value, fx.sweep.q50.model.p_value, 1e-8, "model-based p");
    }
  });
});

describe("trainingStage: cluster-robust Wald test of the stage x benign terms beside the LRT", () => {
  const rows = columns(fx.stage.data).map((r) => ({ ...r, model: `F-${r.stage}` }));
  it("50 queries: joint CR1 Wald chi-square; the verdict follows it", () => {
    const { interaction } = trainingStage(fromRecords(receipts(rows, 50)), "F");
    const R = fx.stage.q50;
    assert.ok(interaction);
    assert.equal(interaction.stages, "F-base -> F-sft -> F-rlhf");
    assert.equal(interaction.test, "cluster-robust Wald");
    assert.equal(interaction.std_error_type, "CR1 by query_id (50 clusters)");
    close(interaction.cluster_statistic, R.cr1.statistic, 1e-8, "CR1 Wald statistic");
    assert.equal(interaction.cluster_df, 2);
    close(interaction.cluster_p_value, R.cr1.p_value, 1e-8, "CR1 Wald p");
    assert.equal(interaction.differs, R.cr1.p_value < 0.05);
    close(interaction.statistic, R.lrt.statistic, 1e-8, "LRT statistic (kept)");
    close(interaction.p_value, R.lrt.p_value, 1e-8, "LRT p (kept)");
  });
  it("15 queries: CR2 with clubSandwich's HTZ F test", () => {
    const { interaction } = trainingStage(fromRecords(receipts(rows, 15)), "F");
    const R = fx.stage.q15;
    assert.ok(interaction);
    assert.equal(interaction.vcov_type, "CR2");
    close(interaction.cluster_df_denom, R.cr2.df_denom, 1e-8, "HTZ df");
    close(interaction.cluster_p_value, R.cr2.p_value, 1e-8, "HTZ p");
    assert.equal(interaction.differs, R.cr2.p_value < 0.05);
    assert.equal(interaction.differs_lrt, R.lrt.p_value < 0.05);
  });
  it("the result receipt's Markdown names the cluster-robust test and keeps the LRT beside it", () => {
    const md = resultReceiptToMarkdown(analyze(fromRecords(receipts(rows, 50))));
    assert.match(md, /Stage x log\(n_benign \+ 1\) interaction \(F-base -\\> F-sft -\\> F-rlhf\): cluster-robust Wald test \(CR1 by query\\_id \(50 clusters\)\), Q = [0-9.]+, chi-square on 2 df/);
    assert.match(md, /Likelihood-ratio test \(receipts as independent, for comparison\): LR [0-9.]+ on 2 df/);
  });
  it("cluster: null: the LRT alone decides", () => {
    const { interaction } = trainingStage(fromRecords(receipts(rows, 50)), "F", { cluster: null });
    assert.ok(interaction);
    assert.equal(interaction.test, "likelihood ratio");
    assert.equal(interaction.cluster_p_value, null);
    assert.equal(interaction.differs, interaction.differs_lrt);
    close(interaction.p_value, fx.stage.q50.lrt.p_value, 1e-8, "LRT p");
  });
});

describe("relativeToBaseline: a paired, query-level interval beside Newcombe's", () => {
  const rows = columns(fx.baseline.data).map((r) => ({ ...r, n_benign: 4 * (r as unknown as { cond: number }).cond, n_harmful: 4 * (r as unknown as { cond: number }).cond }));
  it("60 queries: CR1 sandwich of lm(y ~ condition), t(G - 1)", () => {
    const [row] = relativeToBaseline(fromRecords(receipts(rows, 60)));
    const R = fx.baseline.q60;
    close(row.difference, R.estimate, 1e-12, "difference");
    assert.equal(row.diff_interval, "Newcombe (independent samples)");
    assert.equal(row.std_error_type, `CR1 by query_id (${R.clusters} clusters)`);
    assert.equal(row.paired_interval, `paired by query_id (CR1, t with ${R.cr1.df} df; ${R.paired_clusters} of ${R.clusters} queries in both the condition and the baseline)`);
    close(row.paired_std_error, R.cr1.std_error, 1e-8, "CR1 SE");
    close(row.paired_low, R.cr1.conf_low, 1e-8, "paired low");
    close(row.paired_high, R.cr1.conf_high, 1e-8, "paired high");
    close(row.paired_p_value, R.cr1.p_value, 1e-8, "paired p");
    assert.ok(row.diff_low !== null && row.diff_low !== row.paired_low, "Newcombe's interval kept beside it");
  });
  it("20 queries: CR2 with a Satterthwaite t", () => {
    const [row] = relativeToBaseline(fromRecords(receipts(rows, 20)));
    const R = fx.baseline.q20;
    close(row.paired_std_error, R.cr2.std_error, 1e-8, "CR2 SE");
    close(row.paired_df, R.cr2.df, 1e-8, "Satterthwaite df");
    close(row.paired_low, R.cr2.conf_low, 1e-8, "CR2 low");
    close(row.paired_high, R.cr2.conf_high, 1e-8, "CR2 high");
    close(row.paired_p_value, R.cr2.p_value, 1e-8, "CR2 p");
  });
  it("cluster: null: Newcombe only", () => {
    const [row] = relativeToBaseline(fromRecords(receipts(rows, 60)), { cluster: null });
    assert.equal(row.paired_low, null);
    assert.equal(row.std_error_type, "Newcombe (independent samples)");
    assert.ok(row.diff_low !== null && row.diff_high !== null);
  });
});
