/**
 * The malformed-input corpus: one small file a case (test/io/corpus/), each with the exact
 * issues non-strict loading must report, the rows it must keep, and the first issue strict
 * loading must throw. Binary cases come from corpus/make-binary-cases.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { loadReceipts } from "../../src/io/load";
import { formatIssue, ReceiptValidationError, type ValidationIssue } from "../../src/receipt/issues";

const DIR = join(__dirname, "corpus");

/** [file (relative to the corpus, or the case's first file), line, field, message substring] */
type Expected = [string, number | null, string | null, string];

interface Case {
  readonly files: readonly string[];
  readonly issues: readonly Expected[];
  /** query_id of the rows kept, in order (null for a row without one). */
  readonly kept: readonly (string | null)[];
}

const CASES: Record<string, Case> = {
  "bad JSON": { files: ["bad-json.jsonl"], kept: ["q1"], issues: [["bad-json.jsonl", 2, null, "bad JSON: "]] },
  "missing required field": { files: ["missing-required.jsonl"], kept: [], issues: [["missing-required.jsonl", 1, "judge", "required field is missing; expected a string"]] },
  "string for a count": { files: ["mistyped-count.jsonl"], kept: [], issues: [["mistyped-count.jsonl", 1, "n_benign", 'expected an integer >= 0, found the string "8"']] },
  "unknown enum value": { files: ["unknown-enum.jsonl"], kept: [], issues: [["unknown-enum.jsonl", 1, "judge_label", 'expected one of refusal, compliance, parse_error, found the string "refused"']] },
  "negative count": { files: ["negative-count.jsonl"], kept: [], issues: [["negative-count.jsonl", 1, "n_harmful", "expected an integer >= 0, found -1"]] },
  "fractional count": { files: ["fractional-count.jsonl"], kept: [], issues: [["fractional-count.jsonl", 1, "n_benign", "found the fraction 2.5"]] },
  "NaN token": { files: ["nan-token.jsonl"], kept: [], issues: [["nan-token.jsonl", 1, null, "NaN and Infinity are not JSON numbers"]] },
  "Infinity token": { files: ["infinity-token.jsonl"], kept: [], issues: [["infinity-token.jsonl", 1, null, "NaN and Infinity are not JSON numbers"]] },
  "CSV NaN cell": { files: ["nan-cell.csv"], kept: [], issues: [["nan-cell.csv", 2, "judge_score", "expected a finite number, found NaN"]] },
  "duplicate key in one file": {
    files: ["duplicate-same-file.jsonl"], kept: ["q1", "q2"],
    issues: [["duplicate-same-file.jsonl", 3, "receipt_key", "same run, model, judge, query, condition and sample_index as " + join(DIR, "duplicate-same-file.jsonl") + ":1;"]],
  },
  "duplicate key across two files": {
    files: ["duplicate-across-a.jsonl", "duplicate-across-b.jsonl"], kept: ["q7", "q8"],
    issues: [["duplicate-across-b.jsonl", 2, "receipt_key", "as " + join(DIR, "duplicate-across-a.jsonl") + ":1;"]],
  },
  "empty JSONL": { files: ["empty.jsonl"], kept: [], issues: [["empty.jsonl", null, null, "empty file: expected one receipt (a JSON object) per line, found none"]] },
  "empty CSV": { files: ["empty.csv"], kept: [], issues: [["empty.csv", null, null, "empty file: expected a header row"]] },
  "CSV header only": { files: ["header-only.csv"], kept: [], issues: [["header-only.csv", null, null, "empty file: a header row but no receipts"]] },
  "UTF-8 BOM, JSONL": { files: ["bom.jsonl"], kept: ["q1"], issues: [] },
  "UTF-8 BOM, CSV": { files: ["bom.csv"], kept: ["q1"], issues: [] },
  "CRLF, JSONL": { files: ["crlf.jsonl"], kept: ["q1", "q2"], issues: [] },
  "CRLF, CSV (and a quoted cell over two lines)": { files: ["crlf.csv"], kept: ["q1", "q2"], issues: [] },
  "truncated last line": { files: ["truncated-last-line.jsonl"], kept: ["q1"], issues: [["truncated-last-line.jsonl", 2, null, "truncated last line: not valid JSON and no newline at the end"]] },
  "blank lines between records": { files: ["blank-lines.jsonl"], kept: ["q1", "q2"], issues: [] },
  "Parquet without required columns": {
    files: ["parquet-missing-columns.parquet"], kept: [],
    issues: [["parquet-missing-columns.parquet", null, "judge", "missing required columns judge, query_source, judge_label; found columns run_id, model, n_benign, n_harmful"]],
  },
  "garbage with .arrow": { files: ["not-arrow.arrow"], kept: [], issues: [["not-arrow.arrow", null, null, "not a readable Arrow IPC file or stream"]] },
  "unknown field with a suggestion": {
    files: ["unknown-field-suggestion.jsonl"], kept: [],
    issues: [
      ["unknown-field-suggestion.jsonl", 1, "n_benign", "required field is missing"],
      ["unknown-field-suggestion.jsonl", 1, "n_bening", "unknown field (did you mean n_benign?)"],
    ],
  },
  "schedule none with both kinds": { files: ["schedule-none-mixed.jsonl"], kept: [], issues: [["schedule-none-mixed.jsonl", 1, "schedule", "schedule none means one kind of demonstration, found n_benign 2 and n_harmful 1"]] },
  "demo_ids of the wrong length": { files: ["demo-ids-length.jsonl"], kept: [], issues: [["demo-ids-length.jsonl", 1, "demo_ids", "expected 3 ids (n_benign + n_harmful), found 2"]] },
  "custom cue without text": { files: ["custom-cue-no-text.jsonl"], kept: [], issues: [["custom-cue-no-text.jsonl", 1, "format_cue_text", "format_cue custom needs the cue's text"]] },
  "bad timestamp": { files: ["bad-timestamp.jsonl"], kept: [], issues: [["bad-timestamp.jsonl", 1, "created_at", 'expected an ISO 8601 timestamp with time zone, like 2026-06-18T12:00:00Z, found the string "2026-13-45 25:61"']] },
  "bad sha256": { files: ["bad-sha256.jsonl"], kept: [], issues: [["bad-sha256.jsonl", 1, "response_sha256", 'expected a string matching /[0-9a-f]{64}/, found the string "E3B0C442"']] },
  "top_p above 1": { files: ["top-p-above-one.jsonl"], kept: [], issues: [["top-p-above-one.jsonl", 1, "top_p", "expected a finite number from 0 to 1, found 1.5"]] },
  "array instead of object": { files: ["array-not-object.jsonl"], kept: [], issues: [["array-not-object.jsonl", 1, null, "expected a JSON object (one receipt), found an array of 1"]] },
  "CSV row with the wrong number of cells": { files: ["csv-wrong-cell-count.csv"], kept: ["q1", "q3"], issues: [["csv-wrong-cell-count.csv", 3, null, "expected 8 cells as in the header, found 6"]] },
  "CSV quote never closed": { files: ["csv-unclosed-quote.csv"], kept: ["q1"], issues: [["csv-unclosed-quote.csv", 3, null, "bad CSV: a quoted cell is never closed"]] },
  "mixed good and bad rows": {
    files: ["mixed-good-bad.jsonl"], kept: ["q1", "q3", "q5"],
    issues: [
      ["mixed-good-bad.jsonl", 2, "n_benign", "expected an integer >= 0, found -3"],
      ["mixed-good-bad.jsonl", 4, null, "bad JSON: "],
      ["mixed-good-bad.jsonl", 5, "judge_label", 'found the string "maybe"'],
    ],
  },
  "canonical Arrow with bad rows (columnar path)": {
    files: ["arrow-canonical-bad-rows.arrow"], kept: ["q1", "q3", "q6"],
    issues: [
      ["arrow-canonical-bad-rows.arrow", 2, "n_harmful", "expected an integer >= 0, found -1"],
      ["arrow-canonical-bad-rows.arrow", 4, "judge_label", 'found the string "maybe"'],
      ["arrow-canonical-bad-rows.arrow", 5, "schedule", "schedule none means one kind of demonstration"],
    ],
  },
  "canonical Parquet with a duplicate and a null (columnar path)": {
    files: ["parquet-canonical-duplicate.parquet"], kept: ["q1", "q2"],
    issues: [
      ["parquet-canonical-duplicate.parquet", 3, "receipt_key", "as " + join(DIR, "parquet-canonical-duplicate.parquet") + ":1;"],
      ["parquet-canonical-duplicate.parquet", 4, "model", "required field is null; expected a string"],
    ],
  },
  "foreign Arrow types (row path)": { files: ["arrow-foreign-types.arrow"], kept: ["q1"], issues: [["arrow-foreign-types.arrow", 2, "n_benign", "found the fraction 2.5"]] },
};

