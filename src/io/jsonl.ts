/**
 * JSON Lines: one receipt per line. Files are read as a stream of bytes by the byte-level
 * reader (`jsonl-scan.ts`), so a file larger than memory is validated in one pass; writers go through a temporary file and a rename, so
 * an interrupted write never leaves a half-written receipt file behind.
 */
import { open, stat, type FileHandle } from "node:fs/promises";
import { availableParallelism } from "node:os";
import type { Table } from "apache-arrow";
import { ReceiptAssembler, type LoadOptions } from "./assemble";
import { ReceiptTable } from "./receipt-table";
import { fileIdentity, type FileIdentity } from "./file-hash";
import { writeChunksAtomic } from "./write-atomic";
import { rowSlicesForWriting, rowsForWriting } from "./rows-for-writing";
import { ReceiptValidationError } from "../receipt/issues";
import { DEFAULT_MAX_LINE_BYTES, JSONLLines, scanOptionsOf, type Bytes, type JSONLReadOptions, type JSONLScanOptions, type LineSink } from "./jsonl-scan";

export type { JSONLReadOptions, JSONLLimits } from "./jsonl-scan";
import { KeyLaneCache } from "./jsonl-key-lanes";
import { canUseWorkers, streamJSONLParallel, WorkersUnavailable, type ParallelJSONLOptions } from "./jsonl-parallel";

/** Files from this size up are read by worker threads when asked for (`workers` > 1). */
export const PARALLEL_JSONL_BYTES = 16 << 20;

const EMPTY_FILE = "empty file: expected one receipt (a JSON object) per line, found none";

/** The scanner options for an assembler's validation options and the reader's. */
function scanOptions(asm: ReceiptAssembler, options: JSONLReadOptions): JSONLScanOptions {
  return scanOptionsOf(asm.validationOptions(), options);
}

/** A sink adding lines to an assembler (strict mode throws a line's problems together). */
function assemblerSink(asm: ReceiptAssembler, file: string | null): LineSink {
  const strict = asm.validationOptions().strict;
  // One location object, reused: the assembler copies what it keeps.
  const where = { file, line: 0 };
  const lanes = new KeyLaneCache();
  return {
    good(values, line) { where.line = line; asm.addValues(values, where, lanes.of(values)); },
    record(record, line) { where.line = line; return asm.add(record, where); },
    problems(issues) {
      if (strict) throw new ReceiptValidationError(issues);
      for (const issue of issues) asm.report(issue);
    },
  };
}

/** Feed JSONL text to an assembler, line by line. */
export function feedJSONL(asm: ReceiptAssembler, text: string, file: string | null, options: JSONLReadOptions = {}): number {
  const bytes = Buffer.from(text, "utf8") as Bytes;
  const lines = new JSONLLines(assemblerSink(asm, file), file, scanOptions(asm, options));
  lines.feed(bytes, 0, bytes.length, true);
  lines.release();
  if (lines.records === 0) asm.report({ file, line: null, field: null, message: EMPTY_FILE });
  return lines.records;
}

/** Receipts from JSONL text in memory. */
export function fromJSONL(text: string, options: LoadOptions & JSONLReadOptions & { file?: string } = {}): ReceiptTable {
  const asm = new ReceiptAssembler(options);
  const issuesBefore = asm.issues.length;
  const read = feedJSONL(asm, text, options.file ?? null, options);
  asm.closeSource(options.file ?? null, "memory", null, read, 0, issuesBefore);
  return asm.finish();
}

/** Bytes read at a time. */
const CHUNK_BYTES = 4 << 20;

/**
 * Sequential reads of a file with the next one already under way while the caller parses
 * the last (the thread would otherwise wait for each read: about a fourteenth of a load).
 * Data lands in a spare buffer and is copied where the caller asks (one memcpy a chunk).
 */
