/**
 * Turns records from any source into a ReceiptTable: validates each one, hashes its key
 * fields, rejects duplicates (naming where the first copy was; equal hashes are compared
 * exactly on the key fields, so only a true duplicate is rejected), appends the good
 * ones to typed columns; n_total, harmful_fraction and complied (and receipt_key) are
 * derived when first read (see `finish`). Strict mode
 * throws at the first problem; otherwise problems are collected and the good rows kept.
 *
 * Columnar sources (Arrow, Parquet) validate column by column and hand over whole vectors
 * with `addColumns`; a single such batch is kept as it is, without copying.
 */
import { Bool, Float64, Int32, makeData, makeVector, RecordBatch, Struct, Table, type Vector } from "apache-arrow";
import { FIELD_BY_NAME, INPUT_FIELDS, RECEIPT_FIELDS, type FieldSpec } from "../receipt/fields";
import { ReceiptValidationError, type ValidationIssue } from "../receipt/issues";
import { KEY_FIELDS, keyHalvesOfText, keyLanesOfValues, keyOfText, keyText } from "../receipt/key";
import { INPUT_INDEX, validateInto, type RecordLocation, type ValidateOptions } from "../receipt/validate";
import { NullColumns, receiptArrowSchema } from "./arrow-schema";
import { columnBuilderFor, rowAppender, type ColumnBuilder } from "./column-builder";
import { bitSet, nullBits, receiptKeyVector } from "./key-columns";
import type { DictionaryCodes } from "./dictionary-index";
import { ReceiptTable, type ReceiptFormat, type SourceFile } from "./receipt-table";

export interface LoadOptions extends ValidateOptions {
  /** Throw at the first bad record (default true). When false, keep the good rows and list every problem. */
  readonly strict?: boolean;
  /**
   * Read only these fields (and what they need: the key fields, and for a derived field its
   * inputs). Fields outside the set are neither decoded (Parquet column chunks, Arrow
   * columns) nor validated, and reading them from the table throws. Default: every field.
   * `receipts validate` never sets it. Row-wise parsers (JSONL, CSV) may skip the other
   * fields' bytes.
   */
  readonly columns?: readonly string[];
  /**
   * Internal (tests): keep only these low bits of the duplicate index's 64-bit hash, so
   * that distinct receipts collide and the exact comparison on the key fields is exercised.
   */
  readonly keyHashBits?: number;
}

const KEY_INDEX = KEY_FIELDS.map((f) => INPUT_INDEX.get(f)!);
const N_BENIGN = INPUT_INDEX.get("n_benign")!, N_HARMFUL = INPUT_INDEX.get("n_harmful")!, LABEL = INPUT_INDEX.get("judge_label")!;

/** What a derived field is computed from. */
const DERIVED_FROM: Record<string, readonly string[]> = {
  receipt_key: KEY_FIELDS, n_total: ["n_benign", "n_harmful"], harmful_fraction: ["n_benign", "n_harmful"], complied: ["judge_label"],
};

/**
 * Which input fields a load reads (INPUT_FIELDS order), given the fields asked for: always
 * the key fields and what the derived columns are computed from, so every table has its
 * keys checked and n_total, harmful_fraction and complied. Null: all of them.
 */
export function loadedInputFields(columns: readonly string[] | undefined): boolean[] | null {
  if (columns === undefined) return null;
  const want = new Set<string>([...KEY_FIELDS, "n_benign", "n_harmful", "judge_label"]);
  for (const c of columns) {
    const spec = (RECEIPT_FIELDS as readonly FieldSpec[]).find((f) => f.name === c);
    if (spec === undefined) throw new Error(`columns: unknown field ${JSON.stringify(c)}; expected receipt fields such as model, n_benign, judge_label`);
    for (const f of DERIVED_FROM[c] ?? [c]) want.add(f);
  }
  return INPUT_FIELDS.map((f) => want.has(f.name));
}

/**
 * Whether `rows` keys overfill `size` slots: more than 0.6 of them used (a linear probe then
 * looks at about 3.6 slots for a new key). At 10 million receipts this is 2^24 slots (128 MiB)
 * instead of the 2^25 a load of 0.5 would take.
 */
function overfull(rows: number, size: number): boolean {
  return rows * 5 > size * 3;
}

/** Rows of a part sorted and inserted at a time by `insertAllNew` (its sorted copies stay 12 MiB). */
const INSERT_CHUNK = 2 ** 20;