function assertIssue(actual: ValidationIssue, [file, line, field, message]: Expected, label: string): void {
  assert.equal(actual.file, join(DIR, file), `${label}: file`);
  assert.equal(actual.line, line, `${label}: line`);
  assert.equal(actual.field, field, `${label}: field`);
  assert.ok(actual.message.includes(message), `${label}: message ${JSON.stringify(actual.message)} should contain ${JSON.stringify(message)}`);
}

test("the corpus has at least 24 cases", () => {
  assert.ok(Object.keys(CASES).length >= 24);
});

for (const [name, c] of Object.entries(CASES)) {
  const paths = c.files.map((f) => join(DIR, f));

  test(`corpus, non-strict: ${name}`, async () => {
    const table = await loadReceipts(paths, { strict: false });
    assert.equal(table.issues.length, c.issues.length, `issues: ${JSON.stringify(table.issues, null, 1)}`);
    c.issues.forEach((e, i) => assertIssue(table.issues[i], e, `issue ${i + 1}`));
    assert.deepEqual(table.values("query_id"), c.kept);
    assert.equal(table.sources.reduce((s, f) => s + f.issues, 0), c.issues.length);
    for (const row of table.toRows()) assert.equal(typeof row.receipt_key, "string");
  });

  test(`corpus, strict: ${name}`, async () => {
    if (c.issues.length === 0) {
      assert.equal((await loadReceipts(paths)).numRows, c.kept.length);
      return;
    }
    await assert.rejects(loadReceipts(paths), (e: unknown) => {
      assert.ok(e instanceof ReceiptValidationError, `expected a ReceiptValidationError, got ${String(e)}`);
      assertIssue(e.issues[0], c.issues[0], "first issue");
      assert.ok(e.message.includes(formatIssue(e.issues[0])), e.message);
      return true;
    });
  });
}
