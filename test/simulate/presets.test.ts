import assert from "node:assert/strict";
import { test } from "node:test";
import {
  classroomDesign, loadPaperParams, nullDesign, paperConditions, paperDesign, presetDesign, simulateCustom,
  simulateOutcomes, SORRY_BENCH_CATEGORIES, type SimulationDesign,
} from "../../src/simulate";
import { LABEL_PARSE_ERROR } from "../../src/simulate/simulate-outcomes";

const rowsOf = (d: SimulationDesign) => d.models.reduce((a, m) => a + m.conditions.length, 0) * d.queries.length * d.samplings;
const count = <T>(xs: readonly T[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<T, number>());

test("paper: the study's 1,404 queries by source, 45 SORRY-Bench categories of 10, 2 samplings", () => {
  const d = paperDesign();
  assert.equal(d.queries.length, 1404);
  assert.deepEqual(Object.fromEntries(count(d.queries.map((q) => q.query_source))), { harmbench: 200, "sorry-bench": 450, "wildguard-test": 754 });
  const sorry = count(d.queries.filter((q) => q.query_source === "sorry-bench").map((q) => q.query_category));
  assert.equal(sorry.size, 45);
  assert.deepEqual([...sorry.keys()], SORRY_BENCH_CATEGORIES);
  assert.ok([...sorry.values()].every((k) => k === 10));
  assert.equal(d.queries[0].query_id, "harmbench-0001");
  assert.equal(d.samplings, 2);
  assert.equal(d.run.run_id, "sim-paper-v1");
  assert.equal(d.run.truncation_chars, 2000);
});

test("paper: models, stages and conditions", () => {
  const d = paperDesign();
  assert.deepEqual(d.models.map((m) => [m.params.model, m.params.model_family, m.params.training_stage, m.conditions.length]), [
    ["Llama-3.1-8B-Instruct", "Llama-3.1-8B", "instruct", 37],
    ["OLMo-3.1-32B-Instruct", "OLMo-3.1-32B", "instruct", 52],
    ["GPT-OSS-20B", "GPT-OSS-20B", "instruct", 37],
    ["Gemma-4-31B-IT", "Gemma-4-31B", "instruct", 45],
    ["OLMo-3.1-32B-SFT", "OLMo-3.1-32B", "sft", 22],
    ["OLMo-3.1-32B-DPO", "OLMo-3.1-32B", "dpo", 22],
  ]);
  assert.equal(rowsOf(d), 603720);
  const llama = paperConditions("Llama-3.1-8B-Instruct");
  assert.deepEqual(llama[0], { n_benign: 0, n_harmful: 0 });
  assert.deepEqual(llama.filter((c) => c.n_benign === 32 && c.n_harmful === 32).map((c) => c.schedule ?? "suffix").sort(), ["interleave", "middle", "prefix", "random", "suffix"]);
  assert.deepEqual(llama.filter((c) => c.format_cue).map((c) => [c.n_benign, c.n_harmful, c.format_cue]), [[16, 16, "neutral"], [16, 16, "comply"]]);
  assert.throws(() => paperConditions("GPT-5"), /GPT-5 is not a model of the study/);
});

test("paper: parameters file is complete and every model's parameters are used", () => {
  const params = loadPaperParams();
  const d = paperDesign(params);
  for (const m of d.models) assert.ok(params.models.includes(m.params));
  assert.throws(() => paperDesign({ models: params.models.slice(1) }), /no model Llama-3.1-8B-Instruct/);
  assert.throws(() => loadPaperParams("/nonexistent/params.json"), /cannot read \/nonexistent\/params.json/);
});

test("paper: the whole preset simulates in a few seconds", () => {
  const t0 = performance.now();
  const table = simulateCustom(paperDesign(), 1);
  const seconds = (performance.now() - t0) / 1000;
  assert.equal(table.numRows, 603720);
  assert.ok(seconds < 10, `took ${seconds.toFixed(1)} s`);
  const models = table.dictionary("model");
  assert.deepEqual(models.labels.slice(0, 4), ["Llama-3.1-8B-Instruct", "OLMo-3.1-32B-Instruct", "GPT-OSS-20B", "Gemma-4-31B-IT"]);
});

test("paper: a few answers fail to parse, at the configured rate", () => {
  const sim = simulateOutcomes(paperDesign(), 1);
  const rate = sim.label.reduce((a, l) => a + (l === LABEL_PARSE_ERROR ? 1 : 0), 0) / sim.length;
  const p = loadPaperParams().judge_error!.parse_error_rate!;
  assert.ok(Math.abs(rate - p) < 4 * Math.sqrt((p * (1 - p)) / sim.length), `parse error rate ${rate}`);
});

test("classroom: two models, one diluted and one amplified, 22,800 receipts", () => {
  const d = classroomDesign();
  assert.equal(d.queries.length, 300);
  assert.equal(rowsOf(d), 22800);
  const [diluted, amplified] = d.models.map((m) => m.params);
  assert.ok(diluted.benign_slope < 0 && amplified.benign_slope > 0);
  assert.equal(simulateCustom(d, 1).numRows, 22800);
});

test("null: only the total count matters", () => {
  const d = nullDesign();
  assert.equal(rowsOf(d), 261144);
  for (const { params } of d.models) {
    assert.equal(params.harmful_slope, params.benign_slope);
    assert.equal(params.schedule_offsets, undefined);
  }
});

test("presetDesign names the presets it knows", () => {
  assert.equal(presetDesign("classroom").name, "classroom");
  assert.throws(() => presetDesign("papr"), /unknown preset "papr"; expected one of paper, classroom, null/);
});
