/**
 * Parquet through parquet-wasm: Parquet bytes <-> Arrow IPC <-> apache-arrow. Written with
 * zstd compression and dictionary pages, so a million receipts take a few megabytes.
 */
import { openAsBlob } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { type Data, makeData, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC } from "apache-arrow";
import type { ParquetFile, Table as WasmTable } from "parquet-wasm";
import { ReceiptAssembler, type LoadOptions } from "./assemble";
import { checkArrowColumns, feedArrowRows, feedArrowTable } from "./arrow-ipc";
import { fileIdentity, type FileIdentity } from "./file-hash";
import { ffiTable } from "./parquet-ffi";
import { ReceiptTable } from "./receipt-table";
import { writeChunksAtomic, writeFileAtomic } from "./write-atomic";

/** parquet-wasm, loaded on first use: its WebAssembly instance (about 17 MB) stays out of processes that never read Parquet. */
let wasmModule: typeof import("parquet-wasm") | null = null;
function parquetWasm(): typeof import("parquet-wasm") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (wasmModule ??= require("parquet-wasm") as typeof import("parquet-wasm"));
}

/**
 * Decode Parquet bytes (all row groups, or those given) to an Arrow table. Record batches
 * are as large as asked: parquet-wasm's default of 1,024 rows makes a million-row file
 * take seconds and a thousand chunks.
 */
export function decodeParquet(bytes: Uint8Array, file: string | null, options: { rowGroups?: number[]; batchSize?: number } = {}): Table {
  try {
    return intoArrowJs(parquetWasm().readParquet(bytes, { batchSize: options.batchSize ?? 65536, rowGroups: options.rowGroups }));
  } catch (e) {
    throw new Error(`${file ?? "<input>"}: not a readable Parquet file (${String((e as Error).message ?? e)})`);
  }
}

/**
 * A table in WebAssembly memory as an Arrow JS table, which it frees. Its buffers are copied
 * out through the C Data Interface (parquet-ffi.ts): an IPC stream would first be written
 * again inside WebAssembly memory, which then stays that much larger for the rest of the
 * process, and copied out whole. Types the copy does not read take the IPC route.
 */
function intoArrowJs(table: WasmTable): Table {
  const ffi = table.toFFI();
  let out: Table | null = null;
  try {
    // The memory's buffer after toFFI: an allocation may have grown (and replaced) it.
    out = ffiTable(parquetWasm().wasmMemory().buffer as ArrayBuffer, ffi.schemaAddr(), ffi.arrayAddrs());
  } catch {
    // A type the copy does not read (UnsupportedFfiType), or any surprise in it: the IPC
    // route reads everything (parquet-ffi.test.ts checks the copy against it).
  } finally {
    ffi.free();
  }
  if (out !== null) {
    table.free();
    return out;
  }
  // intoIPCStream consumes (and frees) the wasm table.
  return tableFromIPC(table.intoIPCStream());
}

/**
 * Rows of a row group decoded at once (its columns split over calls, see PARQUET_CALL_BYTES):
 * the wasm heap (which grows and never shrinks) then holds a row group's compressed pages and
 * a slice of some columns decoded, and JavaScript one slice's copied buffers at a time.
 * Smaller slices cost a decoder call each (16,384 rows whole: a third more CPU), which
 * splitting the columns of larger slices costs far less.
 */
export const PARQUET_SLICE_ROWS = 65536;

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

/** An open Parquet file: its row groups' sizes and column names, from the footer. */
interface OpenParquet { readonly handle: ParquetFile; readonly groups: number[]; readonly names: string[] }

async function openParquet(path: string): Promise<OpenParquet | null> {
  try {
    const handle = await parquetWasm().ParquetFile.fromFile((await openAsBlob(path)) as unknown as globalThis.Blob);
    const meta = handle.metadata();
    const groups = meta.rowGroups();
    const rows = groups.map((g) => Number(g.numRows()));
    for (const g of groups) g.free();
    meta.free();
    const names = tableFromIPC(handle.schema().intoIPCStream()).schema.fields.map((f) => f.name);
    return { handle, groups: rows, names };
  } catch {
    return null;
  }
}

