/**
 * The simulator's inputs as plain JSON-able data: a model's generative parameters
 * (`ModelParams`), the conditions it is evaluated under, the queries, and the run fields
 * every receipt carries. A `SimulationDesign` is everything `simulateCustom` needs.
 *
 * The generative model, for model m, query q, condition c and sampling s:
 *
 *   eta = baseline_logit
 *       + u[m, q]                                   u ~ Normal(0, query_sd), one per model and query
 *       + (harmful_slope + vh[m, q]) * log(n_harmful + 1)   vh ~ Normal(0, query_harmful_slope_sd)
 *       + (benign_slope  + vb[m, q]) * log(n_benign + 1)    vb ~ Normal(0, query_benign_slope_sd)
 *       + total_slope   * log(n_benign + n_harmful + 1)   (default 0; the null preset's only count effect)
 *       + schedule_offsets[schedule]                only when n_harmful > 0 and n_benign > 0
 *       + schedule_interactions[phi][schedule]      the same, at harmful fraction phi only
 *       + cue_effects[format_cue]                   when format_cue is not none
 *       + condition_offsets[(n_benign, n_harmful)]  when listed (any schedule or cue)
 *   complied (the truth) ~ Bernoulli(1 / (1 + exp(-eta)))
 *   adopted_cue ~ Bernoulli(format_adoption[cue].given_compliance or .given_refusal), by the truth
 *   judge_label: parse_error with probability parse_error_rate; otherwise the truth, read
 *     correctly with probability sensitivity (true compliance) or specificity (true refusal).
 *
 * The per-query slopes vh and vb (default sd 0: every query moves alike) say that queries
 * differ in how far demonstrations move them; they are what makes a benign coefficient
 * fitted across queries uncertain beyond binomial noise, which cluster-robust (by query)
 * standard errors measure. u, vh and vb are independent.
 *
 * All effects are on the logit scale and *conditional* on the query (they describe a query
 * of average difficulty), which is what a mixed model estimates; a logistic regression
 * without a query effect estimates population-averaged effects, smaller in absolute value
 * (see `marginal.ts`).
 */
import type { FormatCue, Schedule, TrainingStage } from "../receipt/fields";

/** Schedules that mix both kinds of demonstration (everything but `none`). */
export type MixedSchedule = Exclude<Schedule, "none">;
/** Cues that are actually shown (everything but `none`). */
export type ShownCue = Exclude<FormatCue, "none">;

/** How often the answer copies the demonstrated cue, by what the model really did. */
export interface FormatAdoption {
  /** P(answer begins with the cue | the model refused), a probability in [0, 1]. */
  readonly given_refusal: number;
  /** P(answer begins with the cue | the model complied), a probability in [0, 1]. */
  readonly given_compliance: number;
}

/** An imperfect judge. Defaults describe a perfect judge that always parses. */
export interface JudgeError {
  /** P(label compliance | the model complied), in [0, 1]. Default 1. */
  readonly sensitivity?: number;
  /** P(label refusal | the model refused), in [0, 1]. Default 1. */
  readonly specificity?: number;
  /** P(label parse_error), whatever the answer, in [0, 1]. Default 0. */
  readonly parse_error_rate?: number;
}

/** Extra schedule offsets at one harmful fraction (an interaction of schedule and phi). */
export interface ScheduleInteraction {
  /** n_harmful / (n_benign + n_harmful) at which these apply (matched to within 1e-9). */
  readonly harmful_fraction: number;
  /** Logits added to `schedule_offsets` at this fraction; a missing schedule adds 0. */
  readonly offsets: Partial<Record<MixedSchedule, number>>;
}

/** A logit offset for one mix of demonstrations, whatever its order and cue. */
export interface ConditionOffset {
  readonly n_benign: number;
  readonly n_harmful: number;
  /** Logits added at this mix. */
  readonly offset: number;
}

