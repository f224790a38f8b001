/**
 * Arrow IPC (file or stream format) and the shared path for any Arrow table, which
 * Parquet also goes through. A table the kit wrote already has the receipt schema; a
 * foreign table is checked row by row like any other input; a table in the canonical column
 * types takes the columnar path in `arrow-columns.ts`.
 */
import { open, stat } from "node:fs/promises";
import { Dictionary, makeVector, tableFromIPC, tableToIPC, type Field, type Table, type Vector } from "apache-arrow";
import { FIELD_BY_NAME, RECEIPT_FIELDS, type FieldSpec } from "../receipt/fields";
import { INPUT_INDEX } from "../receipt/validate";
import { ReceiptAssembler, type LoadOptions } from "./assemble";
import { CanonicalFeed, encodeDictionaryStrings, feedCanonicalTable, isCanonical, NARROW_DICTIONARY_CODES } from "./arrow-columns";
import { indexBitsFor } from "./dictionary-index";
import { readArrowFileColumns } from "./arrow-file";
import { fileIdentity, type FileIdentity } from "./file-hash";
import { ReceiptTable } from "./receipt-table";

/** The atomic writer, loaded on a first write (a load never needs it). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const writeAtomic = (): typeof import("./write-atomic") => require("./write-atomic");

function plainValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (v !== null && typeof v === "object" && typeof (v as { toArray?: unknown }).toArray === "function") return Array.from((v as { toArray(): ArrayLike<unknown> }).toArray(), plainValue);
  return v;
}

/**
 * Report the column-level problems of an Arrow schema (unknown and missing columns, no
 * rows). Returns whether its rows should be read, and whether they can take the columnar path.
 */
export function checkArrowColumns(asm: ReceiptAssembler, table: Pick<Table, "schema">, numRows: number, file: string | null, options: LoadOptions): { read: boolean; canonical: boolean } {
  const names = table.schema.fields.map((f) => f.name);
  for (const name of names) {
    const spec = FIELD_BY_NAME.get(name);
    // With a `columns` option only the fields asked for are read, so others are not looked at.
    if (spec === undefined && options.unknownFields !== "ignore" && asm.loaded === null)
      asm.report({ file, line: null, field: name, message: `unknown column of type ${table.schema.fields.find((f) => f.name === name)!.type}; expected only the schema's field names (see data/README.md)` });
  }
  const missing = (RECEIPT_FIELDS as readonly FieldSpec[]).filter((f) => f.required && !names.includes(f.name));
  if (missing.length > 0) {
    asm.report({ file, line: null, field: missing[0].name, message: `missing required column${missing.length > 1 ? "s" : ""} ${missing.map((f) => f.name).join(", ")}; found columns ${names.join(", ") || "none"}` });
    return { read: false, canonical: false };
  }
  if (numRows === 0) {
    asm.report({ file, line: null, field: null, message: "empty file: the table has no rows" });
    return { read: false, canonical: false };
  }
  return { read: true, canonical: isCanonical(table as Table) };
}

/**
 * Validate the rows of one part of an Arrow table (the whole table, or one row group of a
 * Parquet file) whose columns `checkArrowColumns` accepted; rows are numbered from `lineBase + 1`.
 * Only the fields the assembler loads are read.
 */
export function feedArrowRows(asm: ReceiptAssembler, table: Table, file: string | null, canonical: boolean, lineBase = 0): void {
  if (canonical) {
    feedCanonicalTable(asm, table, file, lineBase);
    return;
  }
  // Strings where the kit keeps dictionaries (other writers' usual output): encoded, the
  // columnar path applies; its checks and messages are the row path's.
  const encoded = encodeDictionaryStrings(table);
  if (encoded !== table && isCanonical(encoded)) {
    feedCanonicalTable(asm, encoded, file, lineBase);
    return;
  }
  const loaded = asm.loaded === null ? null : new Set(asm.loadedFieldNames());
  const used = table.schema.fields.map((f) => f.name).filter((name) => {
    const spec = FIELD_BY_NAME.get(name);
    return spec !== undefined && !spec.derived && (loaded === null || loaded.has(name));
  });
  const columns = used.map((name) => {
    const v = table.getChild(name)!;
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = plainValue(v.get(i));
    return out;
  });
  for (let i = 0; i < table.numRows; i++) {
    const obj: Record<string, unknown> = {};
    for (let c = 0; c < used.length; c++) obj[used[c]] = columns[c][i];
    asm.add(obj, { file, line: lineBase + i + 1 });
  }
}

/** The table's columns of the fields the assembler loads (all of them without a `columns` option). */
function selectLoaded(asm: ReceiptAssembler, whole: Table): Table {
  if (asm.loaded === null) return whole;
  const wanted = new Set(asm.loadedFieldNames());
  return whole.select(whole.schema.fields.map((f) => f.name).filter((n) => wanted.has(n)));
}

/**
 * Validate the rows of an Arrow table, whatever its schema, into an assembler: only the
 * columns of the fields it loads (see `LoadOptions.columns`).
 */
export function feedArrowTable(asm: ReceiptAssembler, whole: Table, file: string | null, options: LoadOptions): number {
  const table = selectLoaded(asm, whole);
  const { read, canonical } = checkArrowColumns(asm, table, table.numRows, file, options);
  if (read) feedArrowRows(asm, table, file, canonical);
  return table.numRows;
}

