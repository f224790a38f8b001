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
  const { groups, groupOf } = groupBy(table, by);
  const members: number[][] = groups.map(() => []);
  for (let i = 0; i < groupOf.length; i++) members[groupOf[i]].push(i);
  return groups.map((group, g) => ({ group, table: table.take(Int32Array.from(members[g])) }));
}