/**
 * Load-time hashes (`keyLanesOfValues`) of the kept rows as two 32-bit lanes, with where
 * each was read (segments of consecutive lines), and an open-addressing index over them: 24
 * bytes a receipt at a million (2^21 slots), instead of a Map of strings. Equal hashes are
 * candidates only: the assembler compares them exactly.
 */
class KeyIndex {
  hi = new Uint32Array(1024);
  lo = new Uint32Array(1024);
  /**
   * Where rows were read, as segments of rows read from one file on consecutive lines:
   * segment k holds rows from `segStart[k]` to the next segment's start, from file index
   * `segFile[k]`, the first on line `segLine[k]` and each next one on the next line (-1: rows
   * without a line). A load keeps a few (a new one after a bad or duplicate line, or a new
   * file) instead of 8 bytes a row: 8 MB of a million-row JSONL load's peak. (At worst, every
   * row on a line not following the last one's, 12 bytes a row.)
   */
  private segStart = new Int32Array(16);
  private segFile = new Int32Array(16);
  private segLine = new Int32Array(16);
  private segments = 0;
  length = 0;
  /**
   * Open-addressing slots, two int32 each: the row plus one (0 for empty, so a new table
   * needs no filling) and its hash's low lane, so a probe compares hashes in the slot's own
   * cache line instead of reading the row's.
   */
  private slots = new Int32Array(2 * 2048);
  /** Number of slots (a power of two). */
  private size = 2048;
  /**
   * Whether every row is in `slots`. A first columnar part is deduplicated without them (see
   * `insertAllNew`), and they are built only when something needs them (another part, a key
   * registered on its own): a load of one Arrow file never allocates them.
   */
  private built = true;
  private readonly files: (string | null)[] = [];
  private lastFile: string | null | undefined = undefined;
  private lastFileIndex = -1;

  /** Where the search for rows with this hash starts. */
  firstSlot(hi: number, lo: number): number {
    return (lo ^ Math.imul(hi, 0x9e3779b1)) & (this.size - 1);
  }

  /** Build the slots of the rows stored so far, if not built. */
  private ensureSlots(): void {
    if (this.built) return;
    this.slots = new Int32Array(2 * this.size);
    this.built = true;
    for (let r = 0; r < this.length; r++) this.place(r);
  }

  /** The first slot from `slot` on holding a row with this hash, or -1 (none left). */
  nextWithHash(hi: number, lo: number, slot: number): number {
    this.ensureSlots();
    const mask = this.size - 1, lo32 = lo | 0;
    for (let s = slot; ; s = (s + 1) & mask) {
      const r = this.slots[2 * s] - 1;
      if (r < 0) return -1;
      if (this.slots[2 * s + 1] === lo32 && this.hi[r] === hi) return s;
    }
  }

  rowAt(slot: number): number {
    return this.slots[2 * slot] - 1;
  }

  nextSlot(slot: number): number {
    return (slot + 1) & (this.size - 1);
  }

