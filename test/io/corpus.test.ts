/**
 * The malformed-input corpus: one small file a case (test/io/corpus/), each with the exact
 * issues non-strict loading must report, the rows it must keep, and the first issue strict
 * loading must throw. Binary cases come from corpus/make-binary-cases.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fromJSONL } from "../../src/io/jsonl";
import { loadReceipts, type LoadReceiptsOptions } from "../../src/io/load";
import { formatIssue, ReceiptValidationError, type ValidationIssue } from "../../src/receipt/issues";

const DIR = join(__dirname, "corpus");

/** [file (relative to the corpus, or the case's first file), line, field, message substring] */
type Expected = [string, number | null, string | null, string];

interface Case {
  readonly files: readonly string[];
  readonly issues: readonly Expected[];
  /** query_id of the rows kept, in order (null for a row without one). */
  readonly kept: readonly (string | null)[];
  /** Load options (size limits) besides strict. */
  readonly options?: LoadReceiptsOptions;
}

const DATE = "expected an ISO 8601 timestamp with time zone, like 2026-06-18T12:00:00Z, found the string ";
const UTF8 = "expected UTF-8 text (it would otherwise become U+FFFD)";
const LONE = "(half of a UTF-16 pair without the other half); expected a whole character, as a pair like \\ud83d\\ude00 or as UTF-8 (it would otherwise become U+FFFD)";
const TWICE = "appears twice in one object; expected each field once (a JSON parser would silently keep the last value)";
const DERIVED = "expected that or the field left out (it is computed on load)";

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

  // Byte-level classes of issue 13 (files from corpus/make-byte-cases.ts).
  "invalid UTF-8 in a value": { files: ["invalid-utf8.jsonl"], kept: ["q1", "q3"], issues: [["invalid-utf8.jsonl", 2, "response", `invalid UTF-8: byte 0xE9 at byte 4 of the value; ${UTF8}`]] },
  "invalid UTF-8 in a field name": { files: ["invalid-utf8-in-key.jsonl"], kept: ["q2"], issues: [["invalid-utf8-in-key.jsonl", 1, null, `invalid UTF-8: byte 0xFF at byte 2 of the field name; ${UTF8}`]] },
  "overlong UTF-8 encoding": { files: ["overlong-utf8.jsonl"], kept: [], issues: [["overlong-utf8.jsonl", 1, "response", `invalid UTF-8: byte 0xC0 at byte 2 of the value; ${UTF8}`]] },
  "escaped lone high surrogate": { files: ["lone-high-surrogate.jsonl"], kept: ["q1"], issues: [["lone-high-surrogate.jsonl", 2, "response", `escaped lone surrogate \\ud83d ${LONE}`]] },
  "escaped lone low surrogate (a pair is fine)": { files: ["lone-low-surrogate.jsonl"], kept: ["q2"], issues: [["lone-low-surrogate.jsonl", 1, "response", `escaped lone surrogate \\ude00 ${LONE}`]] },
  "lone surrogate in an unknown field": { files: ["surrogate-in-unknown-field.jsonl"], kept: [], issues: [["surrogate-in-unknown-field.jsonl", 1, "notes", `escaped lone surrogate \\udc00 ${LONE}`]] },
  "key repeated in one object": { files: ["repeated-key.jsonl"], kept: ["q2"], issues: [["repeated-key.jsonl", 1, "model", `the key "model" ${TWICE}`]] },
  "key repeated, once escaped": { files: ["repeated-key-escaped.jsonl"], kept: [], issues: [["repeated-key-escaped.jsonl", 1, "model", `the key "model" ${TWICE}`]] },
  "unknown key repeated": { files: ["repeated-unknown-key.jsonl"], kept: [], issues: [["repeated-unknown-key.jsonl", 1, "note", `the key "note" ${TWICE}`]] },
  "escaped field name": { files: ["escaped-field-name.jsonl"], kept: ["q1"], issues: [] },
  "CR-only line endings, JSONL": { files: ["cr-only.jsonl"], kept: ["q1", "q2", "q3"], issues: [] },
  "CR-only line endings with a bad line": { files: ["cr-only-bad-line.jsonl"], kept: ["q1", "q3"], issues: [["cr-only-bad-line.jsonl", 2, null, "bad JSON: Expected double-quoted property name in JSON at position 16; expected one JSON object per line"]] },
  "LF, CRLF and CR mixed, last line without one": { files: ["mixed-line-endings.jsonl"], kept: ["q1", "q2", "q3", "q4"], issues: [] },
  "100,000-character field name, echoed cut": {
    files: ["long-field-name.jsonl"], kept: [],
    issues: [["long-field-name.jsonl", 1, "x".repeat(48) + "... (100,000 characters)", 'unknown field; pass unknownFields: "ignore" to drop fields the schema does not declare']],
  },
  "line over maxLineBytes": {
    files: ["long-line.jsonl"], kept: ["q1", "q3"], options: { maxLineBytes: 1000 },
    issues: [["long-line.jsonl", 2, null, "line longer than the limit of 1,000 bytes (maxLineBytes): found no line end within it; expected one receipt a line"]],
  },
  "line over maxLineBytes, read whole": {
    files: ["medium-line.jsonl"], kept: ["q2"], options: { maxLineBytes: 500 },
    issues: [["medium-line.jsonl", 1, null, "line longer than the limit of 500 bytes (maxLineBytes): found 756 bytes; expected one receipt a line (raise maxLineBytes if such receipts are real)"]],
  },
  "value over maxFieldBytes": {
    files: ["long-field.jsonl"], kept: ["q2"], options: { maxFieldBytes: 100 },
    issues: [["long-field.jsonl", 1, "response", "value of 300 bytes is longer than the limit of 100 bytes (maxFieldBytes); expected a shorter value, or raise maxFieldBytes"]],
  },
  "NUL byte in a line": { files: ["nul-byte.jsonl"], kept: ["q1", "q3"], issues: [["nul-byte.jsonl", 2, null, "NUL byte at byte 21 of the line: binary data, not JSON text; expected one JSON object per line"]] },
  "only NUL bytes (like /dev/zero): stops at the limit": {
    files: ["zeros.jsonl"], kept: [], options: { maxLineBytes: 1000 },
    issues: [
      ["zeros.jsonl", 1, null, "line longer than the limit of 1,000 bytes (maxLineBytes): found no line end within it"],
      ["zeros.jsonl", 1, null, "NUL bytes and no line end in more than 1,000 bytes: binary data, not JSON Lines; stopped reading this file"],
    ],
  },
  "impossible date": { files: ["impossible-date.jsonl"], kept: [], issues: [["impossible-date.jsonl", 1, "created_at", `${DATE}"2026-02-30T12:00:00Z": 2026-02 has no day 30 (it has 28)`]] },
  "29 February only in leap years": { files: ["leap-day.jsonl"], kept: ["q1"], issues: [["leap-day.jsonl", 2, "created_at", `${DATE}"2027-02-29T12:00:00Z": 2027-02 has no day 29 (it has 28)`]] },
  "impossible time of day": { files: ["impossible-time.jsonl"], kept: [], issues: [["impossible-time.jsonl", 1, "created_at", `${DATE}"2026-06-18T24:30:00+02:00"`]] },
  "timestamp without a time zone": { files: ["timestamp-without-zone.jsonl"], kept: [], issues: [["timestamp-without-zone.jsonl", 1, "created_at", `${DATE}"2026-06-18T12:00:00"`]] },
  "n_total contradicting the counts (an agreeing one is fine)": { files: ["n-total-contradicts.jsonl"], kept: ["q1"], issues: [["n-total-contradicts.jsonl", 2, "n_total", "given as 5, but n_benign 2 + n_harmful 1 = 3; expected 3 or the field left out (it is computed on load)"]] },
  "complied contradicting the label": { files: ["complied-contradicts.jsonl"], kept: ["q2"], issues: [["complied-contradicts.jsonl", 1, "complied", `given as true, but judge_label is refusal, so complied is false; ${DERIVED}`]] },
  "harmful_fraction contradicting the counts": { files: ["harmful-fraction-contradicts.jsonl"], kept: [], issues: [["harmful-fraction-contradicts.jsonl", 1, "harmful_fraction", `given as 0.5, but n_harmful 1 / (n_benign 2 + n_harmful 1) = 0.3333333333333333; ${DERIVED}`]] },
  "empty required id": { files: ["empty-id.jsonl"], kept: [], issues: [["empty-id.jsonl", 1, "run_id", "expected a non-empty identifier, found the empty string"]] },
  "white-space-only required id": { files: ["blank-id.jsonl"], kept: [], issues: [["blank-id.jsonl", 1, "model", 'expected a non-empty identifier, found only white space (the string " \\t ")']] },
  "required field null": { files: ["null-required.jsonl"], kept: [], issues: [["null-required.jsonl", 1, "judge_label", "required field is null; expected one of refusal, compliance, parse_error"]] },
  "text after the object": { files: ["trailing-garbage.jsonl"], kept: [], issues: [["trailing-garbage.jsonl", 1, null, "bad JSON: Unexpected non-whitespace character after JSON at position 143; expected one JSON object per line"]] },
  "two objects on one line": { files: ["two-objects-one-line.jsonl"], kept: [], issues: [["two-objects-one-line.jsonl", 1, null, "bad JSON: Unexpected non-whitespace character after JSON at position 142"]] },
  "a number for a receipt": { files: ["scalar-line.jsonl"], kept: [], issues: [["scalar-line.jsonl", 1, null, "expected a JSON object (one receipt), found 42"]] },
  "a string for a receipt": { files: ["string-line.jsonl"], kept: [], issues: [["string-line.jsonl", 1, null, 'expected a JSON object (one receipt), found the string "a receipt"']] },
  "null for a receipt": { files: ["null-line.jsonl"], kept: [], issues: [["null-line.jsonl", 1, null, "expected a JSON object (one receipt), found null"]] },
  "raw tab inside a string": { files: ["raw-tab-in-string.jsonl"], kept: [], issues: [["raw-tab-in-string.jsonl", 1, null, "bad JSON: Bad control character in string literal in JSON at position 155"]] },
  "single quotes": { files: ["single-quotes.jsonl"], kept: [], issues: [["single-quotes.jsonl", 1, null, "bad JSON: Expected property name or '}' in JSON at position 1"]] },
  "trailing comma": { files: ["trailing-comma.jsonl"], kept: [], issues: [["trailing-comma.jsonl", 1, null, "bad JSON: Expected double-quoted property name in JSON at position 142"]] },
  "number with a leading zero": { files: ["leading-zero.jsonl"], kept: [], issues: [["leading-zero.jsonl", 1, null, "bad JSON: Unexpected number in JSON at position 60"]] },
  "exponent beyond float range": { files: ["huge-exponent.jsonl"], kept: [], issues: [["huge-exponent.jsonl", 1, "judge_score", "expected a finite number, found Infinity"]] },
  "string for a boolean": { files: ["wrong-boolean.jsonl"], kept: [], issues: [["wrong-boolean.jsonl", 1, "response_harmful", 'expected true or false, found the string "yes"']] },
  "integer beyond 32 bits": { files: ["int-beyond-32-bits.jsonl"], kept: [], issues: [["int-beyond-32-bits.jsonl", 1, "max_tokens", "expected an integer >= 1 that fits in 32 bits, found 3000000000"]] },
  "seed beyond 2^53": { files: ["seed-beyond-2-53.jsonl"], kept: [], issues: [["seed-beyond-2-53.jsonl", 1, "sampling_seed", "expected an integer, found 18014398509481984, beyond 2^53"]] },
  "demo_ids holding a number": { files: ["demo-ids-not-strings.jsonl"], kept: [], issues: [["demo-ids-not-strings.jsonl", 1, "demo_ids", "expected a list of strings, found 3 at position 1"]] },
  "nested unknown field": { files: ["nested-unknown-field.jsonl"], kept: [], issues: [["nested-unknown-field.jsonl", 1, "extra", 'unknown field; pass unknownFields: "ignore" to drop fields the schema does not declare']] },
  "CSV column named twice": { files: ["csv-duplicate-column.csv"], kept: [], issues: [["csv-duplicate-column.csv", 1, "model", 'column "model" appears twice in the header (columns 2 and 9); expected each field once']] },
  "CSV invalid UTF-8": { files: ["csv-invalid-utf8.csv"], kept: ["q1", "q3"], issues: [["csv-invalid-utf8.csv", 3, "response", "invalid UTF-8: byte 0xE9 is not UTF-8 text; expected UTF-8 (it would otherwise become U+FFFD)"]] },
  "CSV CR-only line endings (and a CR inside quotes)": { files: ["csv-cr-only.csv"], kept: ["q1", "q2", "q3"], issues: [] },
  "CSV NUL byte in a cell": { files: ["csv-nul-byte.csv"], kept: ["q2"], issues: [["csv-nul-byte.csv", 2, "response", "NUL byte at character 2 of the cell: binary data, not CSV text"]] },
  "CSV cell over maxFieldBytes": {
    files: ["csv-long-cell.csv"], kept: ["q2"], options: { maxFieldBytes: 100 },
    issues: [["csv-long-cell.csv", 2, "response", "value of 300 characters is longer than the limit of 100 (maxFieldBytes); expected a shorter value, or raise maxFieldBytes"]],
  },
  "CSV quote never closed, over maxLineBytes": {
    files: ["csv-endless-quote.csv"], kept: ["q1"], options: { maxLineBytes: 200 },
    issues: [["csv-endless-quote.csv", 3, null, "record of more than 200 characters (maxLineBytes); expected one receipt a line: stopped reading this file"]],
  },
  "CSV text after a closing quote": { files: ["csv-text-after-quote.csv"], kept: ["q2"], issues: [["csv-text-after-quote.csv", 2, null, 'bad CSV: found "x" after a closing quote; expected a comma or the end of the line']] },
  "CSV unknown column": { files: ["csv-unknown-column.csv"], kept: ["q1"], issues: [["csv-unknown-column.csv", 1, "colour", "unknown column; expected one of the schema's field names (see data/README.md)"]] },
  "CSV without a required column": { files: ["csv-missing-column.csv"], kept: [], issues: [["csv-missing-column.csv", 1, "judge", "missing required column judge; found columns run_id, model, n_benign, n_harmful, query_source, query_id, judge_label"]] },
  "CSV bad boolean": { files: ["csv-bad-boolean.csv"], kept: [], issues: [["csv-bad-boolean.csv", 2, "adopted_cue", 'expected true or false, found the string "yes"']] },
  "CSV impossible date": { files: ["csv-impossible-date.csv"], kept: [], issues: [["csv-impossible-date.csv", 2, "created_at", `${DATE}"2026-04-31T00:00:00Z": 2026-04 has no day 31 (it has 30)`]] },
  "CSV blank id": { files: ["csv-blank-id.csv"], kept: [], issues: [["csv-blank-id.csv", 2, "judge", 'expected a non-empty identifier, found only white space (the string "  ")']] },
};

