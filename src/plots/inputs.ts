/**
 * The rows each figure reads, declared structurally with only the fields a figure uses, so
 * the richer rows of the analysis module (and danfo's `toJSON()` output) are assignable.
 * Rates are proportions in [0, 1]; `conf_low`/`conf_high` bound a 95% Wilson interval.
 */

/** One cell of the design: compliance at (model, stage, N_b, N_h, schedule, format cue). */
export interface ComplianceCellInput {
  readonly model: string;
  readonly training_stage: string;
  readonly n_benign: number;
  readonly n_harmful: number;
  readonly n_total: number;
  /** N_h / N; null for the zero-demonstration baseline. */
  readonly harmful_fraction: number | null;
  readonly schedule: string | null;
  readonly format_cue: string | null;
  readonly n: number;
  readonly complied: number;
  readonly rate: number;
  readonly conf_low: number;
  readonly conf_high: number;
}

export type BenignVerdict = "dilution" | "amplification" | "no_significant_effect";

/** The coefficient b2 of log(N_b + 1) in one model's (or stage's) logistic fit. */
export interface BenignCoefficientInput {
  readonly model: string;
  readonly training_stage: string;
  /** Display name of the fit, e.g. "OLMo-3.1-32B (sft)". */
  readonly label: string;
  readonly estimate: number;
  readonly conf_low: number;
  readonly conf_high: number;
  readonly p_value: number;
  readonly verdict: BenignVerdict;
}

/** Compliance under one ordering schedule. */
export interface ScheduleInput {
  readonly model: string;
  readonly schedule: string;
  readonly harmful_fraction: number | null;
  readonly n: number;
  readonly complied: number;
  readonly rate: number;
  readonly conf_low: number;
  readonly conf_high: number;
}

/** How often the model's answer starts with the demonstrated cue, split by judged outcome. */
export interface FormatAdoptionInput {
  readonly model: string;
  readonly format_cue: string;
  readonly format_cue_text: string | null;
  readonly outcome: "refusal" | "compliance";
  readonly n: number;
  readonly adopted: number;
  readonly rate: number;
  readonly conf_low: number;
  readonly conf_high: number;
}

/** A compliance cell minus the model's zero-demonstration baseline (Newcombe interval). */
export interface BaselineRelativeInput extends ComplianceCellInput {
  readonly baseline_rate: number;
  readonly difference: number;
  readonly diff_low: number;
  readonly diff_high: number;
}

/** The analysis tables a figure can be built from, by name. */
export interface FigureInputs {
  compliance?: readonly ComplianceCellInput[];
  benignCoefficients?: readonly BenignCoefficientInput[];
  schedules?: readonly ScheduleInput[];
  formatAdoption?: readonly FormatAdoptionInput[];
  baselineRelative?: readonly BaselineRelativeInput[];
}

export type FigureInputKind = keyof FigureInputs;
