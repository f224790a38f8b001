/**
 * `analyze` from receipt files, in memory or out of core: the library's counterpart of
 * `receipts analyze FILE... [--engine duckdb]`. With `engine: "duckdb"` the receipts stay in
 * their files and DuckDB groups them into weighted cells (analysis-cells.ts); the result
 * receipt is the in-memory one (numbers to 1e-8; test/engine/analyze-engine.test.ts).
 */
import { analyze, type AnalyzeOptions, type ResultReceipt } from "../analysis/analyze";
import { analyzeColumns } from "../analysis/needed-columns";
import { loadReceipts } from "../io/load";
import type { ReceiptTable } from "../io/receipt-table";
import { analysisCellsFromFiles } from "./analysis-cells";
import { parseEngine, type Engine } from "./duckdb";

export interface AnalysisTableOptions {
  /** "memory" (default): load the receipts (validated, duplicates rejected); "duckdb": DuckDB groups them into cells. */
  readonly engine?: Engine;
  readonly cluster?: AnalyzeOptions["cluster"];
  /** Engine duckdb only: the files hold cells already, each standing for this column's number of receipts (see AnalysisCellsOptions). */
  readonly weightColumn?: string | null;
}

export interface AnalyzeFilesOptions extends AnalyzeOptions, Omit<AnalysisTableOptions, "cluster"> {}

/** The table `analyze` runs on: the receipts (memory) or DuckDB's weighted cells of them (duckdb). */
export async function analysisTable(paths: string | readonly string[], options: AnalysisTableOptions = {}): Promise<ReceiptTable> {
  const list = typeof paths === "string" ? [paths] : paths;
  const weightColumn = options.weightColumn ?? null;
  if (parseEngine(options.engine) === "duckdb") return analysisCellsFromFiles(list, { cluster: options.cluster, weightColumn });
  if (weightColumn !== null) throw new Error("a weight column (files of cells) needs engine duckdb");
  return loadReceipts(list, { strict: true, columns: analyzeColumns(options.cluster) });
}

/** Every analysis the receipts in these files support, as `analyze(table, options)` gives it. */
export async function analyzeFiles(paths: string | readonly string[], options: AnalyzeFilesOptions = {}): Promise<ResultReceipt> {
  const { engine, weightColumn, ...rest } = options;
  return analyze(await analysisTable(paths, { engine, cluster: options.cluster, weightColumn }), rest);
}
