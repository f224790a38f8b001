/**
 * Growable typed columns that turn validated values into Arrow vectors without a per-value
 * Arrow builder: counts and flags go into typed arrays, repeating strings into dictionary
 * codes, other strings straight into UTF-8 bytes. This is the hot path of every row-wise
 * loader, and `appendVector` is how columnar inputs are concatenated.
 */
import { Bool, Dictionary, Field, Float64, Int32, List, makeData, makeVector, Utf8, vectorFromArray, type Data, type DataType, type Vector } from "apache-arrow";
import { INPUT_FIELDS, type FieldSpec } from "../receipt/fields";
import { arrowTypeOf } from "./arrow-schema";
import { codesFor, indexTypeFor, INT16_WORDS, INT8_WORDS, type DictionaryCodes } from "./dictionary-index";

/**
 * A text value that is still in the JSONL reader's bytes: instead of a string made per row
 * and encoded again here, the reader gives this value and says in TEXT_SOURCE where the
 * value's UTF-8 bytes are (by input field), and the field's builder copies them. Only plain
 * values go this way (no escapes; valid UTF-8, checked); the text can never be a value read
 * from a file (a lone surrogate: such a string is refused) and passes a string type check.
 */
export const TEXT_IN_BYTES = "\udfff(text in the reader's bytes)";
export const TEXT_SOURCE: { bytes: Uint8Array | null; readonly from: Int32Array; readonly to: Int32Array } = {
  bytes: null, from: new Int32Array(INPUT_FIELDS.length), to: new Int32Array(INPUT_FIELDS.length),
};
/** A view of the last TEXT_SOURCE.bytes, for the builders' four-byte copies. */
let sourceView: DataView | null = null;
let sourceViewOf: Uint8Array | null = null;
const INPUT_POSITION = new Map(INPUT_FIELDS.map((f, i) => [f.name, i]));

export interface ColumnBuilder {
  append(value: unknown): void;
  /** Make room for `extra` more rows (and, for text, about `extraBytes` more bytes). */
  reserve?(extra: number, extraBytes?: number): void;
  /** Append rows of a vector in this column's Arrow type: all of them, or those at `rows`, in that order. */
  appendVector(vector: Vector, rows?: Int32Array | null): void;
  finish(): Vector;
  readonly length: number;
  /** The value at row i (null for null), for the key fields' exact duplicate check: dictionary and numeric columns. */
  valueAt?(i: number): unknown;
}

/**
 * Validity bits, allocated only when the first null arrives: until then every row is valid
 * and nothing is stored (most columns never hold a null).
 */
class Validity {
  bits: Uint8Array | null = null;
  nulls = 0;
  set(i: number, valid: boolean) {
    if (valid) {
      if (this.bits === null) return;
      this.ensure(i);
      this.bits[i >> 3] |= 1 << (i & 7);
      return;
    }
    this.nulls++;
    if (this.bits === null) {
      // Rows before this one were all valid.
      this.bits = new Uint8Array(Math.max(1024, ((i + 8) >> 3) * 2));
      this.bits.fill(255, 0, i >> 3);
      for (let k = i & ~7; k < i; k++) this.bits[k >> 3] |= 1 << (k & 7);
    }
    this.ensure(i);
  }
  /**
   * Mark `count` rows from `start` null (rows before `start` are all set already): their bits
   * stay the zeros they were allocated as, so an all-null column's bits are never written
   * (pages never written cost no memory).
   */
  setNullRun(start: number, count: number) {
    if (count === 0) return;
    this.nulls += count;
    const end = start + count;
    if (this.bits === null) {
      // Rows before this run were all valid.
      this.bits = new Uint8Array(Math.max(1024, ((end + 7) >> 3) * 2));
      this.bits.fill(255, 0, start >> 3);
      for (let k = start & ~7; k < start; k++) this.bits[k >> 3] |= 1 << (k & 7);
    }
    this.ensure(end - 1);
  }
  /** Mark `count` rows from `start` valid. */
  setValidRun(start: number, count: number) {
    if (this.bits === null || count === 0) return;
    this.ensure(start + count - 1);
    const bits = this.bits;
    let i = start;
    const end = start + count;
    while (i < end && (i & 7) !== 0) { bits[i >> 3] |= 1 << (i & 7); i++; }
    if (end - i >= 8) { bits.fill(255, i >> 3, end >> 3); i = end & ~7; }
    while (i < end) { bits[i >> 3] |= 1 << (i & 7); i++; }
  }
  private ensure(i: number) {
    if (i >> 3 >= this.bits!.length) {
      const next = new Uint8Array(Math.max(this.bits!.length * 2, (i >> 3) + 1));
      next.set(this.bits!);
      this.bits = next;
    }
  }
  has(i: number): boolean {
    return this.bits === null || (this.bits[i >> 3] & (1 << (i & 7))) !== 0;
  }
  bitmap(length: number): Uint8Array | undefined {
    return this.nulls === 0 || this.bits === null ? undefined : this.bits.slice(0, (length + 7) >> 3);
  }
}

