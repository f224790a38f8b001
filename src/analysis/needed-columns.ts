/**
 * The receipt fields each command's analysis reads, declared once: the CLI loads only these
 * (`LoadOptions.columns`), so Parquet and Arrow inputs decode a handful of their columns.
 * The loader adds the key fields (every load checks duplicates) and the inputs of derived
 * fields; a field read but not listed here makes the table throw, naming it, so a list that
 * falls behind an analysis fails loudly rather than computing on missing data.
 */
import type { ReceiptFieldName } from "../receipt/fields";

/** The fit: counts, the outcome, plus the fields it is split and clustered by. */
export function fitColumns(by: readonly ReceiptFieldName[], cluster: ReceiptFieldName | null): ReceiptFieldName[] {
  return unique(["n_benign", "n_harmful", "judge_label", "complied", ...by, ...(cluster === null ? [] : [cluster])]);
}

/** The compliance summary: the outcome and the condition fields it groups by. */
export function summarizeColumns(by: readonly ReceiptFieldName[]): ReceiptFieldName[] {
  return unique(["judge_label", "complied", ...by]);
}

/** Everything `analyze` reads: the sweeps, stages, ordering, format adoption and the data description. */
export const ANALYZE_COLUMNS: readonly ReceiptFieldName[] = [
  "run_id", "model", "model_family", "training_stage", "judge", "harmful_demo_source", "benign_demo_source",
  "n_benign", "n_harmful", "schedule", "format_cue", "format_cue_text", "sample_index",
  "query_id", "query_source", "query_category", "judge_label", "reference_label", "adopted_cue",
  "n_total", "harmful_fraction", "complied",
];

/** `analyze`'s fields plus the cluster field it is asked for. */
export function analyzeColumns(cluster: ReceiptFieldName | null | undefined): ReceiptFieldName[] {
  return unique([...ANALYZE_COLUMNS, ...(cluster ? [cluster] : [])]);
}

function unique(names: readonly ReceiptFieldName[]): ReceiptFieldName[] {
  return [...new Set(names)];
}
