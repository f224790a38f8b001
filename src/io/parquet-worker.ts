/**
 * Worker thread of the Parquet reader: opens one file (as a file-backed Blob, so only the
 * footer and one row group's column chunks are read at a time), says how many rows each row
 * group has, then answers each "next" request with the next record batch of the file as
 * Arrow IPC stream bytes and the receipt keys of its rows (transferred, not copied), so the
 * main thread validates batch k while this thread decodes and hashes the next ones. The WebAssembly heap lives here and is given back
 * when the reader terminates the thread. Started by `parquet.ts`; not meant to be
 * loaded otherwise.
 */
import { openAsBlob } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { tableFromIPC } from "apache-arrow";
import { ParquetFile, type RecordBatch } from "parquet-wasm";
import { canonicalKeyHalves, isCanonical, type KeyHalves } from "./arrow-columns";

export interface ParquetWorkerData {
  readonly path: string;
  /** Rows per record batch handed over. */
  readonly batchRows: number;
  /** Rows of a row group decoded at once (a multiple of batchRows). */
  readonly sliceRows: number;
}

export type ParquetWorkerReply =
  | { readonly kind: "groups"; readonly groups: number[] | null }
  | { readonly kind: "batch"; readonly ipc: Uint8Array; readonly keys: KeyHalves | null }
  | { readonly kind: "end" }
  | { readonly kind: "error"; readonly message: string };

/** Rows in each row group, from the footer; null when it cannot be read (the main thread's decoder then says why). */
async function open(path: string): Promise<{ handle: ParquetFile; groups: number[] } | null> {
  try {
    const handle = await ParquetFile.fromFile((await openAsBlob(path)) as unknown as Blob);
    const meta = handle.metadata();
    const groups = meta.rowGroups();
    const rows = groups.map((g) => Number(g.numRows()));
    for (const g of groups) g.free();
    meta.free();
    return { handle, groups: rows };
  } catch {
    return null;
  }
}

/** The file's record batches, row group by row group, as IPC bytes; wasm batches freed as their bytes are taken. */
async function* batches(handle: ParquetFile, groups: number[], batchRows: number, sliceRows: number): AsyncGenerator<Uint8Array> {
  for (let g = 0; g < groups.length; g++) {
    // The reader decodes all the rows it is asked for before the first batch comes out, so a
    // row group is read in slices (offset and limit): the wasm heap holds one decoded slice.
    for (let offset = 0; offset < groups[g]; offset += sliceRows) {
      const stream = (await handle.stream({ rowGroups: [g], batchSize: batchRows, offset, limit: sliceRows })) as unknown as AsyncIterable<RecordBatch>;
      // intoIPCStream consumes (and frees) the wasm batch.
      for await (const batch of stream) yield batch.intoIPCStream();
    }
  }
}

const port = parentPort;
if (port !== null) {
  const { path, batchRows, sliceRows } = workerData as ParquetWorkerData;
  let it: AsyncGenerator<Uint8Array> | null = null;
  let queue: Promise<void> = Promise.resolve();
  const answer = async (): Promise<void> => {
    if (it === null) return port.postMessage({ kind: "end" } satisfies ParquetWorkerReply);
    try {
      const next = await it.next();
      if (next.done) return port.postMessage({ kind: "end" } satisfies ParquetWorkerReply);
      const ipc = next.value;
      // The rows' keys too, when the batch is in the canonical types (else the main thread reads it row by row).
      const table = tableFromIPC(ipc);
      const keys = isCanonical(table) ? canonicalKeyHalves(table) : null;
      const transfer = [ipc.buffer as ArrayBuffer];
      if (keys !== null) transfer.push(keys.hi.buffer as ArrayBuffer, keys.lo.buffer as ArrayBuffer);
      port.postMessage({ kind: "batch", ipc, keys } satisfies ParquetWorkerReply, transfer);
    } catch (e) {
      it = null;
      port.postMessage({ kind: "error", message: String((e as Error)?.message ?? e) } satisfies ParquetWorkerReply);
    }
  };
  // Each "next" request is answered with one reply, in order.
  port.on("message", () => {
    queue = queue.then(answer);
  });
  void open(path).then((opened) => {
    if (opened !== null) it = batches(opened.handle, opened.groups, batchRows, sliceRows);
    port.postMessage({ kind: "groups", groups: opened?.groups ?? null } satisfies ParquetWorkerReply);
  });
}