/** Copy the validity of a whole Data chunk into `validity` at `at`. */
function copyValidity(validity: Validity, at: number, d: Data): void {
  const nulls = d.nullCount, n = d.length; // getters: read once, not a row
  if (nulls === 0 || !d.nullBitmap || d.nullBitmap.length === 0) {
    validity.setValidRun(at, n);
    return;
  }
  if (nulls === n) {
    validity.setNullRun(at, n);
    return;
  }
  const bm = d.nullBitmap, off = d.offset;
  for (let i = 0; i < n; i++) {
    const j = off + i;
    validity.set(at + i, (bm[j >> 3] & (1 << (j & 7))) !== 0);
  }
}

/** Whether every row of a Data is null (optional fields a file leaves out). */
function allNull(d: Data): boolean {
  return d.length > 0 && d.nullCount === d.length;
}

/** A Data's validity bits (null: every row valid), read once instead of a getter a row. */
function validityBits(d: Data): Uint8Array | null {
  return d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0 ? null : d.nullBitmap;
}

/** A typed array's first `length` values: a view when little would be wasted, a copy otherwise. */
function trimmed<T extends Int8Array | Int16Array | Int32Array | Float64Array | Uint8Array>(a: T, length: number): T {
  return (a.length - length <= a.length >> 3 ? a.subarray(0, length) : a.slice(0, length)) as T;
}

/**
 * Zeros for the offsets of a column that holds only nulls (optional fields most
 * files leave out), allocated when the column is finished rather than grown row by row.
 * Each column gets its own buffer: apache-arrow's IPC writer joins body buffers that are
 * views of one ArrayBuffer as if they were contiguous ranges, so columns sharing one zero
 * buffer were written corrupt (the next column's offsets read from text bytes).
 */
function zeros(n: number): Int32Array {
  return new Int32Array(n);
}

/** Visit the selected rows of a (possibly chunked) vector as (data, index within data). */
function eachRow(vector: Vector, rows: Int32Array | null | undefined, visit: (d: Data, i: number) => void): void {
  if (rows === null || rows === undefined) {
    for (const d of vector.data) for (let i = 0; i < d.length; i++) visit(d, i);
    return;
  }
  if (vector.data.length === 1) {
    const d = vector.data[0];
    for (let k = 0; k < rows.length; k++) visit(d, rows[k]);
    return;
  }
  const starts: number[] = [];
  let s = 0;
  for (const d of vector.data) { starts.push(s); s += d.length; }
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    let c = starts.length - 1;
    while (starts[c] > r) c--;
    visit(vector.data[c], r - starts[c]);
  }
}

function isValid(d: Data, i: number): boolean {
  if (d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0) return true;
  const j = d.offset + i;
  return (d.nullBitmap[j >> 3] & (1 << (j & 7))) !== 0;
}

/**
 * Int32 columns (counts). Int32 and Float64 columns are two classes, not one holding either
 * array: `append`'s store then sees one array type, instead of a polymorphic store every row.
 */