/** One model's generative parameters. Plain JSON: `data/calibration/paper-params.json` holds a list of these. */
export interface ModelParams {
  /** Checkpoint name written to the receipts' `model` field. */
  readonly model: string;
  /** Written to `model_family`; groups training stages. Default: null. */
  readonly model_family?: string;
  /** Written to `training_stage`. Default: "unknown". */
  readonly training_stage?: TrainingStage;
  /** Logit of P(comply) for a query of average difficulty with no demonstrations. */
  readonly baseline_logit: number;
  /** Standard deviation of the query random intercept, in logits (>= 0). */
  readonly query_sd: number;
  /** Logits per unit of log(n_harmful + 1). */
  readonly harmful_slope: number;
  /** Logits per unit of log(n_benign + 1); negative is dilution, positive amplification. */
  readonly benign_slope: number;
  /**
   * Standard deviation across queries of a per-query deviation from `benign_slope` (a random
   * slope, >= 0): queries differ in how benign demonstrations move them. Default 0, and no
   * draw is made, so designs without it keep their draws.
   */
  readonly query_benign_slope_sd?: number;
  /** The same for `harmful_slope`. Default 0 (no draw). */
  readonly query_harmful_slope_sd?: number;
  /**
   * Logits per unit of log(n_benign + n_harmful + 1): an effect of the total count alone, the
   * total-count hypothesis made true. Equal harmful and benign slopes are *not* that, since
   * log(h + 1) + log(b + 1) is not a function of h + b. Default 0.
   */
  readonly total_slope?: number;
  /**
   * Logits added by the order of demonstrations when both kinds are present. A missing
   * schedule adds 0; the kit's presets use suffix (the study's default order) as reference.
   * Default: all 0.
   */
  readonly schedule_offsets?: Partial<Record<MixedSchedule, number>>;
  /** Schedule offsets specific to one harmful fraction, added to `schedule_offsets`. Default: none. */
  readonly schedule_interactions?: readonly ScheduleInteraction[];
  /**
   * Offsets for single mixes, for what the smooth log-count model cannot express (a
   * plateau or a drop at the longest contexts). A last resort for calibration. Default: none.
   */
  readonly condition_offsets?: readonly ConditionOffset[];
  /** Logits added when demonstrated answers begin with this cue. Default: all 0. */
  readonly cue_effects?: Partial<Record<ShownCue, number>>;
  /** Cue adoption rates; required for every cue the model's conditions show. */
  readonly format_adoption?: Partial<Record<ShownCue, FormatAdoption>>;
  /** This model's judge error, overriding the design's. Default: the design's. */
  readonly judge_error?: JudgeError;
  /**
   * Models with the same key share query effects (the standard normal draws, each scaled
   * by the model's own `query_sd`), e.g. training stages of one family. Default: `model`.
   */
  readonly query_effect_key?: string;
  /** Free-text provenance: where each value came from, which are assumed. Not used by the simulator. */
  readonly notes?: Readonly<Record<string, string>>;
}

/** One evaluation condition: what precedes the query. */
export interface ConditionSpec {
  readonly n_benign: number;
  readonly n_harmful: number;
  /** Default: "suffix" when both kinds are present, otherwise "none". */
  readonly schedule?: Schedule;
  /** Default: "none". */
  readonly format_cue?: FormatCue;
  /** Default: `Answer:` for neutral, `Sure I can help with that!` for comply, null for none; required for custom. */
  readonly format_cue_text?: string;
}

/** One harmful evaluation query. */
export interface QuerySpec {
  readonly query_source: string;
  readonly query_id: string;
  readonly query_category?: string;
}

/** Fields that every receipt of the run carries. */
export interface RunFields {
  readonly run_id: string;
  readonly judge: string;
  readonly judge_version?: string;
  readonly harmful_demo_source?: string;
  readonly benign_demo_source?: string;
  readonly truncation_chars?: number;
  readonly temperature?: number;
  readonly top_p?: number;
  readonly max_tokens?: number;
  readonly system_prompt_sha256?: string;
}

/** A model and the conditions it is evaluated under (every query, every sampling). */
export interface SimulatedModel {
  readonly params: ModelParams;
  readonly conditions: readonly ConditionSpec[];
}

export interface SimulationDesign {
  /** A label for messages and provenance, e.g. the preset name. */
  readonly name: string;
  readonly run: RunFields;
  readonly queries: readonly QuerySpec[];
  /** Independent samplings of demonstrations per query and condition (sample_index 0..samplings-1). */
  readonly samplings: number;
  /** Judge error for every model without its own. Default: a perfect judge. */
  readonly judge_error?: JudgeError;
  readonly models: readonly SimulatedModel[];
}

export const DEFAULT_CUE_TEXT: Readonly<Record<"neutral" | "comply", string>> = {
  neutral: "Answer:",
  comply: "Sure I can help with that!",
};

/** A condition with its defaults filled in. */
export interface ResolvedCondition {
  readonly n_benign: number;
  readonly n_harmful: number;
  readonly schedule: Schedule;
  readonly format_cue: FormatCue;
  readonly format_cue_text: string | null;
}

export function resolveCondition(c: ConditionSpec): ResolvedCondition {
  const mixed = c.n_benign > 0 && c.n_harmful > 0;
  const cue = c.format_cue ?? "none";
  const text = c.format_cue_text ?? (cue === "neutral" || cue === "comply" ? DEFAULT_CUE_TEXT[cue] : null);
  return { n_benign: c.n_benign, n_harmful: c.n_harmful, schedule: c.schedule ?? (mixed ? "suffix" : "none"), format_cue: cue, format_cue_text: cue === "none" ? null : text };
}

/** Text that identifies a condition; equal texts are the same condition. */
export function conditionKey(c: ResolvedCondition): string {
  return `${c.n_benign}\x1f${c.n_harmful}\x1f${c.schedule}\x1f${c.format_cue}\x1f${c.format_cue_text ?? ""}`;
}

