/**
 * Ready-made simulation designs.
 *
 * - `paper`: the study's full design with the parameters in
 *   `data/calibration/paper-params.json` (first guesses from the published figures).
 * - `classroom`: small and fast, two invented models, one diluted and one amplified by
 *   benign demonstrations; for teaching.
 * - `null`: three invented models for which only the total count matters (harmful slope =
 *   benign slope, no order effects), on the study's main sweep; for false-positive rates
 *   of the total-count test.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { benchmarkQueries } from "./benchmark-queries";
import {
  BASELINE_CONDITION, benignSweepConditions, formatCueConditions, mainSweepConditions, orderingConditions,
} from "./conditions";
import { uniqueConditions, type ConditionSpec, type JudgeError, type ModelParams, type RunFields, type SimulationDesign } from "./design";

export const PRESET_NAMES = ["paper", "classroom", "null"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** SHA-256 of the empty string: the study's runs are simulated with no system prompt. */
const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");

/** Run fields shared by the presets; only run_id differs. Sampling settings are assumed (greedy decoding). */
function presetRun(runId: string): RunFields {
  return {
    run_id: runId, judge: "wildguard", judge_version: "allenai/wildguard (simulated)",
    harmful_demo_source: "redteam-2k", benign_demo_source: "ultrachat", truncation_chars: 2000,
    temperature: 0, top_p: 1, max_tokens: 512, system_prompt_sha256: EMPTY_SHA256,
  };
}

/** The contents of `data/calibration/paper-params.json`: models' parameters and the judge. */
export interface PaperParams {
  readonly models: readonly ModelParams[];
  readonly judge_error?: JudgeError;
  /** Anything else in the file (description, derivation, published targets) is carried along untouched. */
  readonly [other: string]: unknown;
}

/** Where the paper preset's parameters live, relative to this file (src/simulate or dist/simulate). */
export const PAPER_PARAMS_PATH = join(__dirname, "..", "..", "data", "calibration", "paper-params.json");

/** Read paper parameters from a JSON file (default: the kit's own). Throws naming the file when unreadable. */
export function loadPaperParams(path: string = PAPER_PARAMS_PATH): PaperParams {
  let parsed: PaperParams;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8")) as PaperParams;
  } catch (e) {
    throw new Error(`loadPaperParams: cannot read ${path} (${(e as Error).message})`);
  }
  if (!Array.isArray(parsed.models)) throw new Error(`loadPaperParams: ${path} has no "models" list`);
  return parsed;
}

/** The study's four models, in the order of the paper's tables. */
export const PAPER_MAIN_MODELS = ["Llama-3.1-8B-Instruct", "OLMo-3.1-32B-Instruct", "GPT-OSS-20B", "Gemma-4-31B-IT"] as const;
/** Training stages of OLMo-3.1-32B evaluated in the benign sweep (Instruct is also a main model). */
export const PAPER_STAGE_MODELS = ["OLMo-3.1-32B-SFT", "OLMo-3.1-32B-DPO", "OLMo-3.1-32B-Instruct"] as const;

/** The conditions each model of the paper preset is evaluated under. */
export function paperConditions(model: string): ConditionSpec[] {
  const main = (PAPER_MAIN_MODELS as readonly string[]).includes(model);
  const stage = (PAPER_STAGE_MODELS as readonly string[]).includes(model);
  if (!main && !stage) throw new Error(`paperConditions: ${model} is not a model of the study; expected one of ${[...PAPER_MAIN_MODELS, ...PAPER_STAGE_MODELS.slice(0, 2)].join(", ")}`);
  const out: ConditionSpec[] = [BASELINE_CONDITION];
  if (main) {
    out.push(...mainSweepConditions());
    out.push(...orderingConditions(32, 32));
    out.push(...formatCueConditions(16, 16));
  }
  // The appendix repeats the ordering ablation for Gemma at harmful fractions 0.25 and 0.75.
  if (model === "Gemma-4-31B-IT") out.push(...orderingConditions(48, 16), ...orderingConditions(16, 48));
  if (stage) out.push(...benignSweepConditions());
  return uniqueConditions(out);
}

/**
 * The study's design: 1,404 queries (HarmBench 200, SORRY-Bench 450, WildGuard-test 754),
 * 2 samplings each; Llama-3.1-8B-Instruct, OLMo-3.1-32B-Instruct, GPT-OSS-20B and
 * Gemma-4-31B-IT under the zero-demonstration baseline, the main sweep (N 4..128 x phi
 * 0..1), the ordering ablation at 32 + 32 (Gemma also at 48 + 16 and 16 + 48) and the
 * format cues at 16 + 16; OLMo-3.1-32B SFT, DPO and Instruct under the benign sweep
 * (n_harmful 8, 16, 32 x n_benign 0..128). 603,720 receipts.
 */