class Int32Builder implements ColumnBuilder {
  private values = new Int32Array(1024);
  private validity = new Validity();
  length = 0;
  valueAt(i: number): unknown {
    return this.validity.has(i) ? this.values[i] : null;
  }
  reserve(extra: number) {
    if (this.length + extra <= this.values.length) return;
    const next = new Int32Array(Math.max(this.values.length * 2, this.length + extra));
    next.set(this.values.subarray(0, this.length));
    this.values = next;
  }
  append(value: unknown) {
    if (this.length === this.values.length) this.reserve(1);
    const valid = value !== null && value !== undefined;
    this.validity.set(this.length, valid);
    if (valid) this.values[this.length] = value as number;
    this.length++;
  }
  appendVector(vector: Vector, rows?: Int32Array | null) {
    this.reserve(rows ? rows.length : vector.length);
    if (!rows) {
      for (const d of vector.data) {
        if (allNull(d)) {
          // values stay the zeros `append(null)` leaves (their pages unwritten)
          this.validity.setNullRun(this.length, d.length);
          this.length += d.length;
          continue;
        }
        const src = d.values as Int32Array;
        this.values.set(src.subarray(0, d.length), this.length);
        copyValidity(this.validity, this.length, d);
        this.length += d.length;
      }
      return;
    }
    eachRow(vector, rows, (d, i) => {
      const valid = isValid(d, i);
      this.validity.set(this.length, valid);
      if (valid) this.values[this.length] = (d.values as Int32Array)[i];
      this.length++;
    });
  }
  finish(): Vector {
    return makeVector(makeData({
      type: new Int32(),
      length: this.length,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(this.length),
      data: trimmed(this.values, this.length),
    }));
  }
}

/** Float64 columns (numbers, seeds): `Int32Builder` with a Float64Array. */
class Float64Builder implements ColumnBuilder {
  private values = new Float64Array(1024);
  private validity = new Validity();
  length = 0;
  valueAt(i: number): unknown {
    return this.validity.has(i) ? this.values[i] : null;
  }
  reserve(extra: number) {
    if (this.length + extra <= this.values.length) return;
    const next = new Float64Array(Math.max(this.values.length * 2, this.length + extra));
    next.set(this.values.subarray(0, this.length));
    this.values = next;
  }
  append(value: unknown) {
    if (this.length === this.values.length) this.reserve(1);
    const valid = value !== null && value !== undefined;
    this.validity.set(this.length, valid);
    if (valid) this.values[this.length] = value as number;
    this.length++;
  }
  appendVector(vector: Vector, rows?: Int32Array | null) {
    this.reserve(rows ? rows.length : vector.length);
    if (!rows) {
      for (const d of vector.data) {
        if (allNull(d)) {
          // values stay the zeros `append(null)` leaves (their pages unwritten)
          this.validity.setNullRun(this.length, d.length);
          this.length += d.length;
          continue;
        }
        const src = d.values as Float64Array;
        this.values.set(src.subarray(0, d.length), this.length);
        copyValidity(this.validity, this.length, d);
        this.length += d.length;
      }
      return;
    }
    eachRow(vector, rows, (d, i) => {
      const valid = isValid(d, i);
      this.validity.set(this.length, valid);
      if (valid) this.values[this.length] = (d.values as Float64Array)[i];
      this.length++;
    });
  }
  finish(): Vector {
    return makeVector(makeData({
      type: new Float64(),
      length: this.length,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(this.length),
      data: trimmed(this.values, this.length),
    }));
  }
}

