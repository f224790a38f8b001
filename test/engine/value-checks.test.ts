/**
 * `--engine duckdb` refuses the values a strict load refuses (src/engine/value-checks.ts),
 * with the same FILE:LINE: field: message: before these checks a judge_label "maybe" was
 * counted as a refusal, a CSV n_harmful "2.5" was cast to 3, and a negative count reached the
 * fit as a NaN. The reference each time is the in-memory loader's error on the same file.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { analysisCellsFromFiles } from "../../src/engine/analysis-cells";
import { complianceTableFromFiles, countDataByGroup } from "../../src/engine/duckdb";
import { withConnection } from "../../src/engine/receipt-relation";
import { invalidValueSQL } from "../../src/engine/value-checks";
import { fromRecords, loadReceipts, saveReceipts } from "../../src/io/load";
import { FIELD_BY_NAME } from "../../src/receipt/fields";
import { ReceiptValidationError, type ValidationIssue } from "../../src/receipt/issues";
import { benchReceipt } from "../../bench/receipt-generator";
import { tempDir } from "../temp-dir";

const dir = tempDir("receipts-value-checks-");

/** 3,000 good receipts (the bench generator's), as plain records. */
function goodRecords(): Record<string, unknown>[] {
  return Array.from({ length: 3000 }, (_, i) => ({ ...(benchReceipt(i) as unknown as Record<string, unknown>) }));
}

/** The error a promise rejects with, which must be a ReceiptValidationError. */
async function validationError(p: Promise<unknown>, what: string): Promise<readonly ValidationIssue[]> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ReceiptValidationError, `${what}: expected a ReceiptValidationError, got ${String((e as Error)?.message ?? e)}`);
    return e.issues;
  }
  assert.fail(`${what}: the bad value was accepted`);
}

/** What the in-memory strict loader says about the file: the reference. */
async function memoryIssues(path: string): Promise<readonly ValidationIssue[]> {
  return validationError(loadReceipts(path, { strict: true }), `loadReceipts ${path}`);
}

const same = (a: ValidationIssue): unknown => ({ file: a.file, line: a.line, field: a.field, message: a.message });

/** Every engine path must give the loader's first issue (same file, line, field, wording). */
async function assertEngineRefuses(path: string, field: string): Promise<void> {
  const want = (await memoryIssues(path))[0];
  assert.equal(want.field, field, `the loader's issue is about ${field}: ${want.message}`);
  const paths: [string, () => Promise<unknown>][] = [
    ["countDataByGroup", () => countDataByGroup([path], ["model"], "query_id")],
    ["complianceTableFromFiles", () => complianceTableFromFiles([path], ["model", "judge"])],
    ["analysisCellsFromFiles", () => analysisCellsFromFiles([path])],
  ];
  for (const [name, run] of paths) {
    const got = await validationError(run(), `${name} on ${path}`);
    assert.deepEqual(same(got[0]), same(want), `${name}: ${got[0].file}:${got[0].line}: ${got[0].field}: ${got[0].message}`);
  }
}

