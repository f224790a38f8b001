/**
 * Int32 and Float64 columns are built by two builder classes (one array type a store each),
 * and a JSONL row given its key lanes gathers its key parts only for an exact comparison:
 * both checked here, including values past the first allocation and hashes that collide.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { columnBuilderFor, rowAppender } from "../../src/io/column-builder";
import { fromRecords, loadReceipts } from "../../src/io/load";
import { INPUT_FIELDS } from "../../src/receipt/fields";
import { benchReceipt } from "../../bench/receipt-generator";

const spec = (name: string) => INPUT_FIELDS.find((f) => f.name === name)!;

test("an Int32 and a Float64 column side by side keep their values, nulls and widths past 1,024 rows", () => {
  const ints = columnBuilderFor(spec("n_benign")), floats = columnBuilderFor(spec("sampling_seed"));
  const append = rowAppender([ints, floats]);
  const n = 3000;
  const wantInt: (number | null)[] = [], wantFloat: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    // Float64 values that no Int32Array could hold (above 2^31, fractions of a safe integer's range).
    const a = i % 7 === 3 ? null : i * 1000 - 1_000_000, b = i % 11 === 5 ? null : 2 ** 40 + i * 3;
    wantInt.push(a); wantFloat.push(b);
    append([a, b]);
  }
  assert.equal(ints.length, n);
  const vi = ints.finish(), vf = floats.finish();
  assert.equal(vi.type.toString(), "Int32");
  assert.equal(vf.type.toString(), "Float64");
  assert.deepEqual(Array.from(vi.toArray() as ArrayLike<number>).map((x, i) => (vi.isValid(i) ? x : null)), wantInt);
  assert.deepEqual(Array.from({ length: n }, (_, i) => vf.get(i)), wantFloat);
  assert.equal(vi.nullCount, wantInt.filter((x) => x === null).length);
  assert.equal(vf.nullCount, wantFloat.filter((x) => x === null).length);
});

test("a Float64 column's exact values round-trip through valueAt (the duplicate check reads it)", () => {
  const b = columnBuilderFor(spec("sampling_seed"));
  b.append(2 ** 53 - 1); b.append(null); b.append(0);
  assert.deepEqual([b.valueAt!(0), b.valueAt!(1), b.valueAt!(2)], [2 ** 53 - 1, null, 0]);
});

test("JSONL rows whose key hashes collide (2 bits) are compared exactly: distinct kept, the duplicate names both lines", async () => {
  const dir = mkdtempSync(join(tmpdir(), "numeric-builders-"));
  const records = Array.from({ length: 3000 }, (_, i) => benchReceipt(i));
  const path = join(dir, "collide.jsonl");
  writeFileSync(path, [...records, records[1234]].map((r) => JSON.stringify(r)).join("\n") + "\n");
  for (const keyHashBits of [2, 64]) {
    const t = await loadReceipts(path, { strict: false, keyHashBits });
    assert.equal(t.numRows, 3000, `${keyHashBits} bits`);
    assert.deepEqual(t.issues.map((i) => [i.line, i.field]), [[3001, "receipt_key"]]);
    assert.match(t.issues[0].message, /collide\.jsonl:1235; expected each evaluation point once$/);
    assert.deepEqual(t.values("receipt_key"), fromRecords(records).values("receipt_key"));
  }
});

test("a dictionary column: runs that change by one byte, nulls first, growth past 1,024 rows and Int8 -> Int16 codes", () => {
  const b = columnBuilderFor(spec("model"));
  const want: (string | null)[] = [];
  // 1,500 nulls before the first word (codes allocated late), then runs of words differing in their last byte.
  for (let i = 0; i < 1500; i++) { b.append(null); want.push(null); }
  for (let i = 0; i < 3000; i++) {
    // Strings made anew each row (equal words of different identity), 200 words in all (past Int8's 127).
    const w = i % 5 === 4 ? null : `model-${String.fromCharCode(97 + ((i >> 3) % 26))}${Math.floor(i / 15) % 8}`;
    b.append(w); want.push(w);
  }
  const bools = columnBuilderFor(spec("response_harmful"));
  const wantBool: (boolean | null)[] = [];
  for (let i = 0; i < 2100; i++) { const v = i % 3 === 0 ? null : i % 2 === 0; bools.append(v); wantBool.push(v); }
  const v = b.finish();
  assert.equal(v.length, 4500);
  assert.deepEqual(Array.from({ length: v.length }, (_, i) => v.get(i)), want);
  assert.equal(v.nullCount, want.filter((x) => x === null).length);
  assert.ok(v.data[0].dictionary!.length > 127, `${v.data[0].dictionary!.length} words: enough to widen Int8 codes`);
  assert.equal((v.type as { indices: { bitWidth: number } }).indices.bitWidth, 16);
  const vb = bools.finish();
  assert.deepEqual(Array.from({ length: vb.length }, (_, i) => vb.get(i)), wantBool);
});