function assertIssue(actual: ValidationIssue, [file, line, field, message]: Expected, label: string): void {
  assert.equal(actual.file, join(DIR, file), `${label}: file`);
  assert.equal(actual.line, line, `${label}: line`);
  assert.equal(actual.field, field, `${label}: field`);
  assert.ok(actual.message.includes(message), `${label}: message ${JSON.stringify(actual.message)} should contain ${JSON.stringify(message)}`);
}

test("the corpus has at least 60 kinds of bad input", () => {
  assert.ok(Object.keys(CASES).length >= 60);
});

test("an empty folder is an error, not zero receipts", async () => {
  const empty = mkdtempSync(join(tmpdir(), "receipts-empty-"));
  writeFileSync(join(empty, "notes.txt"), "not receipts");
  await assert.rejects(loadReceipts(empty), (e: unknown) => String(e).includes(`no receipt files in ${empty}: expected files ending in .jsonl`));
  await assert.rejects(loadReceipts(empty, { strict: false }), /no receipt files in/);
});

for (const [name, c] of Object.entries(CASES)) {
  const paths = c.files.map((f) => join(DIR, f));

  test(`corpus, non-strict: ${name}`, async () => {
    const table = await loadReceipts(paths, { ...c.options, strict: false });
    assert.equal(table.issues.length, c.issues.length, `issues: ${JSON.stringify(table.issues, null, 1)}`);
    c.issues.forEach((e, i) => assertIssue(table.issues[i], e, `issue ${i + 1}`));
    assert.deepEqual(table.values("query_id"), c.kept);
    assert.equal(table.sources.reduce((s, f) => s + f.issues, 0), c.issues.length);
    for (const row of table.toRows()) assert.equal(typeof row.receipt_key, "string");
  });

  test(`corpus, strict: ${name}`, async () => {
    if (c.issues.length === 0) {
      assert.equal((await loadReceipts(paths, c.options)).numRows, c.kept.length);
      return;
    }
    await assert.rejects(loadReceipts(paths, c.options), (e: unknown) => {
      assert.ok(e instanceof ReceiptValidationError, `expected a ReceiptValidationError, got ${String(e)}`);
      assertIssue(e.issues[0], c.issues[0], "first issue");
      assert.ok(e.message.includes(formatIssue(e.issues[0])), e.message);
      return true;
    });
  });
}

