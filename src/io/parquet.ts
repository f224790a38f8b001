/**
 * Parquet through parquet-wasm: Parquet bytes <-> Arrow IPC <-> apache-arrow. Written with
 * zstd compression and dictionary pages, so a million receipts take a few megabytes.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { tableFromIPC, tableToIPC, type Table } from "apache-arrow";
import { Compression, ParquetFile, readParquet, Table as WasmTable, writeParquet, WriterPropertiesBuilder } from "parquet-wasm";
import { ReceiptAssembler, type LoadOptions } from "./assemble";
import { checkArrowColumns, feedArrowRows, feedArrowTable } from "./arrow-ipc";
import { Blob } from "node:buffer";
import { ReceiptTable } from "./receipt-table";
import { writeFileAtomic } from "./write-atomic";

/**
 * Decode Parquet bytes (all row groups, or those given) to an Arrow table. Record batches
 * are as large as asked: parquet-wasm's default of 1,024 rows makes a million-row file
 * take seconds and a thousand chunks.
 */
export function decodeParquet(bytes: Uint8Array, file: string | null, options: { rowGroups?: number[]; batchSize?: number } = {}): Table {
  try {
    return tableFromIPC(readParquet(bytes, { batchSize: options.batchSize ?? 65536, rowGroups: options.rowGroups }).intoIPCStream());
  } catch (e) {
    throw new Error(`${file ?? "<input>"}: not a readable Parquet file (${String((e as Error).message ?? e)})`);
  }
}

/** Rows in each row group, from the file's footer; null when it cannot be read (the decoder then says why). */
async function rowGroupSizes(bytes: Uint8Array): Promise<number[] | null> {
  try {
    const handle = await ParquetFile.fromFile(new Blob([bytes]) as unknown as globalThis.Blob);
    const meta = handle.metadata();
    const rows = meta.rowGroups().map((g) => Number(g.numRows()));
    meta.free();
    handle.free();
    return rows;
  } catch {
    return null;
  }
}

export function fromParquet(bytes: Uint8Array, options: LoadOptions & { file?: string } = {}): ReceiptTable {
  const asm = new ReceiptAssembler(options);
  const file = options.file ?? null;
  let read = 0;
  try {
    read = feedArrowTable(asm, decodeParquet(bytes, file), file, options);
  } catch (e) {
    if ((e as Error).name === "ReceiptValidationError") throw e;
    asm.report({ file, line: null, field: null, message: (e as Error).message });
  }
  asm.closeSource(file, "memory", null, read, 0, 0);
  return asm.finish();
}

/**
 * Read a Parquet file into an assembler one row group at a time: each group is decoded in
 * WebAssembly, handed over as one Arrow batch, checked and appended to columns sized for
 * the whole file, and released before the next, so memory holds one decoded group at a time.
 */
export async function readParquetInto(asm: ReceiptAssembler, path: string, options: LoadOptions): Promise<{ records: number; sha256: string }> {
  const bytes = await readFile(path);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const groups = await rowGroupSizes(bytes);
  if (groups === null || groups.length === 0) {
    let table: Table;
    try {
      table = decodeParquet(bytes, path);
    } catch (e) {
      asm.report({ file: path, line: null, field: null, message: (e as Error).message.replace(`${path}: `, "") });
      return { records: 0, sha256 };
    }
    return { records: feedArrowTable(asm, table, path, options), sha256 };
  }
  const total = groups.reduce((a, b) => a + b, 0);
  let columns: { read: boolean; canonical: boolean } | null = null;
  let lineBase = 0;
  for (let g = 0; g < groups.length; g++) {
    let part: Table;
    try {
      part = decodeParquet(bytes, path, { rowGroups: [g], batchSize: Math.max(1, groups[g]) });
    } catch (e) {
      asm.report({ file: path, line: null, field: null, message: (e as Error).message.replace(`${path}: `, "") });
      return { records: lineBase, sha256 };
    }
    if (columns === null) {
      columns = checkArrowColumns(asm, part, total, path, options);
      if (!columns.read) return { records: total, sha256 };
      asm.reserve(total, groups.length);
    }
    feedArrowRows(asm, part, path, columns.canonical, lineBase);
    lineBase += part.numRows;
  }
  return { records: lineBase, sha256 };
}

export interface ParquetWriteOptions {
  /** Compression codec (default zstd). */
  readonly compression?: "zstd" | "snappy" | "none";
}

/** Rows per Parquet row group the kit writes. */
export const ROW_GROUP_ROWS = 131072;

export function toParquet(table: ReceiptTable, options: ParquetWriteOptions = {}): Uint8Array {
  const codec = options.compression ?? "zstd";
  const props = new WriterPropertiesBuilder()
    .setCompression(codec === "zstd" ? Compression.ZSTD : codec === "snappy" ? Compression.SNAPPY : Compression.UNCOMPRESSED)
    .setDictionaryEnabled(true)
    // Row groups of 128Ki rows: readers decode (and hold) one group at a time.
    .setMaxRowGroupSize(ROW_GROUP_ROWS)
    .setCreatedBy("safety-receipts")
    .build();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table.arrow, "stream")), props);
}

export async function writeParquetFile(table: ReceiptTable, path: string, options: ParquetWriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, toParquet(table, options));
}