  /** Make room for `extra` more keys. */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need > this.hi.length) this.resize(need);
    if (overfull(need, this.size)) {
      let size = this.size;
      while (overfull(need, size)) size *= 2;
      this.size = size;
      // An empty index needs no slots yet (a first columnar part does without: see insertAllNew).
      if (this.length === 0) this.built = false;
      if (!this.built) return; // built at this size when needed
      this.slots = new Int32Array(2 * size);
      for (let r = 0; r < this.length; r++) this.place(r);
    }
  }

  private resize(capacity: number): void {
    const grow = <T extends Uint32Array | Int32Array>(a: T): T => {
      const next = new (a.constructor as new (n: number) => T)(capacity);
      next.set(a.subarray(0, this.length));
      return next;
    };
    this.hi = grow(this.hi); this.lo = grow(this.lo);
  }

  /**
   * Record that row r (the next row: rows are recorded in order), and the rows after it until
   * the next one recorded, were read from file index `file` from `line` on (-1: no line).
   */
  private setWhere(r: number, file: number, line: number): void {
    const k = this.segments - 1;
    // the same file, and the line after the last segment's rows (or no line, as they have)
    if (k >= 0 && this.segFile[k] === file && (line < 0 ? this.segLine[k] < 0 : this.segLine[k] >= 0 && this.segLine[k] + (r - this.segStart[k]) === line)) return;
    if (this.segments === this.segStart.length) {
      const grow = (a: Int32Array) => { const next = new Int32Array(2 * a.length); next.set(a); return next; };
      this.segStart = grow(this.segStart); this.segFile = grow(this.segFile); this.segLine = grow(this.segLine);
    }
    this.segStart[this.segments] = r;
    this.segFile[this.segments] = file;
    this.segLine[this.segments] = line;
    this.segments++;
  }

  /**
   * Insert a key whose hash no row has yet, in one probe sequence: returns true when inserted,
   * false (nothing changed) when some row has the same hash, for the caller to compare exactly.
   * Rows pushed this way must be `reserve`d first.
   */
  insertNew(hi: number, lo: number, file: number, line: number): boolean {
    this.ensureSlots();
    const mask = this.size - 1, slots = this.slots, lo32 = lo | 0;
    let s = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const r = slots[2 * s] - 1;
      if (r < 0) break;
      if (slots[2 * s + 1] === lo32 && this.hi[r] === hi) return false;
      s = (s + 1) & mask;
    }
    const r = this.length++;
    this.hi[r] = hi; this.lo[r] = lo;
    this.setWhere(r, file, line);
    slots[2 * s] = r + 1;
    slots[2 * s + 1] = lo32;
    return true;
  }

  /**
   * Insert a part's keys (hashes already masked) as rows `length` on, when no hash among them
   * repeats or is stored already: returns false with nothing changed otherwise, for the caller
   * to insert them one by one in row order. The keys go into the slots in the order of their
   * home slot, not of their rows, so the probes walk the table nearly in order instead of
   * missing the cache on almost every row. Rows must be `reserve`d first.
   */
  insertAllNew(hi: Uint32Array, lo: Uint32Array, maskHi: number, maskLo: number, file: number, lineBase: number): boolean {
    const n = hi.length, base = this.length, mask = this.size - 1;
    const H = this.hi, L = this.lo;
    for (let i = 0; i < n; i++) {
      H[base + i] = (hi[i] & maskHi) >>> 0;
      L[base + i] = (lo[i] & maskLo) >>> 0;
    }
    // Rows sorted by home slot in runs (a counting sort on the slot's top bits), their hashes
    // copied beside them so that the probe loop reads memory in order, not at random. Runs
    // cover 2^13 slots (64 KiB, in cache) up to 2^11 runs (the sort's write streams in cache too).
    const sizeBits = 31 - Math.clz32(this.size);
    const shift = sizeBits - Math.max(0, Math.min(11, sizeBits - 13));
    const runs = (this.size >>> shift) + 1;
    if (base === 0) return this.insertFirstPart(n, mask, shift, runs, file, lineBase);
    this.ensureSlots();
    const chunk = Math.min(n, INSERT_CHUNK);
    const start = new Int32Array(runs + 1);
    const sortedRow = new Int32Array(chunk), sortedHi = new Uint32Array(chunk), sortedLo = new Int32Array(chunk);
    const slots = this.slots;
    for (let from = 0; from < n; from += chunk) {
      const to = Math.min(n, from + chunk);
      start.fill(0);
      for (let i = from; i < to; i++) start[(((L[base + i] ^ Math.imul(H[base + i], 0x9e3779b1)) & mask) >>> shift) + 1]++;
      for (let b = 1; b <= runs; b++) start[b] += start[b - 1];
      for (let i = from; i < to; i++) {
        const h = H[base + i], l = L[base + i];
        const k = start[(((l ^ Math.imul(h, 0x9e3779b1)) & mask) >>> shift)]++;
        sortedRow[k] = i; sortedHi[k] = h; sortedLo[k] = l | 0;
      }
      for (let k = 0; k < to - from; k++) {
        const h = sortedHi[k], lo32 = sortedLo[k];
        let s = (lo32 ^ Math.imul(h, 0x9e3779b1)) & mask;
        for (;;) {
          const r = slots[2 * s] - 1;
          if (r < 0) break;
          if (slots[2 * s + 1] === lo32 && H[r] === h) {
            // A repeated hash: undo (rebuild the slots of the rows stored before).
            this.slots = new Int32Array(2 * this.size);
            for (let q = 0; q < base; q++) this.place(q);
            return false;
          }
          s = (s + 1) & mask;
        }
        slots[2 * s] = base + sortedRow[k] + 1;
        slots[2 * s + 1] = lo32;
      }
    }
    this.length = base + n;
    if (n > 0) this.setWhere(base, file, lineBase + 1);
    return true;
  }

  /**
   * `insertAllNew` of a first part into an empty index, without the slots: rows sorted by
   * home slot as there, and a repeated hash looked for within each run of rows with the same
   * top bits (equal hashes have the same home), in a small table that stays in cache. The
   * slots are then left unbuilt (`ensureSlots`).
   */
  private insertFirstPart(n: number, mask: number, shift: number, runs: number, file: number, lineBase: number): boolean {
    const H = this.hi, L = this.lo;
    const start = new Int32Array(runs + 1);
    for (let i = 0; i < n; i++) start[(((L[i] ^ Math.imul(H[i], 0x9e3779b1)) & mask) >>> shift) + 1]++;
    let longest = 0;
    for (let b = 1; b <= runs; b++) { if (start[b] > longest) longest = start[b]; start[b] += start[b - 1]; }
    const sortedHi = new Uint32Array(n), sortedLo = new Int32Array(n);
    const at = start.slice();
    for (let i = 0; i < n; i++) {
      const h = H[i], l = L[i];
      const k = at[(((l ^ Math.imul(h, 0x9e3779b1)) & mask) >>> shift)]++;
      sortedHi[k] = h; sortedLo[k] = l | 0;
    }
    // A table of twice the longest run, emptied for each run by a new stamp.
    const size = 2 ** Math.max(4, 32 - Math.clz32(2 * longest));
    const local = size - 1;
    const stamp = new Int32Array(size), entry = new Int32Array(size);
    for (let b = 0; b < runs; b++) {
      const gen = b + 1;
      for (let k = start[b]; k < start[b + 1]; k++) {
        const h = sortedHi[k], lo32 = sortedLo[k];
        let s = (lo32 ^ Math.imul(h, 0x85ebca6b)) & local;
        while (stamp[s] === gen) {
          const j = entry[s];
          if (sortedLo[j] === lo32 && sortedHi[j] === h) return false; // a repeated hash: nothing stored yet
          s = (s + 1) & local;
        }
        stamp[s] = gen;
        entry[s] = k;
      }
    }
    this.built = false;
    this.slots = new Int32Array(0);
    this.length = n;
    if (n > 0) this.setWhere(0, file, lineBase + 1);
    return true;
  }

  /** Whether `extra` more keys fit without growing (see `reserve`). */
  hasRoom(extra: number): boolean {
    return this.length + extra <= this.hi.length && !overfull(this.length + extra, this.size);
  }

  pushAt(hi: number, lo: number, file: string | null, line: number | null): void {
    this.ensureSlots();
    if (this.length === this.hi.length) this.resize(this.hi.length * 2);
    const r = this.length++;
    this.hi[r] = hi; this.lo[r] = lo;
    this.setWhere(r, this.fileIndex(file), line ?? -1);
    if (overfull(this.length, this.size)) this.rehash();
    else this.place(r);
  }

  where(row: number): RecordLocation {
    // The last segment starting at or before the row (segments are in row order: a binary search).
    let a = 0, b = this.segments;
    while (b - a > 1) {
      const m = (a + b) >> 1;
      if (this.segStart[m] <= row) a = m; else b = m;
    }
    const line = this.segLine[a];
    return { file: this.files[this.segFile[a]], line: line < 0 ? null : line + (row - this.segStart[a]) };
  }

  fileIndex(file: string | null): number {
    if (file === this.lastFile) return this.lastFileIndex;
    let i = this.files.indexOf(file);
    if (i < 0) { i = this.files.length; this.files.push(file); }
    this.lastFile = file;
    this.lastFileIndex = i;
    return i;
  }

  private place(r: number): void {
    const mask = this.size - 1;
    let s = (this.lo[r] ^ Math.imul(this.hi[r], 0x9e3779b1)) & mask;
    while (this.slots[2 * s] !== 0) s = (s + 1) & mask;
    this.slots[2 * s] = r + 1;
    this.slots[2 * s + 1] = this.lo[r] | 0;
  }

  private rehash(): void {
    this.size *= 2;
    this.slots = new Int32Array(2 * this.size);
    for (let r = 0; r < this.length; r++) this.place(r);
  }
}

