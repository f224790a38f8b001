/** The receipt simulator: a seeded generative model of receipts, its presets and the CLI command. */
export {
  checkDesign, resolveCondition, uniqueConditions, conditionKey, DEFAULT_CUE_TEXT,
  type ModelParams, type ConditionSpec, type ResolvedCondition, type QuerySpec, type RunFields, type SimulatedModel,
  type SimulationDesign, type JudgeError, type FormatAdoption, type ScheduleInteraction, type ConditionOffset, type MixedSchedule, type ShownCue,
} from "./design";
export { conditionLogit } from "./linear-predictor";
export { expit, logit, expectedComplianceRate, conditionalLogitForRate, marginalAttenuation, ATTENUATION_C2 } from "./marginal";
export { SubStream, hashString, hashWords, seedWords } from "./prng";
export { simulateOutcomes, type SimulatedOutcomes, type SimulatedBlock } from "./simulate-outcomes";
export { toReceiptTable, toReceiptRecords } from "./to-table";
export { simulateCustom, simulatePreset } from "./simulate-custom";
export {
  paperDesign, classroomDesign, nullDesign, presetDesign, paperConditions, loadPaperParams,
  PRESET_NAMES, PAPER_MAIN_MODELS, PAPER_STAGE_MODELS, PAPER_PARAMS_PATH, type PresetName, type PaperParams,
} from "./presets";
export {
  mainSweepConditions, benignSweepConditions, orderingConditions, formatCueConditions, BASELINE_CONDITION,
  STUDY_TOTALS, STUDY_FRACTIONS, ALL_MIXED_SCHEDULES,
} from "./conditions";
export { benchmarkQueries, HARMBENCH_CATEGORIES, SORRY_BENCH_CATEGORIES, WILDGUARD_SUBCATEGORIES, type BenchmarkQueryCounts } from "./benchmark-queries";
export { simulateCommand, type SimulateCommandOptions } from "./cli";
export { referenceLabels, withReferenceLabels, type ReferenceLabelOptions } from "./reference-labels";