class BoolBuilder implements ColumnBuilder {
  private bits = new Uint8Array(128);
  private validity = new Validity();
  length = 0;
  reserve(extra: number) {
    const need = (this.length + extra + 7) >> 3;
    if (need <= this.bits.length) return;
    const next = new Uint8Array(Math.max(this.bits.length * 2, need));
    next.set(this.bits);
    this.bits = next;
  }
  append(value: unknown) {
    if ((this.length + 8) >> 3 > this.bits.length) this.reserve(1);
    const valid = value !== null && value !== undefined;
    this.validity.set(this.length, valid);
    if (value === true) this.bits[this.length >> 3] |= 1 << (this.length & 7);
    this.length++;
  }
  appendVector(vector: Vector, rows?: Int32Array | null) {
    this.reserve(rows ? rows.length : vector.length);
    if (!rows) {
      for (const d of vector.data) {
        if (allNull(d)) {
          // value bits stay clear, as `append(null)` leaves them
          this.validity.setNullRun(this.length, d.length);
          this.length += d.length;
          continue;
        }
        const src = d.values as Uint8Array;
        for (let i = 0; i < d.length; i++) {
          const j = d.offset + i, k = this.length + i;
          if ((src[j >> 3] & (1 << (j & 7))) !== 0) this.bits[k >> 3] |= 1 << (k & 7);
        }
        copyValidity(this.validity, this.length, d);
        // A null's value bit is cleared, as `append(null)` leaves it.
        const bm = validityBits(d), off = d.offset;
        if (bm !== null) for (let i = 0; i < d.length; i++) if ((bm[(off + i) >> 3] & (1 << ((off + i) & 7))) === 0) { const k = this.length + i; this.bits[k >> 3] &= ~(1 << (k & 7)); }
        this.length += d.length;
      }
      return;
    }
    eachRow(vector, rows, (d, i) => {
      const valid = isValid(d, i);
      const j = d.offset + i;
      this.append(valid ? ((d.values as Uint8Array)[j >> 3] & (1 << (j & 7))) !== 0 : null);
    });
  }
  finish(): Vector {
    return makeVector(makeData({
      type: new Bool(),
      length: this.length,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(this.length),
      data: this.bits.slice(0, (this.length + 7) >> 3),
    }));
  }
}

/**
 * Repeating strings as codes into a list of words, in the narrowest signed type the list
 * fits (`dictionary-index.ts`): Int8 codes until the 128th word, then Int16, then Int32,
 * each widening one copy of the codes so far (a column's words are few, so most columns
 * never widen, and a 40,000-word one widens twice).
 */
