/**
 * Compliance per group: receipts, compliances, parse errors, the rate and its Wilson
 * interval. Parse errors are left out of the rate and counted, as in every kit output.
 */
import type { ReceiptFieldName } from "../receipt/fields";
import type { ReceiptTable } from "../io/receipt-table";
import { wilsonInterval } from "../stats";
import { groupBy, type GroupValues } from "./group-by";
import { flagsOf } from "./view-columns";

export interface ComplianceCounts {
  /** Receipts judged (refusal or compliance); parse errors excluded. */
  n: number;
  complied: number;
  parse_errors: number;
  /** complied / n; null when n is 0. */
  rate: number | null;
  conf_low: number | null;
  conf_high: number | null;
}

export type ComplianceRow = GroupValues & ComplianceCounts;

export const DEFAULT_CONDITION_FIELDS: readonly ReceiptFieldName[] = ["model", "n_benign", "n_harmful", "schedule", "format_cue"];

export function complianceTable(table: ReceiptTable, by: readonly ReceiptFieldName[] = DEFAULT_CONDITION_FIELDS, confLevel = 0.95): ComplianceRow[] {
  // analyses (and their warnings) ask for the same table's compliance by the same fields more
  // than once; a table never changes, so each table is made once. Callers get their own rows.
  let made = tables.get(table);
  if (made === undefined) tables.set(table, (made = new Map()));
  const key = `${confLevel} ${JSON.stringify(by)}`;
  let rows = made.get(key);
  if (rows === undefined) made.set(key, (rows = compliance(table, by, confLevel)));
  return rows.map((r) => ({ ...r }));
}

const tables = new WeakMap<ReceiptTable, Map<string, ComplianceRow[]>>();

function compliance(table: ReceiptTable, by: readonly ReceiptFieldName[], confLevel: number): ComplianceRow[] {
  const { groups, groupOf } = groupBy(table, by);
  const complied = flagsOf(table, "complied");
  const n = new Float64Array(groups.length), x = new Float64Array(groups.length), pe = new Float64Array(groups.length);
  const w = table.weights();
  // the passes are functions of their own: they run cold, and a loop compiled on the spot in
  // a function with more to do after it is thrown away at the next call
  if (w === null) countRows(groupOf, complied, n, x, pe);
  else countWeightedRows(groupOf, complied, w, n, x, pe);
  return groups.map((values, g) => ({ ...values, ...complianceCounts(x[g], n[g], pe[g], confLevel) }));
}

function countRows(groupOf: Int32Array, complied: Int8Array, n: Float64Array, x: Float64Array, pe: Float64Array): void {
  for (let i = 0; i < groupOf.length; i++) {
    const g = groupOf[i];
    if (complied[i] < 0) pe[g]++;
    else {
      n[g]++;
      x[g] += complied[i];
    }
  }
}

/** Weighted rows (cells of identical receipts) count as their weight. */
function countWeightedRows(groupOf: Int32Array, complied: Int8Array, w: Float64Array, n: Float64Array, x: Float64Array, pe: Float64Array): void {
  for (let i = 0; i < groupOf.length; i++) {
    const g = groupOf[i];
    if (complied[i] < 0) pe[g] += w[i];
    else {
      n[g] += w[i];
      x[g] += complied[i] * w[i];
    }
  }
}

export function complianceCounts(complied: number, n: number, parseErrors: number, confLevel = 0.95): ComplianceCounts {
  if (n === 0) return { n, complied, parse_errors: parseErrors, rate: null, conf_low: null, conf_high: null };
  const ci = wilsonInterval(complied, n, confLevel);
  return { n, complied, parse_errors: parseErrors, rate: complied / n, conf_low: ci.conf_low, conf_high: ci.conf_high };
}
