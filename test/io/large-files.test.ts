/**
 * Paths taken by large inputs, checked on small ones: streamed writers give exactly the
 * in-memory text, and Parquet read a row group at a time gives the same table and the same
 * issues (with the same line numbers) as reading the whole file.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fromArrow, toArrow } from "../../src/io/arrow-ipc";
import { toCSV, writeCSV } from "../../src/io/csv";
import { toJSONL, writeJSONL } from "../../src/io/jsonl";
import { fromRecords, loadReceipts } from "../../src/io/load";
import { fromParquet, ROW_GROUP_ROWS, toParquet } from "../../src/io/parquet";
import { benchReceipt } from "../../bench/receipt-generator";

const dir = mkdtempSync(join(tmpdir(), "receipts-large-"));

test("writeJSONL and writeCSV stream the same text toJSONL and toCSV build", async () => {
  const table = fromRecords(Array.from({ length: 40000 }, (_, i) => benchReceipt(i)));
  await writeJSONL(table, join(dir, "t.jsonl"));
  await writeCSV(table, join(dir, "t.csv"));
  assert.equal(readFileSync(join(dir, "t.jsonl"), "utf8"), toJSONL(table));
  assert.equal(readFileSync(join(dir, "t.csv"), "utf8"), toCSV(table));
  const empty = table.filter(() => false);
  await writeCSV(empty, join(dir, "e.csv"));
  assert.equal(readFileSync(join(dir, "e.csv"), "utf8"), toCSV(empty));
  await writeJSONL(empty, join(dir, "e.jsonl"));
  assert.equal(readFileSync(join(dir, "e.jsonl"), "utf8"), "");
});

test("Parquet in several row groups, with bad rows and duplicates in later groups, reads as the whole file does", async () => {
  const n = ROW_GROUP_ROWS * 2 + 1000;
  const records: Record<string, unknown>[] = Array.from({ length: n }, (_, i) => benchReceipt(i) as unknown as Record<string, unknown>);
  const good = fromRecords(records);
  // Break rows by editing the Arrow columns is awkward; instead write a table whose later
  // rows repeat earlier ones (duplicates across row groups) through the columnar path.
  const dupes = fromRecords([...records.slice(0, ROW_GROUP_ROWS + 5), ...records.slice(3, 6), ...records.slice(ROW_GROUP_ROWS + 5)], { strict: false });
  assert.equal(dupes.numRows, n);
  const bytes = toParquet(good);
  const path = join(dir, "t.parquet");
  writeFileSync(path, bytes);
  const grouped = await loadReceipts(path);
  const whole = fromParquet(bytes, { file: path });
  assert.equal(grouped.numRows, n);
  assert.deepEqual(grouped.values("receipt_key"), good.values("receipt_key"));
  assert.deepEqual(grouped.toRows().slice(ROW_GROUP_ROWS - 2, ROW_GROUP_ROWS + 2), good.toRows().slice(ROW_GROUP_ROWS - 2, ROW_GROUP_ROWS + 2));
  assert.deepEqual(grouped.values("created_at"), whole.values("created_at"));
  assert.deepEqual(grouped.values("judge_label"), whole.values("judge_label"));
});

test("duplicates in a later Parquet row group are named with their row numbers in the file", async () => {
  const n = ROW_GROUP_ROWS + 10;
  const records = Array.from({ length: n }, (_, i) => benchReceipt(i) as unknown as Record<string, unknown>);
  // The Arrow writer keeps duplicates (no validation on write): build the table's Arrow from
  // rows where row ROW_GROUP_ROWS + 3 repeats row 2.
  const base = fromRecords(records);
  const dupTable = base.take(Int32Array.from({ length: n }, (_, i) => (i === ROW_GROUP_ROWS + 3 ? 2 : i)));
  const path = join(dir, "dup.parquet");
  writeFileSync(path, toParquet(dupTable));
  const grouped = await loadReceipts(path, { strict: false });
  const viaArrow = fromArrow(toArrow(dupTable), { strict: false, file: path });
  assert.equal(grouped.numRows, n - 1);
  assert.equal(grouped.issues.length, 1);
  assert.deepEqual(grouped.issues.map((i) => [i.line, i.field, i.message]), viaArrow.issues.map((i) => [i.line, i.field, i.message]));
  assert.equal(grouped.issues[0].line, ROW_GROUP_ROWS + 4);
  assert.ok(grouped.issues[0].message.endsWith(`as ${path}:3; expected each evaluation point once`), grouped.issues[0].message);
});
