/**
 * The generative model recovers its own parameters on a large design (one model, 5,000
 * queries x 2 samplings, main sweep at N 4, 16, 64, the baseline, two orderings and a cue).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fitLogistic } from "../../src/stats";
import {
  BASELINE_CONDITION, conditionLogit, expectedComplianceRate, formatCueConditions, mainSweepConditions,
  orderingConditions, simulateOutcomes, uniqueConditions, type ModelParams,
} from "../../src/simulate";
import { oneModelDesign } from "./helpers";

const params: Partial<ModelParams> = {
  baseline_logit: -1.4, query_sd: 1.3, harmful_slope: 0.55, benign_slope: -0.35,
  schedule_offsets: { prefix: -0.9, interleave: -0.4 }, cue_effects: { comply: 0.5 },
  format_adoption: { comply: { given_refusal: 0.1, given_compliance: 0.6 } },
};
const design = (() => {
  const d = oneModelDesign(params);
  const conditions = uniqueConditions([BASELINE_CONDITION, ...mainSweepConditions([4, 16, 64]), ...orderingConditions(8, 8, ["prefix", "interleave"]), ...formatCueConditions(8, 8, ["comply"])]);
  return { ...d, models: [{ ...d.models[0], conditions }] };
})();
const sim = simulateOutcomes(design, 2026);
const Q = design.queries.length;
const p = design.models[0].params;

test("query effects are Normal(0, query_sd)", () => {
  const u = sim.queryEffect;
  const mean = u.reduce((a, b) => a + b, 0) / Q;
  const sd = Math.sqrt(u.reduce((a, b) => a + (b - mean) ** 2, 0) / (Q - 1));
  assert.ok(Math.abs(mean) < 4 * p.query_sd / Math.sqrt(Q), `mean ${mean}`);
  assert.ok(Math.abs(sd - p.query_sd) < 4 * p.query_sd / Math.sqrt(2 * Q), `sd ${sd}`);
});

test("each condition's compliance rate matches its probability (binomial SE) and the model's expected rate over queries", () => {
  for (const b of sim.blocks) {
    const start = b.start, m = Q * design.samplings;
    let k = 0, pSum = 0;
    for (let i = start; i < start + m; i++) {
      k += sim.complied[i];
      pSum += sim.probability[i];
    }
    const pBar = pSum / m;
    assert.ok(Math.abs(k / m - pBar) < 4 * Math.sqrt((pBar * (1 - pBar)) / m), `${JSON.stringify(b.condition)}: ${k}/${m} against ${pBar}`);
    // Monte-Carlo over the realised query effects against the quadrature over Normal(0, sd).
    assert.equal(b.logit, conditionLogit(p, b.condition));
    const expected = expectedComplianceRate(b.logit, p.query_sd);
    let v = 0;
    for (let q = 0; q < Q; q++) v += (sim.probability[start + q * design.samplings] - pBar) ** 2;
    const se = Math.sqrt(v / (Q - 1) / Q);
    assert.ok(Math.abs(pBar - expected) < 4 * se, `${JSON.stringify(b.condition)}: mean probability ${pBar} against expected ${expected} (se ${se})`);
  }
});

test("a logistic regression with the true query effect as a covariate recovers every coefficient", () => {
  const n = sim.length;
  const cols = { u: new Float64Array(n), lh: new Float64Array(n), lb: new Float64Array(n), prefix: new Float64Array(n), interleave: new Float64Array(n), comply: new Float64Array(n) };
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = sim.blocks[sim.block[i]].condition;
    cols.u[i] = sim.queryEffect[sim.query[i]];
    cols.lh[i] = Math.log(c.n_harmful + 1);
    cols.lb[i] = Math.log(c.n_benign + 1);
    cols.prefix[i] = c.schedule === "prefix" ? 1 : 0;
    cols.interleave[i] = c.schedule === "interleave" ? 1 : 0;
    cols.comply[i] = c.format_cue === "comply" ? 1 : 0;
    y[i] = sim.complied[i];
  }
  const fit = fitLogistic({ terms: Object.keys(cols), columns: Object.values(cols), successes: y });
  const truth: Record<string, number> = { intercept: p.baseline_logit, u: 1, lh: p.harmful_slope, lb: p.benign_slope, prefix: -0.9, interleave: -0.4, comply: 0.5 };
  fit.terms.forEach((term, j) => {
    const z = (fit.estimates[j] - truth[term]) / fit.stdErrors[j];
    assert.ok(Math.abs(z) < 4, `${term}: estimate ${fit.estimates[j].toFixed(4)} (se ${fit.stdErrors[j].toFixed(4)}), true ${truth[term]}`);
  });
});

test("conditionLogit adds each documented term where it applies", () => {
  const m: ModelParams = {
    model: "m", baseline_logit: -1, query_sd: 1, harmful_slope: 0.5, benign_slope: -0.2,
    schedule_offsets: { prefix: -0.7 }, schedule_interactions: [{ harmful_fraction: 0.25, offsets: { prefix: 0.3 } }],
    cue_effects: { comply: 0.4 }, condition_offsets: [{ n_benign: 96, n_harmful: 32, offset: -0.25 }],
  };
  const c = (n_benign: number, n_harmful: number, schedule: "prefix" | "suffix" | "none", format_cue: "none" | "comply" = "none") =>
    conditionLogit(m, { n_benign, n_harmful, schedule, format_cue, format_cue_text: null });
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);
  close(c(0, 3, "none"), -1 + 0.5 * Math.log(4));
  close(c(8, 8, "suffix"), -1 + 0.3 * Math.log(9));
  close(c(8, 8, "prefix"), -1 + 0.3 * Math.log(9) - 0.7);
  close(c(24, 8, "prefix"), -1 + 0.5 * Math.log(9) - 0.2 * Math.log(25) - 0.7 + 0.3);
  close(c(8, 8, "suffix", "comply"), -1 + 0.3 * Math.log(9) + 0.4);
  close(c(96, 32, "suffix"), -1 + 0.5 * Math.log(33) - 0.2 * Math.log(97) - 0.25);
});
