/**
 * DuckDB only: the receipt files as the relation `receipts` that the portable statements
 * (sufficient-statistics.sql.ts, analysis-cells.sql.ts) read, and the duplicate-receipt check
 * every `--engine duckdb` path runs on it. One module for fit, summarize and analyze, so that
 * the three read a file the same way: every field typed as the kit's loaders type it (a CSV
 * is read as text and cast here, since DuckDB's guess would turn a query_id "007" into the
 * number 7), and a receipt key seen twice rejected as the in-memory loader rejects it.
 * On Spark, Trino or BigQuery the receipts are a table and none of this is needed.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { DuckDBConnection } from "@duckdb/node-api";
import { restoreFormula } from "../io/csv-formula";
import { expandPaths, formatFromPath } from "../io/receipt-paths";
import { FIELD_BY_NAME, INPUT_FIELDS, type FieldSpec } from "../receipt/fields";
import { ReceiptValidationError, type ValidationIssue } from "../receipt/issues";
import { KEY_FIELDS, keyOfText, keyText } from "../receipt/key";
import { csvRecords } from "./csv-records";
import { checkClause, checksFilter, explainInvalidValue, failedCheckField, invalidValueSQL, PROBLEMS_NAMED } from "./value-checks";

export type EngineFormat = "parquet" | "jsonl" | "csv";

/** The files of paths (folders expanded), all in one format DuckDB reads. */
export async function receiptFiles(paths: readonly string[]): Promise<{ files: string[]; format: EngineFormat }> {
  const files = await expandPaths(paths);
  if (files.length === 0) throw new Error(`${paths.join(", ")}: no receipt files`);
  const formats = new Set(files.map((f) => formatFromPath(f)));
  if (formats.size !== 1) throw new Error(`engine duckdb: the files mix formats (${[...formats].join(", ")}); give files of one format`);
  const format = [...formats][0];
  if (format !== "parquet" && format !== "jsonl" && format !== "csv") throw new Error(`engine duckdb reads Parquet, JSONL or CSV files; found ${format}`);
  return { files, format };
}

/** A single-quoted SQL string literal. */
export const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * The files as one relation as DuckDB reads them, each row with its file's absolute name
 * (`filename`), and with `rowNumbers` (Parquet only) its 0-based row in the file
 * (`file_row_number`). A CSV is read as text: `receiptsRelation` types it.
 */
export function fileRelation(files: readonly string[], format: EngineFormat, rowNumbers = false): string {
  const list = `[${files.map((f) => quote(resolve(f))).join(", ")}]`;
  if (format === "parquet") return `SELECT * FROM read_parquet(${list}, union_by_name = true, filename = true${rowNumbers ? ", file_row_number = true" : ""})`;
  if (format === "jsonl") return `SELECT * FROM read_json(${list}, format = 'newline_delimited', union_by_name = true, filename = true)`;
  return `SELECT * FROM read_csv(${list}, header = true, union_by_name = true, filename = true, all_varchar = true)`;
}

/** The columns of a relation: each name with its DuckDB type (VARCHAR, BIGINT, ...). */
export async function columnsOf(connection: DuckDBConnection, relation: string): Promise<Map<string, string>> {
  const described = (await connection.runAndReadAll(`DESCRIBE ${relation}`)).getRowObjectsJS();
  return new Map(described.map((r) => [String(r.column_name), String(r.column_type)]));
}

/** The SQL type that holds a field's values as the loaders type them. */
function sqlType(spec: FieldSpec): string | null {
  return spec.kind === "integer" ? "BIGINT" : spec.kind === "number" ? "DOUBLE" : spec.kind === "boolean" ? "BOOLEAN" : spec.kind === "string" || spec.kind === "enum" ? "VARCHAR" : null;
}

/**
 * The relation `receipts` over a file relation (`fileRelation`) whose columns are `present`:
 * the given fields, every one present (an absent field is a typed NULL, as a missing field is
 * for the loader) and, from CSV (read as text), typed as the kit's CSV reader types it:
 * numbers and flags cast, text with the kit's formula neutralisation undone (csv-formula.ts:
 * a cell `'=x` the kit wrote is the string `=x`). Plus `source_file` (the file's absolute
 * name), `weightColumn` as a DOUBLE when given, and `row_number` when the file relation has
 * `file_row_number`.
 */