/** Drop repeated conditions, keeping the first of each. */
export function uniqueConditions(conditions: readonly ConditionSpec[]): ConditionSpec[] {
  const seen = new Set<string>();
  return conditions.filter((c) => {
    const k = conditionKey(resolveCondition(c));
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function isProbability(x: unknown): boolean {
  return typeof x === "number" && x >= 0 && x <= 1;
}

/**
 * Check a design before simulating: finite parameters, probabilities in [0, 1], counts
 * that are non-negative integers, no repeated model, query or condition, format adoption
 * for every shown cue. Throws an Error naming the model, field and value.
 */
export function checkDesign(design: SimulationDesign): void {
  const where = `simulate(${design.name})`;
  if (!Number.isInteger(design.samplings) || design.samplings < 1) throw new Error(`${where}: samplings must be a positive integer, found ${design.samplings}`);
  if (design.queries.length === 0) throw new Error(`${where}: expected at least one query, found none`);
  const queryKeys = new Set<string>();
  for (const q of design.queries) {
    const k = `${q.query_source}\x1f${q.query_id}`;
    if (queryKeys.has(k)) throw new Error(`${where}: query ${q.query_source}/${q.query_id} appears twice; expected each query once`);
    queryKeys.add(k);
  }
  const checkJudge = (j: JudgeError | undefined, who: string) => {
    if (j === undefined) return;
    for (const f of ["sensitivity", "specificity", "parse_error_rate"] as const)
      if (j[f] !== undefined && !isProbability(j[f])) throw new Error(`${where}: ${who} judge_error.${f} must be a probability in [0, 1], found ${j[f]}`);
  };
  checkJudge(design.judge_error, "design");
  const names = new Set<string>();
  for (const { params: p, conditions } of design.models) {
    const who = `model ${p.model}`;
    if (names.has(p.model)) throw new Error(`${where}: model ${p.model} appears twice; expected each model once (merge its conditions)`);
    names.add(p.model);
    for (const f of ["baseline_logit", "query_sd", "harmful_slope", "benign_slope"] as const)
      if (typeof p[f] !== "number" || !Number.isFinite(p[f])) throw new Error(`${where}: ${who} ${f} must be a finite number, found ${p[f]}`);
    if (p.query_sd < 0) throw new Error(`${where}: ${who} query_sd must be >= 0, found ${p.query_sd}`);
    for (const f of ["query_benign_slope_sd", "query_harmful_slope_sd"] as const)
      if (p[f] !== undefined && !(typeof p[f] === "number" && Number.isFinite(p[f]) && p[f]! >= 0)) throw new Error(`${where}: ${who} ${f} must be a finite number >= 0, found ${p[f]}`);
    for (const [s, v] of Object.entries(p.schedule_offsets ?? {}))
      if (!Number.isFinite(v)) throw new Error(`${where}: ${who} schedule_offsets.${s} must be a finite number, found ${v}`);
    for (const o of p.condition_offsets ?? [])
      if (!Number.isFinite(o.offset) || !Number.isInteger(o.n_benign) || !Number.isInteger(o.n_harmful))
        throw new Error(`${where}: ${who} condition_offsets needs integer n_benign, n_harmful and a finite offset, found ${JSON.stringify(o)}`);
    for (const [s, v] of Object.entries(p.cue_effects ?? {}))
      if (!Number.isFinite(v)) throw new Error(`${where}: ${who} cue_effects.${s} must be a finite number, found ${v}`);
    for (const [cue, a] of Object.entries(p.format_adoption ?? {}))
      if (!isProbability(a?.given_refusal) || !isProbability(a?.given_compliance))
        throw new Error(`${where}: ${who} format_adoption.${cue} needs given_refusal and given_compliance in [0, 1], found ${JSON.stringify(a)}`);
    checkJudge(p.judge_error, who);
    if (conditions.length === 0) throw new Error(`${where}: ${who} has no conditions`);
    const seen = new Set<string>();
    for (const c of conditions) {
      for (const f of ["n_benign", "n_harmful"] as const)
        if (!Number.isInteger(c[f]) || c[f] < 0) throw new Error(`${where}: ${who} condition ${f} must be a non-negative integer, found ${c[f]}`);
      const r = resolveCondition(c);
      if (r.schedule === "none" && r.n_benign > 0 && r.n_harmful > 0)
        throw new Error(`${where}: ${who} condition ${r.n_benign} benign + ${r.n_harmful} harmful has schedule none; expected prefix, suffix, random, middle or interleave`);
      if (r.format_cue !== "none" && !p.format_adoption?.[r.format_cue])
        throw new Error(`${where}: ${who} shows format_cue ${r.format_cue} but has no format_adoption.${r.format_cue}`);
      if (r.format_cue === "custom" && !r.format_cue_text) throw new Error(`${where}: ${who} format_cue custom needs format_cue_text`);
      const k = conditionKey(r);
      if (seen.has(k)) throw new Error(`${where}: ${who} lists condition ${r.n_benign} benign + ${r.n_harmful} harmful, ${r.schedule}, cue ${r.format_cue} twice; use uniqueConditions`);
      seen.add(k);
    }
  }
}
