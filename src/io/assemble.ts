/**
 * Turns records from any source into a ReceiptTable: validates each one, computes its
 * receipt key, rejects duplicates (naming where the first copy was), appends the good
 * ones to typed columns and derives n_total, harmful_fraction and complied. Strict mode
 * throws at the first problem; otherwise problems are collected and the good rows kept.
 *
 * Columnar sources (Arrow, Parquet) validate column by column and hand over whole vectors
 * with `addColumns`; a single such batch is kept as it is, without copying.
 */
import { Bool, Float64, Int32, makeData, makeVector, RecordBatch, Struct, Table, Utf8, type Vector } from "apache-arrow";
import { INPUT_FIELDS, RECEIPT_FIELDS, type FieldSpec } from "../receipt/fields";
import { ReceiptValidationError, type ValidationIssue } from "../receipt/issues";
import { KEY_FIELDS, keyHalvesOfText, keyHex, keyText } from "../receipt/key";
import { INPUT_INDEX, validateInto, type RecordLocation, type ValidateOptions } from "../receipt/validate";
import { receiptArrowSchema } from "./arrow-schema";
import { columnBuilderFor, rowAppender, type ColumnBuilder } from "./column-builder";
import { ReceiptTable, type ReceiptFormat, type SourceFile } from "./receipt-table";

export interface LoadOptions extends ValidateOptions {
  /** Throw at the first bad record (default true). When false, keep the good rows and list every problem. */
  readonly strict?: boolean;
}

const KEY_INDEX = KEY_FIELDS.map((f) => INPUT_INDEX.get(f)!);
const N_BENIGN = INPUT_INDEX.get("n_benign")!, N_HARMFUL = INPUT_INDEX.get("n_harmful")!, LABEL = INPUT_INDEX.get("judge_label")!;

/**
 * Receipt keys of the kept rows as two 32-bit halves, with where each was read, and an
 * open-addressing index over them: 16 bytes a receipt instead of a Map of strings, so a
 * million receipts need 16 MB plus the index.
 */
class KeyIndex {
  hi = new Uint32Array(1024);
  lo = new Uint32Array(1024);
  file = new Int32Array(1024);
  line = new Int32Array(1024);
  length = 0;
  private slots = new Int32Array(2048).fill(-1);
  private readonly files: (string | null)[] = [];
  private lastFile: string | null | undefined = undefined;
  private lastFileIndex = -1;

  /** Row that already holds this key, or -1. */
  find(hi: number, lo: number): number {
    const mask = this.slots.length - 1;
    for (let s = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask; ; s = (s + 1) & mask) {
      const r = this.slots[s];
      if (r < 0) return -1;
      if (this.lo[r] === lo && this.hi[r] === hi) return r;
    }
  }

  /** Make room for `extra` more keys. */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need > this.hi.length) this.resize(need);
    if (need * 2 > this.slots.length) {
      let size = this.slots.length;
      while (need * 2 > size) size *= 2;
      this.slots = new Int32Array(size).fill(-1);
      for (let r = 0; r < this.length; r++) this.place(r);
    }
  }

  private resize(capacity: number): void {
    const grow = <T extends Uint32Array | Int32Array>(a: T): T => {
      const next = new (a.constructor as new (n: number) => T)(capacity);
      next.set(a.subarray(0, this.length));
      return next;
    };
    this.hi = grow(this.hi); this.lo = grow(this.lo); this.file = grow(this.file); this.line = grow(this.line);
  }

  push(hi: number, lo: number, where: RecordLocation): void {
    this.pushAt(hi, lo, where.file, where.line);
  }

  pushAt(hi: number, lo: number, file: string | null, line: number | null): void {
    if (this.length === this.hi.length) this.resize(this.hi.length * 2);
    const r = this.length++;
    this.hi[r] = hi; this.lo[r] = lo;
    this.file[r] = this.fileIndex(file);
    this.line[r] = line ?? -1;
    if (this.length * 2 > this.slots.length) this.rehash();
    else this.place(r);
  }

  where(row: number): RecordLocation {
    return { file: this.files[this.file[row]], line: this.line[row] < 0 ? null : this.line[row] };
  }

  /** The key of a row as 16 hex digits. */
  text(row: number): string {
    return keyHex(this.hi[row], this.lo[row]);
  }

  /** All keys as a Utf8 vector, 16 ASCII bytes each. */
  vector(): Vector {
    const n = this.length;
    const bytes = new Uint8Array(n * 16);
    const offsets = new Int32Array(n + 1);
    const HEX = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];
    for (let r = 0; r < n; r++) {
      const h = this.hi[r], l = this.lo[r], o = r * 16;
      for (let k = 0; k < 8; k++) {
        bytes[o + k] = HEX[(h >>> (28 - 4 * k)) & 15];
        bytes[o + 8 + k] = HEX[(l >>> (28 - 4 * k)) & 15];
      }
      offsets[r + 1] = o + 16;
    }
    return makeVector(makeData({ type: new Utf8(), length: n, nullCount: 0, valueOffsets: offsets, data: bytes }));
  }

  private fileIndex(file: string | null): number {
    if (file === this.lastFile) return this.lastFileIndex;
    let i = this.files.indexOf(file);
    if (i < 0) { i = this.files.length; this.files.push(file); }
    this.lastFile = file;
    this.lastFileIndex = i;
    return i;
  }

  private place(r: number): void {
    const mask = this.slots.length - 1;
    let s = (this.lo[r] ^ Math.imul(this.hi[r], 0x9e3779b1)) & mask;
    while (this.slots[s] >= 0) s = (s + 1) & mask;
    this.slots[s] = r;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    for (let r = 0; r < this.length; r++) this.place(r);
  }
}

