/**
 * apache-arrow's `slice()` shifts fixed-width value buffers and variable-width offsets but
 * not validity bitmaps or boolean bits, and raises `offset`: readers must index each buffer
 * accordingly. A sliced table must read exactly like the same rows taken by index.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fromArrow, fromRecords, ReceiptTable } from "../../src";

const records = Array.from({ length: 40 }, (_, i) => ({
  run_id: "r", model: i % 3 ? "m1" : "m2", judge: "j", query_source: "s", query_id: `q${i}`,
  n_benign: i % 5, n_harmful: (i * 7) % 4, schedule: i % 5 && (i * 7) % 4 ? "suffix" : "none",
  judge_label: i % 7 === 0 ? "parse_error" : i % 2 ? "compliance" : "refusal",
  judge_score: i % 4 ? i / 10 : null, response: i % 6 ? `answer ${i} ✓` : null, adopted_cue: i % 3 ? i % 2 === 0 : null,
  demo_ids: i % 5 || (i * 7) % 4 ? Array.from({ length: (i % 5) + ((i * 7) % 4) }, (_, k) => `d${k}`) : null,
}));

test("a table cut with Arrow's slice() reads like the same rows taken by index", () => {
  const full = fromRecords(records);
  const sliced = new ReceiptTable(full.arrow.slice(5, 33));
  const taken = full.take(Array.from({ length: 28 }, (_, k) => k + 5));
  assert.deepEqual(sliced.toRows(), taken.toRows());
  assert.deepEqual(Array.from(sliced.numbers("judge_score")), Array.from(taken.numbers("judge_score")));
  assert.deepEqual(Array.from(sliced.flags("complied")), Array.from(taken.flags("complied")));
  assert.deepEqual(sliced.dictionary("model"), taken.dictionary("model"));
  assert.deepEqual(sliced.take([3, 1]).toRows(), taken.take([3, 1]).toRows());
  // and through the loader's columnar path
  assert.deepEqual(fromArrow(full.arrow.slice(5, 33)).toRows(), taken.toRows());
});

test("an empty filtered view still has the receipt schema's Arrow table", () => {
  const full = fromRecords(records);
  const none = full.filter(() => false);
  assert.equal(none.numRows, 0);
  assert.equal(none.arrow.numRows, 0);
  assert.deepEqual(none.arrow.schema.fields.map((f) => f.name), full.arrow.schema.fields.map((f) => f.name));
  assert.equal(fromArrow(none.arrow, { strict: false }).numRows, 0);
});