class DictionaryBuilder implements ColumnBuilder {
  /** Codes, allocated with the first value (null until then: a column of nulls keeps none). */
  private codes: DictionaryCodes | null = null;
  /** Rows to allocate codes for when the first value comes. */
  private capacity = 1024;
  /** Words the codes' type holds (a word beyond it widens the codes). */
  private limit = INT8_WORDS;
  private readonly index = new Map<string, number>();
  private readonly words: string[] = [];
  private validity = new Validity();
  length = 0;
  reserve(extra: number) {
    const need = this.length + extra;
    if (this.codes === null) { if (need > this.capacity) this.capacity = need; return; }
    if (need <= this.codes.length) return;
    const next = codesFor(this.limit, Math.max(this.codes.length * 2, need));
    next.set(this.codes.subarray(0, this.length));
    this.codes = next;
  }
  /** The codes, allocated (zeros, for the null rows so far) if they were not. */
  private own(): DictionaryCodes {
    if (this.codes === null) this.codes = codesFor(this.limit, Math.max(this.capacity, this.length + 1));
    return this.codes;
  }
  /** Codes of the next width up, for a dictionary that outgrew `limit` words (rare: copied once). */
  private widen(): void {
    this.limit = this.limit === INT8_WORDS ? INT16_WORDS : 0x7fffffff;
    if (this.codes === null) return;
    const next = codesFor(this.limit, this.codes.length);
    next.set(this.codes.subarray(0, this.length));
    this.codes = next;
  }
  valueAt(i: number): unknown {
    return this.validity.has(i) ? this.words[this.codes![i]] : null;
  }
  private codeOf(word: string): number {
    let code = this.index.get(word);
    if (code === undefined) {
      code = this.words.length;
      if (code >= this.limit) this.widen();
      this.index.set(word, code);
      this.words.push(word);
    }
    return code;
  }
  /** The last word appended and its code: run-level fields repeat row after row. */
  private lastWord: unknown = undefined;
  private lastCode = 0;
  append(value: unknown) {
    // Room checked inline: `reserve` is for the rare growth (null codes are allocated by `own`).
    if (this.codes !== null && this.length >= this.codes.length) this.reserve(1);
    const valid = value !== null && value !== undefined;
    this.validity.set(this.length, valid);
    if (valid) {
      if (value !== this.lastWord) {
        this.lastCode = this.codeOf(value as string);
        this.lastWord = value;
      }
      // read after codeOf: a new word may have widened the codes
      (this.codes ?? this.own())[this.length] = this.lastCode;
    }
    this.length++;
  }
  /** This builder's code for each word of a chunk's dictionary (-1 for a null word). */
  private translation(d: Data): Int32Array {
    const dict = d.dictionary!;
    const words = dict.length === 0 ? [] : (dict.data.length === 1 ? utf8Words(dict.data[0]) : (Array.from(dict.toArray()) as (string | null)[]));
    const map = new Int32Array(words.length);
    for (let w = 0; w < words.length; w++) map[w] = words[w] === null ? -1 : this.codeOf(words[w] as string);
    return map;
  }
  /** Rows of a dictionary vector whose codes are of any index width (Int8, Int16, Int32, ...). */
  appendVector(vector: Vector, rows?: Int32Array | null) {
    this.reserve(rows ? rows.length : vector.length);
    if (!rows) {
      for (const d of vector.data) {
        if (allNull(d)) {
          // No codes written (nor allocated, while the column has no value): as `append(null)`
          // leaves them. The chunk's words are still taken, in their order, as for any chunk.
          this.translation(d);
          this.validity.setNullRun(this.length, d.length);
          this.length += d.length;
          continue;
        }
        this.own();
        const map = this.translation(d);
        const vals = d.values as DictionaryCodes;
        // after the translation, which may have widened the codes
        const out = this.codes!;
        const base = this.length;
        let identity = true;
        for (let w = 0; w < map.length; w++) if (map[w] !== w) { identity = false; break; }
        // `set` converts between widths; every code is below the dictionary's size, which fits
        if (d.nullCount === 0 && identity) out.set(vals.subarray(0, d.length), base);
        else if (d.nullCount === 0) for (let i = 0; i < d.length; i++) out[base + i] = map[vals[i]];
        else {
          const bm = validityBits(d), off = d.offset;
          for (let i = 0; i < d.length; i++) {
            const code = bm === null || (bm[(off + i) >> 3] & (1 << ((off + i) & 7))) !== 0 ? map[vals[i]] : -1;
            this.validity.set(base + i, code >= 0);
            out[base + i] = code >= 0 ? code : 0;
          }
          this.length += d.length;
          continue;
        }
        this.validity.setValidRun(base, d.length);
        this.length += d.length;
      }
      return;
    }
    // Translate each chunk's dictionary once, then copy codes.
    this.own();
    const maps = new Map<Data, Int32Array>();
    eachRow(vector, rows, (d, i) => {
      let map = maps.get(d);
      if (map === undefined) {
        map = this.translation(d);
        maps.set(d, map);
      }
      const code = isValid(d, i) ? map[(d.values as DictionaryCodes)[i]] : -1;
      this.validity.set(this.length, code >= 0);
      if (code >= 0) this.codes![this.length] = code;
      this.length++;
    });
  }
  finish(): Vector {
    const codes = this.codes === null ? codesFor(this.limit, this.length) : trimmed(this.codes, this.length);
    return makeVector(makeData({
      type: new Dictionary(new Utf8(), indexTypeFor(this.limit)),
      length: this.length,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(this.length),
      data: codes as Int32Array,
      dictionary: vectorFromArray(this.words, new Utf8()),
    }));
  }
}

const wordDecoder = new TextDecoder();

/** The strings of a Utf8 Data (null where null). */
function utf8Words(d: Data): (string | null)[] {
  const o = d.valueOffsets as Int32Array, bytes = d.values as Uint8Array;
  const out = new Array<string | null>(d.length);
  for (let i = 0; i < d.length; i++) out[i] = isValid(d, i) ? wordDecoder.decode(bytes.subarray(o[i], o[i + 1])) : null;
  return out;
}

/**
 * UTF-8 bytes and offsets, written directly: no JavaScript string is kept per value beyond
 * a batch of a few hundred, which is encoded at once (one call instead of one per value).
 */