class ReadAhead {
  private readonly spare: Buffer;
  private at = 0;
  private length = 0;
  private pending: Promise<{ n: number; error: unknown }> | null = null;
  private ended = false;
  constructor(private readonly handle: FileHandle, bytes: number) {
    this.spare = Buffer.allocUnsafe(bytes);
  }
  private start(): void {
    this.pending = this.handle.read(this.spare, 0, this.spare.length, null).then(
      (r) => ({ n: r.bytesRead, error: null }),
      (error: unknown) => ({ n: 0, error }),
    );
  }
  /** Up to `max` bytes of the file into `buf` at `offset`; 0 at the end. */
  async read(buf: Buffer, offset: number, max: number): Promise<number> {
    if (this.at === this.length) {
      if (this.ended) return 0;
      if (this.pending === null) this.start();
      const { n, error } = await this.pending!;
      this.pending = null;
      if (error !== null) throw error;
      this.at = 0;
      this.length = n;
      if (n === 0) { this.ended = true; return 0; }
    }
    const n = Math.min(max, this.length - this.at);
    this.spare.copy(buf, offset, this.at, this.at + n);
    this.at += n;
    if (this.at === this.length) this.start();
    return n;
  }
  /** Wait for a read under way (before the file is closed). */
  async settle(): Promise<void> {
    if (this.pending !== null) await this.pending;
    this.pending = null;
  }
}

/**
 * Stream a JSONL file into an assembler, on this thread; returns the number of records
 * (non-blank lines) and which version of the file was read (`file`, from a stat of the open
 * file before any read), for its SHA-256 to be computed if and when it is asked for
 * (file-hash.ts): the load itself hashes nothing. Reads bytes into one buffer that grows only
 * for a line longer than it (up to maxLineBytes): a longer line is reported and skipped to
 * its end, and one that never ends with NUL bytes in it (a device like /dev/zero, a disk
 * image) stops the reading.
 */
export async function streamJSONL(asm: ReceiptAssembler, path: string, options: JSONLReadOptions = {}): Promise<{ records: number; file: FileIdentity }> {
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const lines = new JSONLLines(assemblerSink(asm, path), path, scanOptions(asm, options));
  const handle = await open(path, "r");
  const opened = await handle.stat();
  let bytesTotal = 0, sized = false;
  const ahead = opened.size > CHUNK_BYTES ? new ReadAhead(handle, CHUNK_BYTES) : null;
  const read = (into: Buffer, at: number, max: number): Promise<number> =>
    ahead !== null ? ahead.read(into, at, max) : handle.read(into, at, max, null).then((r) => r.bytesRead);
  try {
    let buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(1024, maxLine + 1))) as Bytes;
    let filled = 0, start = 0;
    /** Inside a line over the limit: bytes are dropped up to its end. */
    let skipping = false, skippedNul = false, dropLF = false;
    while (!lines.stopped) {
      if (start > 0) { buf.copy(buf, 0, start, filled); filled -= start; start = 0; }
      if (filled === buf.length) {
        if (buf.length > maxLine) {
          lines.tooLong(filled, false);
          skippedNul = buf.indexOf(0) >= 0;
          skipping = true;
          filled = 0;
        } else {
          const next = Buffer.allocUnsafe(Math.min(buf.length * 2, maxLine + 1)) as Bytes;
          buf.copy(next, 0, 0, filled);
          buf = next;
        }
      }
      const bytesRead = await read(buf, filled, buf.length - filled);
      if (bytesRead === 0) {
        if (!skipping) lines.feed(buf, 0, filled, true);
        break;
      }
      bytesTotal += bytesRead;
      let from = filled;
      if (dropLF) { dropLF = false; if (buf[from] === 10) from++; }
      if (skipping) {
        const region = buf.subarray(from, filled + bytesRead);
        let t = region.indexOf(10);
        const cr = region.indexOf(13);
        if (cr >= 0 && (t < 0 || cr < t)) t = cr;
        if (t < 0) {
          if (!skippedNul && region.indexOf(0) >= 0) skippedNul = true;
          if (skippedNul) {
            lines.fileProblem(`NUL bytes and no line end in more than ${maxLine.toLocaleString("en")} bytes: binary data, not JSON Lines; stopped reading this file`);
            break;
          }
          continue; // filled stays: the bytes are dropped
        }
        skipping = false;
        let after = from + t + 1;
        if (region[t] === 13) {
          if (after === filled + bytesRead) dropLF = true;
          else if (buf[after] === 10) after++;
        }
        buf.copy(buf, filled, after, filled + bytesRead);
        filled += filled + bytesRead - after;
        start = lines.feed(buf, 0, filled, false);
        continue;
      }
      if (from > filled) { buf.copy(buf, filled, from, filled + bytesRead); filled += bytesRead - 1; }
      else filled += bytesRead;
      start = lines.feed(buf, 0, filled, false);
      if (!sized && lines.records > 0) {
        // Size the columns and the key index once for the whole file, from the bytes a line
        // took in the first chunk, instead of doubling every buffer as rows arrive (which
        // holds a column's old and new buffers at once and leaves up to half of each unused).
        sized = true;
        const rest = Math.ceil(((opened.size - bytesTotal) / (bytesTotal - (filled - start))) * lines.records * 1.02);
        if (rest > 0 && Number.isFinite(rest)) asm.reserve(rest);
      }
    }
    if (lines.records === 0) asm.report({ file: path, line: null, field: null, message: EMPTY_FILE });
    return { records: lines.records, file: fileIdentity(opened) };
  } finally {
    // The scanner's view of the last read buffer would keep those 4 MB alive with the reader.
    lines.release();
    await ahead?.settle();
    await handle.close();
  }
}

