/**
 * A large Arrow file is read a column at a time (arrow-file.ts: only the columns the load
 * keeps, each checked as it arrives). Its results must be those of decoding the whole file
 * with apache-arrow's own `tableFromIPC` (the in-memory path, `fromArrow` of the bytes): the
 * same rows and values, the same problems at the same rows, duplicates named by both rows,
 * and the same with the `columns` option.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Table, tableFromIPC, tableToIPC, vectorFromArray, Utf8, type Vector } from "apache-arrow";
import { loadReceipts } from "../../src/io/load";
import { fromArrow, toArrow } from "../../src/io/arrow-ipc";
import { readArrowFileColumns } from "../../src/io/arrow-file";
import { fromRecords } from "../../src/io";
import { KEY_FIELDS } from "../../src/receipt/key";
import { benchReceipt } from "../../bench/receipt-generator";
import type { ReceiptTable } from "../../src/io/receipt-table";

const N = 20000;

/** A ~40 MiB canonical Arrow file with bad values, a duplicate and an unknown column written into its buffers. */
function largeFileWithProblems(): { path: string; bytes: Uint8Array; clean: string } {
  const dir = mkdtempSync(join(tmpdir(), "arrow-columns-"));
  const pad = "x".repeat(2000);
  const rows = Array.from({ length: N }, (_, i) => ({ ...benchReceipt(i), response: `${pad} ${i}` }));
  const cleanBytes = toArrow(fromRecords(rows));
  const clean = join(dir, "clean.arrow");
  writeFileSync(clean, cleanBytes);
  const good = tableFromIPC(cleanBytes);
  const values = (name: string) => good.getChild(name)!.data[0].values as Int32Array | Float64Array;
  (values("n_benign") as Int32Array)[5] = -1; // below the minimum
  (values("temperature") as Float64Array)[7] = Number.NaN; // not a number
  (values("composition_seed") as Float64Array)[8] = 0.5; // not an integer
  const created = good.getChild("created_at")!.data[0];
  (created.values as Uint8Array)[(created.valueOffsets as Int32Array)[9] + 5] = "x".charCodeAt(0); // not a timestamp
  // Row 101 gets every key field of row 100: a duplicate (same dictionaries, one batch).
  for (const name of KEY_FIELDS) {
    const v = values(name);
    v[101] = v[100];
  }
  const columns: Record<string, Vector> = {};
  for (const f of good.schema.fields) columns[f.name] = good.getChild(f.name)!;
  columns.extra_notes = vectorFromArray(Array.from({ length: N }, (_, i) => `note ${i}`), new Utf8());
  const table = new Table(columns);
  const bytes = tableToIPC(table, "file");
  assert.ok(bytes.length >= 32 * 1024 * 1024, `file is ${bytes.length} bytes, below the column-read threshold`);
  const path = join(dir, "big.arrow");
  writeFileSync(path, bytes);
  return { path, bytes, clean };
}

function sameTables(a: ReceiptTable, b: ReceiptTable): void {
  assert.equal(a.numRows, b.numRows);
  assert.deepEqual(a.loadedFields, b.loadedFields);
  for (const name of a.loadedFields) {
    const x = a.arrow.getChild(name)!, y = b.arrow.getChild(name)!;
    assert.equal(String(x.type), String(y.type), name);
    for (let i = 0; i < x.length; i += 97) assert.deepEqual(plain(x.get(i)), plain(y.get(i)), `${name} row ${i}`);
    assert.equal(x.nullCount, y.nullCount, name);
  }
}

/** Bytes of a Data's own buffers (validity, offsets, values). */
function columnBytes(d: { nullBitmap?: Uint8Array; valueOffsets?: ArrayLike<number> & { byteLength: number }; values?: { byteLength: number } }): number {
  return (d.nullBitmap?.byteLength ?? 0) + (d.valueOffsets?.byteLength ?? 0) + (d.values?.byteLength ?? 0);
}

function plain(v: unknown): unknown {
  return v !== null && typeof v === "object" && "toArray" in (v as object) ? Array.from((v as { toArray(): ArrayLike<unknown> }).toArray()) : v;
}

const file = largeFileWithProblems();

