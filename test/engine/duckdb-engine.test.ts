/**
 * The out-of-core engine gives the in-memory path's numbers: DuckDB's grouped counts (from
 * Parquet, JSONL and CSV files) fit to the same estimates (to 1e-12: the fit takes a Newton
 * step past R's stopping rule, so both paths land on the maximum, see logistic-fit.ts),
 * cluster-robust standard errors and likelihoods (to 1e-10), and count the same summary.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { complianceTable } from "../../src/analysis/compliance-table";
import { fitCountModel, fitHypothesis, type Hypothesis } from "../../src/analysis/hypothesis-fit";
import { splitTable } from "../../src/analysis/split";
import { complianceTableFromFiles, countDataByGroup } from "../../src/engine/duckdb";
import { fromCodedStatistics, fromSufficientStatistics } from "../../src/engine/from-sufficient-statistics";
import { readResultColumns } from "../../src/engine/result-columns";
import { columnsOf, fileRelation, receiptsRelation } from "../../src/engine/receipt-relation";
import { codedSufficientStatisticsSQL, complianceCountsSQL, overRelation, sufficientStatisticsSQL } from "../../src/engine/sufficient-statistics.sql";
import { fromRecords, saveReceipts } from "../../src/io/load";
import type { ReceiptFieldName } from "../../src/receipt/fields";
import { benchReceipt } from "../../bench/receipt-generator";
import { tempDir } from "../temp-dir";

const dir = tempDir("engine-");
// Every 7th receipt a parse error, so they are left out (and counted) on both paths.
const records = Array.from({ length: 12000 }, (_, i) => {
  const r = benchReceipt(i) as unknown as Record<string, unknown>;
  if (i % 7 === 3) r.judge_label = "parse_error";
  return r;
});
const table = fromRecords(records);
const files = { parquet: join(dir, "r.parquet"), jsonl: join(dir, "r.jsonl"), csv: join(dir, "r.csv") };

function close(a: number, b: number, what: string, rel = 1e-10): void {
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

/** Relative to the value itself (estimates near 0 are compared as precisely as large ones). */
function relClose(a: number, b: number, what: string, rel: number): void {
  assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${what}: ${a} vs ${b} (relative ${(Math.abs(a - b) / Math.abs(b)).toExponential(2)})`);
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
          relClose(t.estimate, w.estimate, `${what} ${t.term} estimate`, 1e-12);
          relClose(t.std_error, w.std_error, `${what} ${t.term} std_error`, 1e-10);
          close(t.p_value, w.p_value, `${what} ${t.term} p_value`);
        });
        close(got.glance().log_lik, want.glance().log_lik, `${what} log_lik`);
        assert.equal(got.glance().n_obs, want.glance().n_obs, what);
      });
      assert.equal(parts.reduce((s, p) => s + p.data.parseErrors, 0), records.filter((r) => r.judge_label === "parse_error").length);
    }
  }
});

test("with few clusters (CR2 + Satterthwaite) DuckDB's counts give the in-memory CR2 standard errors and df", async () => {
  await saveReceipts(table, files.parquet);
  // the six query categories as clusters: CR2, whose adjustment is not the same for prior
  // weights (grouped trials) as for the receipts; the engine's rows are frequency weights
  const [part] = await countDataByGroup([files.parquet], [], "query_category");
  for (const hypothesis of ["joint", "total"] as Hypothesis[]) {
    const want = fitHypothesis(table, hypothesis, { cluster: "query_category" });
    const got = fitCountModel(part.data, hypothesis, { cluster: "query_category" });
    assert.match(want.stdErrorType, /^CR2/);
    assert.equal(got.stdErrorType, want.stdErrorType);
    got.tidy().forEach((t, k) => {
      const w = want.tidy()[k];
      relClose(t.estimate, w.estimate, `${hypothesis} ${t.term} estimate`, 1e-12);
      relClose(t.std_error, w.std_error, `${hypothesis} ${t.term} CR2 std_error`, 1e-10);
      relClose(t.df!, w.df!, `${hypothesis} ${t.term} Satterthwaite df`, 1e-8);
    });
    assert.equal(got.glance().n_obs, want.glance().n_obs);
  }
});

test("an unasked cluster is query_id when the receipts have one, decided from the one scan", async () => {
  await saveReceipts(table, files.parquet);
  const asked = await countDataByGroup([files.parquet], ["model"], "query_id");
  const unasked = await countDataByGroup([files.parquet], ["model"], undefined);
  assert.equal(unasked[0].data.clusterName, "query_id");
  assert.deepEqual(unasked.map((p) => p.data.weights!.length), asked.map((p) => p.data.weights!.length));
  // receipts without query ids (the column absent, as the loader's resolveCluster sees none): per pattern, unclustered
  const noIds = join(dir, "no-query-id.jsonl");
  // (a sample_index of its own each, or the receipts would share their keys)
  await saveReceipts(fromRecords(records.slice(0, 3000).map((r, i) => { const { query_id: _drop, ...rest } = r; return { ...rest, sample_index: i }; })), noIds);
  const [part] = await countDataByGroup([noIds], [], undefined);
  assert.equal(part.data.clusterName, null);
  assert.equal(part.data.cluster, null);
  const [plain] = await countDataByGroup([noIds], [], null);
  assert.deepEqual([...part.data.trials], [...plain.data.trials]);
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
  // A pattern with no judged receipt is left out; its parse errors are counted. Clustered rows
  // are their receipts as a frequency weight, the compliance fraction as the outcome.
  assert.deepEqual([...parts[0].data.weights!], [5]);
  assert.deepEqual([...parts[0].data.trials], [1]);
  assert.deepEqual([...parts[0].data.successes], [3 / 5]);
  assert.equal(parts[0].data.parseErrors, 3);
  assert.deepEqual([...parts[0].data.cluster!], [0]);
  assert.throws(() => fromSufficientStatistics([{ ...rows[0], cluster: null }], ["model"], "query_id"), /has no query_id/);
});

test("fromCodedStatistics (integer codes, typed arrays) gives fromSufficientStatistics' count data for the same rows", () => {
  // Rows as an engine returns them, in no order: two models, clusters shared across models,
  // one pattern with no judged receipt (left out, its parse errors counted).
  const rows = [
    { model: "b", cluster: "q2", n_benign: 1, n_harmful: 0, compliances: 1, trials: 3, parse_errors: 0 },
    { model: "a", cluster: "q1", n_benign: 0, n_harmful: 2, compliances: 2, trials: 2, parse_errors: 1 },
    { model: "b", cluster: "q1", n_benign: 1, n_harmful: 0, compliances: 0, trials: 1, parse_errors: 0 },
    { model: "a", cluster: "q3", n_benign: 4, n_harmful: 2, compliances: 0, trials: 0, parse_errors: 2 },
    { model: "a", cluster: "q2", n_benign: 4, n_harmful: 2, compliances: 1, trials: 5, parse_errors: 0 },
    { model: "b", cluster: "q2", n_benign: 0, n_harmful: 1, compliances: 2, trials: 2, parse_errors: 0 },
  ];
  // arbitrary codes, as ROW_NUMBER() OVER () numbers the distinct values
  const groupCode = { a: 7, b: 3 } as Record<string, number>, clusterCode = { q1: 12, q2: 0, q3: 5 } as Record<string, number>;
  const column = (f: (r: (typeof rows)[number]) => number) => Float64Array.from(rows, f);
  const coded = fromCodedStatistics({
    groupCode: Int32Array.from(rows, (r) => groupCode[r.model]),
    clusterCode: Int32Array.from(rows, (r) => clusterCode[r.cluster]),
    nBenign: column((r) => r.n_benign), nHarmful: column((r) => r.n_harmful), compliances: column((r) => r.compliances),
    trials: column((r) => r.trials), parseErrors: column((r) => r.parse_errors),
  }, (row) => ({ model: rows[row].model }), ["model"], "query_id");
  assert.deepEqual(coded, fromSufficientStatistics(rows, ["model"], "query_id"));
  // and by hand: model a keeps q1 and q2 (codes 0, 1), 3 parse errors; model b's clusters q2, q1, q2
  assert.deepEqual(coded.map((p) => p.group), [{ model: "a" }, { model: "b" }]);
  assert.deepEqual([...coded[0].data.weights!], [2, 5]);
  assert.deepEqual([...coded[0].data.successes], [1, 1 / 5]);
  assert.deepEqual([...coded[0].data.cluster!], [0, 1]);
  assert.equal(coded[0].data.parseErrors, 3);
  assert.deepEqual([...coded[1].data.cluster!], [0, 1, 0]);
  // a fitted row without a cluster (code -1) is named; a left-out one is not an error
  const missing = { groupCode: Int32Array.of(0, 0), clusterCode: Int32Array.of(4, -1), nBenign: Float64Array.of(0, 1), nHarmful: Float64Array.of(0, 0), compliances: Float64Array.of(1, 0), trials: Float64Array.of(2, 1), parseErrors: Float64Array.of(0, 0) };
  assert.throws(() => fromCodedStatistics(missing, () => ({}), [], "query_id"), /has no query_id/);
  assert.equal(fromCodedStatistics({ ...missing, trials: Float64Array.of(2, 0) }, () => ({}), [], "query_id")[0].data.trials.length, 1);
  // without a cluster: grouped binomial rows
  const plain = fromCodedStatistics({ ...missing, clusterCode: null }, () => ({}), [], null)[0].data;
  assert.deepEqual([[...plain.successes], [...plain.trials], plain.weights ?? null], [[1, 0], [2, 1], null]);
});

test("DuckDB's coded statistics are the plain statement's rows, labels replaced by codes", async () => {
  await saveReceipts(table, files.parquet);
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const raw = fileRelation([files.parquet], "parquet");
    const relation = receiptsRelation(raw, await columnsOf(connection, raw), ["model", "query_id", "n_benign", "n_harmful", "judge_label"], "parquet");
    const plain = (await connection.runAndReadAll(overRelation(relation, sufficientStatisticsSQL(["model"], "query_id")))).getRowObjectsJS();
    const coded = (await connection.runAndReadAll(overRelation(relation, codedSufficientStatisticsSQL(["model"], "query_id")))).getRowObjectsJS();
    assert.equal(coded.length, plain.length);
    // the same patterns and counts a model ...
    const pattern = (r: Record<string, unknown>) => [r.model, r.n_benign, r.n_harmful, Number(r.compliances), Number(r.trials), Number(r.parse_errors)].join("|");
    assert.deepEqual(coded.map(pattern).sort(), plain.map(pattern).sort());
    // ... numbers, not bigints, and one code a model and a cluster label ...
    for (const r of coded) for (const c of ["n_benign", "n_harmful", "compliances", "trials", "parse_errors", "group_code", "cluster_code"]) assert.equal(typeof r[c], "number", c);
    const modelCodes = new Map(coded.map((r) => [r.model, r.group_code]));
    assert.equal(new Set(coded.map((r) => r.group_code)).size, modelCodes.size);
    assert.equal(new Set(coded.map((r) => r.cluster_code)).size, new Set(plain.map((r) => r.cluster)).size);
    // ... and the clusters keep their rows: per model, the rows a cluster, sorted, are equal
    const rowsPerCluster = (rs: Record<string, unknown>[], cluster: string) => {
      const count = new Map<string, number>();
      for (const r of rs) count.set(`${r.model}|${r[cluster]}`, (count.get(`${r.model}|${r[cluster]}`) ?? 0) + 1);
      return [...count].map(([k, v]) => `${k.split("|")[0]}:${v}`).sort();
    };
    assert.deepEqual(rowsPerCluster(coded, "cluster_code"), rowsPerCluster(plain, "cluster"));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});

test("readResultColumns copies numbers out of DuckDB's vectors, nulls as NaN (or -1 for integers), across chunks", async () => {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    // 5000 rows: more than one 2048-row chunk; a null in each column of the first chunk only
    const result = await connection.run(
      "SELECT CASE WHEN i = 3 THEN NULL ELSE CAST(i AS DOUBLE) / 4 END AS x, CASE WHEN i = 5 THEN NULL ELSE CAST(i AS INTEGER) END AS k, 'g' || CAST(i % 3 AS VARCHAR) AS label FROM range(5000) t(i) ORDER BY i",
    );
    const columns = readResultColumns(result, { x: "float64", k: "int32" });
    const x = columns.numbers.get("x") as Float64Array, k = columns.numbers.get("k") as Int32Array;
    assert.equal(columns.rows, 5000);
    assert.ok(x instanceof Float64Array && k instanceof Int32Array);
    assert.ok(Number.isNaN(x[3]));
    assert.equal(k[5], -1);
    for (const i of [0, 4, 2047, 2048, 4999]) {
      assert.equal(x[i], i / 4);
      assert.equal(k[i], i);
    }
    assert.equal(columns.valueAt("label", 4097), "g2");
    assert.throws(() => readResultColumns(result, { nope: "int32" }), /no column "nope"/);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});

test("the statements are portable SQL over a relation named receipts; only the file reader is DuckDB's", () => {
  const statements = [sufficientStatisticsSQL(["model"], "query_id"), sufficientStatisticsSQL([], null), complianceCountsSQL(["model", "format_cue"])];
  assert.doesNotMatch(codedSufficientStatisticsSQL(["model", "format_cue"], "query_id"), /read_|::|"|GROUP BY ALL|FILTER|QUALIFY/);
  // a statement with its own WITH list gets the relation prepended to it
  assert.match(overRelation("SELECT 1", codedSufficientStatisticsSQL([], "query_id")), /^WITH receipts AS \(SELECT 1\),\ncounts AS \(/);
  for (const sql of statements) {
    assert.match(sql, /\nFROM receipts(\n|$)/);
    // No DuckDB-only constructs: table functions, ::casts, double-quoted identifiers, GROUP BY ALL, FILTER.
    assert.doesNotMatch(sql, /read_|::|"|GROUP BY ALL|FILTER|QUALIFY/);
  }
  // Defaults as the loader fills them (a missing format_cue is "none").
  assert.match(complianceCountsSQL(["format_cue"]), /COALESCE\(format_cue, 'none'\) AS format_cue/);
  assert.throws(() => sufficientStatisticsSQL(["model; DROP TABLE x"], null), /unknown receipt field/);
  assert.match(fileRelation(["/a'b.parquet"], "parquet"), /read_parquet\(\['\/a''b\.parquet'\]/);
});
