/**
 * `loadReceipts`: one call for files or folders in any of the four formats. All inputs go
 * through one assembler, so a receipt duplicated across two files is caught and named.
 */
import { open } from "node:fs/promises";
import { resolve } from "node:path";
import type { DataFrame } from "./dataframe";
import { ReceiptAssembler, type LoadOptions } from "./assemble";
import { readArrowInto, writeArrow } from "./arrow-ipc";
import { withLazySha256 } from "./file-hash";
import type { JSONLLimits } from "./jsonl";
import type { ReceiptFormat, ReceiptTable } from "./receipt-table";
import { expandPaths, formatFromPath } from "./receipt-paths";

// The readers and writers of the other formats are loaded when a file of theirs is met: an
// Arrow load does not pay for compiling the JSONL, CSV and Parquet code (and csv-stringify,
// worker_threads) at start-up, which was a tenth of a load of a million receipts.
/* eslint-disable @typescript-eslint/no-require-imports */
const csv = (): typeof import("./csv") => require("./csv");
const jsonl = (): typeof import("./jsonl") => require("./jsonl");
const parquet = (): typeof import("./parquet") => require("./parquet");
/* eslint-enable @typescript-eslint/no-require-imports */

// in receipt-paths.ts, so that a caller needing only these (fit --engine duckdb) loads no reader
export { expandPaths, formatFromPath };

export interface LoadReceiptsOptions extends LoadOptions, JSONLLimits {
  /** Force a format instead of detecting it from the extension and the first bytes. */
  readonly format?: ReceiptFormat;
  /**
   * Worker threads for JSONL files of 16 MiB and more (default 1: every file on the calling
   * thread; on 2 busy cores two workers cost a third more CPU for no shorter wall time).
   * Results are the same either way.
   */
  readonly workers?: number;
}

/** Detect a file's format: magic bytes first (Parquet `PAR1`, Arrow `ARROW1` or a stream message), then the extension. */
export async function detectFormat(path: string): Promise<ReceiptFormat> {
  const handle = await open(path, "r");
  const head = Buffer.alloc(8);
  const { bytesRead } = await handle.read(head, 0, 8, 0);
  await handle.close();
  const magic = head.subarray(0, bytesRead);
  if (magic.subarray(0, 4).toString("latin1") === "PAR1") return "parquet";
  if (magic.subarray(0, 6).toString("latin1") === "ARROW1") return "arrow";
  if (bytesRead >= 4 && magic.readUInt32LE(0) === 0xffffffff) return "arrow";
  const byExtension = formatFromPath(path);
  if (byExtension !== null) return byExtension;
  throw new Error(`${path}: cannot tell the format; expected an extension .jsonl, .csv, .arrow or .parquet (or pass format)`);
}

/**
 * Load receipts from files or folders (JSONL, CSV, Arrow IPC, Parquet). Strict by
 * default: throws a ReceiptValidationError at the first bad record. With
 * `{strict: false}` returns the good rows; `table.issues` lists every problem.
 */
export async function loadReceipts(paths: string | readonly string[], options: LoadReceiptsOptions = {}): Promise<ReceiptTable> {
  const asm = new ReceiptAssembler(options);
  for (const path of await expandPaths(paths)) {
    const format = options.format ?? (await detectFormat(path));
    const rowsBefore = asm.rowCount, issuesBefore = asm.issues.length;
    // Files are hashed only if the hash is read (provenance; see file-hash.ts).
    const { records, file } =
      format === "arrow" ? await readArrowInto(asm, path, options)
      : format === "parquet" ? await parquet().readParquetInto(asm, path, options)
      : format === "jsonl" ? await jsonl().readJSONLInto(asm, path, options)
      : await csv().readCSVInto(asm, path, options);
    asm.closeSource(path, format, null, records, rowsBefore, issuesBefore);
    const at = asm.sources.length - 1;
    asm.sources[at] = withLazySha256(asm.sources[at], resolve(path), file);
  }
  return asm.finish();
}

/** In-memory receipts (plain objects) validated into a table. */
export function fromRecords(records: readonly unknown[], options: LoadOptions = {}): ReceiptTable {
  const asm = new ReceiptAssembler(options);
  records.forEach((r, i) => asm.add(r, { file: null, line: i + 1 }));
  asm.closeSource(null, "memory", null, records.length, 0, 0);
  return asm.finish();
}

/** Back from a danfo DataFrame (as given by `toDataFrame()`, possibly edited) to a validated table. */
export function fromDataFrame(df: DataFrame, options: LoadOptions = {}): ReceiptTable {
  const columns = df.columns;
  const values = df.values as unknown[][];
  const records = values.map((row) => {
    const o: Record<string, unknown> = {};
    columns.forEach((c, j) => {
      let v = row[j];
      if (v === undefined || (typeof v === "number" && Number.isNaN(v) && c !== "judge_score")) v = null;
      if (c === "demo_ids" && typeof v === "string") v = JSON.parse(v);
      o[c] = v;
    });
    return o;
  });
  const asm = new ReceiptAssembler(options);
  records.forEach((r, i) => asm.add(r, { file: null, line: i + 1 }));
  asm.closeSource(null, "dataframe", null, records.length, 0, 0);
  return asm.finish();
}

/** Write a table in the format the path's extension names. */
export async function saveReceipts(table: ReceiptTable, path: string): Promise<void> {
  const format = formatFromPath(path);
  if (format === null) throw new Error(`saveReceipts: cannot tell the format of ${path}; expected .jsonl, .csv, .arrow or .parquet`);
  // A table loaded with `columns` holds nulls for the fields it did not read: writing it would lose them.
  if (table.loadedFields.length < table.fieldNames.length) throw new Error(`saveReceipts: this table was loaded with only some fields (${table.loadedFields.join(", ")}); load it without the columns option to write it`);
  // A weighted table's rows are cells of receipts: written as receipts, each would count once.
  if (table.weights() !== null) throw new Error(`saveReceipts: this table is weighted (each row a cell standing for weights()[i] receipts); writing it as receipts would count each cell once. Save the receipts it was made from, or write the cells with their weights yourself (toDataFrame() plus weights())`);
  if (format === "jsonl") return jsonl().writeJSONL(table, path);
  if (format === "csv") return csv().writeCSV(table, path);
  if (format === "arrow") return writeArrow(table, path);
  return parquet().writeParquetFile(table, path);
}
