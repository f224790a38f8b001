/**
 * Seeded pseudo-random numbers for composition and retry jitter. Never Math.random: a
 * composition must come out the same on any machine, so the generator is written here.
 *
 * Generator: the kit's xoshiro128** (src/random/xoshiro128.ts). Its state is filled by splitmix32 (the 32-bit variant
 * of Steele, Lea and Flood's SplitMix) from the low and high words of a seed that may be
 * any safe integer, so seeds up to 2^53 give distinct streams.
 */
import { createHash } from "node:crypto";
import { Xoshiro128 } from "../random/xoshiro128";

export interface Rng {
  /** Next 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform float in [0, 1) with 32 bits of resolution. */
  nextFloat(): number;
  /** Uniform integer in [0, n), without modulo bias (rejection sampling). Throws unless 1 <= n <= 2^32. */
  nextBelow(n: number): number;
}

/** xoshiro128** from an explicit 4-word state (for tests against the C reference). */
export function xoshiro128ss(s0: number, s1: number, s2: number, s3: number): Rng {
  return new Xoshiro128().setState(s0, s1, s2, s3);
}

function splitmix32(a: number): () => number {
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

/**
 * A generator from a seed (a non-negative safe integer). Cost O(1).
 * Throws a RangeError for anything else.
 * @example createRng(5).nextBelow(10) // the same number on every machine
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`createRng requires a non-negative safe integer seed, found ${seed}`);
  const lo = seed % 4294967296, hi = Math.floor(seed / 4294967296);
  const a = splitmix32(lo), b = splitmix32(hi ^ 0x6a09e667);
  return xoshiro128ss(a(), b(), a(), b());
}

/**
 * A seed derived from labelled parts: the first 52 bits of SHA-256 over the parts joined
 * by the ASCII unit separator, so it is a safe integer that survives JSON and float64
 * columns. Used for composition seeds (one per query, condition size and sampling) and
 * for retry jitter.
 */
export function deriveSeed(parts: readonly (string | number | null)[]): number {
  const text = parts.map((p) => (p === null ? "" : String(p))).join("\x1f");
  return parseInt(createHash("sha256").update(text).digest("hex").slice(0, 13), 16);
}

/** Fisher-Yates shuffle of a copy, driven by `rng`. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.nextBelow(i + 1);
    const x = out[i]; out[i] = out[j]; out[j] = x;
  }
  return out;
}

/** `k` items drawn without replacement, in draw order (a partial Fisher-Yates). Throws if k exceeds the pool. */
export function sampleWithoutReplacement<T>(items: readonly T[], k: number, rng: Rng): T[] {
  if (k > items.length) throw new RangeError(`sampleWithoutReplacement: asked for ${k} items from a pool of ${items.length}`);
  const pool = items.slice();
  for (let i = 0; i < k; i++) {
    const j = i + rng.nextBelow(pool.length - i);
    const x = pool[i]; pool[i] = pool[j]; pool[j] = x;
  }
  return pool.slice(0, k);
}