/** The key text (`keyText`) of row i of vectors in INPUT_FIELDS order. */
function keyTextOfVectors(vectors: readonly Vector[], i: number): string {
  const parts = KEY_INDEX.map((c) => {
    const v = vectors[c].get(i) as unknown;
    return typeof v === "bigint" ? Number(v) : v;
  });
  return keyText(parts);
}

/** Where the key text of a row being registered comes from (see `ReceiptAssembler.register`). */
const FROM_PARTS = 0, FROM_PART = 1, FROM_GIVEN = 2;

/** A columnar batch kept as given (vectors in INPUT_FIELDS order), with the rows to keep or null for all. */
interface Batch {
  readonly vectors: readonly Vector[];
  readonly rows: Int32Array | null;
}

function growPartRows(part: PendingPart, capacity: number): void {
  const next = new Int32Array(capacity);
  next.set(part.partRows.subarray(0, part.count));
  part.partRows = next;
}

/** Rows whose keys are registered but whose values are not appended yet (one columnar part). */
interface PendingPart {
  /** Index in the key index of the part's first registered row. */
  readonly base: number;
  /** The part row of each registered row (the first `count` entries; grown as needed). */
  partRows: Int32Array;
  count: number;
  /** Key text of a part row. */
  readonly text: (partRow: number) => string;
}