/** Decode Arrow IPC bytes (file or stream format), reporting a clear error for anything else. */
export function decodeArrowIPC(bytes: Uint8Array, file: string | null): Table {
  try {
    return tableFromIPC(bytes);
  } catch (e) {
    throw new Error(`${file ?? "<input>"}: not a readable Arrow IPC file or stream (${(e as Error).message})`);
  }
}

export function fromArrow(input: Uint8Array | Table, options: LoadOptions & { file?: string } = {}): ReceiptTable {
  const asm = new ReceiptAssembler(options);
  const file = options.file ?? null;
  let table: Table;
  try {
    table = input instanceof Uint8Array ? decodeArrowIPC(input, file) : input;
  } catch (e) {
    asm.report({ file, line: null, field: null, message: (e as Error).message });
    asm.closeSource(file, "memory", null, 0, 0, 0);
    return asm.finish();
  }
  const read = feedArrowTable(asm, table, file, options);
  asm.closeSource(file, "memory", null, read, 0, 0);
  return asm.finish();
}

/** Bytes read a call by `readWhole`: few calls (`readFile` reads in 512 KiB round trips). */
const READ_CHUNK = 16 * 2 ** 20;

/** Files at least this large are read a column at a time (see arrow-file.ts). */
const COLUMNWISE_BYTES = 32 * 2 ** 20;

/** A whole file's bytes in one buffer, with its size, modification time and inode when opened. */
async function readWhole(path: string): Promise<{ bytes: Uint8Array; file: FileIdentity }> {
  const fh = await open(path, "r");
  try {
    const file = fileIdentity(await fh.stat());
    const size = file.size;
    const bytes = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const { bytesRead } = await fh.read(bytes, got, Math.min(READ_CHUNK, size - got), got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { bytes: got === size ? bytes : bytes.subarray(0, got), file };
  } finally {
    await fh.close();
  }
}

/**
 * Read an Arrow IPC file into an assembler. Returns the records read and which version of
 * the file was read (`file`), for its SHA-256 to be computed if and when it is asked for
 * (file-hash.ts): the load itself hashes nothing.
 */
export async function readArrowInto(asm: ReceiptAssembler, path: string, options: LoadOptions): Promise<{ records: number; file: FileIdentity }> {
  const { size: expected } = await stat(path);
  if (expected >= COLUMNWISE_BYTES) {
    // A large file: only the columns this load keeps are read (see arrow-file.ts), and in
    // the canonical types each is checked as soon as it is read, while the others are.
    let feed: CanonicalFeed | null = null;
    const sparse = await readArrowFileColumns(path, keptColumn(asm), {
      start: (schema, numRows) => {
        const names = new Set(schema.fields.map((f) => f.name));
        if (numRows === 0 || !isCanonical({ schema }) || RECEIPT_FIELDS.some((f) => f.required && !names.has(f.name))) return false;
        feed = new CanonicalFeed(asm, numRows, path, 0);
        return true;
      },
      column: (field, data, lent) => {
        const c = INPUT_INDEX.get(field.name);
        if (c !== undefined && feed!.reads(c)) feed!.column(c, makeVector(data), lent);
      },
    }, NARROW_DICTIONARY_CODES ? wideCodes : undefined);
    if (sparse !== null) {
      let records: number;
      if (sparse.visited && feed !== null) {
        // Column-level problems (unknown columns) first, as `feedArrowTable` reports them.
        checkArrowColumns(asm, selectLoaded(asm, sparse.table), sparse.table.numRows, path, options);
        // the read's scratch buffers (done with) hold the key lanes: 8 MB less at the peak
        (feed as CanonicalFeed).finish(sparse.spare);
        records = sparse.table.numRows;
      } else records = feedArrowTable(asm, sparse.table, path, options);
      return { records, file: sparse.file };
    }
  }
  const { bytes, file } = await readWhole(path);
  let table: Table;
  try {
    table = decodeArrowIPC(bytes, path);
  } catch (e) {
    asm.report({ file: path, line: null, field: null, message: (e as Error).message.replace(`${path}: `, "") });
    return { records: 0, file };
  }
  return { records: feedArrowTable(asm, table, path, options), file };
}

/**
 * Whether a column's codes are wider than its dictionary needs, so that they are narrowed as
 * read (arrow-columns.ts): such a column is lent to the feed (read into a buffer the next such
 * column reuses), not kept in the buffer of the columns kept as read.
 */
function wideCodes(field: Field, dictionary: Vector | undefined): boolean {
  return field.type instanceof Dictionary && dictionary !== undefined && indexBitsFor(dictionary.length) < (field.type as Dictionary).indices.bitWidth;
}

/** Which columns a load reads the data of: the input fields it loads (never derived or unknown ones). */
function keptColumn(asm: ReceiptAssembler): (name: string) => boolean {
  const loaded = new Set(asm.loadedFieldNames());
  return (name) => loaded.has(name);
}

/** Arrow IPC file-format bytes of a receipt table (dictionary-encoded run fields). */
export function toArrow(table: ReceiptTable): Uint8Array {
  return tableToIPC(table.arrow, "file");
}

/** Bytes handed to one write call: a single `write` takes at most 2 GiB - 1. */
const WRITE_CHUNK = 2 ** 30;

export async function writeArrow(table: ReceiptTable, path: string): Promise<void> {
  const bytes = toArrow(table);
  await writeAtomic().writeChunksAtomic(path, (function* () {
    for (let at = 0; at < bytes.length; at += WRITE_CHUNK) yield bytes.subarray(at, Math.min(bytes.length, at + WRITE_CHUNK));
    if (bytes.length === 0) yield bytes;
  })());
}
