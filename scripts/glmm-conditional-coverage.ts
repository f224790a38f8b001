/**
 * Coverage of the conditional benign coefficient b2 by the random-intercept GLMM's 95% Wald
 * interval, on seeded simulations of the classroom preset (generated conditional b2: -0.45
 * for Diluted-7B, +0.25 for Amplified-7B; query SD 1.2). Not a test: a benchmark-like script
 * whose figures go in docs/mixed-models.md.
 *
 *   node --import tsx scripts/glmm-conditional-coverage.ts [replicates = 200] [first seed = 1001] [agq = 1]
 *
 * Each replicate simulates the preset with the next seed, keeps the default condition (as
 * benignEffect does) and fits the joint model with a random intercept per query_id. Printed:
 * the coverage count with its 95% Wilson interval, the mean estimate and the mean query SD.
 */
import { fitConditionalHypothesis } from "../src/analysis/conditional-benign-effect";
import { splitTable } from "../src/analysis/split";
import { defaultConditionRows } from "../src/analysis/subsets";
import { classroomDesign, simulatePreset } from "../src/simulate";
import { wilsonInterval } from "../src/stats";

const replicates = Number(process.argv[2] ?? 200);
const firstSeed = Number(process.argv[3] ?? 1001);
const agq = Number(process.argv[4] ?? 1);
const truth = new Map(classroomDesign().models.map((m) => [m.params.model, m.params]));
const tally = new Map<string, { covered: number; estimates: number[]; sds: number[] }>();
for (let seed = firstSeed; seed < firstSeed + replicates; seed++) {
  const table = defaultConditionRows(simulatePreset("classroom", seed));
  for (const part of splitTable(table, ["model"])) {
    const model = String(part.group.model);
    const b = fitConditionalHypothesis(part.table, "joint", { group: "query_id", agq });
    const benign = b.coefficient("benign");
    const generated = truth.get(model)!.benign_slope;
    const t = tally.get(model) ?? { covered: 0, estimates: [], sds: [] };
    if (benign.conf_low <= generated && generated <= benign.conf_high) t.covered++;
    t.estimates.push(benign.estimate);
    t.sds.push(b.randomEffects[0].sd);
    tally.set(model, t);
  }
}
const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
for (const [model, t] of tally) {
  const p = truth.get(model)!;
  const w = wilsonInterval(t.covered, replicates);
  console.log(
    `${model}: conditional b2 ${p.benign_slope} covered ${t.covered}/${replicates} ` +
    `(${(100 * t.covered / replicates).toFixed(1)}%, Wilson 95% ${(100 * w.conf_low).toFixed(1)}-${(100 * w.conf_high).toFixed(1)}%); ` +
    `mean estimate ${mean(t.estimates).toFixed(4)}; mean query SD ${mean(t.sds).toFixed(3)} (generated ${p.query_sd})`,
  );
}
