/** The study's analyses: each takes a ReceiptTable and returns tidy rows plus typed verdicts. */
export { groupBy, type Grouping, type GroupValues } from "./group-by";
export { splitTable, type TablePart } from "./split";
export { zeroDemonstrationRows, defaultConditionRows, orderedRows, cuedRows } from "./subsets";
export { complianceTable, complianceCounts, DEFAULT_CONDITION_FIELDS, type ComplianceRow, type ComplianceCounts } from "./compliance-table";
export {
  fitHypothesis, fitCountModel, countData, transformCounts, resolveCluster, clusterCodesOf, HYPOTHESIS_TERMS,
  type Hypothesis, type CountScale, type HypothesisFitOptions, type CountData,
} from "./hypothesis-fit";
export { baselineCompliance, relativeToBaseline, type BaselineOptions, type BaselineRow, type RelativeRow } from "./baseline";
export { totalCountTest, type TotalCountOptions, type TotalCountResult, type TotalCountPerN, type TotalCountSummary } from "./total-count-test";
export { clusterFactorTest } from "./cluster-factor-test";
export { benignEffect, type BenignEffectOptions, type BenignEffectResult, type BenignEffectRow } from "./benign-effect";
export { fitConditionalHypothesis, conditionalBenignFields, type ConditionalFitOptions, type ConditionalBenignFields, type ConditionalBenignOptions } from "./conditional-benign-effect";
export { benignSweep, type BenignSweepOptions, type BenignSweepResult, type BenignSlopeRow } from "./benign-sweep";
export { trainingStage, familiesWithStages, type TrainingStageOptions, type TrainingStageResult, type StageInteractionTest } from "./training-stage";
export { ordering, type OrderingOptions, type OrderingResult, type ScheduleRow, type OrderingTestRow } from "./ordering";
export { formatAdoption, type FormatAdoptionOptions, type FormatAdoptionResult, type AdoptionRow, type CouplingRow } from "./format-adoption";
export { breakdowns, type BreakdownResult } from "./breakdowns";
export {
  benignVerdict, readBenignEffect, readTotalCount, trustOf,
  type BenignVerdict, type TotalCountVerdict, type CouplingVerdict, type BenignReading, type TotalCountReading,
  type BenignReadingInput, type BenignReadingResult, type VerdictTrust,
} from "./verdicts";
export {
  FEW_CLUSTERS, MIN_EXPECTED_COUNT, MIN_VALIDATION_PER_CLASS, UNRELIABLE_KINDS,
  type AnalysisWarning, type AnalysisWarningKind, type ReceiptWarnings,
} from "./warnings";
export { analyze, provenanceOf, type AnalyzeOptions, type ResultReceipt, type Provenance, type SkippedAnalysis, type Verdicts,
  type BenignVerdictRow, type TotalCountVerdictRow, type TrainingStageVerdictRow, type CouplingVerdictRow } from "./analyze";
export { resultReceiptToMarkdown, resultReceiptToJSON, markdownTable, escapeMarkdown } from "./render-result-receipt";
export {
  comparePaper, loadPaperTargets, paperVsKitMarkdown, everyTargetPasses, paperMainSweepRows, PAPER_TARGETS_PATH,
  type PaperTargets, type ComparePaperRow, type ComparePaperOptions, type PaperQuantity,
} from "./compare-paper";
export { judgeErrorSummary, type JudgeErrorSummaryOptions, type JudgeErrorRow, type JudgeErrorCounts } from "./judge-error-summary";
export { judgeCorrectedFit, type JudgeCorrectedFitOptions, type JudgeCorrectedFitResult, type JudgeCorrectedTerm } from "./judge-corrected-fit";
export { judgeCorrectionCoverage, type JudgeCoverageScenario, type JudgeCoverageResult } from "./judge-correction-coverage";
export { powerLawCurve, type PowerLawOptions, type PowerLawX, type PowerLawFit, type PowerLawRow, type PowerLawPointFields, type PowerLawPoint, type PowerLawCurve } from "./power-law-curve";
