/**
 * Row-wise validation of one receipt record against the declaration. Returns the record's
 * values in `INPUT_FIELDS` order (defaults applied, absent optionals null) or the list of
 * problems, each naming the field and saying what was expected and what was found.
 */
import { FIELD_BY_NAME, INPUT_FIELDS, type FieldSpec } from "./fields";
import { expectedOf as makeExpected, makeChecker, nonBlank, type ValueChecker } from "./check-value";
import { describeValue, shortName, type ValidationIssue } from "./issues";

export interface RecordLocation {
  readonly file: string | null;
  readonly line: number | null;
}

export interface ValidateOptions {
  /**
   * What to do with a field the schema does not declare. Default `"error"`: a misspelt
   * `n_bening` would otherwise vanish silently and the receipt would fail as "missing
   * n_benign" far from the cause. `"ignore"` drops such fields.
   */
  readonly unknownFields?: "error" | "ignore";
}

const CHECKERS: readonly ValueChecker[] = INPUT_FIELDS.map(makeChecker);
export const INPUT_INDEX: ReadonlyMap<string, number> = new Map(INPUT_FIELDS.map((f, i) => [f.name, i]));
const I = (name: string) => INPUT_INDEX.get(name)!;
const N_BENIGN = I("n_benign"), N_HARMFUL = I("n_harmful"), SCHEDULE = I("schedule");
const CUE = I("format_cue"), CUE_TEXT = I("format_cue_text"), DEMO_IDS = I("demo_ids"), LABEL = I("judge_label");

export type RecordValues = unknown[];

export function validateRecord(
  record: unknown,
  where: RecordLocation,
  options: ValidateOptions = {},
): { values: RecordValues | null; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const values: RecordValues = new Array(INPUT_FIELDS.length);
  const ok = validateInto(record, where, options, values, issues);
  return { values: ok ? values : null, issues };
}

const DERIVED_NAMES = [...FIELD_BY_NAME.values()].filter((f) => f.derived).map((f) => f.name);

/**
 * `validateRecord` without allocating: writes the values into `values` (length
 * INPUT_FIELDS.length, reused by loaders across records) and appends problems to `issues`.
 * Returns whether the record is good; when not, `values` holds garbage.
 */
export function validateInto(record: unknown, where: RecordLocation, options: ValidateOptions, values: RecordValues, issues: ValidationIssue[]): boolean {
  // Good records (nearly all) are accepted by a compiled check; any other goes the long way for its messages.
  if ((options.unknownFields === "ignore" ? FAST_IGNORING_UNKNOWN : FAST)(record, values)) return true;
  const before = issues.length;
  if (record === null || typeof record !== "object" || Array.isArray(record)) {
    issues.push({ file: where.file, line: where.line, field: null, message: `expected a JSON object (one receipt), found ${describeValue(record)}` });
    return false;
  }
  const obj = record as Record<string, unknown>;
  let present = 0;
  for (let i = 0; i < INPUT_FIELDS.length; i++) {
    const spec = INPUT_FIELDS[i];
    let v = obj[spec.name];
    if (v === undefined || v === null) {
      if (v === null) present++;
      if (spec.required) {
        issues.push({ file: where.file, line: where.line, field: spec.name, message: v === null ? `required field is null; expected ${expectedText(spec)}` : `required field is missing; expected ${expectedText(spec)}` });
        continue;
      }
      v = spec.default ?? null;
    } else {
      present++;
      const problem = CHECKERS[i](v);
      if (problem !== null) {
        issues.push({ file: where.file, line: where.line, field: spec.name, message: problem });
        continue;
      }
    }
    values[i] = v;
  }
  if (options.unknownFields !== "ignore") {
    for (let d = 0; d < DERIVED_NAMES.length; d++) if (obj[DERIVED_NAMES[d]] !== undefined) present++;
    let keys = 0;
    for (const _ in obj) keys++;
    // Every own key is a declared field: the common case, decided without a lookup per key.
    if (keys !== present) {
      for (const key of Object.keys(obj)) {
        if (FIELD_BY_NAME.has(key)) continue;
        const near = nearestField(key);
        issues.push({ file: where.file, line: where.line, field: shortName(key), message: `unknown field${near ? ` (did you mean ${near}?)` : ""}; pass unknownFields: "ignore" to drop fields the schema does not declare` });
      }
    }
  }
  if (issues.length === before) crossCheck(values, where, issues);
  if (issues.length === before) for (let d = 0; d < DERIVED_NAMES.length; d++) derivedCheck(DERIVED_NAMES[d], obj[DERIVED_NAMES[d]], values, where, issues);
  return issues.length === before;
}

