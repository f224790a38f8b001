import assert from "node:assert/strict";
import { test } from "node:test";
import { hashString, hashWords, seedWords, SubStream } from "../../src/simulate/prng";

// Expected values come from the reference C code (xoshiro128starstar.c
// by Blackman & Vigna, MurmurHash3_x86_32 by Appleby): fixtures/reference-prng.c, run with gcc.
test("xoshiro128** matches the reference implementation", () => {
  const s = new SubStream().setState(1, 2, 3, 4);
  assert.deepEqual(Array.from({ length: 6 }, () => s.nextUint32()), [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  const t = new SubStream().setState(0x9e3779b9, 0x243f6a88, 0xb7e15162, 0xdeadbeef);
  for (let i = 0; i < 1000; i++) t.nextUint32();
  assert.equal(t.nextUint32(), 2541037969);
});

test("hashWords is MurmurHash3_x86_32 over little-endian words", () => {
  const words = (text: string) => {
    const b = Buffer.from(text, "latin1");
    return Array.from({ length: b.length / 4 }, (_, i) => b.readUInt32LE(4 * i));
  };
  assert.equal(hashWords(words("test"), 0), 3127628307); // 0xba6bd213
  assert.equal(hashWords(words("Hello, world!!!!"), 1234), 476500770);
  assert.equal(hashWords([7, 0xffffffff, 123456789], 0x9e3779b9), 3182884098);
});

test("uniforms lie strictly inside (0, 1) and average 1/2", () => {
  const s = new SubStream().open([1, 2, 3]);
  let sum = 0;
  for (let i = 0; i < 100000; i++) {
    const u = s.uniform();
    assert.ok(u > 0 && u < 1);
    sum += u;
  }
  assert.ok(Math.abs(sum / 100000 - 0.5) < 4 * Math.sqrt(1 / 12 / 100000));
});

test("normal draws have mean 0 and variance 1", () => {
  const s = new SubStream().open([42]);
  let m = 0, v = 0;
  const n = 100000;
  for (let i = 0; i < n; i++) {
    const z = s.normal();
    m += z;
    v += z * z;
  }
  m /= n;
  v = v / n - m * m;
  assert.ok(Math.abs(m) < 4 / Math.sqrt(n), `mean ${m}`);
  assert.ok(Math.abs(v - 1) < 4 * Math.sqrt(2 / n), `variance ${v}`);
});

test("streams are named by content: same words, same draws; different words, different draws", () => {
  const a = new SubStream().open([1, 2, 3]).nextUint32();
  const b = new SubStream().open([1, 2, 3]).nextUint32();
  const c = new SubStream().open([1, 2, 4]).nextUint32();
  assert.equal(a, b);
  assert.notEqual(a, c);
  assert.notDeepEqual(hashString("harmbench\x1fharmbench-0001"), hashString("harmbench\x1fharmbench-0002"));
});

test("seedWords splits a seed into 32-bit halves and rejects non-integers", () => {
  assert.deepEqual(seedWords(5), [5, 0]);
  assert.deepEqual(seedWords(2 ** 32 + 7), [7, 1]);
  assert.deepEqual(seedWords(Number.MAX_SAFE_INTEGER), [0xffffffff, 0x1fffff]);
  assert.throws(() => seedWords(-1), /seed must be a non-negative integer/);
  assert.throws(() => seedWords(1.5), /found 1.5/);
});
