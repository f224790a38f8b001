/**
 * Dictionary columns with any signed index width (Int8, Int16, Int32: see
 * io/dictionary-index.ts) are in the kit's canonical types: a file whose dictionary columns
 * have 1- or 2-byte codes takes the columnar path, read whole or a column at a time, and loads
 * the same values as the same file with 4-byte codes. Unsigned or 64-bit indices are not
 * canonical (they take the row path).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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

/** Rows enough for a file over the 32 MiB at which Arrow files are read a column at a time. */
const N = 6000;
const PAD = "y".repeat(6000);

const dir = mkdtempSync(join(tmpdir(), "narrow-codes-"));
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
