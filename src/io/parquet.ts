/**
 * Parquet through parquet-wasm: Parquet bytes <-> Arrow IPC <-> apache-arrow. Written with
 * zstd compression and dictionary pages, so a million receipts take a few megabytes.
 */
import { createHash } from "node:crypto";
import { Blob } from "node:buffer";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { Table, tableFromIPC, tableToIPC } from "apache-arrow";
import type { ParquetFile } from "parquet-wasm";
import { ReceiptAssembler, type LoadOptions } from "./assemble";
import { checkArrowColumns, feedArrowRows, feedArrowTable } from "./arrow-ipc";
import { ReceiptTable } from "./receipt-table";
import type { KeyHalves } from "./arrow-columns";
import type { ParquetWorkerData, ParquetWorkerReply } from "./parquet-worker";
import { writeFileAtomic } from "./write-atomic";

/**
 * parquet-wasm, loaded on first use: its WebAssembly instance (about 17 MB) stays out of a
 * process that reads Parquet through the decoder thread only.
 */
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
    return tableFromIPC(parquetWasm().readParquet(bytes, { batchSize: options.batchSize ?? 65536, rowGroups: options.rowGroups }).intoIPCStream());
  } catch (e) {
    throw new Error(`${file ?? "<input>"}: not a readable Parquet file (${String((e as Error).message ?? e)})`);
  }
}

/** Rows in each row group, from the file's footer; null when it cannot be read (the decoder then says why). */
async function rowGroupSizes(bytes: Uint8Array): Promise<number[] | null> {
  let handle: ParquetFile | null = null;
  try {
    handle = await parquetWasm().ParquetFile.fromFile(new Blob([bytes]) as unknown as globalThis.Blob);
    const meta = handle.metadata();
    const groups = meta.rowGroups();
    const rows = groups.map((g) => Number(g.numRows()));
    for (const g of groups) g.free();
    meta.free();
    return rows;
  } catch {
    return null;
  } finally {
    handle?.free();
  }
}

/**
 * Rows per record batch the decoder thread hands over, and rows of a row group it decodes at
 * once: the wasm heap (which grows and never shrinks) then holds one row group's compressed
 * pages and half of it decoded, not the whole decoded group and its IPC copy (about 45 MB
 * instead of 150 MB), and JavaScript one batch of about 5 MB at a time, not a group.
 */
export const PARQUET_BATCH_ROWS = 16384;
export const PARQUET_SLICE_ROWS = 4 * PARQUET_BATCH_ROWS;

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
export async function readParquetInto(asm: ReceiptAssembler, path: string, options: LoadOptions & { workers?: number }): Promise<{ records: number; sha256: string }> {
  // The bytes are not kept: they are hashed as they stream by, and the decoder reads the
  // ranges it needs (footer, one row group's column chunks) from a file-backed Blob.
  if (options.workers !== 1) {
    const worker = startParquetWorker(path);
    if (worker !== null) {
      try {
        const [sha256, groups] = await Promise.all([sha256OfFile(path), worker.groups()]);
        if (groups !== undefined) return { records: await readGroups(asm, path, options, groups, () => worker.next(), undefined, (rows) => decoderMessage(path, groups ?? [], rows)), sha256 };
        // The worker did not start: read on this thread.
      } finally {
        // Terminating the worker gives back its WebAssembly heap before the table is built.
        await worker.close();
      }
    }
  }
  // On this thread: one row group at a time through the synchronous decoder, which throws
  // (rather than leaving a stream pending) when a corrupt page makes it trap.
  const bytes = await readFile(path);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const groups = await rowGroupSizes(bytes);
  let g = 0;
  const next = async (): Promise<Part | null> =>
    groups === null || g >= groups.length ? null : { table: decodeParquet(bytes, path, { rowGroups: [g], batchSize: Math.max(1, groups[g++]) }) };
  return { records: await readGroups(asm, path, options, groups, next, bytes), sha256 };
}

/**
 * What the synchronous decoder says about the row group holding row `rowsBefore` (the first
 * row the decoder thread failed on), or null if it decodes: a wasm trap in the thread's
 * streaming reader reads only "unreachable", where this names the problem. (Batches of that
 * group decoded before the failure have been kept; the thread reads a batch at a time.)
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

/** One record batch of a Parquet file, with its rows' keys when they were computed while it was decoded. */
interface Part { readonly table: Table; readonly keys?: KeyHalves }

/**
 * Feed a Parquet file's record batches (from `next`, null at the end; throws with the
 * decoder's message) to an assembler, rows numbered across the whole file. `groups` are the
 * rows of each row group from the footer, or null (or none) when it could not be read, and
 * then the whole file is decoded at once for the decoder to say what is wrong.
 */
