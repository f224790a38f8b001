/**
 * The copy out of parquet-wasm's memory through the C Data Interface (parquet-ffi.ts) gives
 * the table the IPC route gives: every type it reads, with nulls, at offsets that are not
 * multiples of 8 (sliced batches), several batches; types it does not read are refused
 * before anything is copied, and a Parquet file holding one still loads (the IPC route).
 * Slices whose columns are decoded by several calls (planCalls) read as one call reads them.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  Binary, Bool, Dictionary, Field, Float16, Float32, Float64, Int16, Int32, Int64, Int8, LargeBinary, LargeUtf8, List,
  Table, TimestampMillisecond, Uint16, Uint32, Uint64, Uint8, Utf8, tableFromIPC, tableToIPC, vectorFromArray,
} from "apache-arrow";
import * as pw from "parquet-wasm";
import { fromArrow, toArrow } from "../../src/io/arrow-ipc";
import { fromRecords, loadReceipts } from "../../src/io/load";
import { ReceiptAssembler, type LoadOptions } from "../../src/io/assemble";
import { decodeParquet, fromParquet, planCalls, readParquetInto, ROW_GROUP_ROWS, toParquet } from "../../src/io/parquet";
import { ffiTable, UnsupportedFfiType } from "../../src/io/parquet-ffi";
import { benchReceipt } from "../../bench/receipt-generator";

const dir = mkdtempSync(join(tmpdir(), "receipts-ffi-"));

/** Deterministic pseudo-random numbers (a 32-bit LCG), so a failure reproduces. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** A table of every type the copy reads, each column with nulls (and one column without). */
function allTypes(n: number, seed: number): Table {
  const r = lcg(seed);
  const maybe = <T>(v: T): T | null => (r() < 0.2 ? null : v);
  const words = ["a", "bb", "", "ccc", "déjà vu", "zz"];
  const col = <T>(f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
  return new Table({
    bool: vectorFromArray(col(() => maybe(r() < 0.5)), new Bool()),
    i8: vectorFromArray(col(() => maybe(Math.floor(r() * 256) - 128)), new Int8()),
    u8: vectorFromArray(col(() => maybe(Math.floor(r() * 256))), new Uint8()),
    i16: vectorFromArray(col(() => maybe(Math.floor(r() * 65536) - 32768)), new Int16()),
    u16: vectorFromArray(col(() => maybe(Math.floor(r() * 65536))), new Uint16()),
    i32: vectorFromArray(col(() => maybe(Math.floor(r() * 2 ** 32) - 2 ** 31)), new Int32()),
    u32: vectorFromArray(col(() => maybe(Math.floor(r() * 2 ** 32))), new Uint32()),
    i64: vectorFromArray(col(() => maybe(BigInt(Math.floor(r() * 2 ** 52)) - 2n ** 51n)), new Int64()),
    u64: vectorFromArray(col(() => maybe(BigInt(Math.floor(r() * 2 ** 53)) * 1024n)), new Uint64()),
    f16: vectorFromArray(col(() => maybe(Math.round(r() * 100) / 4)), new Float16()),
    f32: vectorFromArray(col(() => maybe(Math.fround(r()))), new Float32()),
    f64: vectorFromArray(col(() => maybe(r() * 1e6)), new Float64()),
    f64full: vectorFromArray(col((i) => i / 3), new Float64()),
    utf8: vectorFromArray(col(() => maybe(words[Math.floor(r() * words.length)].repeat(1 + Math.floor(r() * 3)))), new Utf8()),
    large: vectorFromArray(col(() => maybe(words[Math.floor(r() * words.length)])), new LargeUtf8()),
    bin: vectorFromArray(col(() => maybe(Uint8Array.from({ length: Math.floor(r() * 5) }, () => Math.floor(r() * 256)))), new Binary()),
    lbin: vectorFromArray(col(() => maybe(Uint8Array.from({ length: Math.floor(r() * 5) }, () => Math.floor(r() * 256)))), new LargeBinary()),
    list: vectorFromArray(col(() => maybe(col(() => 0).slice(0, Math.floor(r() * 4)).map(() => words[Math.floor(r() * words.length)]))), new List(new Field("item", new Utf8(), true))),
    dict8: vectorFromArray(col(() => maybe(words[Math.floor(r() * words.length)])), new Dictionary(new Utf8(), new Int8())),
    dict16: vectorFromArray(col(() => maybe(words[Math.floor(r() * words.length)])), new Dictionary(new Utf8(), new Int16())),
    dict32: vectorFromArray(col(() => maybe(words[Math.floor(r() * words.length)])), new Dictionary(new Utf8(), new Int32())),
  });
}

/** Column by column: type, null count and every value (typed arrays and bigints made plain). */
function assertSameTable(actual: Table, expected: Table, what: string): void {
  assert.equal(actual.numRows, expected.numRows, what);
  assert.deepEqual(actual.schema.fields.map((f) => [f.name, String(f.type), f.nullable]), expected.schema.fields.map((f) => [f.name, String(f.type), f.nullable]), what);
  const plain = (v: unknown): unknown =>
    typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v !== null && typeof v === "object" && "toArray" in v ? Array.from((v as { toArray(): unknown[] }).toArray(), plain) : v;
  for (const f of expected.schema.fields) {
    const a = actual.getChild(f.name)!, e = expected.getChild(f.name)!;
    assert.equal(a.nullCount, e.nullCount, `${what}: ${f.name} nulls`);
    for (let i = 0; i < e.length; i++) assert.deepEqual(plain(a.get(i)), plain(e.get(i)), `${what}: ${f.name}[${i}]`);
    // Offset 0 and offsets from 0, as tableFromIPC gives (the kit's column readers rely on it).
    for (const d of a.data) {
      assert.equal(d.offset, 0, `${what}: ${f.name} offset`);
      if (d.valueOffsets) assert.equal(Number(d.valueOffsets[0]), 0, `${what}: ${f.name} first value offset`);
    }
  }
}

function memory(): ArrayBuffer {
  return pw.wasmMemory().buffer as ArrayBuffer;
}

test("a table copied through the C Data Interface equals the IPC route's, for every type read, in several batches", () => {
  const table = allTypes(3000, 7);
  const wasm = pw.Table.fromIPCStream(tableToIPC(table.slice(0, 1000).concat(table.slice(1000)), "stream"));
  assert.ok(wasm.numBatches >= 2);
  const ffi = wasm.toFFI();
  const copied = ffiTable(memory(), ffi.schemaAddr(), ffi.arrayAddrs());
  ffi.free();
  assertSameTable(copied, tableFromIPC(wasm.intoIPCStream()), "batches");
  assert.equal(copied.batches.length, 2);
});

test("sliced batches (offsets not multiples of 8, inside lists and dictionaries too) copy as their IPC does", () => {
  const table = allTypes(700, 11);
  for (const [offset, length] of [[0, 700], [3, 10], [13, 500], [64, 1], [699, 1], [5, 0]]) {
    const batch = pw.Table.fromIPCStream(tableToIPC(table, "stream")).recordBatch(0)!.slice(offset, length);
    const ffi = batch.toFFI();
    const copied = ffiTable(memory(), ffi.schemaAddr(), [ffi.arrayAddr()]);
    ffi.free();
    assertSameTable(copied, tableFromIPC(batch.intoIPCStream()), `slice ${offset}+${length}`);
  }
});

test("a type the copy does not read is refused before copying, and such a Parquet file still loads", async () => {
  const when = new Table({ at: vectorFromArray([1, null, 3], new TimestampMillisecond()) });
  const wasm = pw.Table.fromIPCStream(tableToIPC(when, "stream"));
  const ffi = wasm.toFFI();
  assert.throws(() => ffiTable(memory(), ffi.schemaAddr(), ffi.arrayAddrs()), (e: Error) => e instanceof UnsupportedFfiType && /"tsm:"/.test(e.message));
  ffi.free();
  wasm.free();
  // Receipts with an extra timestamp column: decoded through IPC, the same receipts as the Arrow.
  const receipts = fromRecords(Array.from({ length: 300 }, (_, i) => benchReceipt(i)));
  const arrow = receipts.arrow;
  const extra = new Table({ ...Object.fromEntries(arrow.schema.fields.map((f) => [f.name, arrow.getChild(f.name)!])), logged_at: vectorFromArray(Array.from({ length: 300 }, (_, i) => i * 1000), new TimestampMillisecond()) });
  const bytes = pw.writeParquet(pw.Table.fromIPCStream(tableToIPC(extra, "stream")));
  assert.equal(String(decodeParquet(bytes, null).getChild("logged_at")!.type), "Timestamp<MILLISECOND>");
  const path = join(dir, "extra.parquet");
  writeFileSync(path, bytes);
  const loaded = await loadReceipts(path, { unknownFields: "ignore" });
  assert.deepEqual(loaded.toRows(), receipts.toRows());
});

test("Parquet loads (whole, projected, in memory) give what the Arrow route gives", async () => {
  const receipts = fromRecords(Array.from({ length: 2500 }, (_, i) => benchReceipt(i)));
  const path = join(dir, "r.parquet");
  const bytes = toParquet(receipts);
  writeFileSync(path, bytes);
  const viaArrow = fromArrow(toArrow(receipts));
  assert.deepEqual((await loadReceipts(path)).toRows(), viaArrow.toRows());
  assert.deepEqual(fromParquet(bytes).toRows(), viaArrow.toRows());
  const columns = ["model", "judge_label", "response"] as const;
  const projected = await loadReceipts(path, { columns: [...columns] });
  const projectedArrow = fromArrow(toArrow(receipts), { columns: [...columns] });
  for (const c of columns) assert.deepEqual(projected.values(c), projectedArrow.values(c), c);
  assert.deepEqual(projected.values("receipt_key"), projectedArrow.values("receipt_key"));
});

test("planCalls deals every column to one call under the budget, each call's columns in the file's order", () => {
  const probe = fromRecords(Array.from({ length: 500 }, (_, i) => benchReceipt(i))).arrow;
  const names = probe.schema.fields.map((f) => f.name);
  assert.deepEqual(planCalls(probe, undefined, 65536, 2 ** 40), [undefined]);
  assert.deepEqual(planCalls(probe, ["model"], 65536, 2 ** 40), [["model"]]);
  for (const budget of [2 ** 16, 2 ** 20, 2 ** 22]) {
    const calls = planCalls(probe, undefined, 65536, budget) as string[][];
    assert.ok(calls.length > 1, `budget ${budget}`);
    assert.deepEqual([...calls.flat()].sort(), [...names].sort(), `budget ${budget}`);
    for (const c of calls) assert.deepEqual(c, names.filter((n) => c.includes(n)), `budget ${budget}`);
  }
  // No more calls than columns, however small the budget.
  assert.equal(planCalls(probe, undefined, 65536, 1).length, names.length);
});

test("slices read in several calls of some columns each give the table, issues and lines one call gives", async () => {
  // Past the first (probe) slice and a row group, with a duplicate in a later slice and group.
  const n = ROW_GROUP_ROWS + 9000;
  const base = fromRecords(Array.from({ length: n }, (_, i) => benchReceipt(i)));
  const table = base.take(Int32Array.from({ length: n }, (_, i) => (i === ROW_GROUP_ROWS + 77 ? 4200 : i)));
  const path = join(dir, "calls.parquet");
  writeFileSync(path, toParquet(table));
  const read = async (callBytes: number, options: LoadOptions) => {
    const asm = new ReceiptAssembler(options);
    const { records } = await readParquetInto(asm, path, options, callBytes);
    asm.closeSource(path, "parquet", null, records, 0, 0);
    return asm.finish();
  };
  const one = await read(2 ** 40, { strict: false });
  const many = await read(2 ** 18, { strict: false });
  assert.equal(many.numRows, n - 1);
  assert.deepEqual(many.issues.map((i) => [i.line, i.field, i.message]), one.issues.map((i) => [i.line, i.field, i.message]));
  assert.equal(many.issues[0].line, ROW_GROUP_ROWS + 78);
  assert.deepEqual(many.toRows(), one.toRows());
  assert.deepEqual(many.toRows(), fromArrow(toArrow(table), { strict: false }).toRows());
  // A projected load split over calls too.
  const columns = ["model", "judge_label", "response", "latency_ms"] as const;
  const projected = await read(2 ** 16, { strict: false, columns: [...columns] });
  for (const c of columns) assert.deepEqual(projected.values(c), one.values(c), c);
});