/** A columnar batch kept as given (vectors in INPUT_FIELDS order), with the rows to keep or null for all. */
interface Batch {
  readonly vectors: readonly Vector[];
  readonly rows: Int32Array | null;
}

export class ReceiptAssembler {
  private readonly builders: ColumnBuilder[] = INPUT_FIELDS.map(columnBuilderFor);
  private readonly appendRow = rowAppender(this.builders);
  private readonly keys = new KeyIndex();
  private batch: Batch | null = null;
  private readonly scratchValues: unknown[] = new Array(INPUT_FIELDS.length);
  private readonly scratchIssues: ValidationIssue[] = [];
  private readonly keyParts: unknown[] = new Array(KEY_FIELDS.length);
  private readonly halves = new Uint32Array(2);
  readonly issues: ValidationIssue[] = [];
  readonly sources: SourceFile[] = [];
  private readonly strict: boolean;
  /** Whether a single columnar batch may be kept as given (false when several parts are expected). */
  private keepBatch = true;
  private pendingRows = 0;

  constructor(private readonly options: LoadOptions = {}) {
    this.strict = options.strict ?? true;
  }

  get rowCount(): number {
    return this.keys.length;
  }

  /** Record a problem that is not about one field of one record (bad JSON, wrong columns). */
  report(issue: ValidationIssue): void {
    if (this.strict) throw new ReceiptValidationError([issue]);
    this.issues.push(issue);
  }

  /** Validate one record and keep it if good. Returns whether it was kept. */
  add(record: unknown, where: RecordLocation): boolean {
    if (!this.check(record, where, this.scratchValues)) return false;
    return this.addValues(this.scratchValues, where);
  }

  /**
   * Validate one record without keeping it: reports its problems (throwing in strict mode)
   * and returns whether it is good, with its values in `values` (INPUT_FIELDS order).
   */
  check(record: unknown, where: RecordLocation, values: unknown[] = new Array(INPUT_FIELDS.length)): boolean {
    const sink = this.strict ? this.scratchIssues : this.issues;
    if (this.strict) sink.length = 0;
    if (validateInto(record, where, this.options, values, sink)) return true;
    if (this.strict) throw new ReceiptValidationError(sink.splice(0));
    return false;
  }

  /** Keep a record already validated field by field (columnar sources). */
  addValues(values: unknown[], where: RecordLocation): boolean {
    for (let k = 0; k < KEY_INDEX.length; k++) this.keyParts[k] = values[KEY_INDEX[k]];
    if (!this.addKey(keyText(this.keyParts), where)) return false;
    if (this.batch !== null) this.spillBatch();
    this.appendRow(values);
    return true;
  }

