/**
 * KeyLaneSums (the columnar loaders' key hash, added up a column at a time) against its
 * definition, `keyLanesOfValues` on each row's key values: dictionary columns with codes
 * beyond the dictionary or negative (read as an empty word), integer columns with values
 * small, past the first lookup table, past SMALL and negative, columns with nulls (added as
 * they come), one-word and all-null columns (constants), in one batch or several.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Data, Dictionary, Int32, makeData, makeVector, Utf8, vectorFromArray, type Vector } from "apache-arrow";
import { KeyLaneSums } from "../../src/io/key-columns";
import { KEY_FIELDS, keyLanesOfValues } from "../../src/receipt/key";

/** A deterministic pseudo-random sequence (xorshift32). */
function rng(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) / 2 ** 32; };
}

const N = 5000;
const K = KEY_FIELDS.length;

function validity(valid: boolean[]): Uint8Array {
  const bits = new Uint8Array(Math.ceil(valid.length / 8));
  valid.forEach((v, i) => { if (v) bits[i >> 3] |= 1 << (i & 7); });
  return bits;
}

/** A dictionary column of these codes (null where not valid), as Arrow data, and each row's key text. */
function dictionaryColumn(words: string[], codes: number[], valid: boolean[] | null): { data: Data; texts: string[] } {
  const dictionary = vectorFromArray(words, new Utf8());
  const type = new Dictionary(new Utf8(), new Int32());
  const nulls = valid === null ? 0 : valid.filter((v) => !v).length;
  const data = makeData({ type, length: codes.length, nullCount: nulls, nullBitmap: valid === null ? undefined : validity(valid), data: Int32Array.from(codes), dictionary });
  const texts = codes.map((c, i) => (valid !== null && !valid[i]) || c < 0 || c >= words.length ? "" : words[c]);
  return { data, texts };
}

function intColumn(values: number[], valid: boolean[] | null): { data: Data; texts: string[] } {
  const nulls = valid === null ? 0 : valid.filter((v) => !v).length;
  const data = makeData({ type: new Int32(), length: values.length, nullCount: nulls, nullBitmap: valid === null ? undefined : validity(valid), data: Int32Array.from(values) });
  return { data, texts: values.map((v, i) => (valid !== null && !valid[i] ? "" : String(v))) };
}

/** Vector of the data, split in two batches when asked (not deferred then). */
function vectorOf(data: Data, split: boolean): Vector {
  if (!split) return makeVector(data);
  return makeVector([data.slice(0, 1234), data.slice(1234, data.length - 1234)]); // (offset, length)
}

for (const seed of [1, 2, 3, 4]) {
  test(`KeyLaneSums equals keyLanesOfValues row by row (seed ${seed})`, () => {
    const random = rng(seed * 7919);
    const int = (n: number) => Math.floor(random() * n);
    const texts: string[][] = [];
    const sums = new KeyLaneSums(N);
    const order = Array.from({ length: K }, (_, k) => k).sort(() => random() - 0.5);
    const columns: { k: number; v: Vector }[] = [];
    for (let k = 0; k < K; k++) {
      const kind = (k + seed) % 7;
      const withNulls = random() < 0.25 ? Array.from({ length: N }, () => random() > 0.1) : null;
      let col: { data: Data; texts: string[] };
      if (kind === 0) col = dictionaryColumn(["a", "b", "é", "👋"], Array.from({ length: N }, () => (random() < 0.01 ? [4, 99, -1, -2147483648][int(4)] : int(4))), withNulls);
      else if (kind === 1) col = dictionaryColumn(["only"], Array.from({ length: N }, () => 0), withNulls);
      else if (kind === 2) col = intColumn(Array.from({ length: N }, () => int(10)), withNulls);
      else if (kind === 3) col = intColumn(Array.from({ length: N }, () => (random() < 0.02 ? [-1, -70000, 4096, 4095, 100000, 2147483647][int(6)] : int(300))), withNulls);
      else if (kind === 4) col = intColumn(Array.from({ length: N }, () => 64 + int(5000)), withNulls);
      else if (kind === 5) col = dictionaryColumn(Array.from({ length: 300 }, (_, w) => `w${w}`), Array.from({ length: N }, () => int(300)), withNulls);
      else col = intColumn(Array.from({ length: N }, () => 0), Array.from({ length: N }, () => false)); // all null
      texts.push(col.texts);
      columns.push({ k, v: vectorOf(col.data, random() < 0.2) });
    }
    for (const k of order) sums.add(k, columns[k].v);
    const { hi, lo } = sums.finish();
    const want = new Uint32Array(2);
    for (let i = 0; i < N; i++) {
      keyLanesOfValues(texts.map((t) => t[i]), want);
      if (hi[i] !== want[0] || lo[i] !== want[1]) assert.fail(`row ${i}: ${hi[i]},${lo[i]}, expected ${want[0]},${want[1]}`);
    }
  });
}
