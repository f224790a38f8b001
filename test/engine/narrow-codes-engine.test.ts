/**
 * The engine path over files the kit writes with narrow dictionary codes (Int8 and Int16
 * indices in the Parquet file's Arrow schema): DuckDB reads them as text, its cells load back
 * through the kit's Parquet reader, and analyze gives the in-memory result receipt.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { Dictionary } from "apache-arrow";
import { analyze } from "../../src/analysis/analyze";
import { analyzeColumns } from "../../src/analysis/needed-columns";
import { analysisCellsFromFiles } from "../../src/engine/analysis-cells";
import { queryReceipts } from "../../src/engine/duckdb";
import { fromRecords, loadReceipts, saveReceipts } from "../../src/io/load";
import type { ReceiptTable } from "../../src/io/receipt-table";
import { assertSameReceipt, comparable, simulated } from "../analysis/weighted-helpers";
import { tempDir } from "../temp-dir";

const bits = (t: ReceiptTable, f: string) => (t.arrow.schema.fields.find((x) => x.name === f)!.type as Dictionary).indices.bitWidth;

test("analyze through DuckDB on kit-written Parquet with Int8 and Int16 codes equals analyze in memory", async () => {
  const dir = tempDir("narrow-engine-");
  const base = simulated(45, 13);
  // 45 query ids (Int8); then each query split four ways by sample_index (two samplings) and
  // n_benign's parity, 180 ids (Int16)
  for (const [split, width] of [[1, 8], [4, 16]] as const) {
    const rows = base.toRows().map((r) => ({ ...r, query_id: split === 1 ? r.query_id : `${r.query_id}-${r.sample_index}-${(r.n_benign as number) % 2}` }));
    const t = fromRecords(rows);
    assert.equal(t.dictionary("query_id").labels.length, 45 * split);
    assert.equal(bits(t, "query_id"), width);
    const path = join(dir, `split-${split}.parquet`);
    await saveReceipts(t, path);
    const memory = await loadReceipts(path, { strict: true, columns: analyzeColumns(undefined) });
    assert.equal(bits(memory, "model"), 8);
    assert.equal(bits(memory, "query_id"), width);
    const [{ n }] = await queryReceipts([path], "SELECT COUNT(DISTINCT query_id) AS n FROM receipts");
    assert.equal(Number(n), t.dictionary("query_id").labels.length);
    const cells = await analysisCellsFromFiles([path]);
    assert.equal(cells.receiptCount, memory.numRows);
    assertSameReceipt(comparable(analyze(cells)), comparable(analyze(memory)), 1e-8, `split ${split}`);
  }
});
