/**
 * Paths taken by large inputs, checked on small ones: streamed writers give exactly the
 * in-memory text, and Parquet read a row group at a time gives the same table and the same
 * issues (with the same line numbers) as reading the whole file.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fromArrow, toArrow } from "../../src/io/arrow-ipc";
import { fromCSV, toCSV, writeCSV } from "../../src/io/csv";
import { toJSONL, writeJSONL } from "../../src/io/jsonl";
import { fromRecords, loadReceipts } from "../../src/io/load";
import { fromParquet, PARQUET_BATCH_ROWS, ROW_GROUP_ROWS, toParquet } from "../../src/io/parquet";
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

test("Parquet decoded on a worker thread (keys hashed there) and on the calling thread give the same table and issues", async () => {
  // Several record batches per row group (PARQUET_BATCH_ROWS), duplicates and a bad row past the first batch and group.
  const n = ROW_GROUP_ROWS + PARQUET_BATCH_ROWS + 100;
  const records = Array.from({ length: n }, (_, i) => benchReceipt(i) as unknown as Record<string, unknown>);
  const base = fromRecords(records);
  const dup = (i: number) => (i === PARQUET_BATCH_ROWS + 7 ? 5 : i === ROW_GROUP_ROWS + PARQUET_BATCH_ROWS + 3 ? PARQUET_BATCH_ROWS + 1 : i);
  const table = base.take(Int32Array.from({ length: n }, (_, i) => dup(i)));
  const path = join(dir, "threads.parquet");
  writeFileSync(path, toParquet(table));
  const viaWorker = await loadReceipts(path, { strict: false });
  const here = await loadReceipts(path, { strict: false, workers: 1 });
  const viaArrow = fromArrow(toArrow(table), { strict: false, file: path });
  assert.equal(viaWorker.numRows, n - 2);
  const issues = (t: typeof here) => t.issues.map((i) => [i.file, i.line, i.field, i.message]);
  assert.deepEqual(issues(viaWorker), issues(viaArrow));
  assert.deepEqual(issues(here), issues(viaArrow));
  assert.deepEqual(viaWorker.issues.map((i) => i.line), [PARQUET_BATCH_ROWS + 8, ROW_GROUP_ROWS + PARQUET_BATCH_ROWS + 4]);
  assert.deepEqual(viaWorker.values("receipt_key"), viaArrow.values("receipt_key"));
  assert.deepEqual(here.values("receipt_key"), viaArrow.values("receipt_key"));
  assert.deepEqual(viaWorker.toRows(), here.toRows());
  assert.deepEqual(viaWorker.sources.map((s) => [s.rowsRead, s.rowsKept, s.sha256]), here.sources.map((s) => [s.rowsRead, s.rowsKept, s.sha256]));
  assert.equal(viaWorker.sources[0].sha256, createHash("sha256").update(readFileSync(path)).digest("hex"));
  // Strict mode stops at the first duplicate either way (and the worker is stopped).
  await assert.rejects(loadReceipts(path), (e: Error) => e.name === "ReceiptValidationError" && /duplicate receipt/.test(e.message));
  await assert.rejects(loadReceipts(path, { workers: 1 }), (e: Error) => e.name === "ReceiptValidationError" && /duplicate receipt/.test(e.message));
});

test("a Parquet file that cannot be decoded is reported the same on a worker thread and on the calling thread", async () => {
  const table = fromRecords(Array.from({ length: 5000 }, (_, i) => benchReceipt(i)));
  const bytes = toParquet(table, { compression: "none" });
  const cases: [string, Uint8Array][] = [
    ["garbage.parquet", new Uint8Array(Buffer.from("PAR1 this is not a parquet file at all PAR1"))],
    ["truncated.parquet", bytes.subarray(0, bytes.length >> 1)],
  ];
  // Data pages overwritten, footer intact: the decoder fails past the footer.
  const broken = bytes.slice();
  broken.fill(0xff, 4, Math.min(broken.length - 4096, 200000));
  cases.push(["broken-pages.parquet", broken]);
  for (const [name, data] of cases) {
    const path = join(dir, name);
    writeFileSync(path, data);
    const viaWorker = await loadReceipts(path, { strict: false, format: "parquet" });
    const here = await loadReceipts(path, { strict: false, format: "parquet", workers: 1 });
    assert.ok(viaWorker.issues.length > 0, name);
    assert.deepEqual(viaWorker.issues, here.issues, name);
    assert.equal(viaWorker.numRows, here.numRows, name);
    assert.match(viaWorker.issues[0].message, /^not a readable Parquet file \(/, name);
  }
});

test("CSV larger than the bytes read before sizing the columns reads as the in-memory parser does", async () => {
  // About 9 MB: the columns are sized after the first 4 MiB. Later rows longer than the
  // first (the estimate falls short and buffers grow) or shorter (they are trimmed at the end).
  const n = 24000;
  const rows = Array.from({ length: n }, (_, i) => {
    const r = benchReceipt(i) as unknown as Record<string, unknown>;
    if (i > n / 2) r.response = String(r.response ?? "") + "x".repeat(i % 700);
    else if (i > n / 4) { r.response = null; r.judge_raw = null; }
    return r;
  });
  const table = fromRecords(rows);
  let text = toCSV(table);
  // A syntax error and a short row near the end: their line numbers must stay exact.
  const lines = text.split("\n");
  lines[n - 10] = lines[n - 10].replace(/,/, ',"bad"x,');
  lines[n - 3] = "a,b";
  text = lines.join("\n");
  const path = join(dir, "big.csv");
  writeFileSync(path, text);
  assert.ok(text.length > 8 << 20, String(text.length));
  const streamed = await loadReceipts(path, { strict: false });
  const whole = fromCSV(text, { strict: false, file: path });
  assert.equal(streamed.numRows, n - 2);
  assert.deepEqual(streamed.issues, whole.issues);
  assert.deepEqual(streamed.issues.map((i) => i.line), [n - 9, n - 2]);
  assert.deepEqual(streamed.toRows(), whole.toRows());
});
