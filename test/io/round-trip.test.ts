/**
 * Every format keeps every field and value: nulls in each optional field, lists (empty only
 * when there are no demonstrations), unicode, separators inside strings, extreme numbers,
 * and the empty string kept apart from null.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fromArrow, toArrow } from "../../src/io/arrow-ipc";
import { fromCSV, toCSV } from "../../src/io/csv";
import { fromJSONL, toJSONL } from "../../src/io/jsonl";
import { fromDataFrame, fromRecords } from "../../src/io/load";
import { fromParquet, toParquet } from "../../src/io/parquet";
import type { ReceiptTable } from "../../src/io/receipt-table";

const REQUIRED = { run_id: "r1", model: "m1", judge: "wildguard", query_source: "harmbench", judge_label: "refusal" };
const FULL = {
  ...REQUIRED, model_family: "fam", training_stage: "dpo",
  system_prompt_sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  temperature: 0.7, top_p: 0.95, max_tokens: 512, sampling_seed: 2 ** 53 - 1, judge_version: "v1",
  harmful_demo_source: "redteam-2k", benign_demo_source: "ultrachat", truncation_chars: 0,
  n_benign: 2, n_harmful: 1, schedule: "suffix", format_cue: "custom", format_cue_text: "Sure, \"here\", goes:\n",
  sample_index: 3, composition_seed: -(2 ** 53 - 1), demo_ids: ["b,1", "b\"2\"", "h 3 🚀"],
  query_id: "007", query_category: "化学", judge_score: 5e-324, judge_raw: "line one\r\nline two, \"quoted\"",
  reference_label: "compliance", response_harmful: false, adopted_cue: true, response: "مرحبا 👋 日本語, \"quotes\", commas\nnewline",
  response_sha256: "0".repeat(64), finish_reason: "stop", latency_ms: 1.7976931348623157e308, created_at: "2026-06-18T12:00:00.123+02:00",
  label_map: "C=compliance,I=refusal,>=0.5=compliance", source_metadata: "{\"tool\":\"inspect\",\"metadata\":{\"note\":\"a, \\\"quoted\\\" ünïcode\"}}",
};

const RECORDS = [
  FULL,
  { ...REQUIRED, n_benign: 0, n_harmful: 0 },
  { ...REQUIRED, n_benign: 0, n_harmful: 0, query_id: "q-empty", demo_ids: [], response: "", judge_raw: "", format_cue_text: "", query_category: "", schedule: "none" },
  { ...REQUIRED, n_benign: 0, n_harmful: 4, query_id: " padded ", judge_label: "parse_error", judge_score: -1e-300, temperature: 0, response: "true", finish_reason: "", response_harmful: true, adopted_cue: false, sampling_seed: 0 },
  { ...REQUIRED, n_benign: 1, n_harmful: 0, query_id: "q-seed", judge_label: "compliance", sampling_seed: -(2 ** 31), composition_seed: 2 ** 40 + 1, demo_ids: ["only"], response: "NaN", model_family: "null" },
];

type Format = "jsonl" | "csv" | "arrow" | "parquet";
const WRITE: Record<Format, (t: ReceiptTable) => string | Uint8Array> = { jsonl: toJSONL, csv: toCSV, arrow: toArrow, parquet: (t) => toParquet(t) };
const READ: Record<Format, (x: any) => ReceiptTable> = { jsonl: (x) => fromJSONL(x), csv: (x) => fromCSV(x), arrow: (x) => fromArrow(x), parquet: (x) => fromParquet(x) };
const FORMATS = Object.keys(WRITE) as Format[];

const original = fromRecords(RECORDS);

test("the fixture covers a null in every optional field and keeps the empty string apart from null", () => {
  const rows = original.toRows() as unknown as Record<string, unknown>[];
  for (const name of original.fieldNames) {
    if (["receipt_key", "n_total", "run_id", "model", "judge", "n_benign", "n_harmful", "query_source", "judge_label", "training_stage", "format_cue", "sample_index"].includes(name)) continue;
    assert.ok(rows.some((r) => r[name] === null), `no null in ${name}`);
    assert.ok(rows.some((r) => r[name] !== null), `no value in ${name}`);
  }
  assert.equal(rows[2].response, "");
  assert.equal(rows[1].response, null);
  assert.deepEqual(rows[2].demo_ids, []);
});

test("demo_ids [] is valid only when there are no demonstrations", () => {
  const t = fromRecords([{ ...REQUIRED, n_benign: 1, n_harmful: 0, demo_ids: [] }], { strict: false });
  assert.equal(t.numRows, 0);
  assert.equal(t.issues[0].message, "expected 1 ids (n_benign + n_harmful), found 0");
});

for (const a of FORMATS) {
  for (const b of FORMATS) {
    test(`round trip ${a} -> ${b}`, () => {
      const viaA = READ[a](WRITE[a](original));
      const viaB = READ[b](WRITE[b](viaA));
      assert.deepEqual(viaA.toRows(), original.toRows());
      assert.deepEqual(viaB.toRows(), original.toRows());
    });
  }
}

test("round trip jsonl -> csv -> arrow -> parquet -> jsonl", () => {
  let t = original;
  for (const f of ["jsonl", "csv", "arrow", "parquet", "jsonl"] as Format[]) t = READ[f](WRITE[f](t));
  assert.deepEqual(t.toRows(), original.toRows());
});

test("toDataFrame then fromDataFrame returns the same rows", () => {
  const back = fromDataFrame(original.toDataFrame());
  assert.deepEqual(back.toRows(), original.toRows());
});

test("a loaded Parquet or Arrow table keeps the declared Arrow types", () => {
  for (const f of ["arrow", "parquet"] as Format[]) {
    const t = READ[f](WRITE[f](original));
    assert.ok(t.arrow.schema.fields.every((field, i) => String(field.type) === String(original.arrow.schema.fields[i].type)));
    assert.deepEqual(t.take([4, 0]).toRows(), [original.toRows()[4], original.toRows()[0]]);
  }
});
