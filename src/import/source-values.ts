/**
 * Reading values out of other tools' JSON: the small checks every reader shares, and the
 * demonstration (condition) fields a sample's metadata may carry.
 */
import { createHash } from "node:crypto";
import { ReceiptValidationError } from "../receipt/issues";

/** SHA-256 hex of bytes or text. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

const DEMO_KEYS = ["n_benign", "n_harmful", "schedule", "format_cue", "format_cue_text", "demo_ids", "composition_seed"] as const;

/**
 * Condition fields from a sample's metadata (documented keys: n_benign, n_harmful, schedule,
 * format_cue, format_cue_text, demo_ids, composition_seed). Values are passed through as
 * found, so a bad one fails validation naming the field. With no such keys: no demonstrations
 * (0 and 0, schedule none). A schedule is filled in only where it is implied (one kind of
 * demonstration or none); with both kinds and no schedule it stays null, never guessed.
 */
export function demonstrationFields(metadata: unknown): Record<string, unknown> {
  const m = metadata !== null && typeof metadata === "object" && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  let any = false;
  for (const k of DEMO_KEYS) if (m[k] !== undefined && m[k] !== null) { out[k] = m[k]; any = true; }
  if (!any) return { n_benign: 0, n_harmful: 0, schedule: "none" };
  // Counts are required receipt fields: a missing one is left missing, so validation names it.
  const b = out.n_benign, h = out.n_harmful;
  if (out.schedule === undefined && typeof b === "number" && typeof h === "number" && (b === 0 || h === 0)) out.schedule = "none";
  return out;
}

/** A value if it is a non-empty string, else null. */
export function str(v: unknown): string | null {
  return typeof v === "string" && v !== "" ? v : null;
}

/** A value if it is a finite number, else null. */
export function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** A timestamp only when it carries a time zone (a zone-less one is kept in source_metadata instead of guessed). */
export function zonedTimestamp(v: unknown): string | null {
  if (typeof v !== "string") return null;
  return /(Z|[+-]\d{2}:?\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)) ? v : null;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Stop an import at a located problem: the same error loaders throw, so the CLI reports it alike. */
export function failImport(file: string | null, line: number | null, field: string | null, message: string): never {
  throw new ReceiptValidationError([{ file, line, field, message }]);
}
