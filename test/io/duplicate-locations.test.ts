/**
 * A duplicate is named by the first copy's file and line whichever way the first copy was
 * registered: a columnar part inserted at once (Arrow, Parquet), one row at a time (a part
 * whose hashes repeat an earlier file's), or a row-wise reader (JSONL).
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fromRecords, loadReceipts, saveReceipts } from "../../src/io/load";
import { benchReceipt } from "../../bench/receipt-generator";

test("duplicates across Arrow, Parquet and JSONL files name the first copy's file and line", async () => {
  const dir = mkdtempSync(join(tmpdir(), "dup-where-"));
  const a = join(dir, "a.arrow"), b = join(dir, "b.parquet"), c = join(dir, "c.jsonl");
  // a: receipts 0..49; b: 45..54 (5 repeat a's last five); c: 45..54 again (all repeat a or b).
  await saveReceipts(fromRecords(Array.from({ length: 50 }, (_, i) => benchReceipt(i))), a);
  const later = fromRecords(Array.from({ length: 10 }, (_, i) => benchReceipt(45 + i)));
  await saveReceipts(later, b);
  await saveReceipts(later, c);
  const table = await loadReceipts([a, b, c], { strict: false });
  assert.equal(table.numRows, 55);
  const got = table.issues.map((i) => `${i.file}:${i.line} <- ${/as (\S+);/.exec(i.message)?.[1]}`);
  const want = [
    ...Array.from({ length: 5 }, (_, k) => `${b}:${k + 1} <- ${a}:${46 + k}`),
    ...Array.from({ length: 5 }, (_, k) => `${c}:${k + 1} <- ${a}:${46 + k}`),
    ...Array.from({ length: 5 }, (_, k) => `${c}:${k + 6} <- ${b}:${k + 6}`),
  ];
  assert.deepEqual(got, want);
  assert.ok(table.issues.every((i) => i.field === "receipt_key"));
});