export class ReceiptAssembler {
  private readonly builders: ColumnBuilder[] = INPUT_FIELDS.map(columnBuilderFor);
  private readonly appendRow = rowAppender(this.builders);
  private readonly keys = new KeyIndex();
  private batch: Batch | null = null;
  private pending: PendingPart | null = null;
  private readonly scratchValues: unknown[] = new Array(INPUT_FIELDS.length);
  private readonly scratchIssues: ValidationIssue[] = [];
  private readonly keyParts: unknown[] = new Array(KEY_FIELDS.length);
  private readonly halves = new Uint32Array(2);
  private readonly hashMaskHi: number;
  private readonly hashMaskLo: number;
  readonly issues: ValidationIssue[] = [];
  readonly sources: SourceFile[] = [];
  private readonly strict: boolean;
  /** Input fields read (INPUT_FIELDS order), or null for all: see `LoadOptions.columns`. */
  readonly loaded: readonly boolean[] | null;
  /** Whether a single columnar batch may be kept as given (false when several parts are expected). */
  private keepBatch = true;
  private pendingRows = 0;

  constructor(private readonly options: LoadOptions = {}) {
    this.strict = options.strict ?? true;
    this.loaded = loadedInputFields(options.columns);
    const bits = options.keyHashBits ?? 64;
    this.hashMaskLo = bits >= 32 ? 0xffffffff : (2 ** bits - 1);
    this.hashMaskHi = bits >= 64 ? 0xffffffff : bits <= 32 ? 0 : (2 ** (bits - 32) - 1);
  }

