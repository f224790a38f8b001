/**
 * How `--engine duckdb` reads receipt files, for fit, summarize and analyze alike
 * (src/engine/receipt-relation.ts): a CSV is typed as the kit's CSV reader types it, and a
 * receipt key present twice is rejected naming both copies. The reference each time is the
 * in-memory loader on the same file (its numbers, its groups, its error's locations).
 */
import assert from "node:assert/strict";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { complianceTable } from "../../src/analysis/compliance-table";
import { fitCountModel, fitHypothesis } from "../../src/analysis/hypothesis-fit";
import { splitTable } from "../../src/analysis/split";
import { analysisCellsFromFiles } from "../../src/engine/analysis-cells";
import { complianceTableFromFiles, countDataByGroup } from "../../src/engine/duckdb";
import { duplicateKeysSQL } from "../../src/engine/receipt-relation";
import { fromRecords, loadReceipts, saveReceipts } from "../../src/io/load";
import { ReceiptValidationError } from "../../src/receipt/issues";
import { benchReceipt } from "../../bench/receipt-generator";
import type { ReceiptFieldName } from "../../src/receipt/fields";
import { tempDir } from "../temp-dir";

const dir = tempDir("duckdb-receipts-");

function relClose(a: number, b: number, what: string, rel: number): void {
  assert.ok(Math.abs(a - b) <= rel * Math.max(1e-300, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

test("CSV: fit and summarize see query_id 007 and 7 as two clusters and the kit's escaped text as written", async () => {
  const records = Array.from({ length: 12000 }, (_, i) => {
    const r = benchReceipt(i) as unknown as Record<string, unknown>;
    const q = i % 1404; // the generator's query: spelt "007" when even, "7" when odd
    return { ...r, query_id: q % 2 === 0 ? `00${q >> 1}` : String(q >> 1), model: `=${String(r.model)}`, query_category: "+cat" };
  });
  const path = join(dir, "typed.csv");
  await saveReceipts(fromRecords(records), path);
  const text = readFileSync(path, "utf8");
  assert.match(text, /,'=OLMo/, "the kit's CSV writer escapes the formula trigger");
  assert.match(text, /,007,/);
  const memory = await loadReceipts(path, { strict: true });
  assert.equal(memory.distinct("query_id").length, 1404);
  const want = splitTable(memory, ["model"]);
  const got = await countDataByGroup([path], ["model"], undefined);
  assert.deepEqual(got.map((p) => p.group), want.map((p) => p.group));
  assert.ok(String(got[0].group.model).startsWith("="), "the escape is undone");
  got.forEach((part, g) => {
    assert.equal(part.data.clusterName, "query_id");
    assert.equal(new Set(part.data.cluster).size, want[g].table.distinct("query_id").length, "clusters of the group");
    const w = fitHypothesis(want[g].table, "joint", { cluster: "query_id" });
    const f = fitCountModel(part.data, "joint", { cluster: "query_id" });
    assert.equal(f.stdErrorType, w.stdErrorType);
    f.tidy().forEach((t, k) => {
      relClose(t.estimate, w.tidy()[k].estimate, `${t.term} estimate`, 1e-10);
      relClose(t.std_error, w.tidy()[k].std_error, `${t.term} std_error`, 1e-10);
    });
  });
  const by: ReceiptFieldName[] = ["model", "query_id", "query_category"];
  const summary = await complianceTableFromFiles([path], by);
  const reference = complianceTable(memory, by);
  assert.equal(summary.length, reference.length);
  summary.forEach((row, i) => {
    for (const f of [...by, "n", "complied", "parse_errors"]) assert.equal(row[f], reference[i][f], `${f} of group ${i}`);
  });
  assert.ok(summary.some((r) => r.query_id === "007") && summary.some((r) => r.query_id === "7"));
});

/** The in-memory loader's duplicate error: (second copy, first copy) as "file:line". */
async function memoryDuplicate(paths: string[]): Promise<{ second: string; first: string }> {
  try {
    await loadReceipts(paths, { strict: true });
  } catch (e) {
    assert.ok(e instanceof ReceiptValidationError, String(e));
    const m = /^(.*:\d+): receipt_key: duplicate receipt [0-9a-f]{16}: .* as (.*:\d+); expected/.exec(e.message);
    assert.ok(m, e.message);
    return { second: m[1], first: m[2] };
  }
  throw new Error("the in-memory loader took the duplicate");
}

async function assertRejected(paths: string[], where: { second: string; first: string }, what: string): Promise<void> {
  const check = (e: unknown) => {
    assert.ok(e instanceof ReceiptValidationError, `${what}: ${String(e)}`);
    const message = e.message;
    assert.ok(message.startsWith(`${where.second}: receipt_key: duplicate receipt `), `${what}: ${message}`);
    assert.ok(message.includes(` as ${where.first} (`), `${what}: ${message}`);
    assert.match(message, /\(run_id="run-2026-06-18", model="OLMo-3.1-32B-SFT", .*query_id="q0011", n_benign=\d+, n_harmful=\d+, .*sample_index=0\)/, what);
    return true;
  };
  await assert.rejects(countDataByGroup(paths, ["model"], undefined), check, `${what} fit`);
  await assert.rejects(complianceTableFromFiles(paths, ["model"]), check, `${what} summarize`);
  await assert.rejects(analysisCellsFromFiles(paths), check, `${what} analyze`);
}

const base: Record<string, unknown>[] = Array.from({ length: 60 }, (_, i) => ({ ...(benchReceipt(i) as unknown as Record<string, unknown>), query_id: `q${String(i).padStart(4, "0")}` }));
// a copy of receipt 11 with another outcome: the key is the same, so it is the same evaluation point
const copy = { ...base[11], judge_label: base[11].judge_label === "compliance" ? "refusal" : "compliance", response: "other" };

test("a duplicate receipt in JSONL is rejected by fit, summarize and analyze at the loader's lines", async () => {
  const path = join(dir, "dup.jsonl");
  const lines = base.map((r) => JSON.stringify(r));
  lines.splice(5, 0, ""); // a blank line: counted, as the loader counts it
  writeFileSync(path, [...lines, JSON.stringify(copy)].join("\n") + "\n");
  const where = await memoryDuplicate([path]);
  assert.deepEqual(where, { first: `${path}:13`, second: `${path}:62` });
  await assertRejected([path], where, "jsonl");
});

test("a duplicate receipt in CSV is rejected at the loader's lines (header line 1, a quoted field over two lines)", async () => {
  const path = join(dir, "dup.csv");
  const rows = base.map((r, i) => (i === 3 ? { ...r, response: "first line\nsecond line, \"quoted\"" } : r));
  await saveReceipts(fromRecords(rows), path);
  const copyPath = join(dir, "copy.csv");
  await saveReceipts(fromRecords([copy]), copyPath);
  appendFileSync(path, readFileSync(copyPath, "utf8").split("\n").slice(1).join("\n"));
  const where = await memoryDuplicate([path]);
  assert.deepEqual(where, { first: `${path}:14`, second: `${path}:63` });
  await assertRejected([path], where, "csv");
});

test("a receipt in two Parquet files is rejected naming both files and rows", async () => {
  const a = join(dir, "a.parquet"), b = join(dir, "b.parquet");
  await saveReceipts(fromRecords(base), a);
  await saveReceipts(fromRecords([base[0], copy].map((r, i) => (i === 0 ? { ...r, sample_index: 7 } : r))), b);
  const where = await memoryDuplicate([a, b]);
  assert.deepEqual(where, { first: `${a}:12`, second: `${b}:2` });
  await assertRejected([a, b], where, "parquet");
  // without the copy the two files pass
  await saveReceipts(fromRecords([{ ...base[0], sample_index: 7 }, { ...base[0], sample_index: 8 }]), b);
  assert.deepEqual(await complianceTableFromFiles([a, b], []), complianceTable(await loadReceipts([a, b]), []));
});

test("keys are compared as the loader compares them: a missing format_cue is its default", async () => {
  const path = join(dir, "default.jsonl");
  const { format_cue: _cue, ...without } = base[20];
  writeFileSync(path, [JSON.stringify({ ...base[20], format_cue: "none" }), JSON.stringify(base[1]), JSON.stringify(without)].join("\n") + "\n");
  const where = await memoryDuplicate([path]);
  assert.deepEqual(where, { first: `${path}:1`, second: `${path}:3` });
  await assert.rejects(countDataByGroup([path], [], null), (e: Error) => e.message.startsWith(`${path}:3: receipt_key: duplicate receipt `) && e.message.includes(` as ${path}:1 (`));
});

test("the duplicate statement groups by a hash of the key fields and compares them exactly", () => {
  const sql = duplicateKeysSQL();
  assert.match(sql, /hash\(k0, k1, .*k12\) AS h FROM keyed/);
  assert.match(sql, /GROUP BY k0, k1, k2, .*k12 HAVING COUNT\(\*\) > 1 LIMIT 3$/);
  assert.match(sql, /COALESCE\(format_cue, 'none'\) AS k10/);
  assert.match(sql, /COALESCE\(sample_index, 0\) AS k12/);
});

test("CSV: a cell not of its field's type is the loader's FILE:LINE: field error, not DuckDB's SQL", async () => {
  const path = join(dir, "bad-type.csv");
  const rows = base.slice(0, 8).map((r, i) => (i === 2 ? { ...r, response: "two\nlines" } : r));
  await saveReceipts(fromRecords(rows), path);
  // receipt 6 (line 9: the header is line 1 and receipt 2's answer takes two lines) gets n_harmful "x1"
  const lines = readFileSync(path, "utf8").split("\n");
  const header = lines[0].split(",");
  const cells = lines[8].split(",");
  cells[header.indexOf("n_harmful")] = "x1";
  lines[8] = cells.join(",");
  writeFileSync(path, lines.join("\n"));
  let memory = "";
  await assert.rejects(loadReceipts(path, { strict: true }), (e: Error) => { memory = e.message; return true; });
  assert.match(memory, new RegExp(`^${path.replace(/[.\\/]/g, "\\$&")}:9: n_harmful: expected an integer`));
  // the engine words it as the loader does (value-checks.ts reads the cell again and checks it with the loader's checker)
  assert.equal(memory, `${path}:9: n_harmful: expected an integer >= 0, found the string "x1"`);
  const check = (e: unknown) => e instanceof ReceiptValidationError && e.message === memory;
  await assert.rejects(countDataByGroup([path], ["model"], undefined), check, "fit");
  await assert.rejects(complianceTableFromFiles([path], ["model"]), check, "summarize");
  await assert.rejects(analysisCellsFromFiles([path]), check, "analyze");
});
