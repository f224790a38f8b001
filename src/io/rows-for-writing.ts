import type { Table } from "apache-arrow";
import { ReceiptTable } from "./receipt-table";

/** Rows to serialise: every schema field, null where absent (writers decide how to spell null). */
export function rowsForWriting(table: ReceiptTable | Table): Record<string, unknown>[] {
  const t = table instanceof ReceiptTable ? table : new ReceiptTable(table);
  return t.toRows() as unknown as Record<string, unknown>[];
}
