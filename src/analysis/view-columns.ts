/**
 * The count and outcome columns of a table, read once per table and shared, read only, by
 * every analysis of it. ReceiptTable.numbers() and flags() hand out a fresh copy on each
 * call (gathered through a view's selection): analyze reads n_benign, n_harmful and complied
 * of the same views from a dozen places, about 20 million values copied again on the
 * bundled 600k receipts. Callers must not write into what these return.
 */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";

const numberColumns = new WeakMap<ReceiptTable, Map<ReceiptFieldName, Float64Array>>();
const flagColumns = new WeakMap<ReceiptTable, Map<ReceiptFieldName, Int8Array>>();

function once<T>(memo: WeakMap<ReceiptTable, Map<ReceiptFieldName, T>>, table: ReceiptTable, field: ReceiptFieldName, read: () => T): T {
  let byField = memo.get(table);
  if (byField === undefined) memo.set(table, (byField = new Map()));
  let column = byField.get(field);
  if (column === undefined) byField.set(field, (column = read()));
  return column;
}

/** table.numbers(field), shared: read only. */
export function numbersOf(table: ReceiptTable, field: ReceiptFieldName): Float64Array {
  return once(numberColumns, table, field, () => table.numbers(field));
}

/** table.flags(field), shared: read only. */
export function flagsOf(table: ReceiptTable, field: ReceiptFieldName): Int8Array {
  return once(flagColumns, table, field, () => table.flags(field));
}
