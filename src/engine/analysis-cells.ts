/**
 * `analyze` out of core: DuckDB (embedded) groups the receipt files into cells by
 * `analysisCellsSQL`, and the cells come back as a weighted ReceiptTable (row i stands for
 * `weights()[i]` receipts) on which the same `analyze()` runs, giving the in-memory path's
 * numbers (test/engine/analyze-engine.test.ts). Memory then holds the cells, never the rows.
 *
 * The cells travel through a temporary Parquet file that the kit's own Parquet loader reads:
 * so every value is validated exactly as `loadReceipts` validates it (an unknown judge_label,
 * a negative count, ... is the same error, naming the cell), dictionary columns are built as
 * for any load, and no per-cell JavaScript object is made. The files are read as fit and
 * summarize read them (receipt-relation.ts: CSV typed as the kit's reader types it, duplicate
 * receipts rejected); the temporary file is this file's; the statement itself is portable
 * (analysis-cells.sql.ts).
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Bool, Dictionary, Field, Float64, Int32, Schema, Table, tableToIPC, Utf8 } from "apache-arrow";
import { analyzeColumns } from "../analysis/needed-columns";
import { arrowTypeOf } from "../io/arrow-schema";
import { fileIdentity, withLazySha256 } from "../io/file-hash";
import { loadReceipts } from "../io/load";
import { withRowWeights, type ReceiptTable, type SourceFile } from "../io/receipt-table";
import { FIELD_BY_NAME, type ReceiptFieldName } from "../receipt/fields";
import { ReceiptValidationError } from "../receipt/issues";
import { analysisCellFields, analysisCellsSQL } from "./analysis-cells.sql";
import { checkedReceipts, explainReadError, quote, receiptFiles, withConnection, withDuplicateHashes } from "./receipt-relation";

export interface AnalysisCellsOptions {
  /** The cluster field analyze will use (undefined: query_id when present, which is a cell field anyway). */
  readonly cluster?: ReceiptFieldName | null;
  /**
   * The files hold cells, not receipts (e.g. `analysisCellsSQL`'s result from Spark, Trino or
   * BigQuery, exported to Parquet, JSONL or CSV): each row stands for this column's number of
   * receipts. Default: none, every row is one receipt.
   */
  readonly weightColumn?: string | null;
}

/** The DuckDB column type that stands for a field's Arrow type in the kit's schema. */
function duckdbTypeOf(f: ReceiptFieldName): string {
  const t = arrowTypeOf(FIELD_BY_NAME.get(f)!);
  return t instanceof Dictionary || t instanceof Utf8 ? "VARCHAR" : t instanceof Int32 ? "INTEGER" : t instanceof Bool ? "BOOLEAN" : t instanceof Float64 ? "DOUBLE" : "?";
}

/**
 * When every column of the cells query has the DuckDB type of the field's Arrow type, the
 * `KV_METADATA` option that embeds the kit's Arrow schema in the Parquet file (the
 * `ARROW:schema` key Arrow writers use), so the reader returns the text fields as
 * dictionaries and the loader skips encoding them; else nothing (the loader encodes and
 * checks the columns as they come, with its own messages for a value of the wrong type).
 */
async function arrowSchemaMetadata(connection: { runAndReadAll(sql: string): Promise<{ getRowObjectsJS(): Record<string, unknown>[] }> }, query: string, fields: readonly ReceiptFieldName[]): Promise<string> {
  const described = (await connection.runAndReadAll(`DESCRIBE ${query}`)).getRowObjectsJS();
  const want = [...fields.map(duckdbTypeOf), "VARCHAR", "DOUBLE", "INTEGER"];
  if (described.length !== want.length || described.some((r, k) => String(r.column_type) !== want[k])) return "";
  const schema = new Schema([
    ...fields.map((f) => new Field(f, arrowTypeOf(FIELD_BY_NAME.get(f)!), true)),
    new Field("source_file", new Utf8(), true), new Field("weight", new Float64(), true), new Field("sample_index", new Int32(), true),
  ]);
  // the schema message of an IPC stream (continuation marker, length, flatbuffer), base64
  const ipc = tableToIPC(new Table(schema), "stream");
  const length = new DataView(ipc.buffer, ipc.byteOffset, ipc.byteLength).getInt32(4, true);
  return `, KV_METADATA {'ARROW:schema': ${quote(Buffer.from(ipc.subarray(0, 8 + length)).toString("base64"))}}`;
}

/**
 * The receipts of the files as a weighted table of analysis cells, computed by DuckDB: what
 * `analyze()` needs, in memory bounded by the number of cells. Sources name the input files
 * with their hashes and receipt counts, as a load of them would.
 */
