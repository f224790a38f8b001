/**
 * Index widths of dictionary columns (src/io/dictionary-index.ts): the thresholds, the
 * narrowing and widening copies, and the dictionary type that matches a code array.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Dictionary, Int16, Int32, Int8, makeData, makeVector, Utf8, vectorFromArray } from "apache-arrow";
import { codesFor, dictionaryTypeFor, indexBitsFor, indexTypeFor, indexTypeOf, INT16_WORDS, INT8_WORDS, narrowCodes } from "../../src/io/dictionary-index";

test("indexBitsFor: Int8 up to 127 words, Int16 up to 32,767, else Int32", () => {
  assert.equal(INT8_WORDS, 127);
  assert.equal(INT16_WORDS, 32767);
  for (const [words, bits] of [[0, 8], [1, 8], [127, 8], [128, 16], [200, 16], [32767, 16], [32768, 32], [40000, 32], [2 ** 31 - 1, 32]] as const) {
    assert.equal(indexBitsFor(words), bits, `${words} words`);
    const t = indexTypeFor(words);
    assert.equal(t.bitWidth, bits);
    assert.ok(t.isSigned);
    const c = codesFor(words, 3);
    assert.equal(c.BYTES_PER_ELEMENT * 8, bits);
    assert.deepEqual(Array.from(c), [0, 0, 0]);
    assert.equal(indexTypeOf(c).bitWidth, bits);
  }
});

test("narrowCodes copies only when the codes are wider than the words need", () => {
  const wide = Int32Array.from([0, 126, 5, -1]);
  const n8 = narrowCodes(wide, 127);
  assert.ok(n8 instanceof Int8Array);
  assert.deepEqual(Array.from(n8), [0, 126, 5, -1]);
  const n16 = narrowCodes(Int32Array.from([0, 127, 32766]), 32767);
  assert.ok(n16 instanceof Int16Array);
  assert.deepEqual(Array.from(n16), [0, 127, 32766]);
  // already narrow enough (or narrower): the same array
  const i8 = Int8Array.from([1, 2]);
  assert.equal(narrowCodes(i8, 200), i8);
  const i32 = Int32Array.from([40000]);
  assert.equal(narrowCodes(i32, 40001), i32);
});

test("dictionaryTypeFor: the index type of the codes, keeping id and ordering; makeData then reads the codes as they are", () => {
  const declared = new Dictionary(new Utf8(), new Int32(), 7, false);
  assert.equal(dictionaryTypeFor(declared, new Int32Array(1)), declared);
  for (const [codes, Type] of [[Int8Array.from([1, 0, 1]), Int8], [Int16Array.from([1, 0, 1]), Int16]] as const) {
    const t = dictionaryTypeFor(declared, codes);
    assert.ok(t.indices instanceof Type);
    assert.equal(t.id, 7);
    assert.equal(t.isOrdered, false);
    const v = makeVector(makeData({ type: t, length: 3, nullCount: 0, data: codes as unknown as Int32Array, dictionary: vectorFromArray(["a", "b"], new Utf8()) }));
    assert.deepEqual(v.toArray(), ["b", "a", "b"]);
  }
  // what the helper prevents: Int8 codes under the Int32 type are read four bytes at a time
  const wrong = makeData({ type: declared, length: 3, nullCount: 0, data: Int8Array.from([1, 0, 1]) as unknown as Int32Array });
  assert.notEqual((wrong.values as ArrayLike<number>).length, 3);
});
