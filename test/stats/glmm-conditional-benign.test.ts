/**
 * Known truth in: the classroom preset simulates each query's log-odds with a conditional
 * benign slope (Diluted-7B -0.45, Amplified-7B +0.25) and a random intercept per query
 * (SD 1.2). The GLMM's conditional b2 must cover the generated value with its 95% interval,
 * while the population-averaged b2 (the study's) is smaller in magnitude. Seeded (seed 1);
 * the interval check is one draw of a 95% event, not a coverage study.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { benignEffect } from "../../src/analysis";
import { classroomDesign, simulatePreset } from "../../src/simulate";

describe("benignEffect({ conditional: true }) on the classroom preset (seed 1)", () => {
  const table = simulatePreset("classroom", 1);
  const { rows } = benignEffect(table, { conditional: true });
  const truth = new Map(classroomDesign().models.map((m) => [m.params.model, m.params]));

  for (const model of ["Diluted-7B", "Amplified-7B"]) {
    it(`${model}: the conditional b2 covers the generated benign slope; the population-averaged one is attenuated`, () => {
      const row = rows.find((r) => r.model === model)!;
      const p = truth.get(model)!;
      assert.ok(row.conditional_conf_low! <= p.benign_slope && p.benign_slope <= row.conditional_conf_high!,
        `generated ${p.benign_slope}, conditional ${row.conditional_estimate} [${row.conditional_conf_low}, ${row.conditional_conf_high}]`);
      assert.ok(Math.abs(row.estimate) < Math.abs(row.conditional_estimate!),
        `population-averaged ${row.estimate} should be smaller in magnitude than conditional ${row.conditional_estimate}`);
      assert.ok(Math.abs(row.query_sd! - p.query_sd) < 0.25, `query SD ${row.query_sd}, generated ${p.query_sd}`);
      assert.equal(row.conditional_converged, true);
      assert.match(row.effect_reading!, /conditional b2 = .*for a given query.*population-averaged b2 = .*across queries, smaller in magnitude/);
    });
  }
});
