import * as crypto from "node:crypto";

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

/** Digest bytes as a latin1 string (one character a byte), the cheapest output to read halves from. */
const oneShot = (crypto as { hash?: typeof crypto.hash }).hash;
const sha256Latin1: (text: string) => string =
  typeof oneShot === "function"
    ? (text) => oneShot("sha256", text, "binary")
    : (text) => crypto.createHash("sha256").update(text).digest("binary");

/**
 * The receipt key of a key text as two unsigned 32-bit halves (`out[0]` the first 8 hex
 * digits, `out[1]` the next 8): what `keyOfText` returns, without making hex text.
 */
export function keyHalvesOfText(text: string, out: Uint32Array): void {
  const d = sha256Latin1(text);
  out[0] = (d.charCodeAt(0) << 24) | (d.charCodeAt(1) << 16) | (d.charCodeAt(2) << 8) | d.charCodeAt(3);
  out[1] = (d.charCodeAt(4) << 24) | (d.charCodeAt(5) << 16) | (d.charCodeAt(6) << 8) | d.charCodeAt(7);
}

/** 16 hex digits of a key from its halves. */
export function keyHex(hi: number, lo: number): string {
  return (hi >>> 0).toString(16).padStart(8, "0") + (lo >>> 0).toString(16).padStart(8, "0");
}
