/**
 * Writes data/sample/: small synthetic receipts that draw every figure of the kit.
 * - receipts.jsonl (112 rows, readable): a cut of the simulator's classroom preset (seed 7),
 *   four queries of both models at the baseline, every mix of 16 demonstrations and 8 + 8
 *   under the prefix schedule.
 * - grid.parquet (1,304 rows): the rest of what the figures need, on twelve queries:
 *   the classroom preset's whole grid (main sweep N 4, 16, 64 x phi 0..1, prefix against
 *   suffix at 8 + 8, both format cues) minus the rows already in receipts.jsonl, and an
 *   invented three-checkpoint family, Tutor-7B (SFT, DPO, Instruct), under a benign sweep at
 *   8 and 16 harmful demonstrations, for the training-stage figure.
 * Loading the folder gives both files. Deterministic; run with
 *   npx tsx scripts/make-sample.ts
 */
import { join } from "node:path";
import {
  BASELINE_CONDITION, benchmarkQueries, benignSweepConditions, fromRecords, saveReceipts, simulateCustom, simulatePreset,
  type ModelParams, type SimulationDesign,
} from "../src";

const SEED = 7;
const out = join(__dirname, "..", "data", "sample");
const classroom = simulatePreset("classroom", SEED);

const query = classroom.values("query_id"), b = classroom.numbers("n_benign"), h = classroom.numbers("n_harmful");
const cue = classroom.values("format_cue"), schedule = classroom.values("schedule");
const allQueries = classroom.distinct("query_id") as string[];
const readableQueries = new Set(allQueries.slice(0, 4));
const gridQueries = new Set(allQueries.slice(0, 12));
const inReadable = (i: number) =>
  readableQueries.has(query[i] as string) && cue[i] === "none" &&
  ((b[i] === 0 && h[i] === 0) || b[i] + h[i] === 16 || (b[i] === 8 && h[i] === 8 && schedule[i] === "prefix"));
const readable = classroom.filter(inReadable);
const classroomGrid = classroom.filter((i) => gridQueries.has(query[i] as string) && !inReadable(i));

/** Three checkpoints of one invented family: benign demonstrations amplify after SFT, then stop mattering. */
function stageDesign(): SimulationDesign {
  const stage = (training_stage: "sft" | "dpo" | "instruct", benign_slope: number, baseline_logit: number): ModelParams => ({
    model: `Tutor-7B-${training_stage === "sft" ? "SFT" : training_stage === "dpo" ? "DPO" : "Instruct"}`,
    model_family: "Tutor-7B", training_stage, query_effect_key: "Tutor-7B",
    baseline_logit, query_sd: 1, harmful_slope: 0.5, benign_slope,
  });
  const conditions = [BASELINE_CONDITION, ...benignSweepConditions([8, 16], [0, 4, 16])];
  return {
    name: "sample-stages",
    run: { run_id: "sim-sample-stages-v1", judge: "wildguard", judge_version: "allenai/wildguard (simulated)", temperature: 0, top_p: 1, max_tokens: 512 },
    queries: benchmarkQueries({ harmbench: 4, sorryBench: 4, wildguardTest: 4 }),
    samplings: 2,
    models: [stage("sft", 0.45, -1.4), stage("dpo", 0.05, -1.8), stage("instruct", -0.05, -2)].map((params) => ({ params, conditions })),
  };
}
const stages = simulateCustom(stageDesign(), SEED);
const grid = fromRecords([...classroomGrid.toRows(), ...stages.toRows()]);

void (async () => {
  await saveReceipts(readable, join(out, "receipts.jsonl"));
  await saveReceipts(grid, join(out, "grid.parquet"));
  console.log(`wrote ${readable.numRows} receipts to data/sample/receipts.jsonl and ${grid.numRows} to data/sample/grid.parquet`);
})();
