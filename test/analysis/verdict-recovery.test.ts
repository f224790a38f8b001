/**
 * Known truth in, verdicts out: on simulated receipts at the study's scale (1,404 queries,
 * 2 samplings, the baseline and the 6 x 5 main sweep), the joint model's benign verdict
 * recovers the simulated benign effect, and the total-count test keeps its false-positive
 * rate when only the total count matters. Seeds are fixed (1..SEEDS), so the test is
 * deterministic; they were not chosen to pass.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { benignEffect } from "../../src/analysis/benign-effect";
import { totalCountTest } from "../../src/analysis/total-count-test";
import {
  BASELINE_CONDITION, benchmarkQueries, mainSweepConditions, nullDesign, simulateCustom, uniqueConditions,
  type ModelParams, type SimulationDesign,
} from "../../src/simulate";

const SEEDS = 30;
const conditions = uniqueConditions([BASELINE_CONDITION, ...mainSweepConditions()]);
const queries = benchmarkQueries();

function model(name: string, benign: number): ModelParams {
  // query_sd 1.5 and slopes of the size the study reports
  return { model: name, baseline_logit: -1.5, query_sd: 1.5, harmful_slope: 0.35, benign_slope: benign };
}

const design: SimulationDesign = {
  name: "recovery",
  run: { run_id: "recovery", judge: "simulated" },
  queries,
  samplings: 2,
  models: [
    { params: model("Dilution", -0.15), conditions },
    { params: model("Amplification", 0.1), conditions },
    { params: model("NoEffect", 0), conditions },
  ],
};

/**
 * A model built with no benign effect reads no_significant_effect exactly when the test does
 * not make a type I error, so its rate is 95% on average at alpha 0.05 and any finite set of
 * seeds falls either side of it. The check is therefore that the false-positive rate is not
 * above 5%: at most 4 rejections in 30 seeds (P(5 or more | 5%) = 0.016). Measured over
 * 120 other seeds (1000..1119): 5.8% with CR1 errors, 3.3% model-based.
 */
const MAX_FALSE_POSITIVES = 4;

test(`benign verdicts recovered: effects in at least 95% of ${SEEDS} seeds, no effect with at most a 5% false-positive rate (CR1 by query, alpha 0.05)`, () => {
  const hits: Record<string, number> = { Dilution: 0, Amplification: 0, NoEffect: 0 };
  const expected: Record<string, string> = { Dilution: "dilution", Amplification: "amplification", NoEffect: "no_significant_effect" };
  for (let seed = 1; seed <= SEEDS; seed++) {
    const table = simulateCustom(design, seed);
    for (const row of benignEffect(table, { cluster: "query_id" }).rows) if (row.verdict === expected[row.model]) hits[row.model]++;
  }
  for (const m of ["Dilution", "Amplification"]) assert.ok(hits[m] / SEEDS >= 0.95, `${m}: verdict ${expected[m]} in ${hits[m]} of ${SEEDS} seeds`);
  assert.ok(SEEDS - hits.NoEffect <= MAX_FALSE_POSITIVES, `NoEffect: a benign effect found in ${SEEDS - hits.NoEffect} of ${SEEDS} seeds`);
});

test(`total-count test rejects a total-only truth in about 5% of cases or fewer (${SEEDS} seeds x 3 models)`, () => {
  let rejections = 0, tests = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    for (const s of totalCountTest(simulateCustom(nullDesign(), seed)).summary) {
      tests++;
      if (s.verdict === "total_count_rejected") rejections++;
    }
  }
  assert.equal(tests, 3 * SEEDS);
  assert.ok(rejections / tests <= 0.07, `rejected in ${rejections} of ${tests}`);
});