/**
 * Read a Parquet file into an assembler on this thread, a slice of a row group at a time:
 * only the column chunks of the fields the assembler loads are read from disk and decoded
 * (a file-backed Blob: the bytes are never all in memory), each slice (its columns decoded
 * by as many calls as keep each under `callBytes`, see `planCalls`) becomes one Arrow
 * batch that is checked, keyed and appended to columns sized for the whole file, then
 * released. (A decoder thread used to do this alongside; with the work beside the decode
 * now a few percent of it, the thread only cost a copy, and lost when the other core was busy.)
 */
export async function readParquetInto(asm: ReceiptAssembler, path: string, options: LoadOptions, callBytes = PARQUET_CALL_BYTES): Promise<{ records: number; file: FileIdentity }> {
  // Which version of the file is read (stat before any read), for its SHA-256 to be computed
  // if and when it is asked for (file-hash.ts): the load itself hashes nothing.
  const file = fileIdentity(await stat(path));
  const opened = await openParquet(path);
  if (opened === null) return { records: await readGroups(asm, path, options, null, async () => null), file };
  const { handle, groups, names } = opened;
  const wanted = asm.loaded === null ? undefined : new Set(asm.loadedFieldNames());
  const columns = wanted === undefined ? undefined : names.filter((n) => wanted.has(n));
  let g = 0, offset = 0;
  /** The columns of each decoder call of a slice (see `planCalls`); null until the first slice is read. */
  let calls: (string[] | undefined)[] | null = null;
  const read = async (cols: string[] | undefined, limit: number): Promise<Table> =>
    intoArrowJs(await withTraps(() => handle.read({ rowGroups: [g], columns: cols, offset, limit, batchSize: limit })));
  const next = async (): Promise<Table | null> => {
    while (g < groups.length && offset >= groups[g]) { g++; offset = 0; }
    if (g >= groups.length) return null;
    let part: Table;
    if (calls === null) {
      // A first small slice, all columns in one call, measures what a row of each column
      // takes decoded before any call has grown the WebAssembly memory.
      const limit = Math.min(PROBE_ROWS, groups[g] - offset);
      part = await read(columns, limit);
      calls = planCalls(part, columns, PARQUET_SLICE_ROWS, callBytes);
      offset += limit;
      return part;
    }
    const limit = Math.min(PARQUET_SLICE_ROWS, groups[g] - offset);
    const parts: Table[] = [];
    for (const cols of calls) parts.push(await read(cols, limit));
    offset += limit;
    return joinColumns(parts);
  };
  try {
    return { records: await readGroups(asm, path, options, groups, next, (rows) => decoderMessage(path, groups, rows)), file };
  } finally {
    // After a trap the reader still holds the file: it is left to the garbage collector.
    try { handle.free(); } catch { /* see above */ }
  }
}

/** Rows of the first slice, read with all columns at once to measure them (see `planCalls`). */
const PROBE_ROWS = 4096;

/**
 * Decoded bytes one decoder call is planned to produce at most. The WebAssembly memory grows
 * to about twice what the largest call decodes (column chunks, pages, the batch) and never
 * shrinks, so a slice of the kit's receipts (about 19 MB decoded at 65,536 rows) is read in
 * two calls of half the columns each: 27 MB of WebAssembly memory at the end of a 1M load
 * instead of 44, for no CPU measured (each call reads and decompresses only its own column
 * chunks). Three calls saved no more memory (the largest columns set the size) and cost 10%.
 */
export const PARQUET_CALL_BYTES = 12 * 2 ** 20;

/** Bytes of a column's buffers (children and dictionary included). */
function dataBytes(d: Data): number {
  let n = 0;
  for (const b of [d.values, d.valueOffsets, d.nullBitmap] as (ArrayBufferView | undefined)[]) n += b?.byteLength ?? 0;
  for (const c of d.children ?? []) n += dataBytes(c);
  if (d.dictionary) for (const dd of d.dictionary.data) n += dataBytes(dd);
  return n;
}

/**
 * The columns of each decoder call for slices of `rows` rows, from the bytes a row of each
 * column of `probe` took: columns dealt largest first to the call with fewest bytes so far,
 * as many calls as keep each under PARQUET_CALL_BYTES. One call (`columns` as given) when the
 * whole slice fits.
 */
