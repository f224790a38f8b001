/**
 * CSV (RFC 4180) with a header row of field names, read as a stream by a small parser that
 * keeps whether each cell was quoted. Cells are typed by the field they belong to; an
 * empty unquoted cell is null and a quoted empty cell `""` is the empty string, so nulls
 * survive a round trip. Lists (`demo_ids`) are written as JSON arrays.
 */
import { open } from "node:fs/promises";
import { stringify } from "csv-stringify/sync";
import { FIELD_BY_NAME, RECEIPT_FIELDS, type FieldSpec } from "../receipt/fields";
import { ReceiptAssembler, type LoadOptions } from "./assemble";
import { ReceiptTable } from "./receipt-table";
import { fileIdentity, type FileIdentity } from "./file-hash";
import { rowSlicesForWriting, rowsForWriting } from "./rows-for-writing";
import { writeChunksAtomic } from "./write-atomic";
import { isUtf8 } from "node:buffer";
import { shortName } from "../receipt/issues";
import { neutraliseFormula, restoreFormula } from "./csv-formula";
import { DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_LINE_BYTES, firstInvalidUtf8, type JSONLLimits } from "./jsonl-scan";

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export interface CSVCell { value: string; quoted: boolean }

/**
 * Turn a CSV cell into the value its field expects; leave it as text when it does not parse, so
 * validation can say what was found. Exported for the DuckDB engine, which words a bad CSV
 * value as this reader would (engine/value-checks.ts).
 */
export function typedCSVCell(spec: FieldSpec | undefined, cell: CSVCell): unknown {
  const { value, quoted } = cell;
  if (value === "" && !quoted) return null;
  if (spec === undefined) return value;
  switch (spec.kind) {
    case "integer":
    case "number":
      if (NUMBER.test(value.trim())) return Number(value);
      if (/^(nan|[+-]?inf(inity)?)$/i.test(value.trim())) return value.trim().toLowerCase() === "nan" ? NaN : value.trim().startsWith("-") ? -Infinity : Infinity;
      return value;
    case "boolean":
      if (/^true$/i.test(value)) return true;
      if (/^false$/i.test(value)) return false;
      return value;
    case "string_list":
      try {
        const parsed = JSON.parse(value);
        return Array.isArray(parsed) ? parsed : value;
      } catch {
        return value;
      }
    default:
      // Text cells: undo the formula neutralisation the writer applies (see csv-formula.ts).
      return restoreFormula(value);
  }
}

/** A CSV syntax problem: where it is and what was found. */
class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

/**
 * RFC 4180 records from text that may end mid-record: calls `onRecord` with the cells of
 * each complete record and the line it starts on, and returns how much text it consumed
 * (the rest is carried into the next chunk). An empty unquoted cell is null, a quoted one
 * the empty string, so the parser keeps whether each cell was quoted.
 */
