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
import { ALL_INPUT_FIELDS, checkedReceipts, receiptFiles, withConnection } from "./receipt-relation";
import { codedSufficientStatisticsSQL, complianceCountsSQL, overRelation, SUFFICIENT_STATISTICS_COLUMNS } from "./sufficient-statistics.sql";

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
    const reader = await connection.runAndReadAll(overRelation(relation, statement));
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
 * arrays, each group's labels read once, after the duplicate-receipt check (one more
 * aggregation, over the key fields). `cluster` undefined: query_id when some receipt has
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
    const { relation, present } = await checkedReceipts(connection, files, format, fields);
    if (cluster === undefined && !present.has("query_id")) asked = null;
    const running = connection.run(overRelation(relation, codedSufficientStatisticsSQL(by, asked)));
    options.whileQuerying?.();
    const result: DuckDBMaterializedResult = await running;
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

/** A group label as the kit holds it: 64-bit integers as numbers, nulls as null. */
function labelValue(v: unknown): GroupValues[string] {
  if (v === undefined || v === null) return null;
  return typeof v === "bigint" ? Number(v) : (v as GroupValues[string]);
}

/** `complianceTable` computed by DuckDB from the files: the same rows, in the same order. */
export async function complianceTableFromFiles(paths: readonly string[], by: readonly string[], confLevel = 0.95): Promise<ComplianceRow[]> {
  const rows = await queryReceipts(paths, complianceCountsSQL(by));
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
