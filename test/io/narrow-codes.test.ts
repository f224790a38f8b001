/**
 * Dictionary columns store their codes in the narrowest signed type their words fit (Int8 to
 * 127 words, Int16 to 32,767, else Int32): built that way from rows, written that way to
 * Arrow and Parquet, read back that way, concatenated across files and slices of any width
 * (widening as the words grow), and read by every consumer (values, filters, take, DataFrame)
 * as the same strings.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Dictionary, Field, Int16, Int32, Int8, makeData, makeVector, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC, Utf8, vectorFromArray, type Vector } from "apache-arrow";
import { fromArrow, toArrow } from "../../src/io/arrow-ipc";
import { columnBuilderFor } from "../../src/io/column-builder";
import { fromCSV, toCSV } from "../../src/io/csv";
import { fromJSONL, toJSONL } from "../../src/io/jsonl";
import { fromDataFrame, fromRecords, loadReceipts, saveReceipts } from "../../src/io/load";
import { fromParquet, toParquet } from "../../src/io/parquet";
import { ReceiptTable } from "../../src/io/receipt-table";
import { FIELD_BY_NAME } from "../../src/receipt/fields";
import { tempDir } from "../temp-dir";

const REQUIRED = { run_id: "r1", model: "m1", judge: "wildguard", query_source: "harmbench", n_benign: 0, n_harmful: 0 };
const LABELS = ["refusal", "compliance", "parse_error"];

/** `rows` receipts whose query_id takes `words` distinct values (prefix keeps files apart); every 7th model_family null. */
function receipts(words: number, rows = Math.max(words, 300), prefix = "q"): ReceiptTable {
  const records = Array.from({ length: rows }, (_, i) => ({
    ...REQUIRED, query_id: `${prefix}${i % words}`, sample_index: i, judge_label: LABELS[i % 3],
    ...(i % 7 === 0 ? {} : { model_family: `fam${i % 3}` }),
  }));
  return fromRecords(records);
}

function bitsOf(t: ReceiptTable, field: string): number {
  const d = t.arrow.getChild(field)!.data[0];
  const type = t.arrow.schema.fields.find((f) => f.name === field)!.type as Dictionary;
  // the schema describes the buffer exactly (the IPC writer writes the schema's width)
  assert.equal(type.indices.bitWidth, (d.values as Int32Array).BYTES_PER_ELEMENT * 8, `${field}: schema and buffer widths`);
  assert.equal((d.type as Dictionary).indices.bitWidth, type.indices.bitWidth, `${field}: data and schema types`);
  return type.indices.bitWidth;
}

const expectedBits = (words: number) => (words <= 127 ? 8 : words <= 32767 ? 16 : 32);
const SIZES = [1, 127, 128, 200, 40000];

for (const words of SIZES) {
  test(`a ${words}-word query_id: ${expectedBits(words)}-bit codes, kept through JSONL -> Arrow -> Parquet -> CSV -> back`, () => {
    const original = receipts(words);
    const want = original.toRows();
    assert.equal(bitsOf(original, "query_id"), expectedBits(words));
    assert.equal(bitsOf(original, "model"), 8);
    assert.equal(bitsOf(original, "model_family"), 8);
    // an unread optional dictionary field (no values): one-byte codes
    assert.equal(bitsOf(original, "query_category"), 8);
    const viaJSONL = fromJSONL(toJSONL(original));
    const viaArrow = fromArrow(toArrow(viaJSONL));
    const viaParquet = fromParquet(toParquet(viaArrow));
    const viaCSV = fromCSV(toCSV(viaParquet));
    for (const [name, t] of [["jsonl", viaJSONL], ["arrow", viaArrow], ["parquet", viaParquet], ["csv", viaCSV]] as const) {
      assert.deepEqual(t.toRows(), want, name);
      assert.equal(bitsOf(t, "query_id"), expectedBits(words), `${name}: query_id width`);
      assert.equal(bitsOf(t, "judge_label"), 8, `${name}: judge_label width`);
    }
    // the Arrow file itself holds the narrow index type
    const ipc = tableFromIPC(toArrow(original));
    assert.equal((ipc.schema.fields.find((f) => f.name === "query_id")!.type as Dictionary).indices.bitWidth, expectedBits(words));
    // codes for analyses are Int32 whatever the width, with -1 for null
    const codes = viaParquet.dictionary("query_id");
    assert.ok(codes.codes instanceof Int32Array);
    assert.equal(codes.labels.length, words);
    assert.deepEqual(Array.from(codes.codes, (c) => codes.labels[c]), want.map((r) => r.query_id));
    const fam = viaArrow.dictionary("model_family");
    assert.deepEqual(Array.from(fam.codes, (c) => (c < 0 ? null : fam.labels[c])), want.map((r) => r.model_family));
  });
}