function parseRecords(
  text: string, final: boolean, state: { line: number },
  cells: CSVCell[], onRecord: (count: number, line: number) => void,
): number {
  const len = text.length;
  let pos = 0;
  records: while (pos < len) {
    const recordStart = pos, recordLine = state.line;
    let line = state.line;
    let count = 0;
    for (;;) {
      if (text.charCodeAt(pos) === 34) {
        let value = "";
        let p = pos + 1;
        for (;;) {
          const q = text.indexOf('"', p);
          if (q < 0 || (q + 1 >= len && !final)) {
            if (!final) return recordStart;
            throw new CsvSyntaxError(recordLine, "bad CSV: a quoted cell is never closed; expected a closing double quote before the end of the file");
          }
          if (text.charCodeAt(q + 1) === 34) { value += text.slice(p, q + 1); p = q + 2; continue; }
          value += text.slice(p, q);
          pos = q + 1;
          break;
        }
        for (let nl = value.indexOf("\n"); nl >= 0; nl = value.indexOf("\n", nl + 1)) line++;
        setCell(cells, count++, value, true);
        if (pos >= len) {
          if (!final) return recordStart;
          state.line = line;
          onRecord(count, recordLine);
          return len;
        }
        const ch = text.charCodeAt(pos);
        if (ch === 44) { pos++; continue; }
        if (ch === 13 && pos + 1 >= len && !final) return recordStart;
        if (ch === 10 || ch === 13) {
          pos += ch === 13 && text.charCodeAt(pos + 1) === 10 ? 2 : 1;
          state.line = line + 1;
          onRecord(count, recordLine);
          continue records;
        }
        const nl = text.indexOf("\n", pos);
        state.line = line + 1;
        throw Object.assign(new CsvSyntaxError(line, `bad CSV: found ${JSON.stringify(text[pos])} after a closing quote; expected a comma or the end of the line`), { resume: nl < 0 ? len : nl + 1 });
      }
      let p = pos;
      while (p < len) {
        const ch = text.charCodeAt(p);
        if (ch === 44 || ch === 10 || ch === 13) break;
        p++;
      }
      // A CR ends the line too (alone, as old Mac files write, or before a LF); at the end of a chunk it may be half a CRLF.
      if ((p >= len || (p + 1 >= len && text.charCodeAt(p) === 13)) && !final) return recordStart;
      setCell(cells, count++, text.slice(pos, p), false);
      if (p < len && text.charCodeAt(p) === 44) { pos = p + 1; continue; }
      pos = p < len && text.charCodeAt(p) === 13 && text.charCodeAt(p + 1) === 10 ? p + 2 : p + 1;
      state.line = line + 1;
      onRecord(count, recordLine);
      if (p >= len) return len;
      continue records;
    }
  }
  return len;
}

function setCell(cells: CSVCell[], i: number, value: string, quoted: boolean): void {
  if (i < cells.length) { cells[i].value = value; cells[i].quoted = quoted; }
  else cells.push({ value, quoted });
}

/** Feeds CSV text, chunk by chunk, to an assembler: header first, then one receipt per record. */
class CsvFeeder {
  private readonly state = { line: 1 };
  private readonly cells: CSVCell[] = [];
  private carry = "";
  private first = true;
  private header: string[] | null = null;
  private specs: (FieldSpec | undefined)[] = [];
  private keep: boolean[] = [];
  private stopped = false;
  records = 0;
  /** Lines holding invalid UTF-8 (found in the bytes before decoding), with the problem. */
  readonly badText = new Map<number, string>();
  /** Whether a NUL byte was seen: records are then checked for one. */
  sawNul = false;
  private readonly maxLine: number;
  private readonly maxField: number;

  /**
   * Size the columns once for a file of `totalBytes` of which `readBytes` have been pushed,
   * from the records read so far (instead of doubling every buffer as rows arrive, which
   * holds a column's old and new buffers at once and leaves up to half of each unused).
   * Returns whether it did (there must be records to go by).
   */
  reserveFor(readBytes: number, totalBytes: number): boolean {
    if (this.stopped || this.header === null || this.records === 0 || readBytes <= 0) return false;
    const rest = Math.ceil((this.records * (totalBytes - readBytes) / readBytes) * 1.02);
    if (rest > 0) this.asm.reserve(rest);
    return true;
  }

  constructor(private readonly asm: ReceiptAssembler, private readonly file: string | null, private readonly options: LoadOptions & CSVReadOptions) {
    this.maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.maxField = options.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
  }

  /** Reading stopped for good (a record over the size limit). */
  halted = false;

  /** Stop reading the file, with the reason. */
  halt(line: number, message: string): void {
    this.asm.report({ file: this.file, line, field: null, message });
    this.carry = "";
    this.stopped = true;
    this.halted = true;
  }

