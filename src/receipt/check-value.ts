/**
 * One checker per field, built from its declaration: returns null when a value is
 * acceptable, or a message saying what was expected and what was found. Every loader
 * (row-wise JSONL and CSV, column-wise Arrow and Parquet) calls these, so a rule is
 * written once.
 */
import type { FieldSpec } from "./fields";
import { describeValue } from "./issues";

export type ValueChecker = (value: unknown) => string | null;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export function expectedOf(spec: FieldSpec): string {
  switch (spec.kind) {
    case "integer": {
      const range = rangeText(spec);
      return `an integer${range}`;
    }
    case "number": return `a finite number${rangeText(spec)}`;
    case "boolean": return "true or false";
    case "enum": return `one of ${spec.values!.join(", ")}`;
    case "string_list": return "a list of strings";
    case "timestamp": return "an ISO 8601 timestamp with time zone, like 2026-06-18T12:00:00Z";
    case "string": return spec.pattern ? `a string matching /${spec.pattern}/` : "a string";
  }
}

function rangeText(spec: FieldSpec): string {
  if (spec.minimum !== undefined && spec.maximum !== undefined) return ` from ${spec.minimum} to ${spec.maximum}`;
  if (spec.minimum !== undefined) return ` >= ${spec.minimum}`;
  if (spec.maximum !== undefined) return ` <= ${spec.maximum}`;
  return "";
}

export function makeChecker(spec: FieldSpec): ValueChecker {
  const expected = expectedOf(spec);
  const bad = (v: unknown) => `expected ${expected}, found ${describeValue(v)}`;
  const inRange = (n: number) =>
    (spec.minimum === undefined || n >= spec.minimum) && (spec.maximum === undefined || n <= spec.maximum);
  switch (spec.kind) {
    case "integer":
      return (v) => {
        if (typeof v !== "number") return bad(v);
        if (!Number.isFinite(v)) return bad(v);
        if (!Number.isInteger(v)) return `expected ${expected}, found the fraction ${v}`;
        if (!Number.isSafeInteger(v)) return `expected ${expected}, found ${v}, beyond 2^53`;
        if (!spec.wideInteger && (v > 2147483647 || v < -2147483648)) return `expected ${expected} that fits in 32 bits, found ${v}`;
        if (!inRange(v)) return bad(v);
        return null;
      };
    case "number":
      return (v) => (typeof v === "number" && Number.isFinite(v) && inRange(v) ? null : bad(v));
    case "boolean":
      return (v) => (typeof v === "boolean" ? null : bad(v));
    case "enum": {
      const allowed = new Set(spec.values);
      return (v) => (typeof v === "string" && allowed.has(v) ? null : bad(v));
    }
    case "string_list":
      return (v) => {
        if (!Array.isArray(v)) return bad(v);
        for (let i = 0; i < v.length; i++) {
          if (typeof v[i] !== "string") return `expected ${expected}, found ${describeValue(v[i])} at position ${i}`;
        }
        return null;
      };
    case "timestamp":
      return (v) => (typeof v === "string" && RFC3339.test(v) && !Number.isNaN(Date.parse(v)) ? null : bad(v));
    case "string": {
      if (!spec.pattern) return (v) => (typeof v === "string" ? null : bad(v));
      const re = new RegExp(`^(?:${spec.pattern})$`);
      // Pattern fields (hashes) mostly repeat a run's value: remember the last one accepted.
      let lastGood: string | null = null;
      return (v) => {
        if (v === lastGood) return null;
        if (typeof v !== "string" || !re.test(v)) return bad(v);
        lastGood = v;
        return null;
      };
    }
  }
}
