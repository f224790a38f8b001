/**
 * Columnar parts (Parquet slices, Arrow batches) often bring optional fields as all-null
 * chunks. A builder takes such a chunk without writing values, codes or offsets (a column
 * that stays null keeps none, as rows of nulls leave it), and a column whose values come
 * after, between or before null chunks reads back exactly as the chunks say, with a
 * dictionary's words in the order the chunks brought them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Bool, Dictionary, Field, Float64, Int32, Int8, List, makeData, makeVector, Utf8, vectorFromArray, type Vector } from "apache-arrow";
import { columnBuilderFor } from "../../src/io/column-builder";
import { columnValues } from "../../src/io/column-values";
import { FIELD_BY_NAME } from "../../src/receipt/fields";

const N = 1500; // past a first allocation of 1,024 rows

/** An all-null chunk of `n` rows in the field's Arrow type (zeroed buffers, as a reader gives). */
function nullChunk(field: string, n: number, words: string[] = []): Vector {
  const nullBitmap = new Uint8Array((n + 7) >> 3);
  switch (field) {
    case "max_tokens": return makeVector(makeData({ type: new Int32(), length: n, nullCount: n, nullBitmap, data: new Int32Array(n).fill(7) }));
    case "latency_ms": return makeVector(makeData({ type: new Float64(), length: n, nullCount: n, nullBitmap, data: new Float64Array(n).fill(7) }));
    case "response_harmful": return makeVector(makeData({ type: new Bool(), length: n, nullCount: n, nullBitmap, data: new Uint8Array((n + 7) >> 3).fill(255) }));
    case "judge_raw": return makeVector(makeData({ type: new Utf8(), length: n, nullCount: n, nullBitmap, valueOffsets: new Int32Array(n + 1), data: new Uint8Array(0) }));
    case "demo_ids": {
      const child = makeData({ type: new Utf8(), length: 0, nullCount: 0, valueOffsets: new Int32Array(1), data: new Uint8Array(0) });
      return makeVector(makeData({ type: new List(new Field("item", new Utf8(), true)), length: n, nullCount: n, nullBitmap, valueOffsets: new Int32Array(n + 1), child }));
    }
    default: {
      const dictionary = vectorFromArray(words, new Utf8());
      return makeVector(makeData({ type: new Dictionary(new Utf8(), new Int8()), length: n, nullCount: n, nullBitmap, data: new Int8Array(n), dictionary }));
    }
  }
}

/** A chunk of `n` values (every third null) and what it holds. */
function valueChunk(field: string, n: number, seed: number): { vector: Vector; values: unknown[] } {
  const values = Array.from({ length: n }, (_, i): unknown => {
    if ((i + seed) % 3 === 0) return null;
    switch (field) {
      case "max_tokens": return i + seed;
      case "latency_ms": return (i + seed) / 4;
      case "response_harmful": return (i + seed) % 2 === 0;
      case "judge_raw": return `raw ${i + seed} é`;
      case "demo_ids": return [`d${i}`, `e${seed}`];
      default: return `w${(i + seed) % 5}`;
    }
  });
  const b = columnBuilderFor(FIELD_BY_NAME.get(field)!);
  for (const v of values) b.append(v);
  return { vector: b.finish(), values };
}

for (const field of ["max_tokens", "latency_ms", "response_harmful", "judge_raw", "demo_ids", "format_cue_text"]) {
  test(`${field}: all-null chunks before, between and after values read back as the chunks say`, () => {
    const first = valueChunk(field, 700, 1), second = valueChunk(field, 900, 2);
    const b = columnBuilderFor(FIELD_BY_NAME.get(field)!);
    const want: unknown[] = [];
    const add = (v: Vector, values: unknown[]) => { b.appendVector(v); want.push(...values); };
    add(nullChunk(field, N), new Array(N).fill(null));
    add(first.vector, first.values);
    add(nullChunk(field, 37), new Array(37).fill(null));
    add(second.vector, second.values);
    add(nullChunk(field, N), new Array(N).fill(null));
    const out = b.finish();
    assert.equal(out.length, want.length);
    assert.equal(out.nullCount, want.filter((x) => x === null).length);
    assert.deepEqual(columnValues(out), want);
  });

  test(`${field}: a column of all-null chunks only is all null`, () => {
    const b = columnBuilderFor(FIELD_BY_NAME.get(field)!);
    b.appendVector(nullChunk(field, N));
    b.appendVector(nullChunk(field, 5));
    const out = b.finish();
    assert.equal(out.length, N + 5);
    assert.equal(out.nullCount, N + 5);
    assert.deepEqual(columnValues(out), new Array(N + 5).fill(null));
  });
}

test("a dictionary column keeps the words of all-null chunks, in the order the chunks brought them", () => {
  const b = columnBuilderFor(FIELD_BY_NAME.get("format_cue_text")!);
  b.appendVector(nullChunk("format_cue_text", 10, ["late", "early"]));
  const values = valueChunk("format_cue_text", 20, 0);
  b.appendVector(values.vector);
  const out = b.finish();
  assert.deepEqual(Array.from(out.data[0].dictionary!.toArray()).slice(0, 2), ["late", "early"]);
  assert.deepEqual(columnValues(out), [...new Array(10).fill(null), ...values.values]);
});