export function receiptsRelation(raw: string, present: ReadonlyMap<string, string>, fields: readonly string[], format: EngineFormat, weightColumn: string | null = null): string {
  const checks: string[] = [];
  const columns = [...new Set(fields)].map((f) => {
    const spec = FIELD_BY_NAME.get(f);
    if (spec === undefined || spec.derived === true || !/^[a-z_][a-z0-9_]*$/.test(f)) throw new Error(`engine duckdb: ${JSON.stringify(f)} is not a field receipt files carry (derived fields such as n_total are computed on load)`);
    const type = sqlType(spec);
    if (!present.has(f)) return `CAST(NULL AS ${type ?? "VARCHAR"}) AS ${f}`;
    // the value as the loaders check it: a bad one raises (value-checks.ts), as a strict load does
    const invalid = invalidValueSQL(spec, f, present.get(f)!, format);
    if (format !== "csv" || type === null) {
      if (invalid !== null) checks.push(checkClause(f, invalid));
      return f;
    }
    if (type !== "VARCHAR") {
      if (invalid !== null) checks.push(checkClause(f, invalid));
      return `CAST(${f} AS ${type}) AS ${f}`;
    }
    const text = `CASE WHEN regexp_matches(${f}, '^''+[=+\\-@\\t\\r]') THEN substr(${f}, 2) ELSE ${f} END`;
    // a CSV text cell is checked after the formula neutralisation is undone, as the reader checks it
    if (invalid !== null) checks.push(checkClause(f, invalidValueSQL(spec, `(${text})`, "VARCHAR", format)!));
    return `${text} AS ${f}`;
  });
  if (weightColumn !== null) {
    if (!/^[a-z_][a-z0-9_]*$/.test(weightColumn) || FIELD_BY_NAME.has(weightColumn)) throw new Error(`engine: bad column name ${JSON.stringify(weightColumn)} (lower-case letters, digits and _, not a receipt field)`);
    columns.push(`CAST(${weightColumn} AS DOUBLE) AS ${weightColumn}`);
  }
  columns.push("filename AS source_file");
  if (present.has("file_row_number")) columns.push("file_row_number AS row_number");
  return `SELECT ${columns.join(", ")} FROM (${raw}) AS raw_receipts${checksFilter(checks)}`;
}

/** Every input field (what `queryReceipts` offers an arbitrary statement). */
export const ALL_INPUT_FIELDS: readonly string[] = INPUT_FIELDS.map((f) => f.name);

/** Throw, naming the files, when one of the columns every receipt needs is absent. */
export function requireColumns(present: ReadonlyMap<string, string>, names: readonly string[], files: readonly string[]): void {
  for (const f of names) {
    if (!present.has(f)) throw new Error(`engine duckdb: ${files.length === 1 ? files[0] : `the ${files.length} files`} have no ${f} column; every receipt needs one`);
  }
}

/*
 * Duplicate receipts. The loaders reject a second receipt with the key of an earlier one
 * (KEY_FIELDS: run, model, judge, demo sources, query, condition, sample_index), naming both
 * lines; a GROUP BY would silently count it twice. The key as the loaders compare it: the
 * validated values (defaults applied) as text, a null as the empty string.
 */

/** A key field as the check compares it: its default for null, text for text fields. */
function keyExpression(f: string): string {
  const spec = FIELD_BY_NAME.get(f)!;
  if (spec.default !== undefined && spec.default !== null) return `COALESCE(${f}, ${typeof spec.default === "number" ? String(spec.default) : quote(String(spec.default))})`;
  return spec.kind === "integer" || spec.kind === "number" ? f : `COALESCE(CAST(${f} AS VARCHAR), '')`;
}

const KEY_COLUMNS = KEY_FIELDS.map((_, k) => `k${k}`);