  /** Names of the input fields read (all of them when no `columns` option was given). */
  loadedFieldNames(): string[] {
    return INPUT_FIELDS.filter((_, i) => this.loaded === null || this.loaded[i]).map((f) => f.name);
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

  /**
   * Keep a record already validated field by field (columnar sources). `lanes`: the row's
   * `keyLanesOfValues`, when the caller has them already (the JSONL reader remembers them per value).
   */
  addValues(values: unknown[], where: RecordLocation, lanes?: Uint32Array): boolean {
    // The key parts are gathered from `values` only when needed: to hash them here, or for
    // the exact comparison of an equal hash (`newKeyText`), not for every row given its lanes.
    this.rowValues = values;
    if (lanes === undefined) keyLanesOfValues(this.gatherKeyParts(), (lanes = this.halves));
    if (!this.register(lanes[0], lanes[1], where.file, where.line, FROM_PARTS, 0)) return false;
    if (this.batch !== null) this.spillBatch();
    this.appendRow(values);
    return true;
  }

  /**
   * Register the key of a row about to be kept (its text as `keyText` builds it); reports a
   * duplicate and returns false when the key was seen before.
   */
  addKey(text: string, where: RecordLocation): boolean {
    keyHalvesOfText(text, this.halves);
    this.givenText = text;
    return this.register(this.halves[0], this.halves[1], where.file, where.line, FROM_GIVEN, 0);
  }

  /**
   * `addKey` for a key already hashed into its two 32-bit lanes (`keyLanesOfValues`), with
   * the row's key text for the exact comparison should an earlier row have the same hash.
   */
  addKeyHalves(hi: number, lo: number, file: string | null, line: number | null, text: string | (() => string)): boolean {
    this.givenText = text;
    return this.register(hi, lo, file, line, FROM_GIVEN, 0);
  }

  /**
   * Start a columnar part: rows are registered with `addPartKey` (by their row in the part,
   * whose key text `text` gives) and their values handed over afterwards with `addColumns`.
   */
  beginPart(text: (partRow: number) => string): void {
    this.pending = { base: this.keys.length, partRows: new Int32Array(16), count: 0, text };
  }

  /**
   * `addPartKey` for every row of a part begun with `beginPart`, rows numbered from
   * `lineBase + 1`: one probe a row for the common case of a new hash. Returns the part rows
   * kept (null: all of them).
   */
  addPartKeys(hi: Uint32Array, lo: Uint32Array, file: string | null, lineBase: number): Int32Array | null {
    const n = hi.length, part = this.pending!;
    this.keys.reserve(n);
    if (part.count + n > part.partRows.length) growPartRows(part, part.count + n);
    const partRows = part.partRows;
    const fileIndex = this.keys.fileIndex(file);
    const maskHi = this.hashMaskHi, maskLo = this.hashMaskLo;
    if (this.keys.insertAllNew(hi, lo, maskHi, maskLo, fileIndex, lineBase)) {
      for (let i = 0; i < n; i++) partRows[part.count++] = i;
      return null;
    }
    let keep: Int32Array | null = null, kept = 0;
    for (let i = 0; i < n; i++) {
      let added = this.keys.insertNew((hi[i] & maskHi) >>> 0, (lo[i] & maskLo) >>> 0, fileIndex, lineBase + i + 1);
      // An earlier row with the same hash: compared exactly (a duplicate is reported there).
      if (!added) added = this.register(hi[i], lo[i], file, lineBase + i + 1, FROM_PART, i);
      if (added) {
        partRows[part.count++] = i;
        if (keep !== null) keep[kept] = i;
        kept++;
      } else if (keep === null) {
        keep = new Int32Array(n);
        for (let r = 0; r < kept; r++) keep[r] = r;
      }
    }
    return keep === null ? null : keep.slice(0, kept);
  }

  /** `addKeyHalves` for row `partRow` of the part begun with `beginPart`. */
  addPartKey(hi: number, lo: number, file: string | null, line: number | null, partRow: number): boolean {
    if (!this.register(hi, lo, file, line, FROM_PART, partRow)) return false;
    const part = this.pending!;
    if (part.count === part.partRows.length) growPartRows(part, 2 * part.count);
    part.partRows[part.count++] = partRow;
    return true;
  }

  /** Values (INPUT_FIELDS order) of the row `addValues` is registering. */
  private rowValues: readonly unknown[] = [];

  /** The key fields' values of the row `addValues` is registering, in `keyParts`. */
  private gatherKeyParts(): unknown[] {
    const parts = this.keyParts, values = this.rowValues;
    for (let k = 0; k < KEY_INDEX.length; k++) parts[k] = values[KEY_INDEX[k]];
    return parts;
  }

  /** Text given to `addKey` / `addKeyHalves` for the row being registered. */
  private givenText: string | (() => string) = "";

  /** The key text of the row being registered, from where `from` says. */
  private newKeyText(from: number, partRow: number): string {
    if (from === FROM_PARTS) return keyText(this.gatherKeyParts());
    if (from === FROM_PART) return this.pending!.text(partRow);
    return typeof this.givenText === "string" ? this.givenText : this.givenText();
  }

  /**
   * Register a row's key hash; an earlier row with the same hash is compared exactly on the
   * key fields (its text and the new row's, built only then), and only an equal one is a
   * duplicate, reported with where the first copy was.
   */
  private register(hi: number, lo: number, file: string | null, line: number | null, from: number, partRow: number): boolean {
    hi = (hi & this.hashMaskHi) >>> 0; lo = (lo & this.hashMaskLo) >>> 0;
    let mine: string | null = null;
    for (let s = this.keys.nextWithHash(hi, lo, this.keys.firstSlot(hi, lo)); s >= 0; s = this.keys.nextWithHash(hi, lo, this.keys.nextSlot(s))) {
      const r = this.keys.rowAt(s);
      mine ??= this.newKeyText(from, partRow);
      const theirs = this.storedKeyText(r);
      if (theirs !== mine) continue; // same hash, different receipt
      const first = this.keys.where(r);
      this.report({
        file, line, field: "receipt_key",
        message: `duplicate receipt ${keyOfText(theirs)}: same run, model, judge, query, condition and sample_index as ${first.file ?? "<input>"}${first.line === null ? "" : ":" + first.line}; expected each evaluation point once`,
      });
      return false;
    }
    this.keys.pushAt(hi, lo, file, line);
    return true;
  }

  /** The key text of kept row r, wherever its values are (the open part, the kept batch, the columns). */
  private storedKeyText(r: number): string {
    const part = this.pending;
    if (part !== null && r >= part.base) return part.text(part.partRows[r - part.base]);
    if (this.batch !== null) return keyTextOfVectors(this.batch.vectors, this.batch.rows === null ? r : this.batch.rows[r]);
    return keyText(KEY_INDEX.map((c) => this.builders[c].valueAt!(r)));
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
    this.builders.forEach((b, c) => { if (this.loaded === null || this.loaded[c]) b.reserve?.(rows); });
  }

  /**
   * Keep validated columns (canonical Arrow types, INPUT_FIELDS order; columns not loaded
   * are ignored) whose keys were registered with `addKey` or `addPartKey`: all rows, or those
   * at `rows`.
   */
  addColumns(vectors: readonly Vector[], rows: Int32Array | null): void {
    this.pending = null;
    if (this.keepBatch && this.batch === null && this.builders[KEY_INDEX[0]].length === 0 && vectors.every((v) => v.data.length === 1)) {
      this.batch = { vectors, rows };
      return;
    }
    if (this.batch !== null) this.spillBatch();
    this.appendVectors(vectors, rows);
    if (this.pendingRows > 0) {
      // Text columns: size the rest from the bytes a row took in this first part.
      const rest = this.pendingRows - (rows === null ? vectors[0].length : rows.length);
      this.pendingRows = 0;
      if (rest > 0) this.builders.forEach((b, c) => { if (this.loaded === null || this.loaded[c]) b.reserve?.(rest); });
    }
  }

  private appendVectors(vectors: readonly Vector[], rows: Int32Array | null): void {
    for (let c = 0; c < vectors.length; c++) if (this.loaded === null || this.loaded[c]) this.builders[c].appendVector(vectors[c], rows);
  }

  /**
   * Keep rows validated elsewhere (the JSONL worker threads): `issues` (in line order) are
   * reported and the good rows (at ascending `lines`, with their key lanes) registered in
   * line order, exactly as adding the records one by one would: a duplicate is named by the
   * first copy's file and line, and strict mode throws at the first problem of either kind.
   * Then the good rows that are not duplicates are appended from `vectors` (INPUT_FIELDS
   * order, canonical types).
   */
  addValidatedRows(vectors: readonly Vector[], hi: Uint32Array, lo: Uint32Array, lines: Int32Array, issues: readonly ValidationIssue[], file: string | null): void {
    const n = lines.length;
    let keep: Int32Array | null = null;
    let kept = 0, j = 0;
    if (this.batch !== null) this.spillBatch();
    this.beginPart((i) => keyTextOfVectors(vectors, i));
    for (let i = 0; i <= n; i++) {
      const line = i < n ? lines[i] : Infinity;
      while (j < issues.length && (issues[j].line ?? -1) < line) {
        // A record's problems together, as the row path reports them.
        let k = j + 1;
        while (k < issues.length && issues[k].line === issues[j].line) k++;
        if (this.strict) { this.pending = null; throw new ReceiptValidationError(issues.slice(j, k)); }
        for (; j < k; j++) this.issues.push(issues[j]);
      }
      if (i === n) break;
      let added: boolean;
      try {
        added = this.addPartKey(hi[i], lo[i], file, line, i);
      } catch (e) {
        this.pending = null;
        throw e;
      }
      if (added) {
        if (keep !== null) keep[kept] = i;
        kept++;
      } else if (keep === null) {
        keep = new Int32Array(n);
        for (let r = 0; r < kept; r++) keep[r] = r;
      }
    }
    this.pending = null;
    if (kept === 0) return;
    this.appendVectors(vectors, keep === null ? null : keep.subarray(0, kept));
  }

  /** The options records are validated with, for validating elsewhere (worker threads). */
  validationOptions(): { strict: boolean; unknownFields?: "error" | "ignore" } {
    return this.options.unknownFields === undefined ? { strict: this.strict } : { strict: this.strict, unknownFields: this.options.unknownFields };
  }

  private spillBatch(): void {
    const { vectors, rows } = this.batch!;
    this.batch = null;
    this.appendVectors(vectors, rows);
  }

  /** Note where the rows added since the last call came from. */
  closeSource(path: string | null, format: SourceFile["format"], sha256: string | null, rowsRead: number, rowsBefore: number, issuesBefore: number): void {
    this.sources.push({ path, format, sha256, rowsRead, rowsKept: this.rowCount - rowsBefore, issues: this.issues.length - issuesBefore });
  }

  finish(): ReceiptTable {
    this.pending = null;
    if (this.batch !== null && this.batch.rows !== null) this.spillBatch();
    const n = this.rowCount;
    const nulls = new NullColumns(n);
    const inputs = INPUT_FIELDS.map((spec, c) =>
      this.loaded !== null && !this.loaded[c] ? nulls.vector(spec) : this.batch !== null ? this.batch.vectors[c] : this.builders[c].finish());
    this.batch = null;
    const columns: Record<string, Vector> = {};
    INPUT_FIELDS.forEach((f, i) => (columns[f.name] = inputs[i]));
    // The published receipt_key (a SHA-256) is computed when first read: analyses never
    // read it, and hashing every key is a tenth of a load. So are n_total, harmful_fraction
    // and complied (13 bytes a receipt): a load's table holds only what was read, and a
    // derived column is built the first time anything reads it. Until then each is an
    // all-null placeholder, a view of the one zeroed buffer of `nulls`.
    for (const name of ["receipt_key", "n_total", "harmful_fraction", "complied"]) columns[name] = nulls.vector(FIELD_BY_NAME.get(name)!);
    // One record batch built from the columns' data, so the table's schema is exactly the
    // declared one (nullability, metadata) whatever the row count.
    const children = (RECEIPT_FIELDS as readonly FieldSpec[]).map((f) => columns[f.name].data[0]);
    const schema = receiptArrowSchema(children);
    const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children }));
    const loaded = this.loaded === null ? null : new Set([...this.loadedFieldNames(), "receipt_key", "n_total", "harmful_fraction", "complied"]);
    const nBenign = inputs[N_BENIGN], nHarmful = inputs[N_HARMFUL], label = inputs[LABEL];
    const computed = {
      receipt_key: () => receiptKeyVector(inputs),
      n_total: () => totalOf(nBenign, nHarmful),
      harmful_fraction: () => fractionOf(nBenign, nHarmful),
      complied: () => compliedOf(label),
    };
    return new ReceiptTable(new Table([batch]), this.sources, this.issues, undefined, { computed, loaded });
  }
}