  push(chunk: string, final: boolean): void {
    if (this.halted) return;
    if (!final && this.carry.length > 0 && chunk.indexOf("\n") < 0 && chunk.indexOf("\r") < 0) {
      // No record can end in this chunk: parsing the carried record again would make a long one quadratic.
      this.carry += chunk;
      if (this.carry.length > this.maxLine) this.halt(this.state.line, `record of more than ${this.maxLine.toLocaleString("en")} characters (maxLineBytes)${this.carry.includes("\0") ? ", with NUL bytes (binary data, not CSV)" : ""}; expected one receipt a line: stopped reading this file`);
      return;
    }
    let text = this.carry + chunk;
    if (this.first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.first = false;
    }
    let pos = 0;
    for (;;) {
      try {
        const rest = pos === 0 ? text : text.slice(pos);
        const used = parseRecords(rest, final, this.state, this.cells, (count, line) => this.record(count, line));
        this.carry = rest.slice(used);
        if (this.carry.length > this.maxLine) {
          // One record that never ends (an unclosed quote, binary data): it cannot be read, and what follows cannot be told apart from it.
          this.asm.report({ file: this.file, line: this.state.line, field: null, message: `record of more than ${this.maxLine.toLocaleString("en")} characters (maxLineBytes)${this.carry.includes("\0") ? ", with NUL bytes (binary data, not CSV)" : ""}; expected one receipt a line: stopped reading this file` });
          this.carry = "";
          this.stopped = true;
          this.halted = true;
        }
        break;
      } catch (e) {
        if (!(e instanceof CsvSyntaxError)) throw e;
        this.asm.report({ file: this.file, line: e.line, field: null, message: e.message });
        const resume = (e as CsvSyntaxError & { resume?: number }).resume;
        if (resume === undefined) { this.carry = ""; break; }
        pos += resume;
      }
    }
    if (final) this.end();
  }

  private record(count: number, line: number): void {
    const cells = this.cells;
    if (count === 1 && !cells[0].quoted && cells[0].value.trim() === "") return;
    if (this.header === null) return this.readHeader(count);
    this.records++;
    if (this.stopped) return;
    const header = this.header;
    if (this.badText.size > 0) {
      for (let l = line; l < this.state.line; l++) {
        const problem = this.badText.get(l);
        if (problem === undefined) continue;
        // The decoder wrote U+FFFD where the bad bytes were: that names the cell.
        let c = 0;
        while (c < count && !cells[c].value.includes("\ufffd")) c++;
        this.asm.report({ file: this.file, line: l, field: c < count && c < header.length ? header[c] : null, message: problem });
        return;
      }
    }
    if (count !== header.length) {
      this.asm.report({ file: this.file, line, field: null, message: `expected ${header.length} cells as in the header, found ${count}` });
      return;
    }
    for (let c = 0; c < count; c++) {
      const v = cells[c].value;
      if (v.length > this.maxField) {
        this.asm.report({ file: this.file, line, field: header[c], message: `value of ${v.length.toLocaleString("en")} characters is longer than the limit of ${this.maxField.toLocaleString("en")} (maxFieldBytes); expected a shorter value, or raise maxFieldBytes` });
        return;
      }
      if (this.sawNul && v.includes("\0")) {
        this.asm.report({ file: this.file, line, field: header[c], message: `NUL byte at character ${v.indexOf("\0") + 1} of the cell: binary data, not CSV text` });
        return;
      }
    }
    const obj: Record<string, unknown> = {};
    for (let c = 0; c < count; c++) if (this.keep[c]) obj[header[c]] = typedCSVCell(this.specs[c], cells[c]);
    this.asm.add(obj, { file: this.file, line });
  }