test("filters, take and where on narrow columns keep their width and values", () => {
  const t = receipts(200, 1000);
  const all = t.toRows();
  const picked = t.filter((i) => i % 3 === 1);
  assert.deepEqual(picked.toRows(), all.filter((_, i) => i % 3 === 1));
  assert.equal(bitsOf(picked, "query_id"), 16);
  assert.equal(bitsOf(picked, "judge_label"), 8);
  const taken = t.take([999, 0, 500, 0]);
  assert.deepEqual(taken.toRows(), [all[999], all[0], all[500], all[0]]);
  assert.equal(bitsOf(taken, "model_family"), 8);
  const where = t.where({ query_id: "q150" });
  assert.deepEqual(where.toRows(), all.filter((r) => r.query_id === "q150"));
  // a view's dictionary codes are the base codes gathered, as Int32
  const codes = picked.dictionary("query_id");
  assert.ok(codes.codes instanceof Int32Array);
  assert.deepEqual(Array.from(codes.codes, (c) => codes.labels[c]), picked.toRows().map((r) => r.query_id));
  // a materialised view writes and reads back
  assert.deepEqual(fromArrow(toArrow(picked)).toRows(), picked.toRows());
  const distinct = t.take([999, 0, 500]); // a file may not repeat a receipt
  assert.deepEqual(fromParquet(toParquet(distinct)).toRows(), distinct.toRows());
});

test("toDataFrame then fromDataFrame keeps a narrow column's values and width", () => {
  const t = receipts(128, 300);
  const back = fromDataFrame(t.toDataFrame());
  assert.deepEqual(back.toRows(), t.toRows());
  assert.equal(bitsOf(back, "query_id"), 16);
  assert.equal(bitsOf(back, "model"), 8);
});

test("files whose dictionaries need different widths load as one table, widened as the words grow", async () => {
  const dir = tempDir("narrow-codes-");
  const small = receipts(100, 300, "a"); // Int8
  const other = receipts(100, 300, "b"); // Int8, but 200 words together: Int16
  const big = receipts(40000, 40000, "c"); // Int32
  const want = (...ts: ReceiptTable[]) => ts.flatMap((t) => t.toRows().map((r) => r.query_id));
  for (const format of ["arrow", "parquet", "jsonl", "csv"] as const) {
    const paths = [small, other, big].map((t, i) => join(dir, `part-${i}.${format}`));
    await Promise.all([small, other, big].map((t, i) => saveReceipts(t, paths[i])));
    const two = await loadReceipts([paths[0], paths[1]]);
    assert.deepEqual(two.values("query_id"), want(small, other), `${format}: two files`);
    assert.equal(bitsOf(two, "query_id"), 16, `${format}: 200 words from two Int8 files`);
    assert.equal(bitsOf(two, "model"), 8, `${format}: model`);
    const one = await loadReceipts([paths[0]]);
    assert.equal(bitsOf(one, "query_id"), 8, `${format}: one file`);
    const three = await loadReceipts([paths[2], paths[0], paths[1]]);
    assert.deepEqual(three.values("query_id"), want(big, small, other), `${format}: three files`);
    assert.equal(bitsOf(three, "query_id"), 32, `${format}: 40,200 words`);
    const d = three.dictionary("query_id");
    assert.equal(d.labels.length, 40200);
    assert.deepEqual(Array.from(d.codes.subarray(40000, 40005), (c) => d.labels[c]), ["a0", "a1", "a2", "a3", "a4"]);
  }
});

/** A dictionary vector over `words` with codes of the given array type; code -1 is a null row. */
function dictionaryVector(words: string[], codes: number[], Codes: Int8ArrayConstructor | Int16ArrayConstructor | Int32ArrayConstructor): Vector {
  const Index = Codes === Int8Array ? Int8 : Codes === Int16Array ? Int16 : Int32;
  const valid = new Uint8Array((codes.length + 7) >> 3);
  let nulls = 0;
  codes.forEach((c, i) => { if (c >= 0) valid[i >> 3] |= 1 << (i & 7); else nulls++; });
  return makeVector(makeData({
    type: new Dictionary(new Utf8(), new Index()), length: codes.length, nullCount: nulls, nullBitmap: nulls ? valid : undefined,
    data: Codes.from(codes, (c) => Math.max(c, 0)) as unknown as Int32Array, dictionary: vectorFromArray(words, new Utf8()),
  }));
}