/** Fixed-width values of a one-chunk column (a sliced Data's values already start at its first row; only bitmaps keep the offset). */
function int32Values(v: Vector): Int32Array {
  const d = v.data[0];
  return (d.values as Int32Array).subarray(0, d.length);
}

/** n_total = n_benign + n_harmful (both required, so never null). */
function totalOf(nBenign: Vector, nHarmful: Vector): Vector {
  const nb = int32Values(nBenign), nh = int32Values(nHarmful);
  const n = nb.length;
  const total = new Int32Array(n);
  for (let i = 0; i < n; i++) total[i] = nb[i] + nh[i];
  return makeVector(makeData({ type: new Int32(), length: n, data: total, nullCount: 0 }));
}

/** harmful_fraction = n_harmful / n_total, null where n_total is 0. */
function fractionOf(nBenign: Vector, nHarmful: Vector): Vector {
  const nb = int32Values(nBenign), nh = int32Values(nHarmful);
  const n = nb.length;
  const fraction = new Float64Array(n);
  const fractionValid = new Uint8Array((n + 7) >> 3);
  let fractionNulls = 0;
  for (let i = 0; i < n; i++) {
    const t = nb[i] + nh[i];
    if (t > 0) fraction[i] = nh[i] / t;
  }
  // validity a byte (eight rows) at a time
  for (let j = 0; j < n; j += 8) {
    let v = 0;
    const end = Math.min(8, n - j);
    for (let k = 0; k < end; k++) if (nb[j + k] + nh[j + k] > 0) v |= 1 << k; else fractionNulls++;
    fractionValid[j >> 3] = v;
  }
  return makeVector(makeData({ type: new Float64(), length: n, data: fraction, nullCount: fractionNulls, nullBitmap: fractionNulls ? fractionValid : undefined }));
}