  /**
   * Register the key of a row about to be kept (its text as `keyText` builds it); reports a
   * duplicate and returns false when the key was seen before. Columnar sources call this
   * row by row, in order, then hand over the kept rows with `addColumns`.
   */
  addKey(text: string, where: RecordLocation): boolean {
    keyHalvesOfText(text, this.halves);
    return this.addKeyHalves(this.halves[0], this.halves[1], where.file, where.line);
  }

  /** `addKey` for a key already hashed into its two 32-bit halves (see `keyHalvesOfText`). */
  addKeyHalves(hi: number, lo: number, file: string | null, line: number | null): boolean {
    hi >>>= 0; lo >>>= 0;
    const firstRow = this.keys.find(hi, lo);
    if (firstRow >= 0) {
      const first = this.keys.where(firstRow);
      this.report({
        file, line, field: "receipt_key",
        message: `duplicate receipt ${this.keys.text(firstRow)}: same run, model, judge, query, condition and sample_index as ${first.file ?? "<input>"}${first.line === null ? "" : ":" + first.line}; expected each evaluation point once`,
      });
      return false;
    }
    this.keys.pushAt(hi, lo, file, line);
    return true;
  }

  /**
   * Expect about `rows` more rows, arriving in `parts` columnar parts (Parquet row groups):
   * sizes the key index and the columns once instead of doubling them as rows arrive.
   */
  reserve(rows: number, parts = 1): void {
    this.keys.reserve(rows);
    if (parts > 1) {
      this.keepBatch = false;
      this.pendingRows = rows;
    }
    if (this.keepBatch && this.batch === null && this.builders[0].length === 0) return; // a first columnar batch may be kept as is
    for (const b of this.builders) b.reserve?.(rows);
  }

  /**
   * Keep validated columns (canonical Arrow types, INPUT_FIELDS order) whose keys were
   * registered with `addKey`: all rows, or those at `rows`.
   */
  addColumns(vectors: readonly Vector[], rows: Int32Array | null): void {
    if (this.keepBatch && this.batch === null && this.builders[0].length === 0 && vectors.every((v) => v.data.length === 1)) {
      this.batch = { vectors, rows };
      return;
    }
    if (this.batch !== null) this.spillBatch();
    vectors.forEach((v, i) => this.builders[i].appendVector(v, rows));
    if (this.pendingRows > 0) {
      // Text columns: size the rest from the bytes a row took in this first part.
      const rest = this.pendingRows - (rows === null ? vectors[0].length : rows.length);
      this.pendingRows = 0;
      if (rest > 0) for (const b of this.builders) b.reserve?.(rest);
    }
  }

  /**
   * Keep rows validated elsewhere (the JSONL worker threads): `issues` (in line order) are
   * reported and the good rows (at ascending `lines`, with their key halves) registered in
   * line order, exactly as adding the records one by one would: a duplicate is named by the
   * first copy's file and line, and strict mode throws at the first problem of either kind.
   * Then the good rows that are not duplicates are appended from `vectors` (INPUT_FIELDS
   * order, canonical types).
   */
  addValidatedRows(vectors: readonly Vector[], hi: Uint32Array, lo: Uint32Array, lines: Int32Array, issues: readonly ValidationIssue[], file: string | null): void {
    const n = lines.length;
    let keep: Int32Array | null = null;
    let kept = 0, j = 0;
    for (let i = 0; i <= n; i++) {
      const line = i < n ? lines[i] : Infinity;
      while (j < issues.length && (issues[j].line ?? -1) < line) {
        // A record's problems together, as the row path reports them.
        let k = j + 1;
        while (k < issues.length && issues[k].line === issues[j].line) k++;
        if (this.strict) throw new ReceiptValidationError(issues.slice(j, k));
        for (; j < k; j++) this.issues.push(issues[j]);
      }
      if (i === n) break;
      if (this.addKeyHalves(hi[i], lo[i], file, line)) {
        if (keep !== null) keep[kept] = i;
        kept++;
      } else if (keep === null) {
        keep = new Int32Array(n);
        for (let r = 0; r < kept; r++) keep[r] = r;
      }
    }
    if (kept === 0) return;
    if (this.batch !== null) this.spillBatch();
    const rows = keep === null ? null : keep.subarray(0, kept);
    for (let c = 0; c < vectors.length; c++) this.builders[c].appendVector(vectors[c], rows);
  }