export async function analysisCellsFromFiles(paths: readonly string[], options: AnalysisCellsOptions = {}): Promise<ReceiptTable> {
  const { files, format } = await receiptFiles(paths);
  const fields = analysisCellFields(options.cluster);
  // which version of each file DuckDB reads: its hash is computed when first asked for, as
  // the loaders do, and refused if the file changed since (io/file-hash.ts)
  const identities = await Promise.all(files.map(async (f) => fileIdentity(await stat(f))));
  const dir = await mkdtemp(join(tmpdir(), "receipts-cells-"));
  const cellsPath = join(dir, "cells.parquet");
  try {
    return await withConnection(async (connection) => {
      const weightColumn = options.weightColumn ?? null;
      const { relation, inScan, rejectDuplicates } = await checkedReceipts(connection, files, format, fields, { weightColumn, duplicatesInScan: true });
      let cells = analysisCellsSQL(options.cluster, ["source_file"], weightColumn);
      if (inScan) {
        // CSV, JSONL: the cells and the duplicate key hashes from one parse of the files, kept
        // in a temporary table (cells are what the loader reads next anyway)
        await connection.run(`CREATE TEMP TABLE cells_and_duplicates AS\nWITH receipts AS (${relation}),\n${withDuplicateHashes(cells, "grouped")}\nSELECT * FROM grouped`)
          .catch(async (e) => { throw await explainReadError(e, files, format); });
        const [[candidates]] = (await connection.runAndReadAll("SELECT CAST(COUNT(*) AS DOUBLE) FROM cells_and_duplicates WHERE stats_row = 0")).getRows();
        if (Number(candidates) > 0) await rejectDuplicates();
        cells = `SELECT ${[...fields, "source_file", "weight"].join(", ")} FROM cells_and_duplicates WHERE stats_row = 1`;
      }
      // Each cell gets a distinct sample_index, its rank in a fixed order: the loader checks
      // receipt keys for duplicates, and cells differ in fields outside the key. The rank, not
      // the file's row order, orders the table (below), so that every sum over it is the same
      // from run to run; the file itself is written in any order, which saves DuckDB a sort.
      await connection.run("SET preserve_insertion_order = false");
      const order = [...fields, "source_file"].map((f) => `${f} NULLS FIRST`).join(", ");
      // Integer fields as 32-bit integers, the kit's Arrow type for them, so that the loader
      // takes its columnar path (a 64-bit column would send every cell through the row path).
      const typed = fields.map((f) => (FIELD_BY_NAME.get(f)!.kind === "integer" && FIELD_BY_NAME.get(f)!.wideInteger !== true ? `CAST(${f} AS INTEGER) AS ${f}` : f));
      const query =
        `WITH receipts AS (${relation}),\ncells AS (${cells})\n` +
        `SELECT ${typed.join(", ")}, source_file, CAST(weight AS DOUBLE) AS weight, CAST(ROW_NUMBER() OVER (ORDER BY ${order}) - 1 AS INTEGER) AS sample_index FROM cells`;
      const metadata = await arrowSchemaMetadata(connection, query, fields);
      await connection.run(`COPY (\n${query}\n) TO ${quote(cellsPath)} (FORMAT parquet${metadata})`).catch(async (e) => { throw await explainReadError(e, files, format); });
      let table: ReceiptTable;
      try {
        table = await loadReceipts(cellsPath, { format: "parquet", strict: true, columns: [...analyzeColumns(options.cluster), "sample_index"], unknownFields: "ignore" });
      } catch (e) {
        if (!(e instanceof ReceiptValidationError)) throw e;
        // the loader names the temporary file and a row of it: say which cell of which input instead
        const of = files.length === 1 ? files[0] : `the ${files.length} files`;
        const message = e.message.split(`${cellsPath}:`).map((piece, k) => (k === 0 ? piece : piece.replace(/^(\d+)/, (n) => `DuckDB cell ${n} of ${of} (receipts grouped by ${fields.length} fields)`))).join("");
        throw new Error(`engine duckdb: invalid receipts (the in-memory loader would reject them too):\n${message}`);
      }
      // the weights by rank, then by the table's rows; and the rows in rank order
      const [ranks, weightOfRank] = (await connection.runAndReadAll(`SELECT sample_index, CAST(weight AS DOUBLE) AS weight FROM read_parquet(${quote(cellsPath)})`)).getColumnsJS() as number[][];
      const n = table.numRows;
      if (ranks.length !== n) throw new Error(`engine duckdb: internal error, ${ranks.length} weights for ${n} cells`);
      const byRank = new Float64Array(n);
      for (let k = 0; k < n; k++) byRank[ranks[k]] = weightOfRank[k];
      const rankOfRow = table.numbers("sample_index");
      const weights = new Float64Array(n), rowOfRank = new Int32Array(n);
      for (let r = 0; r < n; r++) {
        weights[r] = byRank[rankOfRow[r]];
        rowOfRank[rankOfRow[r]] = r;
      }
      const perFile = new Map<string, number>();
      for (const r of (await connection.runAndReadAll(`SELECT source_file, CAST(SUM(weight) AS DOUBLE) AS receipts FROM read_parquet(${quote(cellsPath)}) GROUP BY source_file`)).getRowObjectsJS()) {
        perFile.set(String(r.source_file), Number(r.receipts));
      }
      const sources: SourceFile[] = files.map((f, k) => {
        const n = perFile.get(resolve(f)) ?? 0;
        return withLazySha256({ path: f, format, sha256: null, rowsRead: n, rowsKept: n, issues: 0 }, f, identities[k]);
      });
      for (let r = 0; r < n; r++) {
        if (!(weights[r] > 0 && Number.isFinite(weights[r]))) throw new Error(`engine duckdb: a cell's ${weightColumn} sums to ${weights[r]}; every row of cells must stand for a positive number of receipts`);
      }
      return withRowWeights(table, weights, sources).take(rowOfRank);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