/**
 * A derived field written in the input (n_total, harmful_fraction, complied) must agree
 * with what it derives from: it is recomputed on load, and a contradiction means the file
 * and the reader disagree about the receipt, so it is reported, not overwritten.
 */
function derivedCheck(name: string, given: unknown, values: RecordValues, where: RecordLocation, issues: ValidationIssue[]): void {
  if (given === undefined || given === null || name === "receipt_key") return;
  const b = values[N_BENIGN] as number, h = values[N_HARMFUL] as number, label = values[LABEL] as string;
  const issue = (message: string) => issues.push({ file: where.file, line: where.line, field: name, message });
  if (name === "n_total") {
    if (given !== b + h) issue(`given as ${describeValue(given)}, but n_benign ${b} + n_harmful ${h} = ${b + h}; expected ${b + h} or the field left out (it is computed on load)`);
  } else if (name === "harmful_fraction") {
    const expected = b + h > 0 ? h / (b + h) : null;
    if (typeof given !== "number" || expected === null || Math.abs(given - expected) > 1e-9)
      issue(`given as ${describeValue(given)}, but n_harmful ${h} / (n_benign ${b} + n_harmful ${h}) = ${expected === null ? "nothing (no demonstrations)" : expected}; expected that or the field left out (it is computed on load)`);
  } else if (name === "complied") {
    const expected = label === "parse_error" ? null : label === "compliance";
    if (given !== expected)
      issue(`given as ${describeValue(given)}, but judge_label is ${label}, so complied is ${expected === null ? "null" : expected}; expected that or the field left out (it is computed on load)`);
  }
}

/** Whether derived fields given in a record agree with its values (the fast checks' version of derivedCheck). */
function derivedAgree(total: unknown, fraction: unknown, complied: unknown, values: RecordValues): boolean {
  const b = values[N_BENIGN] as number, h = values[N_HARMFUL] as number;
  if (total !== undefined && total !== null && total !== b + h) return false;
  if (fraction !== undefined && fraction !== null && !(typeof fraction === "number" && b + h > 0 && Math.abs(fraction - h / (b + h)) <= 1e-9)) return false;
  if (complied !== undefined && complied !== null) {
    const label = values[LABEL];
    if (complied !== (label === "parse_error" ? null : label === "compliance")) return false;
  }
  return true;
}

/** A check of values already parsed (by the byte-level JSONL reader) into INPUT_FIELDS order, then the derived fields; see `compileValuesCheck`. */
export type ValuesCheck = (values: RecordValues) => boolean;

/**
 * The compiled check for values a byte-level reader parsed: `values[i]` is the value of
 * INPUT_FIELDS[i] (undefined when absent), followed by the derived fields in declaration
 * order. Accepts exactly what `validateInto` accepts for the same record and writes the same
 * values (defaults applied); fields not `wanted` are not checked and become null.
 */
export function compileValuesCheck(wanted: readonly boolean[] | null, inBytes: string | null = null): ValuesCheck {
  const key = (wanted === null ? "all" : wanted.map((w) => (w ? 1 : 0)).join("")) + "\u0000" + (inBytes ?? "");
  let check = VALUES_CHECKS.get(key);
  if (check === undefined) {
    check = compileFastCheck(true, wanted, true, inBytes) as unknown as ValuesCheck;
    VALUES_CHECKS.set(key, check);
  }
  return check;
}
const VALUES_CHECKS = new Map<string, ValuesCheck>();

/**
 * A check compiled from the declaration that accepts exactly the records `validateInto`
 * accepts, writing the same values, and returns false for every other (without saying why).
 * Reading each field by its constant name lets the engine load it from the record's known
 * layout (records of one file share it) instead of looking every name up; the value checks
 * are the checkers' conditions written out, remembering the last accepted value where
 * values repeat.
 */
