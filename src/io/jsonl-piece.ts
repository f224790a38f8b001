/**
 * One piece of a JSONL file (whole lines, cut at newlines) parsed and validated into typed
 * columns: the work a JSONL worker thread does. Lines are numbered from 1 within the piece;
 * the main thread adds the piece's line offset, registers the keys in file order (duplicates)
 * and appends the columns (see `jsonl-parallel.ts`). Everything a record can be faulted for,
 * except being a duplicate, is decided here, with the same code and messages as the
 * single-threaded reader.
 */
import { Dictionary, List, makeData, makeVector, Utf8, type Data, type DataType, type Vector } from "apache-arrow";
import { INPUT_FIELDS } from "../receipt/fields";
import type { ValidationIssue } from "../receipt/issues";
import { validateInto } from "../receipt/validate";
import { JSONLLines, type Bytes, type JSONLScanOptions, type LineSink } from "./jsonl-scan";
import { arrowTypeOf } from "./arrow-schema";
import { columnBuilderFor, rowAppender } from "./column-builder";
import { KeyLaneCache } from "./jsonl-key-lanes";
import { dictionaryTypeFor, type DictionaryCodes } from "./dictionary-index";

export { badJSONMessage } from "./jsonl-scan";

/** A column chunk as plain typed arrays, to cross a thread boundary (its buffers can be transferred). */
export interface WireData {
  readonly length: number;
  readonly nullCount: number;
  readonly nullBitmap: Uint8Array | null;
  readonly values: Int32Array | Float64Array | Uint8Array | null;
  readonly offsets: Int32Array | null;
  readonly child: WireData | null;
  readonly dictionary: WireData | null;
}

/** The scanner's options: strictness, unknown fields, limits and columns. */
export type PieceOptions = JSONLScanOptions;

/** What a piece gave: good rows as columns with their keys and lines, and every problem found. */
export interface PieceResult {
  /** Newlines in the piece (its lines, but for a last line without a newline). */
  readonly newlines: number;
  /** Lines that were not blank. */
  readonly records: number;
  /** Good rows: columns in INPUT_FIELDS order, key halves and 1-based lines within the piece. */
  readonly columns: readonly WireData[];
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  readonly lines: Int32Array;
  /** Problems in line order, lines within the piece, file null. */
  readonly issues: readonly ValidationIssue[];
}

function toWire(d: Data): WireData {
  return {
    length: d.length,
    nullCount: d.nullCount,
    nullBitmap: d.nullCount > 0 && d.nullBitmap && d.nullBitmap.length > 0 ? d.nullBitmap : null,
    values: (d.values as Int32Array | Float64Array | Uint8Array | undefined) ?? null,
    offsets: (d.valueOffsets as Int32Array | undefined) ?? null,
    child: d.children.length > 0 && !(d.type instanceof Dictionary) ? toWire(d.children[0]) : null,
    dictionary: d.dictionary ? toWire(d.dictionary.data[0]) : null,
  };
}

/** Rebuild a column chunk in the field's canonical type. */
export function fromWire(w: WireData, type: DataType): Vector {
  return makeVector(dataFromWire(w, type));
}

function dataFromWire(w: WireData, type: DataType): Data {
  const common = { length: w.length, nullCount: w.nullCount, nullBitmap: w.nullBitmap ?? undefined };
  if (type instanceof Dictionary) {
    // the codes' own index type (the builders give the narrowest: Int8, Int16 or Int32)
    const codes = w.values as DictionaryCodes;
    return makeData({ ...common, type: dictionaryTypeFor(type, codes), data: codes as Int32Array, dictionary: makeVector(dataFromWire(w.dictionary!, new Utf8())) });
  }
  if (type instanceof List) return makeData({ ...common, type, valueOffsets: w.offsets!, child: dataFromWire(w.child!, type.children[0].type) });
  if (type instanceof Utf8) return makeData({ ...common, type, valueOffsets: w.offsets!, data: w.values as Uint8Array });
  return makeData({ ...common, type, data: w.values } as Parameters<typeof makeData>[0]) as Data;
}

/** The distinct ArrayBuffers of a result, to transfer rather than copy. */
export function pieceBuffers(r: PieceResult): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (a: ArrayBufferView | null) => { if (a !== null && a.buffer instanceof ArrayBuffer) out.add(a.buffer); };
  const visit = (w: WireData | null) => {
    if (w === null) return;
    add(w.nullBitmap); add(w.values); add(w.offsets);
    visit(w.child); visit(w.dictionary);
  };
  r.columns.forEach(visit);
  add(r.hi); add(r.lo); add(r.lines);
  return [...out];
}

/**
 * Parse and validate the lines of `bytes` (whole lines; only the file's last piece may end
 * without a newline). `first`: the piece starts the file (a byte order mark is dropped);
 * `last`: it ends the file (a last line without a newline is read, and faulted as truncated
 * when it is not JSON).
 */
export function parsePiece(bytes: Uint8Array, first: boolean, last: boolean, options: PieceOptions): PieceResult {
  const builders = INPUT_FIELDS.map(columnBuilderFor);
  const appendRow = rowAppender(builders);
  const scratch: unknown[] = new Array(INPUT_FIELDS.length);
  const keyLanes = new KeyLaneCache();
  const issues: ValidationIssue[] = [];
  // About one row per 600 bytes: sized once, grown if need be.
  let capacity = Math.max(16, Math.ceil(bytes.length / 600));
  let hi = new Uint32Array(capacity), lo = new Uint32Array(capacity), lines = new Int32Array(capacity);
  let rows = 0;
  for (const b of builders) b.reserve?.(capacity);
  const keep = (values: unknown[], line: number) => {
    const halves = keyLanes.of(values);
    if (rows === capacity) {
      capacity *= 2;
      const grow = <T extends Uint32Array | Int32Array>(a: T): T => { const n = new (a.constructor as new (k: number) => T)(capacity); n.set(a); return n; };
      hi = grow(hi); lo = grow(lo); lines = grow(lines);
    }
    hi[rows] = halves[0]; lo[rows] = halves[1]; lines[rows] = line;
    rows++;
    appendRow(values);
  };
  const where = { file: null, line: 0 };
  const sink: LineSink = {
    good: keep,
    record(record, line) {
      where.line = line;
      if (!validateInto(record, where, options, scratch, issues)) return false;
      keep(scratch, line);
      return true;
    },
    problems(list) { for (const i of list) issues.push(i); },
  };
  const reader = new JSONLLines(sink, null, options, first);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length) as Bytes;
  reader.feed(buf, 0, buf.length, last);
  return {
    newlines: reader.lineNo, records: reader.records, issues,
    columns: builders.map((b) => toWire(b.finish().data[0])),
    hi: hi.slice(0, rows), lo: lo.slice(0, rows), lines: lines.slice(0, rows),
  };
}

/** The canonical Arrow type of each input field, for `fromWire`. */
export const INPUT_TYPES: readonly DataType[] = INPUT_FIELDS.map(arrowTypeOf);
