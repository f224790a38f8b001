/**
 * Growable typed columns that turn validated values into Arrow vectors without a per-value
 * Arrow builder: counts and flags go into typed arrays, repeating strings into dictionary
 * codes, other strings straight into UTF-8 bytes. This is the hot path of every row-wise
 * loader, and `appendVector` is how columnar inputs are concatenated.
 */
import { Bool, Dictionary, Field, Float64, Int32, List, makeData, makeVector, Utf8, vectorFromArray, type Data, type DataType, type Vector } from "apache-arrow";
import type { FieldSpec } from "../receipt/fields";
import { arrowTypeOf } from "./arrow-schema";

export interface ColumnBuilder {
  append(value: unknown): void;
  /** Append rows of a vector in this column's Arrow type: all of them, or those at `rows`, in that order. */
  appendVector(vector: Vector, rows?: Int32Array | null): void;
  finish(): Vector;
  readonly length: number;
}

class Validity {
  bits = new Uint8Array(1024);
  nulls = 0;
  set(i: number, valid: boolean) {
    if (i >> 3 >= this.bits.length) {
      const next = new Uint8Array(Math.max(this.bits.length * 2, (i >> 3) + 1));
      next.set(this.bits);
      this.bits = next;
    }
    if (valid) this.bits[i >> 3] |= 1 << (i & 7);
    else this.nulls++;
  }
  bitmap(length: number): Uint8Array | undefined {
    return this.nulls === 0 ? undefined : this.bits.slice(0, (length + 7) >> 3);
  }
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
  return d.nullCount === 0 || d.getValid(i);
}

class NumericBuilder implements ColumnBuilder {
  private values: Int32Array | Float64Array;
  private validity = new Validity();
  length = 0;
  constructor(private readonly type: Int32 | Float64) {
    this.values = type instanceof Int32 ? new Int32Array(1024) : new Float64Array(1024);
  }
  private reserve(extra: number) {
    if (this.length + extra <= this.values.length) return;
    const next = new (this.values.constructor as Int32ArrayConstructor | Float64ArrayConstructor)(Math.max(this.values.length * 2, this.length + extra));
    next.set(this.values);
    this.values = next;
  }
  append(value: unknown) {
    this.reserve(1);
    const valid = value !== null && value !== undefined;
    this.validity.set(this.length, valid);
    if (valid) this.values[this.length] = value as number;
    this.length++;
  }
  appendVector(vector: Vector, rows?: Int32Array | null) {
    this.reserve(rows ? rows.length : vector.length);
    eachRow(vector, rows, (d, i) => {
      const valid = isValid(d, i);
      this.validity.set(this.length, valid);
      if (valid) this.values[this.length] = (d.values as Int32Array | Float64Array)[d.offset + i];
      this.length++;
    });
  }
  finish(): Vector {
    const data = this.values.slice(0, this.length);
    return makeVector(makeData({
      type: this.type as Int32,
      length: this.length,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(this.length),
      data: data as Int32Array,
    }));
  }
}

class BoolBuilder implements ColumnBuilder {
  private values = new Validity();
  private validity = new Validity();
  length = 0;
  append(value: unknown) {
    const valid = value !== null && value !== undefined;
    this.validity.set(this.length, valid);
    this.values.set(this.length, value === true);
    this.length++;
  }
  appendVector(vector: Vector, rows?: Int32Array | null) {
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
      data: this.values.bits.slice(0, (this.length + 7) >> 3),
    }));
  }
}

class DictionaryBuilder implements ColumnBuilder {
  private codes = new Int32Array(1024);
  private readonly index = new Map<string, number>();
  private readonly words: string[] = [];
  private validity = new Validity();
  length = 0;
  private reserve(extra: number) {
    if (this.length + extra <= this.codes.length) return;
    const next = new Int32Array(Math.max(this.codes.length * 2, this.length + extra));
    next.set(this.codes);
    this.codes = next;
  }
  private codeOf(word: string): number {
    let code = this.index.get(word);
    if (code === undefined) {
      code = this.words.length;
      this.index.set(word, code);
      this.words.push(word);
    }
    return code;
  }
  append(value: unknown) {
    this.reserve(1);
    const valid = value !== null && value !== undefined;
    this.validity.set(this.length, valid);
    if (valid) this.codes[this.length] = this.codeOf(value as string);
    this.length++;
  }
  appendVector(vector: Vector, rows?: Int32Array | null) {
    this.reserve(rows ? rows.length : vector.length);
    // Translate each chunk's dictionary once, then copy codes.
    const maps = new Map<Data, Int32Array>();
    eachRow(vector, rows, (d, i) => {
      let map = maps.get(d);
      if (map === undefined) {
        const dict = d.dictionary!;
        map = new Int32Array(dict.length);
        for (let w = 0; w < dict.length; w++) map[w] = dict.get(w) === null ? -1 : this.codeOf(dict.get(w) as string);
        maps.set(d, map);
      }
      const code = isValid(d, i) ? map[(d.values as Int32Array)[d.offset + i]] : -1;
      this.validity.set(this.length, code >= 0);
      if (code >= 0) this.codes[this.length] = code;
      this.length++;
    });
  }
  finish(): Vector {
    return makeVector(makeData({
      type: new Dictionary(new Utf8(), new Int32()),
      length: this.length,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(this.length),
      data: this.codes.slice(0, this.length),
      dictionary: vectorFromArray(this.words, new Utf8()),
    }));
  }
}

