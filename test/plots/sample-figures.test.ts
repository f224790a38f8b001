/**
 * The bundled sample (data/sample: a readable JSONL and a small Parquet grid) draws every
 * registered figure, each with data in every trace it has.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { analyze, buildReceiptFigure, FIGURE_NAMES, loadReceipts, receiptFigureInputs } from "../../src";
import type { ReceiptTable } from "../../src";

const SAMPLE = join(__dirname, "..", "..", "data", "sample");
let table: ReceiptTable;
let inputs: ReturnType<typeof receiptFigureInputs>;

before(async () => {
  table = await loadReceipts(SAMPLE);
  inputs = receiptFigureInputs(table, analyze(table));
});

test("every file of the sample is small; the readable one under 200 rows", async () => {
  const readable = await loadReceipts(join(SAMPLE, "receipts.jsonl"));
  assert.ok(readable.numRows < 200, `receipts.jsonl has ${readable.numRows} rows`);
  assert.ok(table.numRows < 2000, `the sample has ${table.numRows} rows`);
});

for (const name of FIGURE_NAMES) {
  test(`the sample draws ${name}`, () => {
    const fig = buildReceiptFigure(name, inputs);
    assert.ok(fig, `${name}: nothing to draw from data/sample`);
    assert.ok(fig.data.length > 0, `${name}: no traces`);
    for (const trace of fig.data) {
      const t = trace as { x?: ArrayLike<unknown>; y?: ArrayLike<unknown>; z?: ArrayLike<unknown>; name?: string };
      const points = (t.z ?? t.y ?? t.x ?? []).length;
      assert.ok(points > 0, `${name}: trace ${t.name ?? "?"} is empty`);
    }
  });
}
