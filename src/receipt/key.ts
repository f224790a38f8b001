import { createHash } from "node:crypto";

/** The fields a receipt key is computed from, in order. */
export const KEY_FIELDS = [
  "run_id", "model", "judge", "harmful_demo_source", "benign_demo_source",
  "query_source", "query_id",
  "n_benign", "n_harmful", "schedule", "format_cue", "format_cue_text",
  "sample_index",
] as const;

export type KeyParts = { [K in (typeof KEY_FIELDS)[number]]?: string | number | null };

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
  return createHash("sha256").update(s).digest("hex").slice(0, 16);
}
