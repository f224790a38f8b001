/**
 * The JSONL reader's remembered key lanes (KeyLaneCache) against their definition,
 * `keyLanesOfValues` on the row's key fields: for rows whose values repeat, change, are
 * null or absent, numbers, or text short and long (hashed again or looked up).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { KeyLaneCache } from "../../src/io/jsonl-key-lanes";
import { INPUT_FIELDS } from "../../src/receipt/fields";
import { KEY_FIELDS, keyLanesOfValues } from "../../src/receipt/key";
import { INPUT_INDEX } from "../../src/receipt/validate";

const KEY_INDEX = KEY_FIELDS.map((f) => INPUT_INDEX.get(f)!);

/** A deterministic pseudo-random sequence (xorshift32). */
function rng(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return (s >>> 0) / 2 ** 32; };
}

test("remembered key lanes equal keyLanesOfValues row by row", () => {
  const random = rng(20261203);
  const cache = new KeyLaneCache();
  const values: unknown[] = new Array(INPUT_FIELDS.length).fill(null);
  const expected = new Uint32Array(2);
  const pick = (k: number): unknown => {
    const r = random();
    if (r < 0.05) return null;
    if (r < 0.08) return undefined;
    if (r < 0.3) return Math.floor(random() * 5); // small counts, also as text below
    if (r < 0.35) return String(Math.floor(random() * 5));
    if (r < 0.45) return "x".repeat(30 + Math.floor(random() * 6)) + k; // around the 32-character line
    if (r < 0.5) return "long-" + Math.floor(random() * 200_000) + "-".repeat(40); // long texts, looked up
    return ["a", "b", "é", "👋", ""][Math.floor(random() * 5)];
  };
  for (let row = 0; row < 150_000; row++) {
    for (let k = 0; k < KEY_INDEX.length; k++) if (row === 0 || random() < 0.3) values[KEY_INDEX[k]] = pick(k);
    keyLanesOfValues(KEY_INDEX.map((i) => values[i]), expected);
    const lanes = cache.of(values);
    if (lanes[0] !== expected[0] || lanes[1] !== expected[1]) assert.fail(`row ${row}: lanes ${lanes[0]},${lanes[1]}, expected ${expected[0]},${expected[1]}`);
  }
});