  private readHeader(count: number): void {
    const header = this.cells.slice(0, count).map((c) => c.value.trim());
    this.header = header;
    const firstAt = new Map<string, number>();
    for (let i = 0; i < header.length; i++) {
      const first = firstAt.get(header[i]);
      if (first === undefined) { firstAt.set(header[i], i); continue; }
      // Which of the two is the field? Reading either would silently drop the other.
      this.asm.report({ file: this.file, line: 1, field: shortName(header[i]), message: `column ${JSON.stringify(shortName(header[i]))} appears twice in the header (columns ${first + 1} and ${i + 1}); expected each field once` });
      this.stopped = true;
      return;
    }
    this.specs = header.map((h) => FIELD_BY_NAME.get(h));
    this.keep = header.map((h, i) => this.specs[i] !== undefined);
    header.forEach((h, i) => {
      if (this.specs[i] === undefined && this.options.unknownFields !== "ignore")
        this.asm.report({ file: this.file, line: 1, field: shortName(h), message: `unknown column; expected one of the schema's field names (see data/README.md)` });
    });
    const missing = (RECEIPT_FIELDS as readonly FieldSpec[]).filter((f) => f.required && !header.includes(f.name));
    if (missing.length > 0) {
      this.asm.report({ file: this.file, line: 1, field: missing[0].name, message: `missing required column${missing.length > 1 ? "s" : ""} ${missing.map((f) => f.name).join(", ")}; found columns ${header.join(", ")}` });
      this.stopped = true;
    }
  }

  private end(): void {
    if (this.header === null) this.asm.report({ file: this.file, line: null, field: null, message: "empty file: expected a header row of field names and one receipt per row, found nothing" });
    else if (this.records === 0 && !this.stopped) this.asm.report({ file: this.file, line: null, field: null, message: "empty file: a header row but no receipts" });
  }
}

export function feedCSV(asm: ReceiptAssembler, text: string, file: string | null, options: LoadOptions & CSVReadOptions): number {
  const feeder = new CsvFeeder(asm, file, options);
  feeder.push(text, true);
  return feeder.records;
}

export function fromCSV(text: string, options: LoadOptions & CSVReadOptions & { file?: string } = {}): ReceiptTable {
  const asm = new ReceiptAssembler(options);
  const read = feedCSV(asm, text, options.file ?? null, options);
  asm.closeSource(options.file ?? null, "memory", null, read, 0, 0);
  return asm.finish();
}

/** Size limits of the CSV reader (as the JSONL reader's; sizes in characters of decoded text). */
export type CSVReadOptions = JSONLLimits;

/**
 * Checks a file's bytes before they are decoded: invalid UTF-8 (which a decoder turns into
 * U+FFFD without a word) is noted by line for the feeder to report, and NUL bytes flagged.
 * Lines are counted by LF, as the parser counts them.
 */
class CheckedText {
  private line = 1;
  /** Bytes since the last LF: binary data without line ends is stopped here, before it is decoded and parsed over and over. */
  private sinceLF = 0;
  constructor(private readonly feeder: CsvFeeder, private readonly maxLine: number) {}
  decode(chunk: Buffer, decoder: { decode(b: Uint8Array, o?: { stream?: boolean }): string }): string {
    if (!this.feeder.sawNul && chunk.indexOf(0) >= 0) this.feeder.sawNul = true;
    const lastLF = chunk.lastIndexOf(10);
    this.sinceLF = lastLF < 0 ? this.sinceLF + chunk.length : chunk.length - lastLF - 1;
    if (this.sinceLF > this.maxLine && this.feeder.sawNul) {
      this.feeder.halt(this.line + countLF(chunk, 0, chunk.length), `NUL bytes and no line end in more than ${this.maxLine.toLocaleString("en")} bytes (maxLineBytes): binary data, not CSV; stopped reading this file`);
      return "";
    }
    if (!isUtf8(chunk)) {
      // A character cut by the chunk's end is not an error: the decoder carries it over.
      let from = 0;
      for (;;) {
        const bad = firstInvalidUtf8(chunk, from, chunk.length);
        if (bad < 0 || (chunk.length - bad < 4 && completesLater(chunk, bad))) break;
        const line = this.line + countLF(chunk, 0, bad);
        if (!this.feeder.badText.has(line)) this.feeder.badText.set(line, `invalid UTF-8: byte 0x${chunk[bad].toString(16).toUpperCase().padStart(2, "0")} is not UTF-8 text; expected UTF-8 (it would otherwise become U+FFFD)`);
        from = bad + 1;
      }
    }
    this.line += countLF(chunk, 0, chunk.length);
    return decoder.decode(chunk, { stream: true });
  }
}