/** Records with one receipt's field set to a bad value, written as JSONL. */
function jsonlWith(name: string, row: number, field: string, value: unknown): string {
  const records = goodRecords();
  records[row] = { ...records[row], [field]: value };
  if (value === undefined) delete records[row][field];
  const path = join(dir, `${name}.jsonl`);
  writeFileSync(path, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return path;
}

const BAD_VALUES: [string, string, unknown][] = [
  ["negative-count", "n_benign", -3],
  ["fraction-count", "n_harmful", 2.5],
  ["unknown-label", "judge_label", "maybe"],
  ["blank-model", "model", "  "],
  ["null-model", "model", null],
  ["string-count", "n_benign", "4"],
  ["count-beyond-32-bits", "n_harmful", 2 ** 33],
  // one number among strings: DuckDB reads the column as JSON, which no text field accepts
  ["number-query-id", "query_id", 7],
];

for (const [name, field, value] of BAD_VALUES) {
  test(`JSONL: ${name} (${field} ${JSON.stringify(value)}) is refused as the loader refuses it`, async () => {
    await assertEngineRefuses(jsonlWith(name, 1234, field, value), field);
  });
}

test("JSONL: every bad value of the field is named, at its line, up to the first 20", async () => {
  const records = goodRecords();
  for (const row of [10, 500, 2999]) records[row] = { ...records[row], judge_label: row === 500 ? "yes" : "maybe" };
  const path = join(dir, "three-bad.jsonl");
  writeFileSync(path, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const got = await validationError(countDataByGroup([path], ["model"], null), "three bad labels");
  assert.deepEqual(got.map((i) => [i.line, i.field]), [[11, "judge_label"], [501, "judge_label"], [3000, "judge_label"]]);
  assert.match(got[1].message, /found the string "yes"/);
});

/** The good receipts as a CSV written by the kit, then one cell replaced in its text. */
async function csvWith(name: string, row: number, field: string, cell: string): Promise<string> {
  const path = join(dir, `${name}.csv`);
  await saveReceipts(fromRecords(goodRecords()), path);
  const lines = readFileSync(path, "utf8").split("\n");
  const header = lines[0].split(",");
  const c = header.indexOf(field);
  assert.ok(c >= 0, `${field} is a column`);
  const cells = csvCells(lines[row + 1]);
  assert.equal(cells.length, header.length, "the line's cells");
  cells[c] = cell;
  lines[row + 1] = cells.join(",");
  writeFileSync(path, lines.join("\n"));
  return path;
}

/** A CSV line's cells as written (quoted ones keep their quotes), for a line without line breaks in cells. */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let at = 0;
  while (at <= line.length) {
    let end = at;
    if (line[at] === '"') {
      end = at + 1;
      while (end < line.length && !(line[end] === '"' && line[end + 1] !== '"')) end += line[end] === '"' ? 2 : 1;
      end++;
    }
    const comma = line.indexOf(",", end);
    const stop = comma < 0 ? line.length : comma;
    cells.push(line.slice(at, stop));
    at = stop + 1;
  }
  return cells;
}

const BAD_CELLS: [string, string, string][] = [
  ["csv-negative-count", "n_benign", "-3"],
  ["csv-fraction-count", "n_harmful", "2.5"],
  ["csv-unknown-label", "judge_label", "maybe"],
  ["csv-word-count", "n_benign", "four"],
];

for (const [name, field, cell] of BAD_CELLS) {
  test(`CSV: ${name} (${field} ${cell}) is refused as the CSV reader refuses it, not cast`, async () => {
    await assertEngineRefuses(await csvWith(name, 777, field, cell), field);
  });
}

test("Parquet (written by DuckDB, so with any value): a bad count and an unknown label are refused at their rows", async () => {
  for (const [name, field, value] of [["pq-negative", "n_benign", -3], ["pq-label", "judge_label", "maybe"], ["pq-fraction", "n_harmful", 2.5]] as const) {
    const source = jsonlWith(`${name}-source`, 2500, field, value);
    const path = join(dir, `${name}.parquet`);
    // created_at left out: DuckDB would read it as a TIMESTAMP, which the kit's Parquet loader refuses
    await withConnection((c) => c.run(`COPY (SELECT * EXCLUDE (created_at) FROM read_json('${source}', format = 'newline_delimited')) TO '${path}' (FORMAT parquet)`));
    const got = await validationError(countDataByGroup([path], ["model"], "query_id"), name);
    assert.equal(got[0].field, field);
    assert.equal(got[0].line, 2501, "row 2,500 (0-based) is the 2,501st");
    assert.equal(got[0].file, path);
    const want = (await memoryIssues(path)).find((i) => i.field === field)!;
    assert.equal(got[0].message, want.message, "the loader's wording");
  }
});

test("invalidValueSQL: what each kind checks, and nothing for kinds no statement reads", () => {
  const spec = FIELD_BY_NAME.get("n_benign")!;
  // an integer column: its range alone (no cast: the cheap case, every Parquet count)
  assert.equal(invalidValueSQL(spec, "n_benign", "BIGINT", "jsonl"), "(n_benign IS NULL OR (n_benign < 0 OR n_benign > 2147483647))");
  // a DOUBLE column (a JSONL count written 2.5 somewhere): fractions and infinities too
  const nb = invalidValueSQL(spec, "n_benign", "DOUBLE", "jsonl")!;
  assert.match(nb, /IS NULL OR/, "a required count may not be null");
  assert.match(nb, />= 0/);
  assert.match(nb, /floor/);
  assert.match(nb, /isfinite/);
  assert.equal(invalidValueSQL(FIELD_BY_NAME.get("n_benign")!, "n_benign", "VARCHAR", "jsonl"), "(n_benign IS NULL OR TRUE)", "a text column cannot hold a count");
  assert.equal(invalidValueSQL(FIELD_BY_NAME.get("created_at")!, "created_at", "VARCHAR", "jsonl"), null);
  assert.equal(invalidValueSQL(FIELD_BY_NAME.get("query_id")!, "query_id", "VARCHAR", "parquet"), null, "an optional free-text field has nothing to check");
});
