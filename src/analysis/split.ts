import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import { groupBy, type GroupValues } from "./group-by";

export interface TablePart {
  readonly group: GroupValues;
  readonly table: ReceiptTable;
}

/** One sub-table per distinct combination of the `by` fields (one part holding everything when `by` is empty). */
export function splitTable(table: ReceiptTable, by: readonly ReceiptFieldName[]): TablePart[] {
  if (by.length === 0) return [{ group: {}, table }];
  // analyses split the same (memoised, see subsets.ts) selection by the same fields again and
  // again; a table never changes, so the parts are made once. Callers get their own array and
  // group objects (some sort the parts).
  let made = splits.get(table);
  if (made === undefined) splits.set(table, (made = new Map()));
  const key = JSON.stringify(by);
  let parts = made.get(key);
  if (parts === undefined) made.set(key, (parts = split(table, by)));
  return parts.map((p) => ({ group: { ...p.group }, table: p.table }));
}

const splits = new WeakMap<ReceiptTable, Map<string, TablePart[]>>();

function split(table: ReceiptTable, by: readonly ReceiptFieldName[]): TablePart[] {
  const { groups, groupOf } = groupBy(table, by);
  const start = new Int32Array(groups.length + 1), rows = new Int32Array(groupOf.length);
  runsByGroup(groupOf, groups.length, start, rows);
  return groups.map((group, g) => ({ group, table: table.take(rows.subarray(start[g], start[g + 1])) }));
}

/**
 * Each group's rows, in table order, as consecutive runs of one index array (a counting
 * sort): group g is rows[start[g] .. start[g + 1]). A function of typed arrays only, so the
 * loops compiled cold are kept from call to call.
 */
function runsByGroup(groupOf: Int32Array, groups: number, start: Int32Array, rows: Int32Array): void {
  for (let i = 0; i < groupOf.length; i++) start[groupOf[i] + 1]++;
  for (let g = 0; g < groups; g++) start[g + 1] += start[g];
  const next = start.slice(0, groups);
  for (let i = 0; i < groupOf.length; i++) rows[next[groupOf[i]]++] = i;
}
