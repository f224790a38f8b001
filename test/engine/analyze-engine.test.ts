/**
 * `analyze` through DuckDB: the receipts stay in Parquet / JSONL / CSV files, DuckDB groups
 * them into weighted cells (analysisCellsSQL), and analyze() on the cells must give the
 * in-memory result receipt: every number to 1e-8 relative, every string and verdict the
 * same, provenance (files, hashes, receipt and parse-error counts) included. The reference
 * is the in-memory path (itself checked against R in test/analysis and test/stats).
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { analyze } from "../../src/analysis/analyze";
import { analyzeColumns } from "../../src/analysis/needed-columns";
import { analysisCellsFromFiles } from "../../src/engine/analysis-cells";
import { analysisCellsSQL } from "../../src/engine/analysis-cells.sql";
import { analyzeFiles } from "../../src/engine/analyze-files";
import { queryReceipts } from "../../src/engine/duckdb";
import { analyzeCommand } from "../../src/cli/analyze-command";
import { fromRecords, loadReceipts, saveReceipts } from "../../src/io/load";
import { assertSameReceipt, comparable, simulated } from "../analysis/weighted-helpers";
import { tempDir } from "../temp-dir";

const dir = tempDir("analyze-engine-");

test("analyze on DuckDB's cells equals analyze in memory, from Parquet, JSONL and CSV", async () => {
  const table = simulated(30, 3);
  const files = { parquet: join(dir, "r.parquet"), jsonl: join(dir, "r.jsonl"), csv: join(dir, "r.csv") };
  for (const [format, path] of Object.entries(files)) {
    await saveReceipts(table, path);
    const memory = await loadReceipts(path, { strict: true, columns: analyzeColumns(undefined) });
    const want = analyze(memory);
    const cells = await analysisCellsFromFiles([path]);
    assert.ok(cells.numRows < memory.numRows, `${format}: cells merge receipts`);
    assert.equal(cells.receiptCount, memory.numRows, format);
    assertSameReceipt(comparable(analyze(cells)), comparable(want), 1e-8, `${format} receipt`);
  }
});

test("two Parquet files (a folder): per-file provenance and the same result; no cluster and options", async () => {
  const a = join(dir, "two"), t = simulated(45, 5);
  const { mkdirSync } = await import("node:fs");
  mkdirSync(a);
  const half = Math.floor(t.numRows / 2);
  await saveReceipts(t.take(Int32Array.from({ length: half }, (_, i) => i)), join(a, "part-1.parquet"));
  await saveReceipts(t.take(Int32Array.from({ length: t.numRows - half }, (_, i) => half + i)), join(a, "part-2.parquet"));
  const memory = await loadReceipts(a, { strict: true, columns: analyzeColumns(undefined) });
  const cells = await analysisCellsFromFiles([a]);
  assert.deepEqual(cells.sources.map((s) => s.rowsRead), [half, t.numRows - half]);
  assertSameReceipt(comparable(analyze(cells)), comparable(analyze(memory)));
  const options = { cluster: null, conditional: false, pAdjust: "bonferroni" as const };
  assertSameReceipt(comparable(analyze(await analysisCellsFromFiles([a], { cluster: null }), options)), comparable(analyze(memory, options)));
});

test("the bundled paper-calibrated subset (Parquet) through DuckDB equals memory", async () => {
  const full = await loadReceipts("data/paper-calibrated");
  const ids = full.dictionary("query_id");
  const sub = full.filter((i) => ids.codes[i] % 23 === 0); // about 60 of the 1,404 queries, every model and condition
  const path = join(dir, "paper-subset.parquet");
  await saveReceipts(sub, path);
  const memory = await loadReceipts(path, { strict: true, columns: analyzeColumns(undefined) });
  assertSameReceipt(comparable(analyze(await analysisCellsFromFiles([path]))), comparable(analyze(memory)));
});

test("invalid values are the loader's errors, at the file's line; a missing required column is named", async () => {
  const bad = join(dir, "bad.jsonl");
  const r = { run_id: "r", model: "A", judge: "j", query_source: "s", query_id: "q", n_benign: 0, n_harmful: 0, judge_label: "complies" };
  writeFileSync(bad, JSON.stringify(r) + "\n");
  // refused in DuckDB's scan, before any cell is made (value-checks.ts), worded as the loader words it
  await assert.rejects(analysisCellsFromFiles([bad]), (e: Error) => e.message === `${bad}:1: judge_label: expected one of refusal, compliance, parse_error, found the string "complies"`);
  const none = join(dir, "none.jsonl");
  writeFileSync(none, JSON.stringify({ run_id: "r", model: "A", judge: "j", query_source: "s", n_benign: 0, n_harmful: 0 }) + "\n");
  await assert.rejects(analysisCellsFromFiles([none]), /no judge_label column/);
});

test("the cells statement is plain portable SQL over `receipts`", () => {
  const sql = analysisCellsSQL();
  assert.match(sql, /^SELECT run_id, model, model_family, COALESCE\(training_stage, 'unknown'\) AS training_stage, /);
  assert.match(sql, /COUNT\(\*\) AS weight\nFROM receipts\nGROUP BY /);
  assert.doesNotMatch(sql, /sample_index|read_parquet|n_total|complied/);
  assert.match(analysisCellsSQL("sample_index"), /sample_index/);
});

test("receipts analyze --engine duckdb writes the in-memory result receipt; analyzeFiles takes the engine option", async () => {
  const path = join(dir, "cli.parquet");
  await saveReceipts(simulated(25, 9), path);
  const err = { text: "", write(t: string) { this.text += t; } };
  assert.equal(await analyzeCommand([path], { out: join(dir, "out-memory") }, err), 0);
  assert.equal(await analyzeCommand([path], { out: join(dir, "out-duckdb"), engine: "duckdb" }, err), 0);
  const read = (d: string) => {
    const r = JSON.parse(readFileSync(join(dir, d, "result-receipt.json"), "utf8"));
    r.provenance.created_at = null;
    return r;
  };
  assertSameReceipt(read("out-duckdb"), read("out-memory"));
  const lib = await analyzeFiles(path, { engine: "duckdb", conditional: false });
  const mem = await analyzeFiles([path], { conditional: false });
  assertSameReceipt(comparable(lib), comparable(mem));
  await assert.rejects(analyzeCommand([path], { out: join(dir, "x"), engine: "spark" }, err), /--engine: unknown engine "spark"/);
});

test("cells computed elsewhere (the portable statement's rows, exported as JSONL) feed back with weightColumn", async () => {
  const path = join(dir, "elsewhere.parquet");
  const t = simulated(30, 21);
  await saveReceipts(t, path);
  // "another engine": the documented statement as it is, over a relation named receipts
  const rows = await queryReceipts([path], analysisCellsSQL());
  const exported = join(dir, "cells.jsonl");
  const plain = (v: unknown) => (typeof v === "bigint" ? Number(v) : v);
  writeFileSync(exported, rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])))).join("\n") + "\n");
  const memory = await loadReceipts(path, { strict: true, columns: analyzeColumns(undefined) });
  const want = comparable(analyze(memory)) as { provenance: Record<string, unknown> };
  const got = comparable(await analyzeFiles(exported, { engine: "duckdb", weightColumn: "weight" })) as { provenance: Record<string, unknown> };
  assert.equal(got.provenance.receipts, t.numRows);
  assertSameReceipt({ ...got, provenance: { ...got.provenance, files: null } }, { ...want, provenance: { ...want.provenance, files: null } });
  await assert.rejects(analyzeFiles(exported, { weightColumn: "weight" }), /needs engine duckdb/);
  await assert.rejects(analyzeFiles(path, { engine: "duckdb", weightColumn: "weight" }), /no weight column/);
});

test("CSV: text stays text (query ids with leading zeros, the kit's formula neutralisation undone)", async () => {
  const rows = simulated(20, 17).toRows() as unknown as Record<string, unknown>[];
  const ids = new Map<unknown, string>();
  const tricky = rows.map((r) => {
    if (!ids.has(r.query_id)) ids.set(r.query_id, ids.size % 2 === 0 ? `00${ids.size}` : `-${ids.size}`);
    const { receipt_key: _k, n_total: _t, harmful_fraction: _f, complied: _c, ...rest } = r;
    return { ...rest, query_id: ids.get(r.query_id), run_id: "=run", query_category: "+cat" };
  });
  const path = join(dir, "tricky.csv");
  await saveReceipts(fromRecords(tricky), path);
  const memory = await loadReceipts(path, { strict: true, columns: analyzeColumns(undefined) });
  assert.ok(memory.distinct("query_id").includes("002") && memory.distinct("query_id").includes("-1"), "the memory path keeps leading zeros");
  const cells = await analysisCellsFromFiles([path]);
  assert.deepEqual((cells.distinct("query_id") as string[]).sort(), (memory.distinct("query_id") as string[]).sort());
  assertSameReceipt(comparable(analyze(cells)), comparable(analyze(memory)));
});

test("DuckDB's cells record each file's SHA-256 as a load does: of the bytes read, and refused once the file changed", async () => {
  const { createHash } = await import("node:crypto");
  const { appendFileSync } = await import("node:fs");
  const path = join(dir, "hashed.jsonl");
  await saveReceipts(simulated(12, 2), path);
  const want = createHash("sha256").update(readFileSync(path)).digest("hex");
  const cells = await analysisCellsFromFiles([path]);
  assert.equal(cells.sources[0].sha256, want);
  const again = await analysisCellsFromFiles([path]);
  appendFileSync(path, "\n");
  assert.throws(() => again.sources[0].sha256, /changed after it was loaded/);
  assert.equal(cells.sources[0].sha256, want, "a hash read once is kept");
});