/** How many duplicate keys an error names. */
const DUPLICATES_NAMED = 3;

/**
 * The statement finding up to `limit` receipt keys present more than once, over `receipts`
 * (which must hold the key fields). The GROUP BY is on a 64-bit hash of the key fields, one
 * column instead of thirteen (the check's extra CPU is a third to a quarter of the thirteen
 * columns', and its memory about half; figures in docs/engine.md), and a hash seen twice is
 * then compared exactly on the fields, so a collision is never taken for a duplicate.
 */
export function duplicateKeysSQL(limit = DUPLICATES_NAMED): string {
  const keyed = `keyed AS (SELECT ${KEY_FIELDS.map((f, k) => `${keyExpression(f)} AS ${KEY_COLUMNS[k]}`).join(", ")} FROM receipts)`;
  const hashed = `hashed AS (SELECT hash(${KEY_COLUMNS.join(", ")}) AS h FROM keyed)`;
  const seen = `seen_twice AS (SELECT h FROM hashed GROUP BY h HAVING COUNT(*) > 1)`;
  return `WITH ${keyed},\n${hashed},\n${seen}\n` +
    `SELECT ${KEY_COLUMNS.join(", ")}, hash(${KEY_COLUMNS.join(", ")}) AS h, COUNT(*) AS copies FROM keyed WHERE hash(${KEY_COLUMNS.join(", ")}) IN (SELECT h FROM seen_twice)\n` +
    `GROUP BY ${KEY_COLUMNS.join(", ")} HAVING COUNT(*) > 1 LIMIT ${limit}`;
}

/** The receipt key's 64-bit hash over `receipts`, as `duplicateKeysSQL` computes it. */
export function keyHashExpression(): string {
  return `hash(${KEY_FIELDS.map(keyExpression).join(", ")})`;
}

/**
 * One scan for an aggregate and the duplicate check: a plain statement `SELECT <list>
 * FROM receipts [GROUP BY <keys>]` becomes the CTE `name`, whose grouping sets are its own
 * keys and the receipt key's hash, kept where a hash is seen twice (`stats_row` 0) besides the
 * statement's own rows (`stats_row` 1). Why: on CSV and JSONL the scan is most of the cost
 * (parsing every line), and a second statement would parse the files twice. A hash seen
 * twice is only a candidate: `rejectDuplicateReceipts` then compares exactly.
 */
export function withDuplicateHashes(plain: string, name: string): string {
  const m = /^SELECT ([^]*)\nFROM receipts(?:\nGROUP BY ([^]*))?$/.exec(plain);
  if (m === null) throw new Error("engine: internal error, not a plain grouped statement");
  const sets = `SELECT ${m[1]}, COUNT(*) AS copies, GROUPING(duplicate_hash) AS stats_row\n` +
    `FROM (SELECT *, ${keyHashExpression()} AS duplicate_hash FROM receipts) AS receipts\n` +
    `GROUP BY GROUPING SETS ((${m[2] ?? ""}), (duplicate_hash))`;
  return `${name} AS MATERIALIZED (SELECT * FROM (\n${sets}\n) AS sets WHERE stats_row = 1 OR copies > 1)`;
}

/** A key field's value as the loaders' key text spells it (numbers as numbers, null as ""). */
function keyValueText(f: string, v: unknown): string {
  const spec = FIELD_BY_NAME.get(f)!;
  if (v === null || v === undefined || v === "") v = spec.default ?? null;
  if (v === null) return "";
  if ((spec.kind === "integer" || spec.kind === "number") && (typeof v === "bigint" || typeof v === "number" || (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))))) return String(Number(v));
  return String(v);
}

/** Where a receipt was read: a file as the caller gave it and a 1-based line (JSONL, CSV: the header is line 1) or row (Parquet). */
interface Location { file: string; line: number | null }

/**
 * Run the duplicate check over `receipts` (the statement is put over the relation given) in
 * the caller's DuckDB session; when a key is there twice, throw a ReceiptValidationError as
 * the in-memory loader's strict load does: at the second copy, naming the first (file and
 * line or row) and the key's values. The engine paths are strict loads (as the commands'
 * in-memory paths are): there is no non-strict mode that would keep the first copy.
 */