/**
 * Read a JSONL file into an assembler: on the calling thread (`streamJSONL`), or with
 * worker threads (`streamJSONLParallel`) for files from `parallelFromBytes` (default
 * `PARALLEL_JSONL_BYTES`) up when `workers` > 1 is asked for. Both give the same rows,
 * issues and line numbers. The default is one thread: on 2 busy cores, two workers spent a
 * third more CPU (10.3 s against 7.7 s for 603,720 receipts) for no shorter wall time, and
 * the byte-level reader leaves little for a second thread.
 */
export async function readJSONLInto(asm: ReceiptAssembler, path: string, options: ParallelJSONLOptions & JSONLReadOptions & { parallelFromBytes?: number } = {}): Promise<{ records: number; file: FileIdentity }> {
  const workers = options.workers ?? 1;
  if (workers > 1 && availableParallelism() > 1 && canUseWorkers() && (await stat(path)).size >= (options.parallelFromBytes ?? PARALLEL_JSONL_BYTES)) {
    try {
      return await streamJSONLParallel(asm, path, { ...options, workers });
    } catch (e) {
      // Workers that could not start added nothing: read the file here instead.
      if (!(e instanceof WorkersUnavailable)) throw e;
    }
  }
  return streamJSONL(asm, path, options);
}

/** JSONL text for a receipt table: one object per line, null fields left out. */
function jsonLines(rows: readonly Record<string, unknown>[]): string {
  const parts: string[] = [];
  for (const row of rows) {
    const o: Record<string, unknown> = {};
    for (const k in row) if (row[k] !== null) o[k] = row[k];
    parts.push(JSON.stringify(o));
  }
  return parts.length ? parts.join("\n") + "\n" : "";
}

/** JSONL text for a receipt table (in memory: for a million receipts use `writeJSONL`, which streams). */
export function toJSONL(table: ReceiptTable | Table): string {
  return jsonLines(rowsForWriting(table));
}

/** Write JSONL in slices of rows to a temporary file, then rename: no single string holds the file. */
export async function writeJSONL(table: ReceiptTable, path: string): Promise<void> {
  await writeChunksAtomic(path, (function* () {
    for (const rows of rowSlicesForWriting(table)) yield jsonLines(rows);
  })());
}