test("a large Arrow file read a column at a time gives the rows and problems of decoding it whole", async () => {
  const read = await loadReceipts(file.path, { strict: false, unknownFields: "error" });
  const whole = fromArrow(readFileSync(file.path), { strict: false, unknownFields: "error", file: file.path });
  assert.deepEqual(read.issues, whole.issues);
  // The problems written in: unknown column, rows 6, 8, 9, 10 (1-based) and the duplicate at 102.
  const at = read.issues.map((i) => `${i.line ?? "-"}:${i.field}`);
  for (const want of ["-:extra_notes", "6:n_benign", "8:temperature", "9:composition_seed", "10:created_at", "102:receipt_key"]) assert.ok(at.includes(want), `${want} in ${at.join(" ")}`);
  const dup = read.issues.find((i) => i.field === "receipt_key")!;
  assert.match(dup.message, /big\.arrow:101/);
  assert.equal(read.numRows, N - 5);
  sameTables(read, whole);

});

test("a large Arrow file read a column at a time, with the columns option, matches decoding it whole", async () => {
  const options = { strict: false, columns: ["model", "query_id", "judge_label"] };
  const read = await loadReceipts(file.path, options);
  const whole = fromArrow(readFileSync(file.path), { ...options, file: file.path });
  assert.deepEqual(read.issues, whole.issues);
  sameTables(read, whole);
});

test("a large clean Arrow file keeps its columns as read, in a buffer of the kept columns, not the whole file", async () => {
  const read = await loadReceipts(file.clean);
  const whole = fromArrow(readFileSync(file.clean), { file: file.clean });
  sameTables(read, whole);
  const model = read.arrow.getChild("model")!.data[0].values as Int32Array;
  // the kept columns' runs share one buffer (one allocation a load): not the unread receipt_key
  // and n_total, harmful_fraction, complied, nor the all-null columns
  const unread = ["receipt_key", "n_total", "harmful_fraction", "complied"].reduce((sum, name) => sum + columnBytes(whole.arrow.getChild(name)!.data[0]), 0);
  assert.ok(model.buffer.byteLength <= readFileSync(file.clean).length - unread, `${model.buffer.byteLength} bytes kept`);
  assert.ok(model.buffer.byteLength >= N * 4);
  const wholeModel = whole.arrow.getChild("model")!.data[0].values as Int32Array;
  assert.ok(wholeModel.buffer.byteLength > 32 * 1024 * 1024); // the in-memory path keeps views of the file's bytes
});

test("a large Arrow file in other writers' types (plain strings for dictionary fields) matches decoding it whole", async () => {
  const ref = tableFromIPC(readFileSync(file.clean));
  const columns: Record<string, Vector> = {};
  for (const f of ref.schema.fields) columns[f.name] = ref.getChild(f.name)!;
  columns.model = vectorFromArray(Array.from(ref.getChild("model")!.toArray() as ArrayLike<string>), new Utf8());
  const path = join(mkdtempSync(join(tmpdir(), "arrow-plain-")), "plain.arrow");
  writeFileSync(path, tableToIPC(new Table(columns), "file"));
  const read = await loadReceipts(path, { strict: false });
  const whole = fromArrow(readFileSync(path), { strict: false, file: path });
  assert.deepEqual(read.issues, whole.issues);
  assert.equal(read.numRows, N);
  sameTables(read, whole);
});

test("strict mode stops at the same first problem", async () => {
  const whole = (() => { try { fromArrow(readFileSync(file.path), { file: file.path, unknownFields: "ignore" }); } catch (e) { return (e as Error).message; } return "no error"; })();
  await assert.rejects(loadReceipts(file.path, { unknownFields: "ignore" }), (e: Error) => e.message === whole);
});

test("only the kept columns are read; all-null and unread columns hold no file bytes", async () => {
  const keep = new Set(["model", "n_benign", "judge_raw"]);
  const got = await readArrowFileColumns(file.path, (name) => keep.has(name));
  assert.ok(got !== null);
  const ref = tableFromIPC(file.bytes);
  assert.equal(got.table.numRows, ref.numRows);
  assert.deepEqual(got.table.schema.fields.map((f) => f.name), ref.schema.fields.map((f) => f.name));
  for (const name of ["model", "n_benign"]) {
    const x: Vector = got.table.getChild(name)!, y: Vector = ref.getChild(name)!;
    for (let i = 0; i < N; i += 13) assert.equal(x.get(i), y.get(i), `${name} row ${i}`);
  }
  // judge_raw is all null in the bench data: nulls, without reading its offsets.
  assert.equal(got.table.getChild("judge_raw")!.nullCount, N);
  // Columns not kept are empty.
  assert.equal(got.table.getChild("response")!.data[0].values.length, 0);
  // Not the file format: left to tableFromIPC.
  const stream = join(mkdtempSync(join(tmpdir(), "arrow-stream-")), "s.arrows");
  writeFileSync(stream, tableToIPC(ref, "stream"));
  assert.equal(await readArrowFileColumns(stream, () => true), null);
});
