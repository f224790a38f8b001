/**
 * The out-of-core engine gives the in-memory path's numbers: DuckDB's grouped counts (from
 * Parquet, JSONL and CSV files) through `fromSufficientStatistics` fit to the same estimates,
 * cluster-robust standard errors and likelihoods (to 1e-8), and count the same summary.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { complianceTable } from "../../src/analysis/compliance-table";
import { fitCountModel, fitHypothesis, type Hypothesis } from "../../src/analysis/hypothesis-fit";
import { splitTable } from "../../src/analysis/split";
import { complianceTableFromFiles, countDataByGroup } from "../../src/engine/duckdb";
import { fromSufficientStatistics } from "../../src/engine/from-sufficient-statistics";
import { complianceCountsSQL, receiptsRelation, sufficientStatisticsSQL } from "../../src/engine/sufficient-statistics.sql";
import { fromRecords, saveReceipts } from "../../src/io/load";
import type { ReceiptFieldName } from "../../src/receipt/fields";
import { benchReceipt } from "../../bench/receipt-generator";

const dir = mkdtempSync(join(tmpdir(), "receipts-engine-"));
// Every 7th receipt a parse error, so they are left out (and counted) on both paths.
const records = Array.from({ length: 12000 }, (_, i) => {
  const r = benchReceipt(i) as unknown as Record<string, unknown>;
  if (i % 7 === 3) r.judge_label = "parse_error";
  return r;
});
const table = fromRecords(records);
const files = { parquet: join(dir, "r.parquet"), jsonl: join(dir, "r.jsonl"), csv: join(dir, "r.csv") };

function close(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= 1e-8 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

test("the clustered joint, total and harmful fits per model from DuckDB's counts equal the in-memory fits", async () => {
  await saveReceipts(table, files.parquet);
  await saveReceipts(table, files.jsonl);
  await saveReceipts(table, files.csv);
  const by: ReceiptFieldName[] = ["model"];
  const memory = splitTable(table, by);
  for (const [format, path] of Object.entries(files)) {
    const parts = await countDataByGroup([path], by, "query_id");
    assert.deepEqual(parts.map((p) => p.group), memory.map((p) => p.group), format);
    for (const hypothesis of ["joint", "total", "harmful"] as Hypothesis[]) {
      parts.forEach((part, g) => {
        const want = fitHypothesis(memory[g].table, hypothesis, { cluster: "query_id" });
        const got = fitCountModel(part.data, hypothesis, { cluster: "query_id" });
        const what = `${format} ${hypothesis} ${JSON.stringify(part.group)}`;
        assert.equal(got.stdErrorType, want.stdErrorType, what);
        got.tidy().forEach((t, k) => {
          const w = want.tidy()[k];
          assert.equal(t.term, w.term, what);
          close(t.estimate, w.estimate, `${what} ${t.term} estimate`);
          close(t.std_error, w.std_error, `${what} ${t.term} std_error`);
          close(t.p_value, w.p_value, `${what} ${t.term} p_value`);
        });
        close(got.glance().log_lik, want.glance().log_lik, `${what} log_lik`);
        assert.equal(got.glance().n_obs, want.glance().n_obs, what);
      });
      assert.equal(parts.reduce((s, p) => s + p.data.parseErrors, 0), records.filter((r) => r.judge_label === "parse_error").length);
    }
  }
});

test("without a cluster field the counts are per covariate pattern and fit as the in-memory grouped fit does", async () => {
  await saveReceipts(table, files.parquet);
  const [part] = await countDataByGroup([files.parquet], [], null);
  const want = fitHypothesis(table, "joint", { cluster: null });
  const got = fitCountModel(part.data, "joint", { cluster: null });
  got.tidy().forEach((t, k) => {
    close(t.estimate, want.tidy()[k].estimate, t.term);
    close(t.std_error, want.tidy()[k].std_error, t.term);
  });
  // One row per (n_benign, n_harmful) cell: what the engine's memory is bounded by.
  const cells = new Set(records.filter((r) => r.judge_label !== "parse_error").map((r) => `${r.n_benign}/${r.n_harmful}`));
  assert.equal(part.data.trials.length, cells.size);
});

test("summarize's counts from DuckDB equal complianceTable's, groups in the same order", async () => {
  await saveReceipts(table, files.parquet);
  const by: ReceiptFieldName[] = ["model", "n_benign", "n_harmful", "schedule", "format_cue"];
  const got = await complianceTableFromFiles([files.parquet], by);
  const want = complianceTable(table, by);
  assert.equal(got.length, want.length);
  got.forEach((row, i) => {
    for (const f of [...by, "n", "complied", "parse_errors"]) assert.equal(row[f], want[i][f], `${f} of group ${i}`);
    if (want[i].rate !== null) close(row.conf_low!, want[i].conf_low!, `conf_low of group ${i}`);
  });
});

test("fromSufficientStatistics takes rows from any engine (64-bit counts as bigint) and names a missing cluster", () => {
  const rows = [
    { model: "b", cluster: "q1", n_benign: 0, n_harmful: 0, compliances: 1n, trials: 4n, parse_errors: 0n },
    { model: "a", cluster: "q1", n_benign: 2, n_harmful: 0, compliances: 3n, trials: 5n, parse_errors: 1n },
    { model: "a", cluster: "q2", n_benign: 2, n_harmful: 0, compliances: 0n, trials: 0n, parse_errors: 2n },
  ];
  const parts = fromSufficientStatistics(rows, ["model"], "query_id");
  assert.deepEqual(parts.map((p) => p.group), [{ model: "a" }, { model: "b" }]);
  // A pattern with no judged receipt is left out; its parse errors are counted.
  assert.deepEqual([...parts[0].data.trials], [5]);
  assert.equal(parts[0].data.parseErrors, 3);
  assert.deepEqual([...parts[0].data.cluster!], [0]);
  assert.throws(() => fromSufficientStatistics([{ ...rows[0], cluster: null }], ["model"], "query_id"), /has no query_id/);
});

test("the statements are portable SQL over a relation named receipts; only the file reader is DuckDB's", () => {
  const statements = [sufficientStatisticsSQL(["model"], "query_id"), sufficientStatisticsSQL([], null), complianceCountsSQL(["model", "format_cue"])];
  for (const sql of statements) {
    assert.match(sql, /\nFROM receipts(\n|$)/);
    // No DuckDB-only constructs: table functions, ::casts, double-quoted identifiers, GROUP BY ALL, FILTER.
    assert.doesNotMatch(sql, /read_|::|"|GROUP BY ALL|FILTER|QUALIFY/);
  }
  // Defaults as the loader fills them (a missing format_cue is "none").
  assert.match(complianceCountsSQL(["format_cue"]), /COALESCE\(format_cue, 'none'\) AS format_cue/);
  assert.throws(() => sufficientStatisticsSQL(["model; DROP TABLE x"], null), /unknown receipt field/);
  assert.match(receiptsRelation(["a'b.parquet"], "parquet"), /read_parquet\(\['a''b\.parquet'\]/);
});
