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
      return (v) => {
        if (typeof v !== "string" || !RFC3339.test(v) || Number.isNaN(Date.parse(v))) return bad(v);
        const wrong = impossibleDate(v);
        return wrong === null ? null : `expected ${expected}, found the string ${JSON.stringify(v.length > 40 ? v.slice(0, 37) + "..." : v)}: ${wrong}`;
      };
    case "string": {
      // A required string is an identifier (run, model, judge, query source): blank would group unrelated receipts.
      if (!spec.pattern && spec.required) return (v) => (typeof v !== "string" ? bad(v) : nonBlank(v) ? null : `expected a non-empty identifier, found ${v === "" ? "the empty string" : `only white space (${describeValue(v)})`}`);
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

/** Whether a string holds something other than white space. */
export function nonBlank(s: string): boolean {
  return s.length > 0 && (s.charCodeAt(0) > 32 || s.trim() !== "");
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Why a timestamp of the RFC 3339 form names no real moment (`Date.parse` rolls
 * 2026-02-30 over to March 2 without a word), or null when it does.
 */
function impossibleDate(v: string): string | null {
  const year = Number(v.slice(0, 4)), month = Number(v.slice(5, 7)), day = Number(v.slice(8, 10));
  const hour = Number(v.slice(11, 13)), minute = Number(v.slice(14, 16));
  const second = v.length > 17 && v[16] === ":" ? Number(v.slice(17, 19)) : 0;
  if (month < 1 || month > 12) return `there is no month ${month}`;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (day < 1 || day > days) return `${v.slice(0, 7)} has no day ${day} (it has ${days})`;
  if (hour > 23 || minute > 59 || second > 59) return `there is no time ${v.slice(11, 19).replace(/[Z+-].*$/, "")} in a day`;
  const zone = /([+-])(\d{2}):?(\d{2})$/.exec(v);
  if (zone !== null && (Number(zone[2]) > 23 || Number(zone[3]) > 59)) return `there is no time zone offset ${zone[0]}`;
  return null;
}
