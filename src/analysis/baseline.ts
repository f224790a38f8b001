/**
 * Baseline: compliance with no demonstrations, per model, with a Wilson interval; and every
 * condition's compliance relative to it (difference with Newcombe's hybrid score interval).
 */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import { newcombeDifference } from "../stats";
import { complianceTable, type ComplianceRow } from "./compliance-table";

/** A condition, with the fields figures and tables want beside it (functions of the counts add no groups). */
const RELATIVE_CONDITION_FIELDS: readonly ReceiptFieldName[] = ["training_stage", "n_benign", "n_harmful", "n_total", "harmful_fraction", "schedule", "format_cue"];
import { zeroDemonstrationRows } from "./subsets";

export interface BaselineOptions {
  /** Fields that identify a model (default ["model"]). */
  readonly by?: readonly ReceiptFieldName[];
  readonly confLevel?: number;
}

export type BaselineRow = ComplianceRow;

export type RelativeRow = ComplianceRow & {
  baseline_rate: number | null;
  difference: number | null;
  diff_low: number | null;
  diff_high: number | null;
};

export function baselineCompliance(table: ReceiptTable, options: BaselineOptions = {}): BaselineRow[] {
  return complianceTable(zeroDemonstrationRows(table), options.by ?? ["model"], options.confLevel);
}

/** Each condition's compliance minus its model's zero-demonstration compliance. */
export function relativeToBaseline(
  table: ReceiptTable,
  options: BaselineOptions & { conditionFields?: readonly ReceiptFieldName[] } = {},
): RelativeRow[] {
  const by = options.by ?? ["model"];
  const conf = options.confLevel ?? 0.95;
  const baselines = baselineCompliance(table, { by, confLevel: conf });
  const keyOf = (r: Record<string, unknown>) => by.map((f) => String(r[f])).join("\x1f");
  const base = new Map(baselines.map((b) => [keyOf(b), b]));
  const fields = options.conditionFields ?? RELATIVE_CONDITION_FIELDS;
  const cells = complianceTable(table, [...new Set([...by, ...fields])], conf);
  return cells
    .filter((c) => (c.n_benign as number) + (c.n_harmful as number) > 0)
    .map((c) => {
      const b = base.get(keyOf(c));
      if (!b || b.n === 0 || c.n === 0) return { ...c, baseline_rate: b?.rate ?? null, difference: null, diff_low: null, diff_high: null };
      const d = newcombeDifference(c.complied, c.n, b.complied, b.n, conf);
      return { ...c, baseline_rate: b.rate, difference: d.estimate, diff_low: d.conf_low, diff_high: d.conf_high };
    });
}