  /** The options records are validated with, for validating elsewhere (worker threads). */
  validationOptions(): { strict: boolean; unknownFields?: "error" | "ignore" } {
    return this.options.unknownFields === undefined ? { strict: this.strict } : { strict: this.strict, unknownFields: this.options.unknownFields };
  }

  private spillBatch(): void {
    const { vectors, rows } = this.batch!;
    this.batch = null;
    vectors.forEach((v, i) => this.builders[i].appendVector(v, rows));
  }

  /** Note where the rows added since the last call came from. */
  closeSource(path: string | null, format: SourceFile["format"], sha256: string | null, rowsRead: number, rowsBefore: number, issuesBefore: number): void {
    this.sources.push({ path, format, sha256, rowsRead, rowsKept: this.rowCount - rowsBefore, issues: this.issues.length - issuesBefore });
  }

  finish(): ReceiptTable {
    if (this.batch !== null && this.batch.rows !== null) this.spillBatch();
    const inputs = this.batch !== null ? this.batch.vectors : this.builders.map((b) => b.finish());
    this.batch = null;
    const columns: Record<string, Vector> = {};
    INPUT_FIELDS.forEach((f, i) => (columns[f.name] = inputs[i]));
    columns.receipt_key = this.keys.vector();
    Object.assign(columns, deriveFromColumns(inputs[N_BENIGN], inputs[N_HARMFUL], inputs[LABEL]));
    // One record batch built from the columns' data, so the table's schema is exactly the
    // declared one (nullability, metadata) whatever the row count.
    const schema = receiptArrowSchema();
    const children = (RECEIPT_FIELDS as readonly FieldSpec[]).map((f) => columns[f.name].data[0]);
    const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: this.rowCount, nullCount: 0, children }));
    return new ReceiptTable(new Table([batch]), this.sources, this.issues);
  }
}

function deriveFromColumns(nBenign: Vector, nHarmful: Vector, label: Vector): Record<string, Vector> {
  const b = nBenign.data[0], h = nHarmful.data[0], l = label.data[0];
  const words = Array.from(l.dictionary!.toArray() as ArrayLike<string | null>);
  // fixed-width buffers of a sliced Data already start at its first row (only bitmaps keep the offset)
  const codes = (l.values as Int32Array).subarray(0, l.length);
  const labels = new Array<string | null>(l.length);
  for (let i = 0; i < l.length; i++) labels[i] = l.nullCount > 0 && !l.getValid(i) ? null : words[codes[i]];
  return deriveColumns(
    (b.values as Int32Array).subarray(0, b.length),
    (h.values as Int32Array).subarray(0, h.length),
    labels,
  );
}

/** n_total, harmful_fraction (null at zero demonstrations) and complied (null for parse errors). */
export function deriveColumns(nBenign: Int32Array, nHarmful: Int32Array, labels: ArrayLike<string | null>): Record<string, Vector> {
  const n = nBenign.length;
  const total = new Int32Array(n);
  const fraction = new Float64Array(n);
  const fractionValid = new Uint8Array((n + 7) >> 3);
  let fractionNulls = 0;
  const complied = new Uint8Array((n + 7) >> 3);
  const compliedValid = new Uint8Array((n + 7) >> 3);
  let compliedNulls = 0;
  for (let i = 0; i < n; i++) {
    const t = nBenign[i] + nHarmful[i];
    total[i] = t;
    if (t > 0) {
      fraction[i] = nHarmful[i] / t;
      fractionValid[i >> 3] |= 1 << (i & 7);
    } else fractionNulls++;
    const label = labels[i];
    if (label === "parse_error" || label === null) compliedNulls++;
    else {
      compliedValid[i >> 3] |= 1 << (i & 7);
      if (label === "compliance") complied[i >> 3] |= 1 << (i & 7);
    }
  }
  return {
    n_total: makeVector(makeData({ type: new Int32(), length: n, data: total, nullCount: 0 })),
    harmful_fraction: makeVector(makeData({ type: new Float64(), length: n, data: fraction, nullCount: fractionNulls, nullBitmap: fractionNulls ? fractionValid : undefined })),
    complied: makeVector(makeData({ type: new Bool(), length: n, data: complied, nullCount: compliedNulls, nullBitmap: compliedNulls ? compliedValid : undefined })),
  };
}

export type { ReceiptFormat };
