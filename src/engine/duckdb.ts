/**
 * The out-of-core engine: DuckDB (embedded, `@duckdb/node-api`) reads the receipt files where
 * they are and returns grouped counts, so memory holds patterns x clusters, never the rows.
 * The statements are in `sufficient-statistics.sql.ts`; this file only runs them. DuckDB (and
 * the summary's modules) are loaded on first use, so that `fit --engine duckdb` loads neither
 * Arrow nor the receipt table.
 */
import type { DuckDBConnection, DuckDBMaterializedResult } from "@duckdb/node-api";
import type { ComplianceRow } from "../analysis/compliance-table";
import type { GroupValues } from "../analysis/group-by";
import { expandPaths, formatFromPath } from "../io/receipt-paths";
import { compareGroups, fromCodedStatistics, type CountDataPart } from "./from-sufficient-statistics";
import { readResultColumns } from "./result-columns";
import { codedSufficientStatisticsSQL, complianceCountsSQL, nonNullCountSQL, overRelation, receiptsRelation, type EngineFormat } from "./sufficient-statistics.sql";

export type Engine = "memory" | "duckdb";

/** Check an `--engine` value. */
export function parseEngine(value: string | undefined): Engine {
  if (value === undefined || value === "memory") return "memory";
  if (value === "duckdb") return "duckdb";
  throw new Error(`unknown engine ${JSON.stringify(value)}; expected memory or duckdb`);
}

/** The files of paths (folders expanded), all in one format DuckDB reads. */
async function filesOf(paths: readonly string[]): Promise<{ files: string[]; format: EngineFormat }> {
  const files = await expandPaths(paths);
  if (files.length === 0) throw new Error(`${paths.join(", ")}: no receipt files`);
  const formats = new Set(files.map((f) => formatFromPath(f)));
  if (formats.size !== 1) throw new Error(`engine duckdb: the files mix formats (${[...formats].join(", ")}); give files of one format`);
  const format = [...formats][0];
  if (format !== "parquet" && format !== "jsonl" && format !== "csv") throw new Error(`engine duckdb reads Parquet, JSONL or CSV files; found ${format}`);
  return { files, format };
}

/** Open an in-memory DuckDB, run `use` on a connection, close both. */
async function withConnection<T>(use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    return await use(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Run one statement over the files and return its rows as plain objects (counts as bigint). */
export async function queryReceipts(paths: readonly string[], statement: string): Promise<Record<string, unknown>[]> {
  const { files, format } = await filesOf(paths);
  return withConnection(async (connection) => {
    const reader = await connection.runAndReadAll(overRelation(receiptsRelation(files, format), statement));
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
 * arrays, each group's labels read once. `cluster` undefined: query_id when some receipt has
 * one, as `resolveCluster` picks it, decided from the same scan (clustered by query_id; when
 * the files have no such column, or every receipt's is null, the rows are per pattern and the
 * parts unclustered, `data.clusterName` null) instead of a scan of its own first.
 */
export async function countDataByGroup(
  paths: readonly string[], by: readonly string[], cluster: string | null | undefined, options: CountDataOptions = {},
): Promise<CountDataPart[]> {
  const { files, format } = await filesOf(paths);
  return withConnection(async (connection) => {
    const statement = (c: string | null) => overRelation(receiptsRelation(files, format), codedSufficientStatisticsSQL(by, c));
    let asked: string | null = cluster === undefined ? "query_id" : cluster;
    const running = connection.run(statement(asked));
    options.whileQuerying?.();
    let result: DuckDBMaterializedResult;
    try {
      result = await running;
    } catch (e) {
      if (cluster !== undefined) throw e;
      asked = null; // the files have no query_id column
      result = await connection.run(statement(null));
    }
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

/**
 * The cluster field, as `resolveCluster` picks it for a table: the one asked for; for
 * undefined, query_id when some receipt in the files has one; null for none.
 */
export async function resolveClusterFromFiles(paths: readonly string[], cluster: string | null | undefined): Promise<string | null> {
  if (cluster !== undefined) return cluster;
  try {
    const [row] = await queryReceipts(paths, nonNullCountSQL("query_id"));
    return Number(row?.n ?? 0) > 0 ? "query_id" : null;
  } catch {
    return null; // the files have no query_id column
  }
}