/** UTF-8 bytes and offsets, written directly: no JavaScript string is kept per value. */
class Utf8Builder implements ColumnBuilder {
  private bytes = Buffer.allocUnsafe(1 << 16);
  private offsets = new Int32Array(1025);
  private validity = new Validity();
  private end = 0;
  length = 0;
  private reserveBytes(extra: number) {
    if (this.end + extra <= this.bytes.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.end + extra));
    this.bytes.copy(next, 0, 0, this.end);
    this.bytes = next;
  }
  private reserveRows(extra: number) {
    if (this.length + extra + 1 <= this.offsets.length) return;
    const next = new Int32Array(Math.max(this.offsets.length * 2, this.length + extra + 1));
    next.set(this.offsets);
    this.offsets = next;
  }
  append(value: unknown) {
    this.reserveRows(1);
    const valid = value !== null && value !== undefined;
    this.validity.set(this.length, valid);
    if (valid) {
      const s = value as string;
      this.reserveBytes(s.length * 3);
      this.end += this.bytes.write(s, this.end, "utf8");
    }
    this.offsets[++this.length] = this.end;
  }
  /** Append raw UTF-8 bytes (already validated text). */
  appendBytes(src: Uint8Array, from: number, to: number) {
    this.reserveRows(1);
    this.validity.set(this.length, true);
    this.reserveBytes(to - from);
    this.bytes.set(src.subarray(from, to), this.end);
    this.end += to - from;
    this.offsets[++this.length] = this.end;
  }
  appendVector(vector: Vector, rows?: Int32Array | null) {
    this.reserveRows(rows ? rows.length : vector.length);
    eachRow(vector, rows, (d, i) => {
      if (!isValid(d, i)) {
        this.validity.set(this.length, false);
        this.offsets[++this.length] = this.end;
        return;
      }
      const o = d.valueOffsets as Int32Array;
      this.appendBytes(d.values as Uint8Array, o[d.offset + i], o[d.offset + i + 1]);
    });
  }
  finish(): Vector {
    return makeVector(this.finishData());
  }
  finishData(): Data<Utf8> {
    return makeData({
      type: new Utf8(),
      length: this.length,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(this.length),
      valueOffsets: this.offsets.slice(0, this.length + 1),
      data: new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.end).slice(),
    });
  }
}

/** A list of strings (`demo_ids`): offsets into one UTF-8 child column. */
class StringListBuilder implements ColumnBuilder {
  private readonly child = new Utf8Builder();
  private offsets = new Int32Array(1025);
  private validity = new Validity();
  length = 0;
  constructor(private readonly type: List<Utf8>) {}
  append(value: unknown) {
    if (this.length + 2 > this.offsets.length) {
      const next = new Int32Array(this.offsets.length * 2);
      next.set(this.offsets);
      this.offsets = next;
    }
    const valid = value !== null && value !== undefined;
    this.validity.set(this.length, valid);
    if (valid) for (const s of value as readonly string[]) this.child.append(s);
    this.offsets[++this.length] = this.child.length;
  }
  appendVector(vector: Vector, rows?: Int32Array | null) {
    eachRow(vector, rows, (d, i) => {
      if (!isValid(d, i)) return this.append(null);
      const o = d.valueOffsets as Int32Array, c = d.children[0];
      const items: string[] = [];
      for (let k = o[d.offset + i]; k < o[d.offset + i + 1]; k++) items.push(makeVector(c).get(k) as string);
      this.append(items);
    });
  }
  finish(): Vector {
    return makeVector(makeData({
      type: this.type,
      length: this.length,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bitmap(this.length),
      valueOffsets: this.offsets.slice(0, this.length + 1),
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

export function columnBuilderFor(spec: FieldSpec): ColumnBuilder {
  const type = arrowTypeOf(spec);
  if (type instanceof Int32 || type instanceof Float64) return new NumericBuilder(type);
  if (type instanceof Bool) return new BoolBuilder();
  if (type instanceof Dictionary) return new DictionaryBuilder();
  if (type instanceof Utf8) return new Utf8Builder();
  if (type instanceof List && (type.children[0] as Field).type instanceof Utf8) return new StringListBuilder(type as List<Utf8>);
  return new GenericBuilder(type);
}