async function readGroups(
  asm: ReceiptAssembler, path: string, options: LoadOptions, groups: number[] | null,
  next: () => Promise<Part | null>, bytes?: Uint8Array,
  explain?: (rowsBefore: number) => Promise<string | null>,
): Promise<number> {
  if (groups === null || groups.length === 0) {
    let table: Table;
    try {
      table = decodeParquet(bytes ?? (await readFile(path)), path);
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
    let got: Part | null;
    try {
      got = await next();
    } catch (e) {
      const message = (explain !== undefined ? await explain(lineBase) : null) ?? (e as Error).message;
      asm.report({ file: path, line: null, field: null, message: message.replace(`${path}: `, "") });
      return lineBase;
    }
    if (got === null) break;
    const part = got.table;
    if (part.numRows === 0) continue;
    if (columns === null) {
      columns = checkArrowColumns(asm, part, total, path, options);
      if (!columns.read) return total;
      // More than one part: columns are sized for the whole file, not kept as the first part.
      asm.reserve(total, 2);
    }
    feedArrowRows(asm, part, path, columns.canonical, lineBase, got.keys);
    lineBase += part.numRows;
  }
  return lineBase;
}

/** The decoder thread's young generation, in MB: its garbage (IPC bytes handed over) dies young. */
const WORKER_YOUNG_MB = 16;

/** Batches the decoder thread may have decoded and not yet handed over (each about 5 MB). */
const WORKER_AHEAD = 2;

interface ParquetWorker {
  /** The rows of each row group (null: the footer could not be read), or undefined when the worker did not start. */
  groups(): Promise<number[] | null | undefined>;
  /** The next record batch (null at the end), while the worker decodes the one after. */
  next(): Promise<Part | null>;
  close(): Promise<void>;
}

/** Start a worker thread that decodes `path` (null when worker threads are unavailable here). */
function startParquetWorker(path: string): ParquetWorker | null {
  const data: ParquetWorkerData = { path, batchRows: PARQUET_BATCH_ROWS, sliceRows: PARQUET_SLICE_ROWS };
  let worker: Worker;
  try {
    // No inherited flags (`--import tsx`, `--cpu-prof` are not for workers).
    const common = { workerData: data, execArgv: [] as string[], resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } };
    if (!__filename.endsWith(".ts")) worker = new Worker(join(__dirname, "parquet-worker.js"), common);
    else {
      const tsx = require.resolve("tsx/cjs");
      worker = new Worker(`require(${JSON.stringify(tsx)});\nrequire(${JSON.stringify(join(__dirname, "parquet-worker.ts"))});`, { ...common, eval: true });
    }
  } catch {
    return null;
  }
  let started = false, closed = false;
  let failure: Error | null = null;
  const waiting: { resolve(r: ParquetWorkerReply): void; reject(e: Error): void }[] = [];
  const replies: ParquetWorkerReply[] = [];
  const reply = (): Promise<ParquetWorkerReply> => {
    if (replies.length > 0) return Promise.resolve(replies.shift()!);
    if (failure !== null) return Promise.reject(failure);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
  const fail = (e: Error) => {
    if (closed) return;
    failure ??= e;
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  worker.on("message", (r: ParquetWorkerReply) => {
    const w = waiting.shift();
    if (w !== undefined) w.resolve(r);
    else replies.push(r);
  });
  worker.on("error", (e) => fail(e instanceof Error ? e : new Error(String(e))));
  worker.on("exit", (code) => fail(new Error(`the Parquet decoder thread stopped (exit code ${code})`)));
  let ended = false;
  const ask = () => worker.postMessage("next");
  return {
    async groups() {
      try {
        const r = await reply();
        started = true;
        if (r.kind !== "groups") throw new Error(`unexpected reply ${r.kind} from the Parquet decoder thread`);
        if (r.groups !== null && r.groups.length > 0) for (let k = 0; k < WORKER_AHEAD; k++) ask();
        return r.groups;
      } catch (e) {
        if (started) throw e;
        return undefined;
      }
    },
    async next() {
      if (ended) return null;
      let r: ParquetWorkerReply;
      try {
        r = await reply();
      } catch (e) {
        ended = true;
        throw new Error(`${path}: not a readable Parquet file (${(e as Error).message})`);
      }
      if (r.kind === "end") { ended = true; return null; }
      if (r.kind !== "batch") {
        ended = true;
        throw new Error(`${path}: not a readable Parquet file (${r.kind === "error" ? r.message : "unexpected reply " + r.kind})`);
      }
      // Ask for another batch now, so the worker decodes it while this one is validated.
      ask();
      try {
        return { table: tableFromIPC(r.ipc), keys: r.keys ?? undefined };
      } catch (e) {
        ended = true;
        throw new Error(`${path}: not a readable Parquet file (${(e as Error).message})`);
      }
    },
    async close() {
      closed = true;
      await worker.terminate();
    },
  };
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest("hex");
}

export interface ParquetWriteOptions {
  /** Compression codec (default zstd). */
  readonly compression?: "zstd" | "snappy" | "none";
}

/** Rows per Parquet row group the kit writes. */
export const ROW_GROUP_ROWS = 131072;

export function toParquet(table: ReceiptTable, options: ParquetWriteOptions = {}): Uint8Array {
  const codec = options.compression ?? "zstd";
  const { Compression, Table: WasmTable, writeParquet, WriterPropertiesBuilder } = parquetWasm();
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
