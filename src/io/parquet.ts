/**
 * Parquet through parquet-wasm: Parquet bytes <-> Arrow IPC <-> apache-arrow. Written with
 * zstd compression and dictionary pages, so a million receipts take a few megabytes.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { tableFromIPC, tableToIPC, type Table } from "apache-arrow";
import { Compression, readParquet, Table as WasmTable, writeParquet, WriterPropertiesBuilder } from "parquet-wasm";
import { ReceiptAssembler, type LoadOptions } from "./assemble";
import { feedArrowTable } from "./arrow-ipc";
import { ReceiptTable } from "./receipt-table";
import { writeFileAtomic } from "./write-atomic";

export function decodeParquet(bytes: Uint8Array, file: string | null): Table {
  try {
    return tableFromIPC(readParquet(bytes).intoIPCStream());
  } catch (e) {
    throw new Error(`${file ?? "<input>"}: not a readable Parquet file (${String((e as Error).message ?? e)})`);
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

export async function readParquetInto(asm: ReceiptAssembler, path: string, options: LoadOptions): Promise<{ records: number; sha256: string }> {
  const bytes = await readFile(path);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  let table: Table;
  try {
    table = decodeParquet(bytes, path);
  } catch (e) {
    asm.report({ file: path, line: null, field: null, message: (e as Error).message.replace(`${path}: `, "") });
    return { records: 0, sha256 };
  }
  return { records: feedArrowTable(asm, table, path, options), sha256 };
}

export interface ParquetWriteOptions {
  /** Compression codec (default zstd). */
  readonly compression?: "zstd" | "snappy" | "none";
}

export function toParquet(table: ReceiptTable, options: ParquetWriteOptions = {}): Uint8Array {
  const codec = options.compression ?? "zstd";
  const props = new WriterPropertiesBuilder()
    .setCompression(codec === "zstd" ? Compression.ZSTD : codec === "snappy" ? Compression.SNAPPY : Compression.UNCOMPRESSED)
    .setDictionaryEnabled(true)
    .setCreatedBy("safety-receipts")
    .build();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table.arrow, "stream")), props);
}

export async function writeParquetFile(table: ReceiptTable, path: string, options: ParquetWriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, toParquet(table, options));
}
