/**
 * Growable typed columns that turn validated values into Arrow vectors without a per-value
 * Arrow builder: counts and flags go into typed arrays, repeating strings into dictionary
 * codes. This is the hot path of every row-wise loader.
 */
import { Bool, Dictionary, Float64, Int32, makeData, makeVector, Utf8, vectorFromArray, type DataType, type Vector } from "apache-arrow";
import type { FieldSpec } from "../receipt/fields";
import { arrowTypeOf } from "./arrow-schema";

export interface ColumnBuilder {
  append(value: unknown): void;
  finish(): Vector;
  readonly length: number;
}

class Validity {
  bits = new Uint8Array(1024);
  nulls = 0;
  set(i: number, valid: boolean) {
    if (i >> 3 >= this.bits.length) {
      const next = new Uint8Array(this.bits.length * 2);
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

class NumericBuilder implements ColumnBuilder {
  private values: Int32Array | Float64Array;
  private validity = new Validity();
  length = 0;
  constructor(private readonly type: Int32 | Float64) {
    this.values = type instanceof Int32 ? new Int32Array(1024) : new Float64Array(1024);
  }
  append(value: unknown) {
    if (this.length === this.values.length) {
      const next = new (this.values.constructor as Int32ArrayConstructor | Float64ArrayConstructor)(this.length * 2);
      next.set(this.values);
      this.values = next;
    }
    const valid = value !== null && value !== undefined;
    this.validity.set(this.length, valid);
    if (valid) this.values[this.length] = value as number;
    this.length++;
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
  append(value: unknown) {
    if (this.length === this.codes.length) {
      const next = new Int32Array(this.length * 2);
      next.set(this.codes);
      this.codes = next;
    }
    const valid = value !== null && value !== undefined;
    this.validity.set(this.length, valid);
    if (valid) {
      let code = this.index.get(value as string);
      if (code === undefined) {
        code = this.words.length;
        this.index.set(value as string, code);
        this.words.push(value as string);
      }
      this.codes[this.length] = code;
    }
    this.length++;
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

class GenericBuilder implements ColumnBuilder {
  private readonly values: unknown[] = [];
  constructor(private readonly type: DataType) {}
  get length() { return this.values.length; }
  append(value: unknown) { this.values.push(value ?? null); }
  finish(): Vector { return vectorFromArray(this.values, this.type); }
}

export function columnBuilderFor(spec: FieldSpec): ColumnBuilder {
  const type = arrowTypeOf(spec);
  if (type instanceof Int32 || type instanceof Float64) return new NumericBuilder(type);
  if (type instanceof Bool) return new BoolBuilder();
  if (type instanceof Dictionary) return new DictionaryBuilder();
  return new GenericBuilder(type);
}
