export { compose, composeFromIds, rebuildContext, compositionSeed, DEFAULT_TRUNCATION_CHARS, type ChatMessage, type CompositionPoint, type ComposedContext, type RebuildableReceipt, type RebuiltContext } from "./compose";
export { arrangeDemos, type DemoKind, type Placed } from "./schedule";
export { cueText, applyCue, adoptedCue, FORMAT_CUE_TEXTS } from "./cues";
export { truncateChars } from "./truncate";
export { createRng, deriveSeed, shuffled, sampleWithoutReplacement, xoshiro128ss, type Rng } from "./prng";
export { loadDemoPool, loadQueryPool, fromDemoJSONL, fromQueryJSONL, checkPoolsDisjoint, poolSourceName, PoolError, type DemoRecord, type QueryRecord, type Pool, type DemoPool, type QueryPool, type Pools } from "./pools";
export { loadDesign, parseDesign, expandDesign, normalizeCondition, type Design, type DesignOptions, type DesignGrid, type Condition, type CueSpec } from "./design";
export { planFromDesign, writePlan, loadPlan, loadPools, toPlanJSONL, pointKeyParts, PLAN_VERSION, type Plan, type PlanHeader, type PlanPoint, type PlanOptions, type PoolRef } from "./plan";
export { composeCommand, planCommand, processIO, type CommandIO, type ComposeCommandOptions, type PlanCommandOptions } from "./cli";