export async function rejectDuplicateReceipts(connection: DuckDBConnection, relation: (rowNumbers: boolean) => Promise<string>, files: readonly string[], format: EngineFormat): Promise<void> {
  let rows: Record<string, unknown>[];
  try {
    rows = (await connection.runAndReadAll(`WITH receipts AS (${await relation(false)}),\n${duplicateKeysSQL().slice("WITH ".length)}`)).getRowObjectsJS();
  } catch (e) {
    throw await explainReadError(e, files, format);
  }
  if (rows.length === 0) return;
  const keys = rows.map((r) => KEY_FIELDS.map((f, k) => keyValueText(f, r[KEY_COLUMNS[k]])));
  const texts = keys.map((values) => keyText(values));
  const found = format === "parquet" ? await parquetLocations(connection, await relation(true), texts, rows.map((r) => r.h), files) : await textLocations(files, format, texts);
  const issues: ValidationIssue[] = texts.map((text, d) => {
    const [first, second] = found.get(text) ?? [];
    // the key's values, empty ones (null) left out, numbers as numbers
    const values = KEY_FIELDS.flatMap((f, k) => {
      const v = keys[d][k], kind = FIELD_BY_NAME.get(f)!.kind;
      return v === "" ? [] : [`${f}=${kind === "integer" || kind === "number" ? v : JSON.stringify(v)}`];
    }).join(", ");
    const copies = Number(rows[d].copies);
    const where = (l: Location) => `${l.file}${l.line === null ? "" : ":" + l.line}`;
    const message = `duplicate receipt ${keyOfText(text)}: same run, model, judge, query, condition and sample_index as ${first === undefined ? "another receipt of these files" : where(first)} (${values}${copies > 2 ? `; ${copies} copies` : ""}); expected each evaluation point once`;
    return { file: second?.file ?? (files.length === 1 ? files[0] : null), line: second?.line ?? null, field: "receipt_key", message };
  });
  throw new ReceiptValidationError(issues);
}

/** The first two rows of each key (by key text) in the Parquet files, by DuckDB's file_row_number. */
async function parquetLocations(connection: DuckDBConnection, relation: string, texts: readonly string[], hashes: readonly unknown[], files: readonly string[]): Promise<Map<string, Location[]>> {
  const wanted = new Set(texts);
  const byPath = new Map(files.map((f, i) => [resolve(f), i]));
  const keyed = `SELECT ${KEY_FIELDS.map((f, k) => `${keyExpression(f)} AS ${KEY_COLUMNS[k]}`).join(", ")}, source_file, row_number FROM receipts`;
  const list = hashes.map((h) => `CAST(${BigInt(h as bigint).toString()} AS UBIGINT)`).join(", ");
  const rows = (await connection.runAndReadAll(`WITH receipts AS (${relation}), keyed AS (${keyed})\nSELECT * FROM keyed WHERE hash(${KEY_COLUMNS.join(", ")}) IN (${list})`)).getRowObjectsJS();
  // exact comparison here: a row whose hash only collides with a duplicate's is not one
  const located = rows.map((r) => ({ text: keyText(KEY_FIELDS.map((f, k) => keyValueText(f, r[KEY_COLUMNS[k]]))), file: byPath.get(String(r.source_file)) ?? -1, row: Number(r.row_number) }))
    .filter((l) => wanted.has(l.text)).sort((a, b) => a.file - b.file || a.row - b.row);
  const out = new Map<string, Location[]>();
  for (const l of located) {
    const at = out.get(l.text) ?? [];
    if (at.length < 2) at.push({ file: files[l.file] ?? "?", line: l.row + 1 });
    out.set(l.text, at);
  }
  return out;
}

/**
 * The first two lines of each key in JSONL or CSV files, read here (DuckDB numbers neither):
 * lines counted as the kit's readers count them (every line, blank ones too; a CSV record at
 * the line it starts on, the header being line 1). Runs only when there is a duplicate.
 */
