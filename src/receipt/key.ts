import * as crypto from "node:crypto";
import { fmix32 } from "../random/fmix32";

/** The fields a receipt key is computed from, in order. */
export const KEY_FIELDS = [
  "run_id", "model", "judge", "harmful_demo_source", "benign_demo_source",
  "query_source", "query_id",
  "n_benign", "n_harmful", "schedule", "format_cue", "format_cue_text",
  "sample_index",
] as const;

export type KeyParts = { [K in (typeof KEY_FIELDS)[number]]?: string | number | null };

/** One-shot SHA-256 in hex: `crypto.hash` (Node >= 20.12) is about 3x faster than createHash for short inputs. */
const sha256Hex: (text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === "function"
    ? (text) => crypto.hash("sha256", text, "hex")
    : (text) => crypto.createHash("sha256").update(text).digest("hex");

/**
 * Stable identifier of one evaluation point: the first 16 hex digits (64 bits) of the
 * SHA-256 of the key fields joined by the ASCII unit separator. Nulls hash as the empty
 * string, so a receipt's key does not change when an optional field is written as null
 * rather than left out. 64 bits keep the chance of any collision among a million receipts
 * below 1 in 30 million.
 */
export function receiptKey(parts: KeyParts): string {
  let s = "v1";
  for (const f of KEY_FIELDS) {
    const v = parts[f];
    s += "\x1f" + (v === null || v === undefined ? "" : String(v));
  }
  return sha256Hex(s).slice(0, 16);
}

/** The text a receipt key hashes, from the key fields' values in KEY_FIELDS order (loaders' fast path). */
export function keyText(values: ArrayLike<unknown>): string {
  let s = "v1";
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    s += "\x1f" + (v === null || v === undefined ? "" : String(v));
  }
  return s;
}

/** The receipt key of a key text built by `keyText`. */
export function keyOfText(text: string): string {
  return sha256Hex(text).slice(0, 16);
}

/** SHA-256 digest bytes as a latin1 string (one character a byte). */
const oneShot = (crypto as { hash?: typeof crypto.hash }).hash;
const sha256Latin1: (text: string) => string =
  typeof oneShot === "function"
    ? (text) => oneShot("sha256", text, "binary")
    : (text) => crypto.createHash("sha256").update(text).digest("binary");

/**
 * The receipt key of a key text as two unsigned 32-bit halves (`out[0]` the first 8 hex
 * digits, `out[1]` the next 8): what `keyOfText` returns, without making hex text.
 */
export function receiptKeyHalvesOfText(text: string, out: Uint32Array): void {
  const d = sha256Latin1(text);
  out[0] = (d.charCodeAt(0) << 24) | (d.charCodeAt(1) << 16) | (d.charCodeAt(2) << 8) | d.charCodeAt(3);
  out[1] = (d.charCodeAt(4) << 24) | (d.charCodeAt(5) << 16) | (d.charCodeAt(6) << 8) | d.charCodeAt(7);
}

/** 16 hex digits of a key from its halves. */
export function keyHex(hi: number, lo: number): string {
  return (hi >>> 0).toString(16).padStart(8, "0") + (lo >>> 0).toString(16).padStart(8, "0");
}

/*
 * Load-time receipt identity. Checking a million receipts for duplicates does not need a
 * cryptographic digest: the loaders hash each key field's value once (a dictionary word once
 * per dictionary, not once per row) into two 32-bit lanes with murmur3's mixing, and combine
 * the 13 fields' lanes per row in KEY_FIELDS order. Equal hashes are then compared exactly on
 * the key fields' text, so a collision can never be taken for a duplicate. The published
 * `receipt_key` (above) is unchanged: it is the SHA-256 identifier plans and collections use.
 */

const LANE_SEEDS = [0x9747b28c, 0x1b873593] as const;

/** murmur3 (32-bit) over a string's UTF-16 code units, two bytes each. */
export function hashString32(s: string, seed: number): number {
  let h = seed | 0;
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    let k = (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16)) | 0;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < n) {
    let k = s.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= n * 2;
  return fmix32(h);
}


/** The lane `lane` (0 or 1) of key field `k`'s value, given as `keyText` spells it (null as ""). */
export function keyFieldLane(k: number, text: string, lane: 0 | 1): number {
  return hashString32(text, (LANE_SEEDS[lane] ^ Math.imul(k + 1, 0x9e3779b1)) | 0);
}

/** A row's lane before any field is added. */
export const KEY_LANE_START = [0x3c6ef372, 0xa54ff53a] as const;

/**
 * A row's lane is the sum (mod 2^32) of its fields' lanes, finished by murmur3's mixer. The
 * field's position is in each field lane's seed, so the sum needs no order, and the lanes of
 * adjacent fields with few value combinations can be added once per combination instead of
 * once per row. (A weakness of a sum only costs an exact comparison, never a wrong answer.)
 */
export function mixKeyLane(h: number, v: number): number {
  return (h + v) | 0;
}

/** A row's running lane, finished. */
export function finishKeyLane(h: number): number {
  return fmix32(h);
}

/** The load-time hash of a row from its key fields' values in KEY_FIELDS order (row-wise loaders). */
export function keyLanesOfValues(values: ArrayLike<unknown>, out: Uint32Array): void {
  let a: number = KEY_LANE_START[0], b: number = KEY_LANE_START[1];
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    const text = v === null || v === undefined ? "" : String(v);
    a = mixKeyLane(a, keyFieldLane(k, text, 0));
    b = mixKeyLane(b, keyFieldLane(k, text, 1));
  }
  out[0] = finishKeyLane(a);
  out[1] = finishKeyLane(b);
}

/**
 * The load-time hash (see `keyLanesOfValues`) of a key text built by `keyText`, as two
 * 32-bit lanes. (Up to v1 of the loaders this was the SHA-256 receipt key's halves; only the
 * loaders' duplicate index reads it, and every loader now computes the same lanes.)
 */
export function keyHalvesOfText(text: string, out: Uint32Array): void {
  const parts = text.split("\x1f");
  parts.shift(); // the version tag
  keyLanesOfValues(parts, out);
}

/** The key fields' values of a key text built by `keyText` (for exact comparison and messages). */
export function keyValuesOfText(text: string): string[] {
  return text.split("\x1f").slice(1);
}