test("columns: fields not asked for are skipped at byte level, their JSON still checked", () => {
  const base = { run_id: "r1", model: "m1", judge: "wildguard", n_benign: 2, n_harmful: 1, query_source: "harmbench", judge_label: "refusal" };
  const line = (q: string, extra: string) => JSON.stringify({ ...base, query_id: q }).slice(0, -1) + extra + "}";
  const text = [
    line("q1", `,"response":5`), // a wrong type in a field not read is not looked at
    line("q2", `,"response":"a\\ud800"`), // a lone surrogate is found all the same
    line("q3", `,"judge_score":[1,{"x":[2,"y"]}]`), // a nested value, skipped
    line("q4", `,"response":"never closed}`), // bad JSON is bad JSON
  ].join("\n") + "\n";
  const table = fromJSONL(text, { strict: false, columns: ["model"], file: "f.jsonl" });
  assert.deepEqual(table.values("query_id"), ["q1", "q3"]);
  assert.deepEqual(table.issues.map((i) => [i.line, i.field, i.message.slice(0, 30)]), [
    [2, "response", "escaped lone surrogate \\ud800 "],
    [4, null, "bad JSON: Unterminated string "],
  ]);
  // Read in full, the same lines fail for their values.
  const full = fromJSONL(text, { strict: false });
  assert.deepEqual(full.issues.map((i) => [i.line, i.field]), [[1, "response"], [2, "response"], [3, "judge_score"], [4, null]]);
});
