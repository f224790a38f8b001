/**
 * JSON Lines: one receipt per line. Files are read as a stream, so a file larger than
 * memory is validated in one pass; writers go through a temporary file and a rename, so
 * an interrupted write never leaves a half-written receipt file behind.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import type { Table } from "apache-arrow";
import { ReceiptAssembler, type LoadOptions } from "./assemble";
import { ReceiptTable } from "./receipt-table";
import { writeChunksAtomic } from "./write-atomic";
import { rowSlicesForWriting, rowsForWriting } from "./rows-for-writing";
import { badJSONMessage } from "./jsonl-piece";
import { canUseWorkers, streamJSONLParallel, WorkersUnavailable, type ParallelJSONLOptions } from "./jsonl-parallel";

/** Files from this size up are read by worker threads (when the machine has more than one core). */
export const PARALLEL_JSONL_BYTES = 16 << 20;

/** Parse one JSONL line; reports bad JSON with the reason in plain words. */
function addLine(asm: ReceiptAssembler, text: string, file: string | null, line: number, isLast: boolean, endsWithNewline: boolean): void {
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (e) {
    asm.report({ file, line, field: null, message: badJSONMessage(text, (e as Error).message, isLast, endsWithNewline) });
    return;
  }
  asm.add(record, { file, line });
}

/** Feed JSONL text to an assembler, line by line. */
export function feedJSONL(asm: ReceiptAssembler, text: string, file: string | null): number {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split("\n");
  const endsWithNewline = text.endsWith("\n");
  let records = 0;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (line.trim() === "") continue;
    records++;
    addLine(asm, line, file, i + 1, i === lines.length - 1, endsWithNewline);
  }
  if (records === 0) asm.report({ file, line: null, field: null, message: "empty file: expected one receipt (a JSON object) per line, found none" });
  return records;
}

/** Receipts from JSONL text in memory. */
export function fromJSONL(text: string, options: LoadOptions & { file?: string } = {}): ReceiptTable {
  const asm = new ReceiptAssembler(options);
  const issuesBefore = asm.issues.length;
  const read = feedJSONL(asm, text, options.file ?? null);
  asm.closeSource(options.file ?? null, "memory", null, read, 0, issuesBefore);
  return asm.finish();
}

/** Stream a JSONL file into an assembler; returns the number of records and the file's SHA-256. */
export async function streamJSONL(asm: ReceiptAssembler, path: string): Promise<{ records: number; sha256: string }> {
  const hash = createHash("sha256");
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let carry = "";
  let lineNo = 0;
  let records = 0;
  let first = true;
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    let text = carry + decoder.decode(chunk, { stream: true });
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    let start = 0;
    for (;;) {
      const nl = text.indexOf("\n", start);
      if (nl < 0) break;
      lineNo++;
      let line = text.slice(start, nl);
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (line.trim() !== "") {
        records++;
        addLine(asm, line, path, lineNo, false, true);
      }
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  carry += decoder.decode();
  if (carry.trim() !== "") {
    lineNo++;
    records++;
    addLine(asm, carry.endsWith("\r") ? carry.slice(0, -1) : carry, path, lineNo, true, false);
  }
  if (records === 0) asm.report({ file: path, line: null, field: null, message: "empty file: expected one receipt (a JSON object) per line, found none" });
  return { records, sha256: hash.digest("hex") };
}

/**
 * Read a JSONL file into an assembler: on the calling thread (`streamJSONL`) for small
 * files, with worker threads (`streamJSONLParallel`) from `PARALLEL_JSONL_BYTES` up. Both
 * give the same rows, issues and line numbers. `workers: 1` (or a one-core machine) keeps
 * every file on the calling thread.
 */
export async function readJSONLInto(asm: ReceiptAssembler, path: string, options: ParallelJSONLOptions & { parallelFromBytes?: number } = {}): Promise<{ records: number; sha256: string }> {
  const workers = options.workers ?? availableParallelism();
  if (workers > 1 && canUseWorkers() && (await stat(path)).size >= (options.parallelFromBytes ?? PARALLEL_JSONL_BYTES)) {
    try {
      return await streamJSONLParallel(asm, path, { workers, pieceBytes: options.pieceBytes });
    } catch (e) {
      // Workers that could not start added nothing: read the file here instead.
      if (!(e instanceof WorkersUnavailable)) throw e;
    }
  }
  return streamJSONL(asm, path);
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
