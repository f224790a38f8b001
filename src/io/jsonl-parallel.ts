/**
 * Large JSONL files read by worker threads. The main thread reads the file in pieces cut
 * at newlines and hands each piece to a worker;
 * the workers parse and validate their lines into typed columns, compute receipt keys and
 * send it all back (buffers transferred, not copied). The main thread takes the pieces in
 * file order: it adds the piece's line offset to every line number, registers keys in row
 * order (so a duplicate names its first copy exactly as the single-threaded reader does),
 * reports problems in line order (strict mode throws the first one in the file) and
 * appends the columns. Results are as `streamJSONL` gives, only sooner.
 */
import { open } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { ReceiptAssembler } from "./assemble";
import { fileIdentity, type FileIdentity } from "./file-hash";
import { fromWire, INPUT_TYPES, type PieceOptions, type PieceResult } from "./jsonl-piece";
import type { PieceRequest } from "./jsonl-worker";
import { DEFAULT_MAX_LINE_BYTES, scanOptionsOf, type JSONLReadOptions } from "./jsonl-scan";

export interface ParallelJSONLOptions {
  /** Worker threads (default: the machine's available parallelism). */
  readonly workers?: number;
  /** Bytes a piece holds, about (default 4 MiB); a piece always ends at a newline. */
  readonly pieceBytes?: number;
}

/** Start a worker: the compiled sibling under dist/, or the TypeScript source through tsx (tests, benchmarks). */
function startWorker(options: PieceOptions): Worker {
  // No inherited flags: `--import tsx` or `--cpu-prof` from the command line are not for workers.
  // A young generation of 16 MB (about half the default): each piece's garbage dies young, and
  // the workers' heaps count in the process's memory next to the columns being built.
  const common = { workerData: options, execArgv: [] as string[], resourceLimits: { maxYoungGenerationSizeMb: 16 } };
  if (!__filename.endsWith(".ts")) return new Worker(join(__dirname, "jsonl-worker.js"), common);
  const source = join(__dirname, "jsonl-worker.ts");
  const tsx = require.resolve("tsx/cjs");
  return new Worker(`require(${JSON.stringify(tsx)});\nrequire(${JSON.stringify(source)});`, { ...common, eval: true });
}

/** Whether worker threads can be started where this module runs. */
export function canUseWorkers(): boolean {
  if (!__filename.endsWith(".ts")) return true;
  try {
    require.resolve("tsx/cjs");
    return true;
  } catch {
    return false;
  }
}

interface Pending {
  resolve(r: PieceResult): void;
  reject(e: unknown): void;
  promise: Promise<PieceResult>;
}

function deferred(): Pending {
  let resolve!: (r: PieceResult) => void, reject!: (e: unknown) => void;
  const promise = new Promise<PieceResult>((a, b) => { resolve = a; reject = b; });
  promise.catch(() => {}); // a piece nobody waits for any more (strict mode stopped) must not be an unhandled rejection
  return { resolve, reject, promise };
}

/** Room a piece's buffer keeps for the end of a line carried over from the previous read. */
const SLACK = 64 << 10;

/** Thrown when no worker could start: nothing was added, and the caller reads the file on its own thread. */
export class WorkersUnavailable extends Error {}

/**
 * Read a JSONL file into an assembler with worker threads; returns the number of records
 * (non-blank lines) and which version of the file was read (for its SHA-256, computed only
 * if asked for: file-hash.ts), as `streamJSONL` does.
 */