function compileFastCheck(ignoreUnknown: boolean, wanted: readonly boolean[] | null = null, fromValues = wanted !== null, inBytes: string | null = null): (record: unknown, values: RecordValues) => boolean {
  const lines: string[] = [];
  const state: string[] = [];
  // Values parsed by the byte-level reader repeat the row before's (the very value, for
  // fields written the same): a value equal to the last one accepted is accepted without its
  // check again (each check is of the value alone; the rules across fields run every row).
  const guarded = new Set<FieldSpec["kind"]>(["integer", "number", "timestamp"]);
  const guard = (i: number, check: string) => (fromValues ? `if (v !== last${i}) { ${check} last${i} = v; }` : check);
  const range = (spec: FieldSpec) =>
    (spec.minimum !== undefined ? ` && v >= ${spec.minimum}` : "") + (spec.maximum !== undefined ? ` && v <= ${spec.maximum}` : "");
  if (fromValues) lines.push("let present = 0, v;");
  else lines.push("if (o === null || typeof o !== \"object\" || Array.isArray(o)) return false;", "let present = 0, v;");
  INPUT_FIELDS.forEach((spec, i) => {
    if (wanted !== null && !wanted[i]) { lines.push(`values[${i}] = null;`); return; }
    lines.push(fromValues ? `v = values[${i}];` : `v = o[${JSON.stringify(spec.name)}];`);
    if (spec.required) lines.push("if (v === undefined || v === null) return false;");
    else {
      const fallback = spec.default === undefined ? "null" : JSON.stringify(spec.default);
      lines.push(`if (v === undefined) v = ${fallback};`, `else if (v === null) { present++; v = ${fallback}; }`, "else {");
    }
    lines.push("present++;");
    switch (spec.kind) {
      case "string":
        if (spec.pattern) lines.push(`if (v !== last${i}) { if (C[${i}](v) !== null) return false; last${i} = v; }`);
        else if (spec.required) lines.push(`if (v !== last${i}) { if (typeof v !== "string" || !nonBlank(v)) return false; last${i} = v; }`);
        else lines.push("if (typeof v !== \"string\") return false;");
        break;
      case "enum":
        lines.push(`if (v !== last${i}) { if (!S[${i}].has(v)) return false; last${i} = v; }`);
        break;
      case "integer":
        lines.push(guard(i, spec.wideInteger
          ? `if (!(typeof v === "number" && Number.isSafeInteger(v)${range(spec)})) return false;`
          : `if (!(typeof v === "number" && (v | 0) === v${range(spec)})) return false;`));
        break;
      case "number":
        lines.push(guard(i, `if (!(typeof v === "number" && Number.isFinite(v)${range(spec)})) return false;`));
        break;
      case "boolean":
        lines.push("if (typeof v !== \"boolean\") return false;");
        break;
      case "timestamp":
        // The reader's bytes of a plain timestamp it found in the common form (`commonTimestampBytes`).
        lines.push(guard(i, `if (${inBytes !== null ? "v !== IN_BYTES && " : ""}!(typeof v === "string" && commonTimestamp(v)) && C[${i}](v) !== null) return false;`));
        break;
      case "string_list":
        lines.push(`if (C[${i}](v) !== null) return false;`);
        break;
    }
    if (spec.kind === "string" && (spec.pattern || spec.required) || spec.kind === "enum" || (fromValues && guarded.has(spec.kind))) state.push(`let last${i} = undefined;`);
    if (!spec.required) lines.push("}");
    lines.push(`values[${i}] = v;`);
  });
  if (!ignoreUnknown) {
    for (const name of DERIVED_NAMES) lines.push(`if (o[${JSON.stringify(name)}] !== undefined) present++;`);
    lines.push("let keys = 0;", "for (const _ in o) keys++;", "if (keys !== present) return false;");
  }
  const derived = (name: string) => fromValues ? `values[${INPUT_FIELDS.length + DERIVED_NAMES.indexOf(name)}]` : `o[${JSON.stringify(name)}]`;
  lines.push(`if (!derivedAgree(${derived("n_total")}, ${derived("harmful_fraction")}, ${derived("complied")}, values)) return false;`);
  // The rules of crossCheck.
  lines.push(
    `const b = values[${N_BENIGN}], h = values[${N_HARMFUL}];`,
    `if (values[${SCHEDULE}] === "none" && b > 0 && h > 0) return false;`,
    `if (values[${CUE}] === "custom" && (values[${CUE_TEXT}] === null || values[${CUE_TEXT}] === "")) return false;`,
    `const ids = values[${DEMO_IDS}];`,
    "if (ids !== null && ids.length !== b + h) return false;",
    "return true;",
  );
  const sets = INPUT_FIELDS.map((f) => (f.kind === "enum" ? new Set(f.values) : null));
  const body = `"use strict";\n${state.join("\n")}\nreturn function fastCheck(o, values) {\n${lines.join("\n")}\n};`;
  const fn = new Function("C", "S", "commonTimestamp", "nonBlank", "derivedAgree", "IN_BYTES", body)(CHECKERS, sets, commonTimestamp, nonBlank, derivedAgree, inBytes);
  return (fromValues ? (values: RecordValues) => fn(values, values) : fn) as (record: unknown, values: RecordValues) => boolean;
}

