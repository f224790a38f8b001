/**
 * DuckDB only: the value checks a strict load makes, made inside the engine's scan, so that
 * `fit`, `summarize` and `analyze --engine duckdb` refuse what `loadReceipts` refuses instead
 * of counting it. Without them a judge_label "maybe" was counted as a refusal, a CSV n_harmful
 * "2.5" was cast to 3, and a negative count surfaced as a NaN in the fit.
 *
 * How: the relation the statements read filters its rows by `CASE WHEN <field 1 invalid> THEN
 * error(tag 1) WHEN ... ELSE TRUE END` over every field it carries (`checksFilter`), so the
 * check costs no scan of its own and is not pruned away (a filter always runs). The SQL decides only *that* a value is bad; when
 * DuckDB raises the tag, `explainInvalidValue` reads the files for the offending rows and words
 * each problem with the loaders' own checker (receipt/check-value.ts), at FILE:LINE, so the
 * message is the one a strict load gives. Rules across fields (schedule none with both kinds of
 * demonstration, ...) and timestamps are left to the loaders: no statement reads them.
 */
import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { expectedOf, makeChecker } from "../receipt/check-value";
import { FIELD_BY_NAME, type FieldSpec } from "../receipt/fields";
import { ReceiptValidationError, type ValidationIssue } from "../receipt/issues";
import { csvRecords } from "./csv-records";

export type CheckedFormat = "parquet" | "jsonl" | "csv";

/** The tag a failed check raises, with the field's name after it. */
const TAG = "receipts-invalid-value:";

/** How many problems an error names at most (the rows are read again to find them). */
export const PROBLEMS_NAMED = 20;

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** White space as JavaScript's String.prototype.trim sees it, for RE2 (DuckDB's regexps). */
const BLANK = "^[\\s\\x{00A0}\\x{FEFF}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{000B}]*$";

function isNumericType(t: string): boolean {
  return /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/.test(t);
}

/**
 * SQL that is true when `v` (a column of DuckDB type `type`, text for CSV) is a value the
 * loaders would refuse for `spec`, or null when nothing is checked in SQL for this kind.
 * A column whose type cannot hold the field's values (a JSONL n_benign DuckDB read as VARCHAR
 * because one line has a string there) fails on its first non-null value; the rows are then
 * read by the kit to find which values are wrong.
 */
export function invalidValueSQL(spec: FieldSpec, v: string, type: string, format: CheckedFormat): string | null {
  const nullIsBad = spec.required && (spec.default === undefined || spec.default === null);
  const wrong = (valueBad: string) => (nullIsBad ? `(${v} IS NULL OR ${valueBad})` : `(${v} IS NOT NULL AND ${valueBad})`);
  const asText = format === "csv" || type === "VARCHAR";
  switch (spec.kind) {
    case "integer":
    case "number": {
      if (format !== "csv" && !isNumericType(type) && type !== '"NULL"' && type !== "NULL") return wrong("TRUE");
      // An integer column (Parquet, JSONL of whole numbers) needs only its range: no cast, no
      // fraction or infinity to look for. This is the common case and the cheap one (at 100M
      // receipts every operation here is 100M operations).
      const integerType = /^U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?$/.test(type) && format !== "csv";
      if (integerType && spec.kind === "integer") {
        const bounds: string[] = [];
        const min = spec.minimum ?? (spec.wideInteger ? -9007199254740991 : -2147483648);
        const max = spec.maximum ?? (spec.wideInteger ? 9007199254740991 : 2147483647);
        bounds.push(`${v} < ${min}`, `${v} > ${max}`);
        return wrong(`(${bounds.join(" OR ")})`);
      }
      const n = format === "csv" ? `TRY_CAST(${v} AS DOUBLE)` : `CAST(${v} AS DOUBLE)`;
      const ok = [`${n} IS NOT NULL`, `isfinite(${n})`];
      if (format === "csv") ok.push(`regexp_full_match(trim(${v}), '[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?')`);
      if (spec.kind === "integer") {
        ok.push(`${n} = floor(${n})`);
        ok.push(spec.wideInteger ? `abs(${n}) <= 9007199254740991` : `${n} BETWEEN -2147483648 AND 2147483647`);
      }
      if (spec.minimum !== undefined) ok.push(`${n} >= ${spec.minimum}`);
      if (spec.maximum !== undefined) ok.push(`${n} <= ${spec.maximum}`);
      return wrong(`NOT (${ok.join(" AND ")})`);
    }
    case "enum":
      if (!asText) return wrong("TRUE");
      return wrong(`${v} NOT IN (${spec.values!.map(quote).join(", ")})`);
    case "string": {
      if (!asText) return wrong("TRUE");
      const checks: string[] = [];
      if (spec.pattern) checks.push(`NOT regexp_full_match(${v}, ${quote(spec.pattern)})`);
      // blank: only a value starting with white space (or empty) can be, so the regexp runs on those alone
      else if (spec.required) checks.push(`((ascii(${v}) <= 32 OR ascii(${v}) >= 160) AND regexp_full_match(${v}, ${quote(BLANK)}))`);
      return checks.length === 0 ? (nullIsBad ? `(${v} IS NULL)` : null) : wrong(checks.join(" OR "));
    }
    case "boolean":
      if (format === "csv") return wrong(`lower(${v}) NOT IN ('true', 'false')`);
      return type === "BOOLEAN" ? (nullIsBad ? `(${v} IS NULL)` : null) : wrong("TRUE");
    default:
      return null;
  }
}

