import type { Table } from "apache-arrow";
import { ReceiptTable } from "./receipt-table";
import { columnValues } from "./column-values";

/** Rows to serialise: every schema field, null where absent (writers decide how to spell null). */
export function rowsForWriting(table: ReceiptTable | Table): Record<string, unknown>[] {
  const t = table instanceof ReceiptTable ? table : new ReceiptTable(table);
  return t.toRows() as unknown as Record<string, unknown>[];
}

/** Rows to serialise in slices of `size`, read column by column from the Arrow table (no full row array). */
export function* rowSlicesForWriting(table: ReceiptTable | Table, size = 16384): Generator<Record<string, unknown>[]> {
  if (table.numRows === 0) return;
  const arrow = table instanceof ReceiptTable ? table.arrow : table;
  const names = arrow.schema.fields.map((f) => f.name);
  for (let start = 0; start < arrow.numRows; start += size) {
    const end = Math.min(arrow.numRows, start + size);
    const columns = names.map((n) => columnValues(arrow.getChild(n)!, start, end));
    const rows: Record<string, unknown>[] = new Array(end - start);
    for (let i = 0; i < rows.length; i++) {
      const row: Record<string, unknown> = {};
      for (let c = 0; c < names.length; c++) row[names[c]] = columns[c][i];
      rows[i] = row;
    }
    yield rows;
  }
}