test("the dictionary builder: Int8 codes, widened to Int16 then Int32 as words arrive, slices of any width appended", () => {
  const b = columnBuilderFor(FIELD_BY_NAME.get("query_id")!);
  const want: (string | null)[] = [];
  const push = (v: string | null) => { b.append(v); want.push(v); };
  push(null);
  for (let i = 0; i < 127; i++) push(`w${i}`);
  const at127 = b.finish();
  assert.ok(at127.data[0].values instanceof Int8Array);
  assert.ok((at127.type as Dictionary).indices instanceof Int8);
  assert.deepEqual(at127.toArray(), want);
  push("w127"); // the 128th word
  push("w0");
  const at128 = b.finish();
  assert.ok(at128.data[0].values instanceof Int16Array);
  assert.deepEqual(at128.toArray(), want);
  // a slice with Int32 codes (a Parquet reader's, say), nulls, and words old and new
  const words32 = ["w5", "x0", "x1"];
  b.appendVector(dictionaryVector(words32, [0, 1, -1, 2, 1], Int32Array));
  want.push("w5", "x0", null, "x1", "x0");
  // Int8 codes, rows picked (out of order, one twice)
  b.appendVector(dictionaryVector(["x1", "y0"], [1, 0, -1], Int8Array), Int32Array.from([2, 0, 1, 0]));
  want.push(null, "y0", "x1", "y0");
  assert.deepEqual(b.finish().toArray(), want);
  assert.equal(b.valueAt!(0), null);
  assert.equal(b.valueAt!(128), "w127");
  // past 32,767 words, through appendVector (an Int16 slice with 33,000 new words)
  const many = Array.from({ length: 33000 }, (_, i) => `z${i}`);
  b.appendVector(dictionaryVector(many, Array.from({ length: 33000 }, (_, i) => 32999 - i), Int32Array));
  for (let i = 0; i < 33000; i++) want.push(`z${32999 - i}`);
  push("w1");
  const wide = b.finish();
  assert.ok(wide.data[0].values instanceof Int32Array);
  assert.ok((wide.type as Dictionary).indices instanceof Int32);
  assert.deepEqual(wide.toArray(), want);
  assert.equal(b.length, want.length);
});

test("the dictionary builder: a column of nulls has one-byte zero codes; an Int16 slice into an empty builder narrows to Int8", () => {
  const nulls = columnBuilderFor(FIELD_BY_NAME.get("query_category")!);
  for (let i = 0; i < 5; i++) nulls.append(null);
  const v = nulls.finish();
  assert.ok(v.data[0].values instanceof Int8Array);
  assert.equal(v.nullCount, 5);
  assert.deepEqual(v.toArray(), [null, null, null, null, null]);
  const b = columnBuilderFor(FIELD_BY_NAME.get("model")!);
  b.appendVector(dictionaryVector(["a", "b"], [1, 1, 0, -1], Int16Array));
  const out = b.finish();
  assert.ok(out.data[0].values instanceof Int8Array);
  assert.deepEqual(out.toArray(), ["b", "b", "a", null]);
});

test("Arrow and Parquet files with wider indices than needed (older kit files, other writers) load with the same values", async () => {
  const t = receipts(3, 20);
  // every dictionary column rewritten with Int32 (and query_id with Int16) codes
  const base = t.arrow;
  const children = base.schema.fields.map((f) => {
    const d = base.getChild(f.name)!.data[0];
    if (!(f.type instanceof Dictionary)) return d;
    const Codes = f.name === "query_id" ? Int16Array : Int32Array;
    const type = new Dictionary(new Utf8(), f.name === "query_id" ? new Int16() : new Int32(), (f.type as Dictionary).id);
    return makeData({ type, length: d.length, nullCount: d.nullCount, nullBitmap: d.nullBitmap, data: Codes.from(d.values as Int8Array) as unknown as Int32Array, dictionary: d.dictionary });
  });
  const fields = base.schema.fields.map((f, i) => new Field(f.name, children[i].type, f.nullable, f.metadata));
  const schema = new Schema(fields, base.schema.metadata);
  const wide = new Table([new RecordBatch(schema, makeData({ type: new Struct(fields), length: t.numRows, nullCount: 0, children }))]);
  assert.ok(wide.getChild("model")!.data[0].values instanceof Int32Array);
  const dir = tempDir("narrow-codes-wide-");
  const arrowPath = join(dir, "wide.arrow"), parquetPath = join(dir, "wide.parquet");
  writeFileSync(arrowPath, tableToIPC(wide, "file"));
  writeFileSync(parquetPath, toParquet(new ReceiptTable(wide)));
  for (const path of [arrowPath, parquetPath]) {
    const back = await loadReceipts(path);
    assert.deepEqual(back.toRows(), t.toRows(), path);
    assert.deepEqual(back.dictionary("query_id"), t.dictionary("query_id"), path);
  }
  assert.deepEqual(fromArrow(tableToIPC(wide, "file")).toRows(), t.toRows());
});
