/**
 * Tables with all-null columns survive being written and read back, from every path that
 * builds them: the column builders (records, JSONL) and the column-at-a-time reader of large
 * Arrow files. Why a test of its own: all-null columns once shared one zero buffer, and
 * apache-arrow's IPC writer joins body buffers that view one ArrayBuffer as if they were
 * contiguous, so a saved table came back with another column's text as its offsets
 * (a one-row table failed to save as Parquet; a loaded 40 MiB Arrow file saved corrupt).
 * The reference is the records themselves, never the kit's own output.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fromRecords, loadReceipts, saveReceipts } from "../../src/io/load";
import { toArrow } from "../../src/io/arrow-ipc";
import type { ReceiptTable } from "../../src/io/receipt-table";
import { benchReceipt } from "../../bench/receipt-generator";

const dir = mkdtempSync(join(tmpdir(), "null-columns-"));

/** Every field of every row of `got` equals the record's (absent and null both read null, lists compared as arrays). */
function sameAsRecords(got: ReceiptTable, records: readonly Record<string, unknown>[], fields: readonly string[], step = 1): void {
  assert.equal(got.numRows, records.length);
  for (const f of fields) {
    const values = got.values(f as never);
    for (let i = 0; i < records.length; i += step) {
      const want = records[i][f] ?? null;
      assert.deepEqual(values[i], want, `${f}, row ${i}`);
    }
  }
}

/** The bench generator's fields that the records carry (the rest are derived or optional and absent). */
function recordFields(r: Record<string, unknown>): string[] {
  return Object.keys(r).filter((k) => k !== "receipt_key");
}

for (const n of [1, 2, 3]) {
  for (const format of ["parquet", "arrow", "jsonl", "csv"] as const) {
    test(`${n} receipt${n > 1 ? "s" : ""} with all-null optional columns: saved as ${format} and read back unchanged`, async () => {
      const records = Array.from({ length: n }, (_, i) => benchReceipt(i) as unknown as Record<string, unknown>);
      const table = fromRecords(records);
      // the bench receipts leave optional text and list fields out: columns of nulls
      const nullColumns = table.loadedFields.filter((f) => table.values(f).every((v) => v === null));
      assert.ok(nullColumns.length >= 3, `expected several all-null columns, found ${nullColumns.join(", ")}`);
      const path = join(dir, `r${n}.${format}`);
      await saveReceipts(table, path);
      const back = await loadReceipts(path, { strict: true });
      sameAsRecords(back, records, recordFields(records[0]));
      for (const f of nullColumns) assert.ok(back.values(f).every((v) => v === null), `${f} stays null`);
    });
  }
}

test("a large Arrow file read a column at a time (all-null columns included) saves and reads back unchanged", async () => {
  // above the 32 MiB threshold of the column-at-a-time reader
  const pad = "y".repeat(2000);
  const records = Array.from({ length: 20000 }, (_, i) => ({ ...(benchReceipt(i) as unknown as Record<string, unknown>), response: `${pad} ${i}` }));
  const bytes = toArrow(fromRecords(records));
  assert.ok(bytes.length >= 32 * 1024 * 1024, `file is ${bytes.length} bytes, below the column-read threshold`);
  const big = join(dir, "big.arrow");
  writeFileSync(big, bytes);
  const loaded = await loadReceipts(big, { strict: true });
  for (const format of ["arrow", "parquet"] as const) {
    const path = join(dir, `big-again.${format}`);
    await saveReceipts(loaded, path);
    sameAsRecords(await loadReceipts(path, { strict: true }), records, recordFields(records[0]), 97);
  }
});
