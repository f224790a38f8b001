/**
 * Large tables are written to Parquet a row group at a time through parquet-wasm's stream
 * writer (parquet.ts; one IPC buffer of ~10 million receipts does not fit in WebAssembly
 * memory). The file must read back as the one-call writer's does: the same rows, values and
 * row groups.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { tableFromIPC } from "apache-arrow";
import { fromRecords } from "../../src/io";
import { loadReceipts } from "../../src/io/load";
import { ROW_GROUP_ROWS, writeParquetFile } from "../../src/io/parquet";
import { benchReceipt } from "../../bench/receipt-generator";

function rowGroups(path: string): number[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readParquet } = require("parquet-wasm") as typeof import("parquet-wasm");
  const bytes = readFileSync(path);
  const sizes: number[] = [];
  for (let g = 0; ; g++) {
    try {
      sizes.push(tableFromIPC(readParquet(bytes, { rowGroups: [g], batchSize: ROW_GROUP_ROWS }).intoIPCStream()).numRows);
    } catch {
      return sizes;
    }
  }
}

test("a table written a row group at a time reads back as the one-call writer's file", async () => {
  const n = ROW_GROUP_ROWS + 5000; // two row groups, the second partial
  const table = fromRecords(Array.from({ length: n }, (_, i) => benchReceipt(i)));
  const dir = mkdtempSync(join(tmpdir(), "parquet-stream-"));
  const whole = join(dir, "whole.parquet"), streamed = join(dir, "streamed.parquet");
  await writeParquetFile(table, whole);
  await writeParquetFile(table, streamed, {}, 1000);
  const a = await loadReceipts(whole), b = await loadReceipts(streamed);
  assert.equal(b.numRows, n);
  assert.deepEqual(b.issues, []);
  for (const name of a.fieldNames) {
    const x = a.arrow.getChild(name)!, y = b.arrow.getChild(name)!;
    assert.equal(String(y.type), String(x.type), name);
    assert.equal(y.nullCount, x.nullCount, name);
    for (let i = 0; i < n; i += 61) assert.deepEqual(y.get(i), x.get(i), `${name} row ${i}`);
  }
  assert.deepEqual(rowGroups(streamed), [ROW_GROUP_ROWS, 5000]);
  assert.deepEqual(rowGroups(streamed), rowGroups(whole));
});