async function textLocations(files: readonly string[], format: "jsonl" | "csv", texts: readonly string[]): Promise<Map<string, Location[]>> {
  const wanted = new Set(texts);
  const out = new Map<string, Location[]>();
  const note = (values: Record<string, unknown>, file: string, line: number) => {
    const text = keyText(KEY_FIELDS.map((f) => keyValueText(f, values[f])));
    if (!wanted.has(text)) return;
    const list = out.get(text) ?? [];
    if (list.length < 2) list.push({ file, line });
    out.set(text, list);
  };
  const done = () => texts.every((t) => (out.get(t)?.length ?? 0) >= 2);
  for (const file of files) {
    if (format === "jsonl") {
      let line = 0;
      for await (const text of createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity })) {
        line++;
        if (text.trim() === "") continue;
        try { note(JSON.parse(text) as Record<string, unknown>, file, line); } catch { /* a bad line: DuckDB would have failed on it */ }
        if (done()) return out;
      }
    } else {
      await csvRecords(file, (cells, header, line) => {
        const values: Record<string, unknown> = {};
        header.forEach((h, c) => { values[h] = cells[c] === undefined || cells[c] === "" ? null : restoreFormula(cells[c]); });
        note(values, file, line);
        return done();
      });
      if (done()) return out;
    }
  }
  return out;
}

/**
 * A DuckDB error from reading the files, as the loaders would put it when it is a CSV cell
 * that is not of its field's type (DuckDB's message names the column and the value, not the
 * line, and quotes the kit's SQL): found by reading the files for the first cell with that
 * value, then a ReceiptValidationError at FILE:LINE. Any other error is returned as it is.
 */
export async function explainReadError(e: unknown, files: readonly string[], format: EngineFormat): Promise<unknown> {
  const failed = failedCheckField(e);
  if (failed !== null) return explainInvalidValue(failed, files, format, (field) => parquetInvalidRows(files, field));
  const m = /Conversion Error: Could not convert string '((?:[^']|'')*)' to (\w+) when casting from source column (\w+)/.exec(String((e as Error)?.message ?? e));
  if (format !== "csv" || m === null || !FIELD_BY_NAME.has(m[3])) return e;
  const value = m[1].replace(/''/g, "'"), field = m[3];
  const expected = /INT/.test(m[2]) ? "an integer" : m[2] === "BOOL" || m[2] === "BOOLEAN" ? "true or false" : "a number";
  let at: Location | null = null;
  for (const file of files) {
    await csvRecords(file, (cells, header, line) => {
      const c = header.indexOf(field);
      if (c >= 0 && cells[c] === value) at = { file, line };
      return at !== null;
    });
    if (at !== null) break;
  }
  const where = at as Location | null;
  return new ReceiptValidationError([{
    file: where?.file ?? (files.length === 1 ? files[0] : null), line: where?.line ?? null, field,
    message: `expected ${expected}, found the string ${JSON.stringify(value)}`,
  }]);
}

/** The first rows of Parquet files whose `field` fails its value check, in file order, with their 0-based row numbers. */
async function parquetInvalidRows(files: readonly string[], field: string): Promise<{ file: string; row: number; value: unknown }[]> {
  return withConnection(async (connection) => {
    const raw = fileRelation(files, "parquet", true);
    const present = await columnsOf(connection, raw);
    const invalid = present.has(field) ? invalidValueSQL(FIELD_BY_NAME.get(field)!, field, present.get(field)!, "parquet") : null;
    if (invalid === null) return [];
    const list = `[${files.map((f) => quote(resolve(f))).join(", ")}]`;
    const rows = (await connection.runAndReadAll(`SELECT filename, file_row_number, ${field} AS v FROM (${raw}) AS raw_receipts WHERE ${invalid} ORDER BY list_position(${list}, filename), file_row_number LIMIT ${PROBLEMS_NAMED}`)).getRowObjectsJS();
    return rows.map((r) => ({ file: String(r.filename), row: Number(r.file_row_number), value: r.v }));
  });
}