class Utf8Builder implements ColumnBuilder {
  private bytes = Buffer.allocUnsafe(1 << 16);
  /** A view of `bytes` for copying four bytes at a time (made again when `bytes` grows). */
  private view: DataView | null = null;
  /** Offsets, allocated with the first value (null until then: a column of nulls keeps none). */
  private offsets: Int32Array | null = null;
  /** Rows to allocate offsets for when the first value comes. */
  private capacity = 1024;
  private validity = new Validity();
  private end = 0;
  /** `field`: the input field's position, for values given as TEXT_IN_BYTES (-1: none are). */
  constructor(private readonly field = -1) {}
  /** Strings appended but not yet encoded: one per row from `length - pending.length` ("" for a null). */
  private readonly pending: string[] = [];
  length = 0;
  private flush() {
    const pending = this.pending;
    if (pending.length === 0) return;
    const joined = pending.length === 1 ? pending[0] : pending.join("");
    this.reserveBytes(joined.length * 3);
    const offsets = this.offsets!;
    let row = this.length - pending.length;
    let at = this.end;
    const written = this.bytes.write(joined, at, "utf8");
    if (written === joined.length) {
      // Only ASCII encodes to one byte a character: byte offsets are character offsets.
      for (let k = 0; k < pending.length; k++) offsets[++row] = at += pending[k].length;
    } else {
      // Encoded one by one, as a lone surrogate at the end of one string must not pair with the next.
      for (let k = 0; k < pending.length; k++) offsets[++row] = at += this.bytes.write(pending[k], at, "utf8");
    }
    this.end = at;
    pending.length = 0;
  }
  private reserveBytes(extra: number) {
    if (this.end + extra <= this.bytes.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.end + extra));
    this.bytes.copy(next, 0, 0, this.end);
    this.bytes = next;
    this.view = null;
  }
  /** Room for `extra` more rows and `extraBytes` more bytes (by default, as many per row as so far). */
  reserve(extra: number, extraBytes?: number) {
    this.flush();
    this.reserveRows(extra);
    this.reserveBytes(extraBytes ?? (this.length > 0 ? Math.ceil((this.end / this.length) * extra * 1.02) : 0));
  }
  private reserveRows(extra: number) {
    const need = this.length + extra + 1;
    if (this.offsets === null) { if (need > this.capacity) this.capacity = need; return; }
    if (need <= this.offsets.length) return;
    const next = new Int32Array(Math.max(this.offsets.length * 2, need));
    next.set(this.offsets.subarray(0, this.length + 1));
    this.offsets = next;
  }
  /** The offsets, allocated (zeros: the rows so far are null) if they were not. */
  private own(): Int32Array {
    if (this.offsets === null) this.offsets = new Int32Array(Math.max(this.capacity, this.length + 2));
    return this.offsets;
  }
  append(value: unknown) {
    if (value === TEXT_IN_BYTES && this.field >= 0) return this.appendSource();
    const valid = value !== null && value !== undefined;
    if (!valid && this.offsets === null) {
      this.validity.set(this.length, false);
      this.length++;
      return;
    }
    this.reserveRows(1);
    this.own();
    this.validity.set(this.length, valid);
    this.pending.push(valid ? (value as string) : "");
    this.length++;
    if (this.pending.length === 512) this.flush();
  }
  /** The value TEXT_SOURCE points at for this field (valid UTF-8, checked by the reader). */
  private appendSource() {
    if (this.pending.length > 0) this.flush();
    const src = TEXT_SOURCE.bytes!, from = TEXT_SOURCE.from[this.field], to = TEXT_SOURCE.to[this.field];
    const n = to - from;
    if (this.offsets === null || this.length + 2 > this.offsets.length) { this.reserveRows(1); this.own(); }
    this.validity.set(this.length, true);
    if (this.end + n > this.bytes.length) this.reserveBytes(n);
    const out = this.bytes;
    let at = this.end;
    // Values of up to a few hundred bytes in a loop, four bytes at a time (a native copy costs
    // a view object and a call; a byte loop is three times slower for 75 bytes).
    if (n <= 512) {
      const ov = this.view ?? (this.view = new DataView(out.buffer, out.byteOffset, out.byteLength));
      if (sourceViewOf !== src) { sourceView = new DataView(src.buffer, src.byteOffset, src.byteLength); sourceViewOf = src; }
      const sv = sourceView!;
      let k = from;
      for (; k + 4 <= to; k += 4, at += 4) ov.setInt32(at, sv.getInt32(k, true), true);
      for (; k < to; k++) out[at++] = src[k];
    } else { out.set(src.subarray(from, to), at); at += n; }
    this.end = at;
    this.offsets![++this.length] = at;
  }
  /** Append raw UTF-8 bytes (already validated text). */
  appendBytes(src: Uint8Array, from: number, to: number) {
    this.flush();
    this.reserveRows(1);
    this.own();
    this.validity.set(this.length, true);
    this.reserveBytes(to - from);
    this.bytes.set(src.subarray(from, to), this.end);
    this.end += to - from;
    this.offsets![++this.length] = this.end;
  }
  appendVector(vector: Vector, rows?: Int32Array | null) {
    this.flush();
    this.reserveRows(rows ? rows.length : vector.length);
    if (!rows) {
      for (const d of vector.data) {
        if (this.offsets === null && allNull(d)) {
          // No offsets yet, and none for these rows (as `append(null)` leaves them).
          this.validity.setNullRun(this.length, d.length);
          this.length += d.length;
          continue;
        }
        this.own();
        const o = d.valueOffsets as Int32Array;
        const from = o[0], to = o[d.length];
        this.reserveBytes(to - from);
        this.bytes.set((d.values as Uint8Array).subarray(from, to), this.end);
        const shift = this.end - from, offsets = this.offsets!, base = this.length;
        for (let i = 1; i <= d.length; i++) offsets[base + i] = o[i] + shift;
        copyValidity(this.validity, base, d);
        this.end += to - from;
        this.length += d.length;
      }
      return;
    }
    this.own();
    eachRow(vector, rows, (d, i) => {
      if (!isValid(d, i)) {
        this.validity.set(this.length, false);
        this.offsets![++this.length] = this.end;
        return;
      }
      const o = d.valueOffsets as Int32Array;
      this.appendBytes(d.values as Uint8Array, o[i], o[i + 1]);
    });
  }
  finish(): Vector {
    return makeVector(this.finishData());
  }
  finishData(): Data<Utf8> {
    this.flush();
    if (this.offsets === null) {
      return makeData({
        type: new Utf8(), length: this.length, nullCount: this.validity.nulls, nullBitmap: this.validity.bitmap(this.length),
        valueOffsets: zeros(this.length + 1), data: new Uint8Array(0),
      });
    }
    const bytes = new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
    return makeData({
      type: new Utf8(),
      length: this.length,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(this.length),
      valueOffsets: trimmed(this.offsets, this.length + 1),
      // A copy, so the value bytes do not share a pooled Buffer or keep the spare capacity.
      data: bytes.length - this.end <= bytes.length >> 3 && this.bytes.byteOffset === 0 && this.bytes.buffer.byteLength === bytes.length ? bytes.subarray(0, this.end) : bytes.slice(0, this.end),
    });
  }
}