/** Whether the bytes from `at` to the end are the start of a multi-byte character (cut by the chunk's end). */
function completesLater(b: Uint8Array, at: number): boolean {
  const c = b[at];
  const need = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 && c <= 0xdf ? 1 : -1;
  if (need < 0 || b.length - at > need) return false;
  for (let k = at + 1; k < b.length; k++) if ((b[k] & 0xc0) !== 0x80) return false;
  return true;
}

function countLF(b: Buffer, from: number, to: number): number {
  let n = 0;
  for (let p = b.indexOf(10, from); p >= 0 && p < to; p = b.indexOf(10, p + 1)) n++;
  return n;
}

/** Bytes of a CSV file read before its columns are sized for the whole file. */
const RESERVE_AFTER_BYTES = 4 << 20;

/**
 * Stream a CSV file into an assembler; returns the number of records and which version of
 * the file was read (`file`, from a stat of the open file before any read), for its SHA-256
 * to be computed if and when it is asked for (file-hash.ts): the load itself hashes nothing.
 */
export async function readCSVInto(asm: ReceiptAssembler, path: string, options: LoadOptions & CSVReadOptions): Promise<{ records: number; file: FileIdentity }> {
  const decoder = new TextDecoder("utf-8");
  const feeder = new CsvFeeder(asm, path, options);
  const handle = await open(path, "r");
  try {
    const file = fileIdentity(await handle.stat());
    const size = file.size;
    let readBytes = 0, reserved = false;
    const text = new CheckedText(feeder, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    // The stream reads the handle stat-ed above (not the path again); closed here, not by it.
    for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20, autoClose: false }) as AsyncIterable<Buffer>) {
      if (feeder.halted) break;
      feeder.push(text.decode(chunk, decoder), false);
      readBytes += chunk.length;
      // After the first few MiB, size the columns for the whole file from the bytes a record took.
      if (!reserved && readBytes >= RESERVE_AFTER_BYTES && readBytes < size) reserved = feeder.reserveFor(readBytes, size);
    }
    feeder.push(decoder.decode(), true);
    return { records: feeder.records, file };
  } finally {
    await handle.close();
  }
}

const CSV_FIELDS = (RECEIPT_FIELDS as readonly FieldSpec[]).map((f) => f.name);

function csvText(rows: readonly Record<string, unknown>[], header: boolean): string {
  const cells = rows.map((row) =>
    CSV_FIELDS.map((f) => {
      const v = row[f];
      if (v === null || v === undefined) return null;
      if (Array.isArray(v)) return JSON.stringify(v);
      return v;
    }),
  );
  return stringify(header ? [CSV_FIELDS, ...cells] : cells, {
    cast: {
      boolean: (b: boolean) => (b ? "true" : "false"),
      // Null is written as a bare empty cell; the empty string is quoted so it reads back as "".
      // Text a spreadsheet would run as a formula gets a leading ' (OWASP; undone on reading).
      string: (s: string) => (s === "" ? { value: "", quoted_empty: true } : neutraliseFormula(s)),
    },
  });
}

/** CSV text for a receipt table (in memory: for a million receipts use `writeCSV`, which streams). */
export function toCSV(table: ReceiptTable): string {
  return csvText(rowsForWriting(table), true);
}

/** Write CSV in slices of rows to a temporary file, then rename: no single string holds the file. */
export async function writeCSV(table: ReceiptTable, path: string): Promise<void> {
  await writeChunksAtomic(path, (function* () {
    yield csvText([], true);
    for (const rows of rowSlicesForWriting(table)) yield csvText(rows, false);
  })());
}