export function planCalls(probe: Table, columns: string[] | undefined, rows: number, callBytes = PARQUET_CALL_BYTES): (string[] | undefined)[] {
  const names = probe.schema.fields.map((f) => f.name);
  const per = probe.numRows > 0 ? rows / probe.numRows : 0;
  const sizes = names.map((n) => probe.getChild(n)!.data.reduce((a, d) => a + dataBytes(d), 0) * per);
  const total = sizes.reduce((a, b) => a + b, 0);
  const k = Math.min(names.length, Math.ceil(total / callBytes));
  if (k <= 1) return [columns];
  const calls: { names: string[]; bytes: number }[] = Array.from({ length: k }, () => ({ names: [], bytes: 0 }));
  for (const i of names.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a])) {
    const call = calls.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    call.names.push(names[i]);
    call.bytes += sizes[i];
  }
  // Each call's columns in the file's order (the decoder returns them so).
  return calls.map((c) => names.filter((n) => c.names.includes(n)));
}

/** One table of the columns of `parts` (the same rows, read by separate calls), in the order they come. */
function joinColumns(parts: Table[]): Table {
  if (parts.length === 1) return parts[0];
  const rows = parts[0].numRows;
  if (parts.some((p) => p.numRows !== rows)) throw new Error(`the decoder gave ${parts.map((p) => p.numRows).join(", ")} rows for one slice's columns`);
  // Every part is one batch (batchSize = limit); otherwise the vectors are rebatched together.
  if (parts.some((p) => p.batches.length !== 1)) return new Table(Object.fromEntries(parts.flatMap((p) => p.schema.fields.map((f) => [f.name, p.getChild(f.name)!]))));
  const fields = parts.flatMap((p) => p.schema.fields);
  const children = parts.flatMap((p) => p.batches[0].data.children);
  const schema = new Schema(fields);
  return new Table(schema, [new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows, nullCount: 0, children }))]);
}

/** Whether an error is a trap of parquet-wasm's WebAssembly (a corrupt page makes the decoder panic). */
function isDecoderTrap(e: unknown): boolean {
  // WebAssembly.RuntimeError (the kit's lib settings do not declare WebAssembly's types).
  return e instanceof Error && e.constructor.name === "RuntimeError" && /wasm/.test(e.stack ?? "");
}

/** Rejections of the asynchronous parquet-wasm calls pending now (see `withTraps`). */
const pendingCalls = new Set<(e: unknown) => void>();
let listening = false;
/** Set once a reader has trapped: its leftover callbacks may trap again later. */
let trapped = false;

function onUncaught(e: unknown): void {
  if (isDecoderTrap(e)) {
    trapped = true;
    for (const reject of pendingCalls) reject(e);
    pendingCalls.clear();
    return;
  }
  // Not ours: raise it again with this listener gone, as if it had never been there.
  process.removeListener("uncaughtException", onUncaught);
  listening = false;
  process.nextTick(() => { throw e; });
}

/**
 * Run one asynchronous parquet-wasm call, turning a trap into its rejection. The async reader
 * does not reject when the decoder traps: the trap is thrown from a callback as an uncaught
 * exception and the promise stays pending. While calls are pending (and, once a reader has
 * trapped, for the rest of the process, since its leftover callbacks trap again) such traps
 * are routed to them; any other uncaught exception is raised again unchanged.
 */
function withTraps<T>(call: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      pendingCalls.delete(reject);
      if (listening && !trapped && pendingCalls.size === 0) {
        process.removeListener("uncaughtException", onUncaught);
        listening = false;
      }
    };
    pendingCalls.add(reject);
    if (!listening) { process.on("uncaughtException", onUncaught); listening = true; }
    call().then((v) => { done(); resolve(v); }, (e) => { done(); reject(e); });
  });
}

/**
 * What the synchronous decoder says about the row group holding row `rowsBefore` (the first
 * row the reader failed on), or null if it decodes: a wasm trap in the asynchronous reader
 * reads only "unreachable", where this names the problem.
 */
