/**
 * Dictionary columns with any signed index width (Int8, Int16, Int32: see
 * io/dictionary-index.ts) are in the kit's canonical types: a file whose dictionary columns
 * have 1- or 2-byte codes takes the columnar path, read whole or a column at a time, and loads
 * the same values as the same file with 4-byte codes. Unsigned or 64-bit indices are not
 * canonical (they take the row path). Codes wider than their dictionary needs (Int32 files
 * written before narrow codes, other writers) are narrowed as read: a file of Int32 codes
 * loads with Int8 codes (Int16 for a 200-word dictionary) and the same values, and a null
 * row's code that the narrow type cannot hold is not wrapped into a valid word's.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Data, Dictionary, Int16, Int32, Int64, Int8, makeData, makeVector, Table, tableFromIPC, tableToIPC, Uint8, Utf8, type Vector } from "apache-arrow";
import { benchReceipt } from "../../bench/receipt-generator";
import { fromArrow, toArrow } from "../../src/io/arrow-ipc";
import { isCanonical } from "../../src/io/arrow-columns";
import { fromRecords } from "../../src/io";
import { loadReceipts } from "../../src/io/load";
import type { ReceiptTable } from "../../src/io/receipt-table";
import { RECEIPT_FIELDS } from "../../src/receipt/fields";
import { NARROW_DICTIONARY_CODES } from "../../src/io/arrow-columns";
import { tempDir } from "../temp-dir";

/** Rows enough for a file over the 32 MiB at which Arrow files are read a column at a time. */
const N = 6000;
const PAD = "y".repeat(6000);

const dir = tempDir("narrow-dictionary-codes-");
const rows = Array.from({ length: N }, (_, i) => ({ ...benchReceipt(i), response: `${PAD} ${i}` }));
const reference = tableFromIPC(toArrow(fromRecords(rows)));

type IndexType = Int8 | Int16 | Int32 | Uint8 | Int64;

/** The same dictionary data with its codes as `index` (each code copied, so they must fit). */
function withIndex(d: Data, index: IndexType): Data {
  const n = d.length;
  const from = (d.values as ArrayLike<number>);
  const codes = index instanceof Int8 ? new Int8Array(n) : index instanceof Int16 ? new Int16Array(n) : index instanceof Uint8 ? new Uint8Array(n) : index instanceof Int64 ? new BigInt64Array(n) : new Int32Array(n);
  for (let i = 0; i < n; i++) (codes as unknown as unknown[])[i] = index instanceof Int64 ? BigInt(from[i]) : from[i];
  return makeData({ type: new Dictionary(new Utf8(), index as Int32), length: n, nullCount: d.nullCount, nullBitmap: d.nullBitmap, data: codes as Int32Array, dictionary: d.dictionary });
}

/** A copy of the table with every dictionary column's codes in the type `indexFor` gives. */
function recoded(table: Table, indexFor: (words: number) => IndexType): Table {
  const columns: Record<string, Vector> = {};
  for (const f of table.schema.fields) {
    const v = table.getChild(f.name)!;
    columns[f.name] = f.type instanceof Dictionary ? makeVector(v.data.map((d) => withIndex(d, indexFor(d.dictionary!.length)))) : v;
  }
  return new Table(columns);
}

function plain(v: unknown): unknown {
  return v !== null && typeof v === "object" && "toArray" in (v as object) ? Array.from((v as { toArray(): ArrayLike<unknown> }).toArray()) : v;
}

/** Every input field's values equal, row by row. */
function sameValues(a: ReceiptTable, b: ReceiptTable): void {
  assert.equal(a.numRows, b.numRows);
  for (const spec of RECEIPT_FIELDS) {
    if (spec.name === "receipt_key") continue;
    const x = a.arrow.getChild(spec.name)!, y = b.arrow.getChild(spec.name)!;
    assert.equal(x.nullCount, y.nullCount, spec.name);
    for (let i = 0; i < x.length; i++) {
      const p = plain(x.get(i)), q = plain(y.get(i));
      if (p !== q) assert.deepEqual(p, q, `${spec.name} row ${i}`);
    }
  }
}

/** Bits of each dictionary column's codes in a loaded table. */
function codeWidths(t: ReceiptTable): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of t.arrow.schema.fields) if (f.type instanceof Dictionary) out.set(f.name, (t.arrow.getChild(f.name)!.data[0].values as Int32Array).BYTES_PER_ELEMENT * 8);
  return out;
}

const wanted = fromArrow(toArrow(fromRecords(rows)));

