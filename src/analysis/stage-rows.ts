/**
 * The selections the training-stage analysis and its verdicts both read: a family's
 * receipts in the default condition, and those at the harmful counts the stages share.
 * Made once per table and family (a table never changes): trainingStage and readStageRows
 * used to build them each, so every grouping, split and count pass behind the second read
 * ran again on fresh views that no memo knew. The family is matched by dictionary code,
 * not through values(), which builds a string a row of the whole loaded column.
 */
import type { ReceiptTable } from "../io/receipt-table";
import { dictionaryOrNull } from "./dictionary-or-null";
import { defaultConditionRows } from "./subsets";
import { numbersOf } from "./view-columns";

const families = new WeakMap<ReceiptTable, Map<string, ReceiptTable>>();
const pooled = new WeakMap<ReceiptTable, Map<string, ReceiptTable>>();

/** The default-condition receipts of one model_family (as defaultConditionRows(table.where({ model_family })). */
export function familyRows(table: ReceiptTable, family: string): ReceiptTable {
  let made = families.get(table);
  if (made === undefined) families.set(table, (made = new Map()));
  let rows = made.get(family);
  if (rows === undefined) made.set(family, (rows = defaultConditionRows(familyOf(table, family))));
  return rows;
}

function familyOf(table: ReceiptTable, family: string): ReceiptTable {
  const dict = dictionaryOrNull(table, "model_family");
  if (dict === null) return table.where({ model_family: family });
  const codes = dict.codes, match = new Uint8Array(dict.labels.length + 1); // by code + 1: null (-1) never matches
  dict.labels.forEach((label, c) => { if (label === family) match[c + 1] = 1; });
  const keep = new Uint8Array(codes.length); // a mask, not a predicate a row (see subsets.ts)
  for (let i = 0; i < codes.length; i++) keep[i] = match[codes[i] + 1];
  return table.filter(keep);
}

/** A family's rows (familyRows) at the given harmful counts: the receipts the stages are compared on. */
export function stagePooledRows(rows: ReceiptTable, harmfulCounts: readonly number[]): ReceiptTable {
  let made = pooled.get(rows);
  if (made === undefined) pooled.set(rows, (made = new Map()));
  const key = harmfulCounts.join(",");
  let out = made.get(key);
  if (out === undefined) {
    const wanted = new Set(harmfulCounts), h = numbersOf(rows, "n_harmful");
    made.set(key, (out = rows.filter((i) => wanted.has(h[i]))));
  }
  return out;
}