async function decoderMessage(path: string, groups: number[], rowsBefore: number): Promise<string | null> {
  let g = 0;
  for (let rows = 0; g < groups.length - 1 && rows + groups[g] <= rowsBefore; g++) rows += groups[g];
  try {
    decodeParquet(await readFile(path), path, { rowGroups: [g], batchSize: Math.max(1, groups[g] ?? 1) });
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Feed a Parquet file's record batches (from `next`, null at the end; throws with the
 * decoder's message) to an assembler, rows numbered across the whole file. `groups` are the
 * rows of each row group from the footer, or null (or none) when it could not be read, and
 * then the whole file is decoded at once for the decoder to say what is wrong.
 */
async function readGroups(
  asm: ReceiptAssembler, path: string, options: LoadOptions, groups: number[] | null,
  next: () => Promise<Table | null>, explain?: (rowsBefore: number) => Promise<string | null>,
): Promise<number> {
  if (groups === null || groups.length === 0) {
    let table: Table;
    try {
      table = decodeParquet(await readFile(path), path);
    } catch (e) {
      asm.report({ file: path, line: null, field: null, message: (e as Error).message.replace(`${path}: `, "") });
      return 0;
    }
    return feedArrowTable(asm, table, path, options);
  }
  const total = groups.reduce((a, b) => a + b, 0);
  let columns: { read: boolean; canonical: boolean } | null = null;
  let lineBase = 0;
  for (;;) {
    let part: Table | null;
    try {
      part = await next();
    } catch (e) {
      const message = (explain !== undefined ? await explain(lineBase) : null) ?? `not a readable Parquet file (${String((e as Error)?.message ?? e)})`;
      asm.report({ file: path, line: null, field: null, message: message.replace(`${path}: `, "") });
      return lineBase;
    }
    if (part === null) break;
    if (part.numRows === 0) continue;
    if (columns === null) {
      columns = checkArrowColumns(asm, part, total, path, options);
      if (!columns.read) return total;
      // More than one part: columns are sized for the whole file, not kept as the first part.
      asm.reserve(total, groups.length > 1 || total > part.numRows ? 2 : 1);
    }
    feedArrowRows(asm, part, path, columns.canonical, lineBase);
    lineBase += part.numRows;
  }
  return lineBase;
}

export interface ParquetWriteOptions {
  /** Compression codec (default zstd). */
  readonly compression?: "zstd" | "snappy" | "none";
}

/** Rows per Parquet row group the kit writes. */
export const ROW_GROUP_ROWS = 131072;

function writerProperties(options: ParquetWriteOptions): import("parquet-wasm").WriterProperties {
  const codec = options.compression ?? "zstd";
  const { Compression, WriterPropertiesBuilder } = parquetWasm();
  return new WriterPropertiesBuilder()
    .setCompression(codec === "zstd" ? Compression.ZSTD : codec === "snappy" ? Compression.SNAPPY : Compression.UNCOMPRESSED)
    .setDictionaryEnabled(true)
    // Row groups of 128Ki rows: readers decode (and hold) one group at a time.
    .setMaxRowGroupSize(ROW_GROUP_ROWS)
    .setCreatedBy("safety-receipts")
    .build();
}

export function toParquet(table: ReceiptTable, options: ParquetWriteOptions = {}): Uint8Array {
  const { Table: WasmTable, writeParquet } = parquetWasm();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table.arrow, "stream")), writerProperties(options));
}

/**
 * Tables of more rows than this are written a row group at a time (parquet-wasm's stream
 * writer): the whole table as one IPC buffer in WebAssembly memory, whose 32-bit addresses
 * stop at 4 GiB, does not fit at about 10 million receipts.
 */
const STREAM_WRITE_ROWS = 2 ** 21;

/** Write a table as Parquet; `streamRows` (internal, tests) moves the threshold of the row-group-at-a-time writer. */
export async function writeParquetFile(table: ReceiptTable, path: string, options: ParquetWriteOptions = {}, streamRows = STREAM_WRITE_ROWS): Promise<void> {
  if (table.numRows <= streamRows) {
    await writeFileAtomic(path, toParquet(table, options));
    return;
  }
  const { Table: WasmTable, transformParquetStream } = parquetWasm();
  const arrow = table.arrow;
  let at = 0;
  // One row group's slice becomes WebAssembly batches only when the writer asks for it.
  const batches = new ReadableStream({
    pull(controller) {
      if (at >= arrow.numRows) { controller.close(); return; }
      const slice = arrow.slice(at, Math.min(arrow.numRows, at + ROW_GROUP_ROWS));
      at += ROW_GROUP_ROWS;
      for (const batch of WasmTable.fromIPCStream(tableToIPC(slice, "stream")).recordBatches()) controller.enqueue(batch);
    },
  });
  const bytes = await transformParquetStream(batches, writerProperties(options));
  await writeChunksAtomic(path, bytes as unknown as AsyncIterable<Uint8Array>);
}
