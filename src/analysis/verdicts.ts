/** The verdicts the kit reads off its tests, as discriminated string types. */
export type BenignVerdict = "dilution" | "amplification" | "no_significant_effect";
export type TotalCountVerdict = "total_count_rejected" | "total_count_not_rejected";
export type CouplingVerdict = "coupled" | "separable";

/** Significant negative benign coefficient: dilution; positive: amplification. */
export function benignVerdict(estimate: number, pValue: number, alpha: number): BenignVerdict {
  if (!(pValue < alpha)) return "no_significant_effect";
  return estimate < 0 ? "dilution" : "amplification";
}
