/**
 * `saveReceipts` refuses a weighted table (`withRowWeights`): its rows are cells standing for
 * `weights()[i]` receipts each, and written as receipts each cell would read back as one. The
 * same table unweighted is written and reads back whole.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { benchReceipt } from "../../bench/receipt-generator";
import { fromRecords } from "../../src/io";
import { loadReceipts, saveReceipts } from "../../src/io/load";
import { withRowWeights } from "../../src/io/receipt-table";
import { tempDir } from "../temp-dir";

const dir = tempDir("save-weighted-");
const table = fromRecords(Array.from({ length: 20 }, (_, i) => benchReceipt(i)));

for (const ext of ["jsonl", "csv", "arrow", "parquet"]) {
  test(`saveReceipts refuses a weighted table (.${ext}) and writes nothing`, async () => {
    const weighted = withRowWeights(table, Float64Array.from({ length: table.numRows }, (_, i) => 1 + (i % 3)));
    const path = join(dir, `weighted.${ext}`);
    await assert.rejects(saveReceipts(weighted, path), /weighted/);
    assert.equal(existsSync(path), false);
  });
}

test("the same table unweighted is written and reads back with every row", async () => {
  const path = join(dir, "plain.arrow");
  await saveReceipts(withRowWeights(table, null), path);
  assert.equal((await loadReceipts(path)).numRows, table.numRows);
});
