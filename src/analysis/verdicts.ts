/**
 * The verdicts the kit reads off its tests, as discriminated string types, and the honest
 * reading the result receipt gives of them.
 *
 * `benignVerdict` is the bare test: a significant negative benign coefficient is dilution,
 * positive amplification, otherwise no significant effect. `readBenignEffect` is what a
 * result receipt prints, and says more:
 * - the verdict uses the multiplicity-adjusted p-value (Holm across models, or across
 *   stages, by default; the receipt states which);
 * - a fit that is separated or did not converge has no usable estimate: "inconclusive",
 *   whatever its p-value (a separated fit with cluster-robust errors easily shows p = 0);
 * - any other warning (few clusters, sparse cells, ...) leaves the label and sets
 *   `shaky: true`, with the warning kinds beside it, so it never reads as a clean result;
 * - a non-rejection carries the minimum detectable effect at 80% power,
 *   (z_{1-alpha/2} + z_{0.8}) * SE with the unadjusted alpha and the SE the test used;
 * - with an equivalence margin M, a non-rejection becomes "equivalent" when the (1 - 2 alpha)
 *   interval of b2 lies inside (-M, M) (TOST at the unadjusted alpha), else "inconclusive".
 *   Significant effects keep their label; their TOST figures are reported all the same.
 */
import { equivalenceTest, minimumDetectableEffect } from "../stats";
import { UNRELIABLE_KINDS, type AnalysisWarning, type AnalysisWarningKind } from "./warnings";

export type BenignVerdict = "dilution" | "amplification" | "no_significant_effect";
export type TotalCountVerdict = "total_count_rejected" | "total_count_not_rejected";
export type CouplingVerdict = "coupled" | "separable";
/** What the result receipt concludes about b2. */
export type BenignReading = BenignVerdict | "equivalent" | "inconclusive";
/** What the result receipt concludes about the total-count hypothesis. */
export type TotalCountReading = TotalCountVerdict | "inconclusive";

/** Significant negative benign coefficient: dilution; positive: amplification. */
export function benignVerdict(estimate: number, pValue: number, alpha: number): BenignVerdict {
  if (!(pValue < alpha)) return "no_significant_effect";
  return estimate < 0 ? "dilution" : "amplification";
}

/** How far a verdict can be trusted: shaky when any warning applies, with their kinds. */
export interface VerdictTrust {
  shaky: boolean;
  warnings: AnalysisWarningKind[];
}

export interface BenignReadingInput {
  readonly estimate: number;
  readonly std_error: number;
  /** The p-value after adjustment across the rows of its family (the raw one when there is no adjustment). */
  readonly p_adjusted: number;
  readonly alpha: number;
  /** The warnings about this row's fit. */
  readonly warnings: readonly AnalysisWarning[];
  /** Equivalence margin on b2's scale; null or absent for none. */
  readonly equivalenceMargin?: number | null;
  /** Power for the minimum detectable effect. Default 0.8. */
  readonly power?: number;
}

export interface BenignReadingResult extends VerdictTrust {
  verdict: BenignReading;
  /** Minimum detectable |b2| at `power` (default 80%), two-sided at alpha; null when the fit has no usable SE. */
  mde: number | null;
  equivalence_margin: number | null;
  /** The (1 - 2 alpha) interval of b2 and the TOST p-value, when a margin is given. */
  equivalence_low: number | null;
  equivalence_high: number | null;
  equivalence_p_value: number | null;
}

export function trustOf(warnings: readonly AnalysisWarning[]): VerdictTrust {
  const kinds = [...new Set(warnings.map((w) => w.kind))];
  return { shaky: kinds.length > 0, warnings: kinds };
}

const unreliable = (warnings: readonly AnalysisWarning[]) => warnings.some((w) => UNRELIABLE_KINDS.includes(w.kind));

export function readBenignEffect(input: BenignReadingInput): BenignReadingResult {
  const trust = trustOf(input.warnings);
  const margin = input.equivalenceMargin ?? null;
  const none = { mde: null, equivalence_margin: margin, equivalence_low: null, equivalence_high: null, equivalence_p_value: null };
  const usable = input.std_error > 0 && Number.isFinite(input.std_error) && Number.isFinite(input.estimate);
  if (unreliable(input.warnings) || !usable) return { verdict: "inconclusive", ...trust, ...none };
  const mde = minimumDetectableEffect(input.std_error, { alpha: input.alpha, power: input.power ?? 0.8 });
  let verdict: BenignReading = benignVerdict(input.estimate, input.p_adjusted, input.alpha);
  if (margin === null) return { verdict, ...trust, ...none, mde };
  const tost = equivalenceTest(input.estimate, input.std_error, margin, input.alpha);
  if (verdict === "no_significant_effect") verdict = tost.equivalent ? "equivalent" : "inconclusive";
  return { verdict, ...trust, mde, equivalence_margin: margin, equivalence_low: tost.conf_low, equivalence_high: tost.conf_high, equivalence_p_value: tost.p_value };
}

/** The total-count verdict from its family-wise adjusted p-value, inconclusive on an unusable fit. */
export function readTotalCount(pAdjusted: number | null, alpha: number, warnings: readonly AnalysisWarning[]): { verdict: TotalCountReading } & VerdictTrust {
  const trust = trustOf(warnings);
  if (unreliable(warnings) || pAdjusted === null || Number.isNaN(pAdjusted)) return { verdict: "inconclusive", ...trust };
  return { verdict: pAdjusted < alpha ? "total_count_rejected" : "total_count_not_rejected", ...trust };
}