export async function streamJSONLParallel(asm: ReceiptAssembler, path: string, options: ParallelJSONLOptions & JSONLReadOptions = {}): Promise<{ records: number; file: FileIdentity }> {
  const count = Math.max(1, options.workers ?? availableParallelism());
  const pieceBytes = Math.max(1, Math.floor(options.pieceBytes ?? 4 << 20));
  const pieceOptions = scanOptionsOf(asm.validationOptions(), options);
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  /** Bytes of a line over the limit at which reading stopped (0: none). */
  let overLong = 0;
  const handle = await open(path, "r");
  const workers: Worker[] = [];
  const load: number[] = [];
  const pending: Pending[] = [];
  /** Buffers the workers are done with: reading into them again spares the allocation and its page faults. */
  const spares: ArrayBuffer[] = [];
  let ready = false;
  let failure: unknown = null;
  const fail = (e: unknown) => {
    if (failure === null) failure = e;
    for (const p of pending) p?.reject(e);
  };
  try {
    // Taken before any read: the version of the file this load read.
    const file = fileIdentity(await handle.stat());
    const size = file.size;
    for (let w = 0; w < count; w++) {
      const worker = startWorker(pieceOptions);
      const index = w;
      load.push(0);
      worker.on("message", (m: { ready?: boolean; id?: number; result?: PieceResult; spare?: ArrayBuffer }) => {
        if (m.ready) { ready = true; return; }
        load[index]--;
        if (m.spare !== undefined && m.spare.byteLength >= pieceBytes + SLACK) spares.push(m.spare);
        pending[m.id!].resolve(m.result!);
      });
      worker.on("error", (e) => fail(ready ? e : new WorkersUnavailable(String(e))));
      worker.on("exit", (code) => { if (code !== 0) fail(new Error(`JSONL worker stopped with exit code ${code}`)); });
      workers.push(worker);
    }
    let position = 0, carry: Uint8Array = new Uint8Array(0), eof = false;
    let sent = 0, merged = 0, records = 0, lineBase = 0, bytesMerged = 0, reserved = false;
    const sizes: number[] = [];
    const limit = 2 * count;

    /** Read up to the next newline after about `pieceBytes`; null at the end of the file. */
    const readPiece = async (): Promise<{ bytes: Uint8Array; last: boolean } | null> => {
      for (;;) {
        if (eof) {
          if (carry.length === 0) return null;
          const bytes = carry;
          carry = new Uint8Array(0);
          return { bytes, last: true };
        }
        // A spare buffer when the carried line fits, else a new one (its own ArrayBuffer, to transfer; not zeroed: every byte sent is read).
        const spare = carry.length <= SLACK ? spares.pop() : undefined;
        const buffer: Uint8Array = spare !== undefined ? new Uint8Array(spare, 0, carry.length + pieceBytes) : Buffer.allocUnsafeSlow(carry.length + pieceBytes + (carry.length <= SLACK ? SLACK - carry.length : 0)).subarray(0, carry.length + pieceBytes);
        buffer.set(carry);
        let filled = carry.length;
        while (filled < buffer.length) {
          const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position);
          if (bytesRead === 0) { eof = true; break; }
          position += bytesRead;
          filled += bytesRead;
        }
        const nl = buffer.lastIndexOf(10, filled - 1);
        if (nl < 0) {
          carry = buffer.subarray(0, filled); // one line longer than a piece: read on
          if (carry.length > maxLine) { overLong = carry.length; carry = new Uint8Array(0); eof = true; return null; }
          continue;
        }
        carry = new Uint8Array(filled - nl - 1); // a copy: the piece's buffer is transferred
        carry.set(buffer.subarray(nl + 1, filled));
        return { bytes: buffer.subarray(0, nl + 1), last: false };
      }
    };

    for (;;) {
      while (failure === null && sent - merged < limit) {
        const piece = await readPiece();
        if (piece === null) break;
        let w = 0;
        for (let k = 1; k < count; k++) if (load[k] < load[w]) w = k;
        load[w]++;
        pending[sent] = deferred();
        sizes[sent] = piece.bytes.length;
        const req: PieceRequest = { id: sent, bytes: piece.bytes, first: sent === 0, last: piece.last };
        workers[w].postMessage(req, [piece.bytes.buffer as ArrayBuffer]);
        sent++;
      }
      if (failure !== null) throw failure;
      if (merged === sent) break;
      const result = await pending[merged].promise;
      pending[merged] = undefined as unknown as Pending;
      const base = lineBase;
      const issues = result.issues.map((i) => ({ file: path, line: i.line === null ? null : i.line + base, field: i.field, message: i.message }));
      const lines = result.lines;
      for (let i = 0; i < lines.length; i++) lines[i] += base;
      asm.addValidatedRows(result.columns.map((c, i) => fromWire(c, INPUT_TYPES[i])), result.hi, result.lo, lines, issues, path);
      records += result.records;
      lineBase += result.newlines;
      bytesMerged += sizes[merged];
      merged++;
      if (!reserved && asm.rowCount > 0 && size > bytesMerged) {
        // Size the columns once for the whole file, from the bytes a row took so far.
        reserved = true;
        asm.reserve(Math.ceil((asm.rowCount * (size - bytesMerged) / bytesMerged) * 1.01));
      }
    }
    if (overLong > 0) {
      // Unlike the single-threaded reader, the line is not skipped: reading stops at it.
      records++;
      asm.report({ file: path, line: lineBase + 1, field: null, message: `line longer than the limit of ${maxLine.toLocaleString("en")} bytes (maxLineBytes): found no line end within it; expected one receipt a line (raise maxLineBytes if such receipts are real): stopped reading this file` });
    }
    if (records === 0) asm.report({ file: path, line: null, field: null, message: "empty file: expected one receipt (a JSON object) per line, found none" });
    return { records, file };
  } finally {
    await handle.close();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