/** complied: judge_label compliance (true) or refusal (false); null for parse_error and null. */
function compliedOf(label: Vector): Vector {
  const l = label.data[0];
  // complied by dictionary word, looked up once a word: 1 compliance, 0 refusal, -1 null (parse_error, null)
  const words = Array.from(l.dictionary!.toArray() as ArrayLike<string | null>);
  const byCode = Int8Array.from(words, (w) => (w === "compliance" ? 1 : w === "refusal" ? 0 : -1));
  const codes = (l.values as DictionaryCodes).subarray(0, l.length);
  const n = codes.length;
  const complied = new Uint8Array((n + 7) >> 3);
  const compliedValid = new Uint8Array((n + 7) >> 3);
  let compliedNulls = 0;
  const bits = nullBits(l), off = l.offset; // read once, not the nullCount getter a row
  for (let j = 0; j < n; j += 8) {
    let v = 0, c = 0;
    const end = Math.min(8, n - j);
    for (let k = 0; k < end; k++) {
      const i = j + k;
      const x = bits !== null && !bitSet(bits, off + i) ? -1 : byCode[codes[i]];
      if (x < 0) compliedNulls++;
      else { v |= 1 << k; c |= x << k; }
    }
    compliedValid[j >> 3] = v;
    complied[j >> 3] = c;
  }
  return makeVector(makeData({ type: new Bool(), length: n, data: complied, nullCount: compliedNulls, nullBitmap: compliedNulls ? compliedValid : undefined }));
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