for (const [label, indexFor] of [["Int8 where the dictionary fits, else Int16", (w: number) => (w <= 127 ? new Int8() : new Int16())], ["Int16", () => new Int16()]] as const) {
  test(`dictionary columns with ${label} codes are canonical and load the same values (whole and a column at a time)`, async () => {
    const table = recoded(reference, indexFor);
    assert.equal(isCanonical(table), true);
    const bytes = tableToIPC(table, "file");
    assert.ok(bytes.length >= 32 * 2 ** 20, `file is ${bytes.length} bytes, below the column-read threshold`);
    const path = join(dir, `codes-${label.slice(0, 5)}.arrow`);
    writeFileSync(path, bytes);
    const columnwise = await loadReceipts(path);
    const whole = fromArrow(readFileSync(path), { file: path });
    assert.deepEqual(columnwise.issues, []);
    assert.deepEqual(whole.issues, []);
    sameValues(columnwise, wanted);
    sameValues(whole, wanted);
    // the codes are kept as read: no column is widened back to Int32
    for (const [name, bits] of codeWidths(columnwise)) assert.ok(bits <= 16, `${name}: ${bits}-bit codes`);
  });
}

test("dictionary columns with unsigned or 64-bit codes are not canonical", () => {
  assert.equal(isCanonical(recoded(reference, () => new Uint8())), false);
  assert.equal(isCanonical(recoded(reference, () => new Int64())), false);
  assert.equal(isCanonical(reference), true);
});

/** Loads of a file read whole (in memory) and a column at a time (written over 32 MiB). */
async function bothLoads(table: Table, name: string): Promise<ReceiptTable[]> {
  const bytes = tableToIPC(table, "file");
  assert.ok(bytes.length >= 32 * 2 ** 20, `file is ${bytes.length} bytes, below the column-read threshold`);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return [fromArrow(readFileSync(path), { file: path }), await loadReceipts(path)];
}

test("an Int32-coded file loads with Int8 codes (Int16 for a 200-word dictionary) and the same values", { skip: !NARROW_DICTIONARY_CODES && "narrowing off" }, async () => {
  // query_id with 200 words: its Int32 codes narrow to Int16, every other dictionary to Int8
  const wide = rows.map((r, i) => ({ ...r, query_id: `q-${i % 200}`, sample_index: Math.floor(i / 200) }));
  const table = recoded(tableFromIPC(toArrow(fromRecords(wide))), () => new Int32());
  const want = fromArrow(toArrow(fromRecords(wide)));
  for (const loaded of await bothLoads(table, "int32-codes.arrow")) {
    assert.deepEqual(loaded.issues, []);
    sameValues(loaded, want);
    const widths = codeWidths(loaded);
    assert.equal(widths.get("query_id"), 16);
    for (const [name, bits] of widths) if (name !== "query_id") assert.equal(bits, 8, name);
    assert.ok(loaded.arrow.schema.fields.every((f) => !(f.type instanceof Dictionary) || f.type.indices.bitWidth === widths.get(f.name)), "the schema describes the narrowed codes");
  }
});

test("a null row's Int32 code that Int8 cannot hold does not wrap into a valid word", { skip: !NARROW_DICTIONARY_CODES && "narrowing off" }, async () => {
  // finish_reason null on every third row, its code there 257 (257 & 0xff = 1: a valid word's
  // code if wrapped) or -2; reference_label and judge_raw untouched
  const base = tableFromIPC(toArrow(fromRecords(rows)));
  const columns: Record<string, Vector> = {};
  for (const f of base.schema.fields) columns[f.name] = base.getChild(f.name)!;
  const d = base.getChild("finish_reason")!.data[0];
  const words = d.dictionary!.length;
  assert.ok(words >= 2 && words <= 127, `${words} words`);
  const codes = Int32Array.from(d.values as Int32Array);
  const valid = new Uint8Array((N + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < N; i++) {
    if (i % 3 === 0) { codes[i] = i % 2 === 0 ? 257 : -2; nulls++; } else valid[i >> 3] |= 1 << (i & 7);
  }
  columns.finish_reason = makeVector(makeData({ type: new Dictionary(new Utf8(), new Int32()), length: N, nullCount: nulls, nullBitmap: valid, data: codes, dictionary: d.dictionary }));
  const want = (d.values as Int32Array);
  for (const loaded of await bothLoads(new Table(columns), "null-codes.arrow")) {
    assert.deepEqual(loaded.issues, []);
    const v = loaded.arrow.getChild("finish_reason")!;
    assert.equal((v.data[0].values as Int8Array).BYTES_PER_ELEMENT, 1);
    assert.equal(v.nullCount, nulls);
    const narrow = v.data[0].values as Int8Array;
    for (let i = 0; i < N; i++) {
      if (i % 3 === 0) {
        assert.equal(v.get(i), null, `row ${i}`);
        assert.ok(narrow[i] === 0 || narrow[i] === -2, `row ${i}: code ${narrow[i]} under a null`);
      } else assert.equal(v.get(i), d.dictionary!.get(want[i]), `row ${i}`);
    }
  }
});
