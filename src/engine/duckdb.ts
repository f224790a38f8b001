/**
 * The out-of-core engine: DuckDB (embedded, `@duckdb/node-api`) reads the receipt files where
 * they are and returns grouped counts, so memory holds patterns x clusters, never the rows.
 * The statements are in `sufficient-statistics.sql.ts`; this file only runs them. DuckDB (and
 * the summary's modules) are loaded on first use, so that `fit --engine duckdb` loads neither
 * Arrow nor the receipt table.
 */
import type { DuckDBMaterializedResult } from "@duckdb/node-api";
import type { ComplianceRow } from "../analysis/compliance-table";
import type { GroupValues } from "../analysis/group-by";
import { compareGroups, fromCodedStatistics, type CountDataPart } from "./from-sufficient-statistics";
import { readResultColumns } from "./result-columns";
import { ALL_INPUT_FIELDS, checkedReceipts, explainReadError, receiptFiles, withConnection, withDuplicateHashes } from "./receipt-relation";
import { codedSufficientStatisticsSQL, complianceCountsSQL, overRelation, SUFFICIENT_STATISTICS_COLUMNS, sufficientStatisticsSQL } from "./sufficient-statistics.sql";

export type Engine = "memory" | "duckdb";

/** Check an `--engine` value. */
export function parseEngine(value: string | undefined): Engine {
  if (value === undefined || value === "memory") return "memory";
  if (value === "duckdb") return "duckdb";
  throw new Error(`unknown engine ${JSON.stringify(value)}; expected memory or duckdb`);
}

/**
 * Run one statement over the files' receipts (every input field, typed as the loaders type
 * it; duplicates rejected first, see receipt-relation.ts) and return its rows as plain
 * objects (counts as bigint).
 */
export async function queryReceipts(paths: readonly string[], statement: string): Promise<Record<string, unknown>[]> {
  const { files, format } = await receiptFiles(paths);
  return withConnection(async (connection) => {
    const { relation } = await checkedReceipts(connection, files, format, ALL_INPUT_FIELDS);
    const reader = await connection.runAndReadAll(overRelation(relation, statement)).catch(async (e) => { throw await explainReadError(e, files, format); });
    return reader.getRowObjectsJS() as Record<string, unknown>[];
  });
}

export interface CountDataOptions {
  /**
   * Called once the statement is running on DuckDB's threads, before its result is awaited:
   * synchronous work here (`receipts fit` loads the fit's modules) overlaps the scan.
   */
  readonly whileQuerying?: () => void;
}

/**
 * Count data per group of `by` (per cluster too when given), computed by DuckDB from the
 * files: one scan and aggregation (`codedSufficientStatisticsSQL`), its numbers read as typed
 * arrays, each group's labels read once. Duplicate receipts are looked for before (Parquet)
 * or in the same scan (CSV, JSONL: a grouping set on the key's hash, `withDuplicateHashes`,
 * checked exactly when it finds any), see `checkedReceipts`. `cluster` undefined: query_id when some receipt has
 * one, as `resolveCluster` picks it, decided from the same scan (clustered by query_id; when
 * the files have no such column, or every receipt's is null, the rows are per pattern and the
 * parts unclustered, `data.clusterName` null) instead of a scan of its own first.
 */
export async function countDataByGroup(
  paths: readonly string[], by: readonly string[], cluster: string | null | undefined, options: CountDataOptions = {},
): Promise<CountDataPart[]> {
  const { files, format } = await receiptFiles(paths);
  return withConnection(async (connection) => {
    let asked: string | null = cluster === undefined ? "query_id" : cluster;
    const fields = [...by, ...(asked === null ? [] : [asked]), ...SUFFICIENT_STATISTICS_COLUMNS];
    const { relation, present, inScan, rejectDuplicates } = await checkedReceipts(connection, files, format, fields, { duplicatesInScan: true });
    if (cluster === undefined && !present.has("query_id")) asked = null;
    const running = connection.run(overRelation(relation, inScan ? codedStatisticsWithDuplicates(by, asked) : codedSufficientStatisticsSQL(by, asked)));
    options.whileQuerying?.();
    const result: DuckDBMaterializedResult = await running.catch(async (e) => { throw await explainReadError(e, files, format); });
    if (inScan && result.rowCount > 0 && readResultColumns(result, { duplicate_hashes: "float64" }).numbers.get("duplicate_hashes")![0] > 0) await rejectDuplicates();
    const columns = readResultColumns(result, {
      group_code: "int32", ...(asked === null ? {} : { cluster_code: "int32" as const }),
      n_benign: "float64", n_harmful: "float64", compliances: "float64", trials: "float64", parse_errors: "float64",
    });
    const number = (name: string) => columns.numbers.get(name)!;
    let clusterCode = asked === null ? null : (number("cluster_code") as Int32Array);
    if (cluster === undefined && clusterCode !== null && clusterCode.every((c) => c < 0)) {
      // no receipt has a query_id: each row is then one (group, pattern), the unclustered rows
      asked = null;
      clusterCode = null;
    }
    const groupOf = (row: number): GroupValues => {
      const group: GroupValues = {};
      for (const f of by) group[f] = labelValue(columns.valueAt(f, row));
      return group;
    };
    return fromCodedStatistics({
      groupCode: number("group_code") as Int32Array, clusterCode,
      nBenign: number("n_benign") as Float64Array, nHarmful: number("n_harmful") as Float64Array,
      compliances: number("compliances") as Float64Array, trials: number("trials") as Float64Array, parseErrors: number("parse_errors") as Float64Array,
    }, groupOf, by, asked);
  });
}