/**
 * DuckDB's memory limit for the kit's statements: `RECEIPTS_DUCKDB_MEMORY_LIMIT` (any DuckDB
 * size, e.g. "4GB"), else 1 GB. Why a limit: the statistics need memory for patterns x
 * clusters, but the duplicate-key check groups every receipt's key (about 50 B a receipt);
 * with a limit DuckDB spills that grouping to temporary files instead of holding 5 GB at
 * 100M receipts, so peak memory stays bounded by the setting, not by the rows.
 */
export function duckdbMemoryLimit(env: NodeJS.ProcessEnv = process.env): string {
  const v = env.RECEIPTS_DUCKDB_MEMORY_LIMIT;
  if (v === undefined || v === "") return "1GB";
  if (!/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(v.trim())) {
    throw new Error(`RECEIPTS_DUCKDB_MEMORY_LIMIT: expected a size such as 512MB or 4GB, found ${JSON.stringify(v)}`);
  }
  return v.trim();
}

/** Open an in-memory DuckDB, run `use` on a connection, close both. */
export async function withConnection<T>(use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const spill = await mkdtemp(join(tmpdir(), "receipts-duckdb-"));
  try {
    const instance = await DuckDBInstance.create(":memory:", { memory_limit: duckdbMemoryLimit(), temp_directory: spill });
    try {
      const connection = await instance.connect();
      try {
        return await use(connection);
      } finally {
        connection.closeSync();
      }
    } finally {
      instance.closeSync();
    }
  } finally {
    await rm(spill, { recursive: true, force: true });
  }
}

export interface CheckedReceiptsOptions {
  /** The rows are cells, each standing for this column's receipts: no receipt keys to check. */
  readonly weightColumn?: string | null;
  /**
   * The caller can find candidate duplicates in its own scan (`withDuplicateHashes`) and call
   * the returned `rejectDuplicates` when there are some: done for CSV and JSONL (`inScan`
   * true), where parsing the files is most of a scan's cost, so that they are parsed once.
   * Parquet is checked here, by a scan of its own: reading the key columns a second time
   * costs less than a grouping set in the caller's aggregation (docs/engine.md has figures).
   * Default false: always checked here.
   */
  readonly duplicatesInScan?: boolean;
}

/**
 * The relation `receipts` over the files with `fields` typed (`receiptsRelation`), after the
 * checks a strict load makes before any statistic: the columns every receipt needs are there,
 * and no receipt key is there twice (`rejectDuplicateReceipts`; with `inScan`, left to the
 * caller's statement). `present`: the files' columns.
 */
export async function checkedReceipts(connection: DuckDBConnection, files: readonly string[], format: EngineFormat, fields: readonly string[], options: CheckedReceiptsOptions = {}): Promise<{ relation: string; present: ReadonlyMap<string, string>; inScan: boolean; rejectDuplicates: () => Promise<void> }> {
  const weightColumn = options.weightColumn ?? null;
  const raw = fileRelation(files, format);
  const present = await columnsOf(connection, raw);
  const required = INPUT_FIELDS.filter((f) => f.required && (fields.includes(f.name) || weightColumn === null)).map((f) => f.name);
  requireColumns(present, [...new Set(["n_benign", "n_harmful", "judge_label", ...required, ...(weightColumn === null ? [] : [weightColumn])])], files);
  const inScan = options.duplicatesInScan === true && weightColumn === null && format !== "parquet";
  const relation = receiptsRelation(raw, present, inScan ? [...fields, ...KEY_FIELDS] : fields, format, weightColumn);
  const keyed = (rowNumbers: boolean) => {
    const from = fileRelation(files, format, rowNumbers && format === "parquet");
    return receiptsRelation(from, rowNumbers && format === "parquet" ? new Map([...present, ["file_row_number", "BIGINT"]]) : present, KEY_FIELDS, format);
  };
  const rejectDuplicates = () => rejectDuplicateReceipts(connection, async (rowNumbers) => keyed(rowNumbers), files, format);
  if (weightColumn === null && !inScan) await rejectDuplicates();
  return { relation, present, inScan, rejectDuplicates };
}