/** A list of strings (`demo_ids`): offsets into one UTF-8 child column. */
class StringListBuilder implements ColumnBuilder {
  private readonly child = new Utf8Builder();
  /** Offsets, allocated with the first list (null until then: a column of nulls keeps none). */
  private offsets: Int32Array | null = null;
  private capacity = 1024;
  private validity = new Validity();
  length = 0;
  constructor(private readonly type: List<Utf8>) {}
  reserve(extra: number) {
    const need = this.length + extra + 1;
    if (this.offsets === null) { if (need > this.capacity) this.capacity = need; return; }
    if (need <= this.offsets.length) return;
    const next = new Int32Array(Math.max(this.offsets.length * 2, need));
    next.set(this.offsets.subarray(0, this.length + 1));
    this.offsets = next;
  }
  private own(): Int32Array {
    if (this.offsets === null) this.offsets = new Int32Array(Math.max(this.capacity, this.length + 2));
    return this.offsets;
  }
  append(value: unknown) {
    const valid = value !== null && value !== undefined;
    if (!valid && this.offsets === null) {
      this.validity.set(this.length, false);
      this.length++;
      return;
    }
    this.reserve(1);
    this.own();
    this.validity.set(this.length, valid);
    if (valid) for (const s of value as readonly string[]) this.child.append(s);
    this.offsets![++this.length] = this.child.length;
  }
  appendVector(vector: Vector, rows?: Int32Array | null) {
    this.reserve(rows ? rows.length : vector.length);
    if (!rows) {
      for (const d of vector.data) {
        if (this.offsets === null && allNull(d)) {
          // No offsets yet, and none for these rows (as `append(null)` leaves them).
          this.validity.setNullRun(this.length, d.length);
          this.length += d.length;
          continue;
        }
        this.own();
        const o = d.valueOffsets as Int32Array, c = d.children[0];
        const from = o[0], to = o[d.length];
        const shift = this.child.length - from, base = this.length;
        this.child.appendVector(makeVector(c.slice(from, to - from)));
        for (let i = 1; i <= d.length; i++) this.offsets![base + i] = o[i] + shift;
        copyValidity(this.validity, base, d);
        this.length += d.length;
      }
      return;
    }
    this.own();
    eachRow(vector, rows, (d, i) => {
      if (!isValid(d, i)) return this.append(null);
      const o = d.valueOffsets as Int32Array, c = d.children[0];
      const items = utf8Words(c.slice(o[i], o[i + 1] - o[i]));
      this.append(items);
    });
  }
  finish(): Vector {
    return makeVector(makeData({
      type: this.type,
      length: this.length,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(this.length),
      valueOffsets: this.offsets === null ? zeros(this.length + 1) : trimmed(this.offsets, this.length + 1),
      child: this.child.finishData(),
    }));
  }
}

