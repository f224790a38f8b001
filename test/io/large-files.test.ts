/**
 * Paths taken by large inputs, checked on small ones: streamed writers give exactly the
 * in-memory text, and Parquet read a row group at a time gives the same table and the same
 * issues (with the same line numbers) as reading the whole file.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fromArrow, toArrow } from "../../src/io/arrow-ipc";
import { fromCSV, toCSV, writeCSV } from "../../src/io/csv";
import { toJSONL, writeJSONL } from "../../src/io/jsonl";
import { fromRecords, loadReceipts, saveReceipts } from "../../src/io/load";
import { fromParquet, PARQUET_SLICE_ROWS, ROW_GROUP_ROWS, toParquet } from "../../src/io/parquet";
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

test("Parquet read in slices of its row groups gives the table and issues reading the Arrow does", async () => {
  // Several slices per row group (PARQUET_SLICE_ROWS), duplicates and a bad row past the first slice and group.
  const n = ROW_GROUP_ROWS + PARQUET_SLICE_ROWS + 100;
  const records = Array.from({ length: n }, (_, i) => benchReceipt(i) as unknown as Record<string, unknown>);
  const base = fromRecords(records);
  const dup = (i: number) => (i === PARQUET_SLICE_ROWS + 7 ? 5 : i === ROW_GROUP_ROWS + PARQUET_SLICE_ROWS + 3 ? PARQUET_SLICE_ROWS + 1 : i);
  const table = base.take(Int32Array.from({ length: n }, (_, i) => dup(i)));
  const path = join(dir, "slices.parquet");
  writeFileSync(path, toParquet(table));
  const sliced = await loadReceipts(path, { strict: false });
  const viaArrow = fromArrow(toArrow(table), { strict: false, file: path });
  assert.equal(sliced.numRows, n - 2);
  const issues = (t: typeof sliced) => t.issues.map((i) => [i.file, i.line, i.field, i.message]);
  assert.deepEqual(issues(sliced), issues(viaArrow));
  assert.deepEqual(sliced.issues.map((i) => i.line), [PARQUET_SLICE_ROWS + 8, ROW_GROUP_ROWS + PARQUET_SLICE_ROWS + 4]);
  assert.deepEqual(sliced.values("receipt_key"), viaArrow.values("receipt_key"));
  assert.deepEqual(sliced.toRows(), viaArrow.toRows());
  assert.equal(sliced.sources[0].sha256, createHash("sha256").update(readFileSync(path)).digest("hex"));
  // Strict mode stops at the first duplicate.
  await assert.rejects(loadReceipts(path), (e: Error) => e.name === "ReceiptValidationError" && /duplicate receipt/.test(e.message));
});

/**
 * Load a file in a separate process, as a user's program would: parquet-wasm's asynchronous
 * reader reports a trap on a corrupt page as an uncaught exception that the loader turns into
 * the read's failure, but the test runner counts any uncaught exception of its own process.
 */
function loadInChild(path: string, strict: boolean): { issues: { file: string; message: string }[]; error: string | null } {
  const script = `require(${JSON.stringify(join(__dirname, "..", "..", "src", "io", "load.ts"))}).loadReceipts(${JSON.stringify(path)}, { strict: ${strict}, format: "parquet" })` +
    `.then((t) => console.log(JSON.stringify({ issues: t.issues, error: null })), (e) => console.log(JSON.stringify({ issues: [], error: e.name })))`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "-e", script], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop()!);
}

test("a Parquet file that cannot be decoded is reported with the decoder's reason", () => {
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
    const read = loadInChild(path, false);
    assert.ok(read.issues.length > 0, name);
    assert.equal(read.issues[0].file, path, name);
    assert.match(read.issues[0].message, /^not a readable Parquet file \(/, name);
    assert.equal(loadInChild(path, true).error, "ReceiptValidationError", name);
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

test("receipts whose 64-bit hashes collide are compared exactly: distinct ones kept, a true duplicate named with both lines", async () => {
  const records = Array.from({ length: 3000 }, (_, i) => benchReceipt(i) as unknown as Record<string, unknown>);
  const withDuplicate = [...records, records[1234]];
  // keyHashBits 2: four hash values for 3,001 receipts, so nearly every receipt collides.
  for (const keyHashBits of [2, 64]) {
    const rows = fromRecords(withDuplicate, { strict: false, keyHashBits });
    assert.equal(rows.numRows, 3000, `row path, ${keyHashBits} bits`);
    assert.deepEqual(rows.issues.map((i) => [i.line, i.field]), [[3001, "receipt_key"]]);
    assert.match(rows.issues[0].message, /as <input>:1235; expected each evaluation point once$/);
    const path = join(dir, `collide-${keyHashBits}.parquet`);
    writeFileSync(path, toParquet(fromRecords(records)));
    // Columnar path (Parquet, several slices after a reload with a duplicate appended).
    const columnar = fromArrow(toArrow(rows.take(Int32Array.from([...Array(3000).keys(), 1234]))), { strict: false, keyHashBits, file: "t.arrow" });
    assert.equal(columnar.numRows, 3000);
    assert.deepEqual(columnar.issues.map((i) => [i.file, i.line]), [["t.arrow", 3001]]);
    assert.match(columnar.issues[0].message, /as t\.arrow:1235;/);
    const loaded = await loadReceipts(path, { keyHashBits });
    assert.deepEqual(loaded.values("receipt_key"), rows.values("receipt_key"));
  }
});

test("a load with columns decodes only those (plus the key fields) and reading another field throws, naming it", async () => {
  const table = fromRecords(Array.from({ length: 2000 }, (_, i) => benchReceipt(i)));
  const path = join(dir, "columns.parquet");
  writeFileSync(path, toParquet(table));
  const arrowPath = join(dir, "columns.arrow");
  writeFileSync(arrowPath, toArrow(table));
  for (const p of [path, arrowPath]) {
    const few = await loadReceipts(p, { columns: ["model", "complied"] });
    assert.equal(few.numRows, table.numRows);
    assert.deepEqual(few.values("model"), table.values("model"));
    assert.deepEqual(few.flags("complied"), table.flags("complied"));
    assert.deepEqual(few.values("query_id"), table.values("query_id")); // a key field: always read
    assert.deepEqual(few.values("receipt_key"), table.values("receipt_key"));
    assert.throws(() => few.values("response"), /the field response was not loaded .*columns option/);
    assert.ok(!few.loadedFields.includes("response") && few.loadedFields.includes("judge_label"));
  }
  await assert.rejects(loadReceipts(path, { columns: ["no_such_field"] }), /columns: unknown field "no_such_field"/);
  // Writing a projected table would turn the fields not read into nulls.
  await assert.rejects(saveReceipts(await loadReceipts(path, { columns: ["model"] }), join(dir, "out.parquet")), /loaded with only some fields/);
});
