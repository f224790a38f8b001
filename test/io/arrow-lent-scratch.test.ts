/**
 * A large Arrow file with dictionary codes wider than their dictionaries need (Int32 codes
 * of a kit file written before narrow codes) is read a column at a time with those columns
 * lent to the feed through two scratch buffers (arrow-file.ts); once read, the scratch buffers
 * hold the rows' key lanes (`KeyLaneSums.finish(spare)`) instead of two new arrays. The lanes
 * must be those computed without spare buffers whatever the buffers held, a buffer too small
 * must not be used, and the load must give the rows, values and problems (a duplicate named by
 * both rows) of decoding the whole file: were a lent column's rows still read from the scratch
 * when the lanes overwrite it, its values would be wrong.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Data, Dictionary, Int32, makeData, makeVector, Table, tableFromIPC, tableToIPC, Utf8, vectorFromArray, type Vector } from "apache-arrow";
import { benchReceipt } from "../../bench/receipt-generator";
import { fromArrow, toArrow } from "../../src/io/arrow-ipc";
import { readArrowFileColumns } from "../../src/io/arrow-file";
import { fromRecords } from "../../src/io";
import { KeyLaneSums } from "../../src/io/key-columns";
import { loadReceipts } from "../../src/io/load";
import { RECEIPT_FIELDS } from "../../src/receipt/fields";
import { KEY_FIELDS } from "../../src/receipt/key";
import { tempDir } from "../temp-dir";

/** Rows enough for a file over the 32 MiB at which Arrow files are read a column at a time. */
const N = 6000;
const PAD = "z".repeat(6000);

/** The same dictionary data with Int32 codes. */
function int32Codes(d: Data): Data {
  return makeData({ type: new Dictionary(new Utf8(), new Int32()), length: d.length, nullCount: d.nullCount, nullBitmap: d.nullBitmap, data: Int32Array.from(d.values as ArrayLike<number>), dictionary: d.dictionary });
}

/** An Int32-coded Arrow file of N receipts in which row 101 has every key field of row 100 (a duplicate). */
function wideFileWithDuplicate(): string {
  const rows = Array.from({ length: N }, (_, i) => ({ ...benchReceipt(i), response: `${PAD} ${i}` }));
  const table = tableFromIPC(toArrow(fromRecords(rows)));
  const columns: Record<string, Vector> = {};
  for (const f of table.schema.fields) {
    const v = table.getChild(f.name)!;
    columns[f.name] = f.type instanceof Dictionary ? makeVector(v.data.map(int32Codes)) : v;
  }
  for (const name of KEY_FIELDS) {
    const values = columns[name].data[0].values as Int32Array | Float64Array;
    values[101] = values[100];
  }
  const bytes = tableToIPC(new Table(columns), "file");
  assert.ok(bytes.length >= 32 * 2 ** 20, `file is ${bytes.length} bytes, below the column-read threshold`);
  const path = join(tempDir("arrow-lent-scratch-"), "wide.arrow");
  writeFileSync(path, bytes);
  return path;
}

const path = wideFileWithDuplicate();

function plain(v: unknown): unknown {
  return v !== null && typeof v === "object" && "toArray" in (v as object) ? Array.from((v as { toArray(): ArrayLike<unknown> }).toArray()) : v;
}

test("a column-at-a-time read of a file with wide codes lends them and gives back its scratch buffers", async () => {
  const read = await readArrowFileColumns(path, () => true, { start: () => true, column: () => undefined }, (field) => field.type instanceof Dictionary);
  assert.ok(read !== null);
  assert.equal(read.spare.length, 2);
  for (const b of read.spare) assert.ok(b.byteLength >= 4 * N, `a scratch buffer of ${b.byteLength} bytes holds ${N} lanes`);
});

test("the load with the scratch buffers as key lanes gives the rows, values and duplicate of decoding the file whole", async () => {
  const loaded = await loadReceipts(path, { strict: false });
  const whole = fromArrow(readFileSync(path), { strict: false, file: path });
  assert.deepEqual(loaded.issues, whole.issues);
  assert.equal(loaded.issues.length, 1);
  assert.match(loaded.issues[0].message, /duplicate/i);
  assert.equal(loaded.numRows, N - 1);
  for (const spec of RECEIPT_FIELDS) {
    const x = loaded.arrow.getChild(spec.name)!, y = whole.arrow.getChild(spec.name)!;
    assert.equal(x.nullCount, y.nullCount, spec.name);
    for (let i = 0; i < x.length; i++) {
      const p = plain(x.get(i)), q = plain(y.get(i));
      if (p !== q) assert.deepEqual(p, q, `${spec.name} row ${i}`);
    }
  }
});

/** Deterministic codes (xorshift32) for a dictionary column of m words. */
function codes(n: number, m: number, seed: number): Int32Array {
  let s = seed;
  return Int32Array.from({ length: n }, () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) % m; });
}

function lanesOf(spare?: ArrayBuffer[]): { hi: Uint32Array; lo: Uint32Array } {
  const n = 10_000;
  const sums = new KeyLaneSums(n);
  KEY_FIELDS.forEach((_, k) => {
    const m = 2 + k;
    const dictionary = vectorFromArray(Array.from({ length: m }, (_, w) => `w${k}-${w}`), new Utf8());
    sums.add(k, makeVector(makeData({ type: new Dictionary(new Utf8(), new Int32()), length: n, nullCount: 0, data: codes(n, m, 7 + k), dictionary })));
  });
  return sums.finish(spare);
}

test("KeyLaneSums.finish writes every lane into spare buffers whatever they held, and passes over ones too small", () => {
  const want = lanesOf();
  const spare = [new ArrayBuffer(4 * 10_000 + 64), new ArrayBuffer(4 * 10_000)];
  for (const b of spare) new Uint8Array(b).fill(0xa5);
  const got = lanesOf(spare);
  assert.equal(got.hi.buffer, spare[0]);
  assert.equal(got.lo.buffer, spare[1]);
  assert.deepEqual(got.hi, want.hi);
  assert.deepEqual(got.lo, want.lo);
  const small = [new ArrayBuffer(4 * 10_000 - 4), new ArrayBuffer(8)];
  const fallback = lanesOf(small);
  assert.notEqual(fallback.hi.buffer, small[0]);
  assert.notEqual(fallback.lo.buffer, small[1]);
  assert.deepEqual(fallback.hi, want.hi);
  assert.deepEqual(fallback.lo, want.lo);
});