class GenericBuilder implements ColumnBuilder {
  private readonly values: unknown[] = [];
  constructor(private readonly type: DataType) {}
  get length() { return this.values.length; }
  append(value: unknown) { this.values.push(value ?? null); }
  appendVector(vector: Vector, rows?: Int32Array | null) {
    eachRow(vector, rows, (d, i) => this.append(makeVector(d).get(i)));
  }
  finish(): Vector { return vectorFromArray(this.values, this.type); }
}

/**
 * A function appending one row (`values[i]` to `builders[i]`) with one loop per builder
 * class, so that each call site sees a single class and the engine can inline `append`
 * (a loop over mixed builders dispatches on the class at every value).
 */
export function rowAppender(builders: readonly ColumnBuilder[]): (values: readonly unknown[]) => void {
  const of = <T extends ColumnBuilder>(cls: abstract new (...args: never[]) => T) => {
    const at: number[] = [];
    builders.forEach((b, i) => { if (b instanceof cls) at.push(i); });
    return { at, b: at.map((i) => builders[i] as T) };
  };
  const num = of(Int32Builder), float = of(Float64Builder), dict = of(DictionaryBuilder), utf8 = of(Utf8Builder), bool = of(BoolBuilder), list = of(StringListBuilder), other = of(GenericBuilder);
  if (num.at.length + float.at.length + dict.at.length + utf8.at.length + bool.at.length + list.at.length + other.at.length !== builders.length) {
    return (values) => { for (let i = 0; i < builders.length; i++) builders[i].append(values[i]); };
  }
  return (values) => {
    for (let k = 0; k < num.at.length; k++) num.b[k].append(values[num.at[k]]);
    for (let k = 0; k < float.at.length; k++) float.b[k].append(values[float.at[k]]);
    for (let k = 0; k < dict.at.length; k++) dict.b[k].append(values[dict.at[k]]);
    for (let k = 0; k < utf8.at.length; k++) utf8.b[k].append(values[utf8.at[k]]);
    for (let k = 0; k < bool.at.length; k++) bool.b[k].append(values[bool.at[k]]);
    for (let k = 0; k < list.at.length; k++) list.b[k].append(values[list.at[k]]);
    for (let k = 0; k < other.at.length; k++) other.b[k].append(values[other.at[k]]);
  };
}

export function columnBuilderFor(spec: FieldSpec): ColumnBuilder {
  const type = arrowTypeOf(spec);
  if (type instanceof Int32) return new Int32Builder();
  if (type instanceof Float64) return new Float64Builder();
  if (type instanceof Bool) return new BoolBuilder();
  if (type instanceof Dictionary) return new DictionaryBuilder();
  if (type instanceof Utf8) return new Utf8Builder(INPUT_POSITION.get(spec.name) ?? -1);
  if (type instanceof List && (type.children[0] as Field).type instanceof Utf8) return new StringListBuilder(type as List<Utf8>);
  return new GenericBuilder(type);
}