/** One field's check, a branch of `checksFilter`'s CASE: DuckDB raises the tag when `invalid` holds. */
export function checkClause(field: string, invalid: string): string {
  return `WHEN ${invalid} THEN error(${quote(TAG + field)})`;
}

/**
 * The WHERE clause that runs the checks on every row (or nothing when there are none): a
 * filter that is true for every good row and raises on the first bad one. Why a filter and
 * not each column wrapped in its own CASE: a wrapped column is a computed one, and DuckDB then
 * groups by flat copies of it instead of the Parquet reader's dictionary and run-length
 * vectors; at 100M receipts the wrapped form cost the fit 50% more CPU.
 */
export function checksFilter(clauses: readonly string[]): string {
  return clauses.length === 0 ? "" : ` WHERE CASE ${clauses.join(" ")} ELSE TRUE END`;
}

/** The field whose check failed, when `e` is a failed check's error; else null. */
export function failedCheckField(e: unknown): string | null {
  const m = new RegExp(`${TAG}([a-z_][a-z0-9_]*)`).exec(String((e as Error)?.message ?? e));
  return m !== null && FIELD_BY_NAME.has(m[1]) ? m[1] : null;
}

/** A value as the loaders see it: a DuckDB BIGINT (bigint in JavaScript) as a number. */
function loaderValue(v: unknown): unknown {
  return typeof v === "bigint" ? Number(v) : v;
}

/** The loaders' wording for one value of `spec`, or null when they accept it. */
function problemOf(spec: FieldSpec, v: unknown, check: (v: unknown) => string | null): string | null {
  if (v === null || v === undefined) {
    if (!spec.required || (spec.default !== undefined && spec.default !== null)) return null;
    return `required field is ${v === null ? "null" : "missing"}; expected ${expectedOf(spec)}`;
  }
  return check(v);
}

/** A row source for `explainInvalidValue` on Parquet: the rows where the field's check fails, with their 0-based row numbers. */
export type ParquetRowsOf = (field: string) => Promise<{ file: string; row: number; value: unknown }[]>;

/**
 * The error a strict load gives for the files' bad values of `field` (the first
 * PROBLEMS_NAMED, in file order), found by reading the rows again: JSONL and CSV here, line
 * by line as the loaders count lines; Parquet through `parquetRows` (DuckDB with the files'
 * row numbers). Runs only after a check failed.
 */
export async function explainInvalidValue(field: string, files: readonly string[], format: CheckedFormat, parquetRows: ParquetRowsOf): Promise<ReceiptValidationError> {
  const spec = FIELD_BY_NAME.get(field)!;
  const check = makeChecker(spec);
  const issues: ValidationIssue[] = [];
  const note = (file: string, line: number, v: unknown): boolean => {
    const message = problemOf(spec, loaderValue(v), check);
    if (message !== null) issues.push({ file, line, field, message });
    return issues.length >= PROBLEMS_NAMED;
  };
  if (format === "parquet") {
    const byPath = new Map(files.map((f) => [resolve(f), f]));
    for (const r of await parquetRows(field)) if (note(byPath.get(r.file) ?? r.file, r.row + 1, r.value)) break;
  } else {
    for (const file of files) {
      if (format === "jsonl" ? await jsonlValues(file, field, (line, v) => note(file, line, v)) : await csvValues(file, spec, (line, v) => note(file, line, v))) break;
    }
  }
  if (issues.length === 0) {
    // The SQL check and the loaders' disagree: say so rather than guess a line.
    issues.push({ file: files.length === 1 ? files[0] : null, line: null, field, message: `DuckDB's check found a value the loaders would refuse (expected ${expectedOf(spec)}), but reading the files did not find it; load the files with the in-memory engine to see it` });
  }
  return new ReceiptValidationError(issues);
}

/** Each JSONL line's value of `field` (missing: undefined), lines counted as the loaders count them; true when `each` asked to stop. */
async function jsonlValues(file: string, field: string, each: (line: number, v: unknown) => boolean): Promise<boolean> {
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity })) {
    line++;
    if (text.trim() === "") continue;
    let record: unknown;
    try { record = JSON.parse(text); } catch { continue; /* not JSON: DuckDB would have failed on it */ }
    if (record === null || typeof record !== "object" || Array.isArray(record)) continue;
    if (each(line, (record as Record<string, unknown>)[field])) return true;
  }
  return false;
}

/** Each CSV record's cell of `spec`'s field, typed as the kit's CSV reader types it; true when `each` asked to stop. */
async function csvValues(file: string, spec: FieldSpec, each: (line: number, v: unknown) => boolean): Promise<boolean> {
  // loaded here, on the error path only: `fit --engine duckdb` loads no reader
  const { typedCSVCell } = await import("../io/csv");
  let stopped = false;
  await csvRecords(file, (cells, header, line) => {
    const c = header.indexOf(spec.name);
    if (c < 0) return false;
    const cell = cells[c] ?? "";
    stopped = each(line, typedCSVCell(spec, { value: cell, quoted: false }));
    return stopped;
  });
  return stopped;
}