function digitsAt(s: string, at: number, len: number): number {
  let v = 0;
  for (let k = 0; k < len; k++) {
    const c = s.charCodeAt(at + k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Whether a timestamp is in the form the kit and most writers use,
 * `YYYY-MM-DDTHH:MM:SS[.sss]Z`, with a day of at most 28 (valid in every month): such a
 * string is accepted by the field's checker, so it is accepted without the regular
 * expression and date parse. Anything else goes to the checker.
 */
export function commonTimestamp(s: string): boolean {
  const len = s.length;
  if (!(len === 20 || (len === 24 && s.charCodeAt(19) === 46 && digitsAt(s, 20, 3) >= 0))) return false;
  if (s.charCodeAt(len - 1) !== 90 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || digitsAt(s, 0, 4) < 0) return false;
  const mo = digitsAt(s, 5, 2), day = digitsAt(s, 8, 2), h = digitsAt(s, 11, 2), mi = digitsAt(s, 14, 2), se = digitsAt(s, 17, 2);
  return mo >= 1 && mo <= 12 && day >= 1 && day <= 28 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && se >= 0 && se <= 59;
}

function digitsIn(b: Uint8Array, at: number, len: number): number {
  let v = 0;
  for (let k = 0; k < len; k++) {
    const c = b[at + k] - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * `commonTimestamp` of the text whose bytes are `b[from, to)` (ASCII, no escapes: the JSONL
 * reader's plain strings), without making the string: the reader gives such a value as
 * its bytes (TEXT_IN_BYTES), which the values check then accepts for a timestamp field.
 */
export function commonTimestampBytes(b: Uint8Array, from: number, to: number): boolean {
  const len = to - from;
  if (!(len === 20 || (len === 24 && b[from + 19] === 46 && digitsIn(b, from + 20, 3) >= 0))) return false;
  if (b[to - 1] !== 90 || b[from + 4] !== 45 || b[from + 7] !== 45 || b[from + 10] !== 84 || b[from + 13] !== 58 || b[from + 16] !== 58 || digitsIn(b, from, 4) < 0) return false;
  const mo = digitsIn(b, from + 5, 2), day = digitsIn(b, from + 8, 2), h = digitsIn(b, from + 11, 2), mi = digitsIn(b, from + 14, 2), se = digitsIn(b, from + 17, 2);
  return mo >= 1 && mo <= 12 && day >= 1 && day <= 28 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && se >= 0 && se <= 59;
}

const FAST = compileFastCheck(false);
const FAST_IGNORING_UNKNOWN = compileFastCheck(true);

/** Rules that involve more than one field. */
function crossCheck(values: RecordValues, where: RecordLocation, issues: ValidationIssue[]) {
  const issue = (field: string, message: string) => issues.push({ file: where.file, line: where.line, field, message });
  const b = values[N_BENIGN] as number, h = values[N_HARMFUL] as number;
  const schedule = values[SCHEDULE] as string | null;
  if (schedule === "none" && b > 0 && h > 0)
    issue("schedule", `schedule none means one kind of demonstration, found n_benign ${b} and n_harmful ${h}; expected prefix, suffix, random, middle or interleave`);
  if (values[CUE] === "custom" && (values[CUE_TEXT] === null || values[CUE_TEXT] === ""))
    issue("format_cue_text", "format_cue custom needs the cue's text; expected a non-empty string, found nothing");
  const ids = values[DEMO_IDS] as string[] | null;
  if (ids !== null && ids.length !== b + h)
    issue("demo_ids", `expected ${b + h} ids (n_benign + n_harmful), found ${ids.length}`);
}

function expectedText(spec: FieldSpec): string {
  return makeExpected(spec);
}



function nearestField(name: string): string | null {
  let best: string | null = null, bestDistance = 3;
  for (const f of FIELD_BY_NAME.keys()) {
    const d = editDistance(name.toLowerCase(), f);
    if (d < bestDistance) { bestDistance = d; best = f; }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length];
}