/**
 * `codedSufficientStatisticsSQL` whose counts come from the scan that also finds duplicate
 * key hashes (`withDuplicateHashes`): their number is the column `duplicate_hashes` of
 * every row. Exported for bench/ and tests only.
 */
export function codedStatisticsWithDuplicates(by: readonly string[], cluster: string | null): string {
  const coded = codedSufficientStatisticsSQL(by, cluster), plain = sufficientStatisticsSQL(by, cluster);
  const counts = `counts AS (\n${plain}\n)`;
  const from = coded.lastIndexOf("\nFROM counts");
  if (!coded.startsWith(`WITH ${counts}`) || from < 0) throw new Error("engine: internal error, unexpected statistics statement");
  const columns = ["n_benign", "n_harmful", "compliances", "trials", "parse_errors", ...by, ...(cluster === null ? [] : ["cluster"])];
  const own = `${withDuplicateHashes(plain, "grouped")},\ncounts AS (SELECT ${[...new Set(columns)].join(", ")} FROM grouped WHERE stats_row = 1)`;
  return `WITH ${own}${coded.slice(`WITH ${counts}`.length, from)}, CAST((SELECT COUNT(*) FROM grouped WHERE stats_row = 0) AS DOUBLE) AS duplicate_hashes${coded.slice(from)}`;
}

/** A group label as the kit holds it: 64-bit integers as numbers, nulls as null. */
function labelValue(v: unknown): GroupValues[string] {
  if (v === undefined || v === null) return null;
  return typeof v === "bigint" ? Number(v) : (v as GroupValues[string]);
}

/**
 * `complianceTable` computed by DuckDB from the files: the same rows, in the same order;
 * duplicate receipts looked for as `countDataByGroup` looks for them.
 */
export async function complianceTableFromFiles(paths: readonly string[], by: readonly string[], confLevel = 0.95): Promise<ComplianceRow[]> {
  const { files, format } = await receiptFiles(paths);
  const rows = await withConnection(async (connection) => {
    const { relation, inScan, rejectDuplicates } = await checkedReceipts(connection, files, format, [...by, "judge_label"], { duplicatesInScan: true });
    const statement = inScan ? `WITH ${withDuplicateHashes(complianceCountsSQL(by), "grouped")}\nSELECT * FROM grouped` : complianceCountsSQL(by);
    const all = (await connection.runAndReadAll(overRelation(relation, statement)).catch(async (e) => { throw await explainReadError(e, files, format); })).getRowObjectsJS() as Record<string, unknown>[];
    if (!inScan) return all;
    if (all.some((r) => Number(r.stats_row) === 0)) await rejectDuplicates();
    return all.filter((r) => Number(r.stats_row) === 1);
  });
  const { complianceCounts } = await import("../analysis/compliance-table");
  const n = (v: unknown) => (typeof v === "bigint" ? Number(v) : Number(v ?? 0));
  const out = rows.map((r) => {
    const group: GroupValues = {};
    for (const f of by) group[f] = typeof r[f] === "bigint" ? Number(r[f]) : ((r[f] ?? null) as GroupValues[string]);
    return { group, counts: complianceCounts(n(r.compliances), n(r.trials), n(r.parse_errors), confLevel) };
  });
  out.sort((a, b) => compareGroups(a.group, b.group, by));
  return out.map((r) => ({ ...r.group, ...r.counts }));
}