export function paperDesign(params: PaperParams = loadPaperParams()): SimulationDesign {
  const byName = new Map(params.models.map((m) => [m.model, m]));
  const names = [...PAPER_MAIN_MODELS, "OLMo-3.1-32B-SFT", "OLMo-3.1-32B-DPO"];
  const models = names.map((name) => {
    const p = byName.get(name);
    if (p === undefined) throw new Error(`paperDesign: the parameters have no model ${name}; found ${[...byName.keys()].join(", ")}`);
    return { params: p, conditions: paperConditions(name) };
  });
  return { name: "paper", run: presetRun("sim-paper-v1"), queries: benchmarkQueries(), samplings: 2, judge_error: params.judge_error, models };
}

/**
 * A small teaching design: 300 queries (60 / 90 / 150 by source), 2 samplings, two
 * invented models (`Diluted-7B`: benign demonstrations lower compliance; `Amplified-7B`:
 * they raise it), N 4, 16, 64 x phi 0..1, the baseline, prefix against suffix at 8 + 8,
 * and both cues at 8 + 8. 22,800 receipts.
 */
export function classroomDesign(): SimulationDesign {
  const conditions = uniqueConditions([
    BASELINE_CONDITION,
    ...mainSweepConditions([4, 16, 64]),
    ...orderingConditions(8, 8, ["suffix", "prefix"]),
    ...formatCueConditions(8, 8),
  ]);
  const adoption = {
    neutral: { given_refusal: 0.8, given_compliance: 0.9 },
    comply: { given_refusal: 0.05, given_compliance: 0.6 },
  };
  const diluted: ModelParams = {
    model: "Diluted-7B", model_family: "Diluted-7B", training_stage: "instruct",
    baseline_logit: -1.2, query_sd: 1.2, harmful_slope: 0.6, benign_slope: -0.45,
    schedule_offsets: { suffix: 0, prefix: -0.8 }, cue_effects: { neutral: 0, comply: 0.4 }, format_adoption: adoption,
  };
  const amplified: ModelParams = {
    model: "Amplified-7B", model_family: "Amplified-7B", training_stage: "sft",
    baseline_logit: -1.6, query_sd: 1.2, harmful_slope: 0.5, benign_slope: 0.25,
    schedule_offsets: { suffix: 0, prefix: -0.3 }, cue_effects: { neutral: 0, comply: 0.2 }, format_adoption: adoption,
  };
  return {
    name: "classroom", run: presetRun("sim-classroom-v1"),
    queries: benchmarkQueries({ harmbench: 60, sorryBench: 90, wildguardTest: 150 }), samplings: 2,
    models: [{ params: diluted, conditions }, { params: amplified, conditions }],
  };
}

/**
 * Only the total count matters: three invented models whose compliance depends on
 * log(N + 1) alone (rising, flat, falling with N), with no order effects, on the study's 1,404
 * queries x 2 samplings, the baseline and the main sweep. 261,144 receipts. Any rejection
 * of the total-count hypothesis here is a false positive.
 */
export function nullDesign(): SimulationDesign {
  const conditions = uniqueConditions([BASELINE_CONDITION, ...mainSweepConditions()]);
  const model = (name: string, slope: number, baseline: number): ModelParams => ({
    model: name, model_family: "null", training_stage: "instruct",
    baseline_logit: baseline, query_sd: 1.5, harmful_slope: 0, benign_slope: 0, total_slope: slope,
  });
  return {
    name: "null", run: presetRun("sim-null-v1"), queries: benchmarkQueries(), samplings: 2,
    models: [
      { params: model("Null-Rising", 0.3, -2), conditions },
      { params: model("Null-Flat", 0, -1.5), conditions },
      { params: model("Null-Falling", -0.2, -1), conditions },
    ],
  };
}

/** A preset's design by name. Throws naming the known presets for anything else. */
export function presetDesign(name: string): SimulationDesign {
  switch (name) {
    case "paper": return paperDesign();
    case "classroom": return classroomDesign();
    case "null": return nullDesign();
  }
  throw new Error(`presetDesign: unknown preset ${JSON.stringify(name)}; expected one of ${PRESET_NAMES.join(", ")}`);
}
