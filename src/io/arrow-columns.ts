/**
 * The columnar fast path for Arrow tables already in the kit's canonical column types (what
 * the kit writes, and what Parquet written by the kit reads back as). Values are checked a
 * column at a time with the same per-field checkers as the row path, only where a check can
 * fail: ranges on typed arrays, dictionaries once per batch, nulls through validity. Rows
 * that fail any check go through the row path, so their messages are exactly the row
 * path's; good rows have their keys computed and deduplicated and the input vectors are
 * kept as they are.
 */
import { Bool, Data, DataType, Dictionary, Float, Float64, Int, Int16, Int32, Int8, List, makeData, makeVector, Table, Utf8, vectorFromArray, type Vector } from "apache-arrow";
import { INPUT_FIELDS, type FieldSpec } from "../receipt/fields";
import { makeChecker } from "../receipt/check-value";
import type { ReceiptAssembler } from "./assemble";
import { arrowTypeOf, NullColumns } from "./arrow-schema";
import { columnBuilderFor } from "./column-builder";
import { dictionaryWords, flattenDictionary, keyColumns, KeyLaneSums, keyTextOfColumns, nullBits, bitSet, numbersOf, valid, type KeyColumn } from "./key-columns";
import { KEY_FIELDS } from "../receipt/key";
import { codesFor, indexBitsFor, indexTypeFor, type DictionaryCodes } from "./dictionary-index";

/** Whether two Arrow types are the same for our purposes (dictionary ids aside). */
export function sameArrowType(a: DataType, b: DataType): boolean {
  if (a.typeId !== b.typeId) return false;
  if (a instanceof Int && b instanceof Int) return a.bitWidth === b.bitWidth && a.isSigned === b.isSigned;
  if (a instanceof Float && b instanceof Float) return a.precision === b.precision;
  if (a instanceof Dictionary && b instanceof Dictionary) return sameArrowType(a.indices, b.indices) && sameArrowType(a.dictionary, b.dictionary);
  if (a instanceof List && b instanceof List) return sameArrowType(a.children[0].type, b.children[0].type);
  return a.constructor === b.constructor || a.typeId === b.typeId;
}

/** Whether a dictionary's index type is one the kit reads and writes: signed, 8, 16 or 32 bits (see dictionary-index.ts). */
function canonicalIndex(t: DataType): boolean {
  return t instanceof Int && t.isSigned && (t.bitWidth === 8 || t.bitWidth === 16 || t.bitWidth === 32);
}

/**
 * Whether an Arrow type is the canonical one for a field: the declared type, except that a
 * dictionary may have any canonical index width (`canonicalIndex`), as the kit's own tables do.
 */
function canonicalFor(actual: DataType, declared: DataType): boolean {
  if (declared instanceof Dictionary && actual instanceof Dictionary) return canonicalIndex(actual.indices) && sameArrowType(actual.dictionary, declared.dictionary);
  return sameArrowType(actual, declared);
}

/** Whether every schema column the table has is in its canonical type. */
export function isCanonical(table: Pick<Table, "schema">): boolean {
  for (const spec of INPUT_FIELDS) {
    const field = table.schema.fields.find((f) => f.name === spec.name);
    if (field !== undefined && !canonicalFor(field.type, arrowTypeOf(spec))) return false;
  }
  return true;
}

/**
 * A table with its plain-string columns dictionary-encoded where the schema declares a
 * dictionary (what pandas, DuckDB or Spark write: strings, not dictionaries), the same values
 * and nulls, so such a table can take the columnar path instead of the row path. Other
 * columns are kept as they are. Returns the table itself when nothing needs encoding.
 */
export function encodeDictionaryStrings(table: Table): Table {
  let changed = false;
  const columns: Record<string, Vector> = {};
  for (const field of table.schema.fields) {
    const v = table.getChild(field.name)!;
    const spec = INPUT_FIELDS[INDEX.get(field.name) ?? -1];
    if (spec !== undefined && field.type instanceof Utf8 && arrowTypeOf(spec) instanceof Dictionary) {
      columns[field.name] = makeVector(v.data.map(encodeUtf8Data));
      changed = true;
    } else columns[field.name] = v;
  }
  return changed ? new Table(columns) : table;
}

function encodeUtf8Data(d: Data): Data {
  const o = d.valueOffsets as Int32Array, bytes = d.values as Uint8Array;
  const from = o[0], to = o[d.length];
  let ascii = true;
  for (let b = from; b < to; b++) if (bytes[b] > 127) { ascii = false; break; }
  const all = ascii ? decoder.decode(bytes.subarray(from, to)) : "";
  const index = new Map<string, number>();
  const words: string[] = [];
  const codes = new Int32Array(d.length);
  for (let i = 0; i < d.length; i++) {
    if (!valid(d, i)) continue;
    const a = o[i], b = o[i + 1];
    const word = ascii ? all.substring(a - from, b - from) : decoder.decode(bytes.subarray(a, b));
    let c = index.get(word);
    if (c === undefined) { c = words.length; index.set(word, c); words.push(word); }
    codes[i] = c;
  }
  const nullBitmap = d.nullCount > 0 ? copyBits(d) : undefined;
  return makeData({ type: new Dictionary(new Utf8(), new Int32()), length: d.length, nullCount: d.nullCount, nullBitmap, data: codes, dictionary: vectorFromArray(words, new Utf8()) });
}

/** A Data's validity bits starting at its first row (a sliced Data keeps an offset into them). */
function copyBits(d: Data): Uint8Array {
  const out = new Uint8Array((d.length + 7) >> 3);
  for (let i = 0; i < d.length; i++) if (valid(d, i)) out[i >> 3] |= 1 << (i & 7);
  return out;
}

const CHECKERS = INPUT_FIELDS.map(makeChecker);
const INDEX = new Map(INPUT_FIELDS.map((f, i) => [f.name, i]));

const decoder = new TextDecoder();

/** Visit each valid string of a Utf8 column with its row number. */
function eachString(v: Vector, visit: (s: string, row: number) => void): void {
  let k = 0;
  for (const d of v.data) {
    const o = d.valueOffsets as Int32Array, bytes = d.values as Uint8Array;
    const from = o[0], to = o[d.length];
    let ascii = true;
    for (let b = from; b < to; b++) if (bytes[b] > 127) { ascii = false; break; }
    // ASCII text decodes once, and byte offsets are character offsets.
    const all = ascii ? decoder.decode(bytes.subarray(from, to)) : "";
    const bits = nullBits(d), off = d.offset;
    for (let i = 0; i < d.length; i++, k++) {
      if (bits !== null && !bitSet(bits, off + i)) continue;
      const a = o[i], b = o[i + 1];
      visit(ascii ? all.substring(a - from, b - from) : decoder.decode(bytes.subarray(a, b)), k);
    }
  }
}

/** A column of n nulls, or of one repeated default value, in the field's canonical type. */
function constantVector(spec: FieldSpec, n: number, value: string | number | boolean | null): Vector {
  const type = arrowTypeOf(spec);
  if (value !== null) {
    const b = columnBuilderFor(spec);
    for (let i = 0; i < n; i++) b.append(value);
    return b.finish();
  }
  const nullBitmap = new Uint8Array((n + 7) >> 3);
  if (type instanceof Dictionary) return makeVector(makeData({ type, length: n, nullCount: n, nullBitmap, data: new Int32Array(n), dictionary: makeVector(makeData({ type: new Utf8(), length: 0, nullCount: 0, valueOffsets: new Int32Array(1), data: new Uint8Array(0) })) }));
  if (type instanceof Int32) return makeVector(makeData({ type, length: n, nullCount: n, nullBitmap, data: new Int32Array(n) }));
  if (type instanceof Float64) return makeVector(makeData({ type, length: n, nullCount: n, nullBitmap, data: new Float64Array(n) }));
  if (type instanceof Bool) return makeVector(makeData({ type, length: n, nullCount: n, nullBitmap, data: new Uint8Array((n + 7) >> 3) }));
  if (type instanceof Utf8) return makeVector(makeData({ type, length: n, nullCount: n, nullBitmap, valueOffsets: new Int32Array(n + 1), data: new Uint8Array(0) }));
  const child = makeData({ type: new Utf8(), length: 0, nullCount: 0, valueOffsets: new Int32Array(1), data: new Uint8Array(0) });
  return makeVector(makeData({ type: type as List<Utf8>, length: n, nullCount: n, nullBitmap, valueOffsets: new Int32Array(n + 1), child }));
}

/**
 * The same data labelled with the declared type object, so `instanceof Int32` and friends hold
 * downstream; a dictionary keeps its own index width (as an Int8, Int16 or Int32 object).
 */
function withType(v: Vector, type: DataType): Vector {
  return makeVector(v.data.map((d) => d.clone(type instanceof Dictionary ? dictionaryTypeOf(d) : type)));
}

/** A dictionary of strings with the index width of this Data's codes. */
function dictionaryTypeOf(d: Data): Dictionary<Utf8, Int8 | Int16 | Int32> {
  const bits = (d.type as Dictionary).indices.bitWidth;
  return new Dictionary(new Utf8(), bits === 8 ? new Int8() : bits === 16 ? new Int16() : new Int32());
}

/** Replace nulls by the field's default (training_stage, format_cue, sample_index). */
function fillDefault(spec: FieldSpec, v: Vector): Vector {
  const b = columnBuilderFor(spec);
  for (let i = 0; i < v.length; i++) {
    const x = v.get(i);
    b.append(x === null || x === undefined ? spec.default : x);
  }
  return b.finish();
}

function plainValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === "bigint") return Number(v);
  if (v !== null && typeof v === "object" && typeof (v as { toArray?: unknown }).toArray === "function") return Array.from((v as { toArray(): ArrayLike<unknown> }).toArray(), plainValue);
  return v;
}

/**
 * Whether dictionary codes wider than their dictionary needs (a kit file written before
 * 1-byte codes, another writer's Int32 codes) are narrowed as the column is read
 * (`narrowDictionary`): 1 byte a row instead of 4 for most of the 19 dictionary fields.
 */
export const NARROW_DICTIONARY_CODES = true;

/** A column as kept (declared type, defaults filled in; an all-null placeholder when absent and without default). */
function keptColumn(spec: FieldSpec, v: Vector | null, n: number): Vector {
  if (v === null) return constantVector(spec, n, spec.default ?? null);
  if (v.nullCount > 0 && !spec.required && spec.default !== undefined) return fillDefault(spec, v);
  const typed = withType(v, arrowTypeOf(spec));
  if (!NARROW_DICTIONARY_CODES || !(typed.type instanceof Dictionary)) return typed;
  const narrowed = typed.data.map(narrowDictionary);
  return narrowed.every((d, i) => d === typed.data[i]) ? typed : makeVector(narrowed);
}

/** Whether a dictionary Data's codes are wider than its dictionary needs (see dictionary-index.ts). */
export function narrowable(d: Data): boolean {
  return indexBitsFor(d.dictionary!.length) < (d.type as Dictionary).indices.bitWidth;
}

/**
 * A dictionary Data with its codes in the narrowest index type for its dictionary (itself
 * when they already are). A null row's code may be anything (other writers leave what they
 * like under a null): one the narrow type cannot hold is written as 0, so it cannot wrap into
 * a valid word's code. A valid row's code that the narrow type cannot hold (a damaged file)
 * keeps the column as it is, for the checks to see it as read. The validity bits are copied,
 * so the wide codes and whatever buffer they came in are not kept alive by the narrow column.
 */
function narrowDictionary(d: Data): Data {
  if (!narrowable(d) || (d.nullCount > 0 && nullBits(d) === null)) return d;
  const words = d.dictionary!.length, n = d.length;
  const type = new Dictionary(new Utf8(), indexTypeFor(words));
  // All null (codes never read): zeroed buffers, which cost no memory until written.
  if (n > 0 && d.nullCount === n) return makeData({ type, length: n, nullCount: n, nullBitmap: new Uint8Array((n + 7) >> 3), data: codesFor(words, n) as Int32Array, dictionary: d.dictionary });
  const codes = (d.values as DictionaryCodes).subarray(0, n);
  const narrow = codesFor(words, n);
  const first = copyNarrow(codes, narrow);
  const bits = nullBits(d), off = d.offset;
  if (first >= 0) {
    for (let i = first; i < n; i++) {
      if (narrow[i] === codes[i]) continue;
      // a code the narrow type cannot hold: under a null row it is never read, so 0 (no word
      // is named by accident); a valid row's (a damaged file) keeps the column as it is
      if (bits === null || bitSet(bits, off + i)) return d;
      narrow[i] = 0;
    }
  }
  const nullBitmap = bits === null ? undefined : (off & 7) === 0 ? bits.slice(off >> 3, (off + n + 7) >> 3) : copyBits(d);
  return makeData({ type, length: n, nullCount: bits === null ? 0 : d.nullCount, nullBitmap, data: narrow as Int32Array, dictionary: d.dictionary });
}

/** Rows compared a call by `copyNarrow` (its widened copy stays in cache). */
const NARROW_CHECK = 2 ** 16;

/**
 * Copy codes into a narrower array (wrapping any it cannot hold) and return the first row of
 * the first block where the copy differs, or -1: native copies and a byte comparison of each
 * block widened back, instead of a loop a row, which runs uncompiled for much of a column.
 */
function copyNarrow(codes: DictionaryCodes, narrow: DictionaryCodes): number {
  narrow.set(codes);
  const n = codes.length;
  const back = new (codes.constructor as new (n: number) => DictionaryCodes)(Math.min(n, NARROW_CHECK));
  for (let a = 0; a < n; a += NARROW_CHECK) {
    const b = Math.min(n, a + NARROW_CHECK);
    const wide = back.subarray(0, b - a);
    wide.set(narrow.subarray(a, b));
    const from = codes.subarray(a, b);
    if (Buffer.compare(Buffer.from(wide.buffer, wide.byteOffset, wide.byteLength), Buffer.from(from.buffer, from.byteOffset, from.byteLength)) !== 0) return a;
  }
  return -1;
}

/**
 * A dictionary column in buffers of its own: its codes narrowed (`narrowDictionary`), or
 * copied as they are when they cannot be. The same values and nulls.
 */
function detached(v: Vector): Vector {
  return makeVector(v.data.map((d) => {
    const narrow = d.type instanceof Dictionary ? narrowDictionary(d) : d;
    if (narrow !== d) return narrow;
    const bits = nullBits(d), off = d.offset;
    const nullBitmap = bits === null ? undefined : (off & 7) === 0 ? bits.slice(off >> 3, (off + d.length + 7) >> 3) : copyBits(d);
    return makeData({ type: d.type as Dictionary, length: d.length, nullCount: d.nullCount, nullBitmap, data: (d.values as DictionaryCodes).slice(0, d.length) as Int32Array, dictionary: d.dictionary });
  }));
}


const KEY_POSITION = new Map<number, number>(KEY_FIELDS.map((name, k) => [INDEX.get(name)!, k]));

/**
 * Validate and keep a canonical table's rows (only the fields the assembler loads).
 * Column-level problems (unknown, missing columns, empty table) are reported by the caller
 * first. `lineBase` is the number of the file's rows before this table (a file read in
 * parts), so rows are numbered from `lineBase + 1`.
 */
export function feedCanonicalTable(asm: ReceiptAssembler, table: Table, file: string | null, lineBase = 0): void {
  const feed = new CanonicalFeed(asm, table.numRows, file, lineBase);
  INPUT_FIELDS.forEach((f, c) => { if (feed.reads(c)) feed.column(c, table.getChild(f.name)); });
  feed.finish();
}

/**
 * `feedCanonicalTable` a column at a time, for columns that arrive one by one (an Arrow file
 * read column by column checks each while the next is read): `column` for every input field
 * the assembler loads (`reads`), in any order, with the table's vector or null when the table
 * has no such column, then `finish`.
 */
export class CanonicalFeed {
  private readonly present: (Vector | null)[] = INPUT_FIELDS.map(() => null);
  private readonly kept: (Vector | null)[] = INPUT_FIELDS.map(() => null);
  private readonly flag: Uint8Array;
  private readonly lanes: KeyLaneSums;
  constructor(private readonly asm: ReceiptAssembler, private readonly n: number, private readonly file: string | null, private readonly lineBase: number) {
    this.flag = new Uint8Array(n);
    this.lanes = new KeyLaneSums(n);
  }

  /** Whether input field c (INPUT_FIELDS order) is read by this load. */
  reads(c: number): boolean {
    return this.asm.loaded === null || this.asm.loaded[c];
  }

  /**
   * Check input field c's column (null: the table has none) and keep it. `lent`: v's buffers
   * are reused once this returns (arrow-file.ts), so it is first copied, narrowed.
   */
  column(c: number, v: Vector | null, lent = false): void {
    if (lent && v !== null) v = detached(v);
    const spec = INPUT_FIELDS[c];
    this.present[c] = v;
    const kept = (this.kept[c] = keptColumn(spec, v, this.n));
    if (v !== null) {
      if (v.nullCount > 0 && spec.required) flagNulls(v, this.flag);
      checkValues(spec, c, v, this.flag);
    }
    const k = KEY_POSITION.get(c);
    if (k !== undefined) this.lanes.add(k, kept);
  }

  /** `spare`: buffers nothing else reads or writes any more, for the rows' key lanes (`KeyLaneSums.finish`). */
  finish(spare: readonly ArrayBuffer[] = []): void {
    for (let c = 0; c < INPUT_FIELDS.length; c++) if (this.kept[c] === null && this.reads(c)) this.column(c, null);
    const { asm, n, file, lineBase, present, flag } = this;
    let nulls: NullColumns | null = null;
    const kept: Vector[] = INPUT_FIELDS.map((spec, c) => this.kept[c] ?? (nulls ??= new NullColumns(n)).vector(spec));
    crossCheck(present, kept, flag);
    const names = INPUT_FIELDS.map((f) => f.name);
    const { hi, lo } = this.lanes.finish(spare);
    asm.reserve(n);
    // Key texts only for an exact comparison (two rows with one hash: rare), so built then.
    let keys: KeyColumn[] | null = null;
    asm.beginPart((i) => keyTextOfColumns((keys ??= keyColumns(kept)), i));
    let anyFlag = false;
    for (let i = 0; i < n && !anyFlag; i++) if (flag[i] !== 0) anyFlag = true;
    if (!anyFlag) {
      // Every row passed the column checks: register the keys in one loop.
      asm.addColumns(kept, asm.addPartKeys(hi, lo, file, lineBase));
      return;
    }
    const keep = new Int32Array(n);
    let kept_ = 0;
    for (let i = 0; i < n; i++) {
      const line = lineBase + i + 1;
      if (flag[i] !== 0) {
        // Re-read the row as the row path would, for the row path's exact messages.
        const obj: Record<string, unknown> = {};
        for (let c = 0; c < names.length; c++) if (present[c] !== null) obj[names[c]] = plainValue(present[c]!.get(i));
        if (!asm.check(obj, { file, line })) continue;
      }
      if (!asm.addPartKey(hi[i], lo[i], file, line, i)) continue;
      keep[kept_++] = i;
    }
    asm.addColumns(kept, kept_ === n ? null : keep.slice(0, kept_));
  }
}

function flagNulls(v: Vector, flag: Uint8Array): void {
  let k = 0;
  for (const d of v.data) {
    const bits = nullBits(d), off = d.offset;
    if (bits === null) { k += d.length; continue; }
    for (let i = 0; i < d.length; i++, k++) if (!bitSet(bits, off + i)) flag[k] = 1;
  }
}

function checkValues(spec: FieldSpec, c: number, v: Vector, flag: Uint8Array): void {
  const check = CHECKERS[c];
  // Decoded types are generic classes (an Int of 32 bits, not an Int32), so dispatch on the declared type.
  const type = arrowTypeOf(spec);
  if (type instanceof Dictionary) {
    let k = 0;
    for (const d of v.data) {
      const dict = d.dictionary!;
      const words = dictionaryWords(d);
      const bad = new Uint8Array(dict.length);
      let anyBad = false;
      for (let w = 0; w < words.length; w++) {
        const word = words[w];
        if (word === null || check(word) !== null) { bad[w] = 1; anyBad = true; }
      }
      if (anyBad) flagBadCodes((d.values as DictionaryCodes).subarray(0, d.length), bad, nullBits(d), d.offset, flag, k);
      k += d.length;
    }
    return;
  }
  if (type instanceof Int32 || type instanceof Float64) {
    const lo = spec.minimum ?? -Infinity, hi = spec.maximum ?? Infinity;
    // Each case is its own function over the batch's buffer, so each loop sees one array type
    // (no type test or getter a row, no polymorphic element access).
    const int32 = type instanceof Int32, integer = spec.kind === "integer";
    let k = 0;
    for (const d of v.data) {
      const bits = nullBits(d), off = d.offset, n = d.length;
      if (int32) {
        if (lo !== -Infinity || hi !== Infinity) flagInt32Range((d.values as Int32Array).subarray(0, n), lo, hi, bits, off, flag, k);
      } else if (integer) flagUnsafeIntegers((d.values as Float64Array).subarray(0, n), lo, hi, bits, off, flag, k);
      else flagFloatRange((d.values as Float64Array).subarray(0, n), lo, hi, bits, off, flag, k);
      k += n;
    }
    return;
  }
  if (type instanceof Utf8) {
    if (spec.kind === "string" && !spec.pattern) return;
    if (spec.kind === "timestamp") return checkTimestamps(v, check, flag);
    eachString(v, (s, row) => { if (check(s) !== null) flag[row] = 1; });
    return;
  }
  if (type instanceof List) {
    let k = 0;
    for (const d of v.data) {
      const child = d.children[0];
      if (child.nullCount > 0) {
        const o = d.valueOffsets as Int32Array;
        for (let i = 0; i < d.length; i++)
          for (let e = o[i]; e < o[i + 1]; e++) if (!valid(child, e)) { flag[k + i] = 1; break; }
      }
      k += d.length;
    }
  }
  // Booleans: any valid value is true or false.
}

/** Flag valid rows whose dictionary code names a bad word. */
function flagBadCodes(codes: DictionaryCodes, bad: Uint8Array, bits: Uint8Array | null, off: number, flag: Uint8Array, k: number): void {
  for (let i = 0; i < codes.length; i++) if (bad[codes[i]] === 1 && (bits === null || bitSet(bits, off + i))) flag[k + i] = 1;
}

/** Flag valid rows of an int32 buffer outside [lo, hi] (rows from `k` in `flag`). */
function flagInt32Range(vals: Int32Array, lo: number, hi: number, bits: Uint8Array | null, off: number, flag: Uint8Array, k: number): void {
  for (let i = 0; i < vals.length; i++) {
    const x = vals[i];
    if ((x < lo || x > hi) && (bits === null || bitSet(bits, off + i))) flag[k + i] = 1;
  }
}

/** Flag valid rows of a float64 buffer that are not safe integers in [lo, hi]. */
function flagUnsafeIntegers(vals: Float64Array, lo: number, hi: number, bits: Uint8Array | null, off: number, flag: Uint8Array, k: number): void {
  const lo_ = Math.max(lo, -Number.MAX_SAFE_INTEGER), hi_ = Math.min(hi, Number.MAX_SAFE_INTEGER);
  for (let i = 0; i < vals.length; i++) {
    const x = vals[i];
    // Math.trunc(x) === x fails for NaN and the infinities too; the range keeps it within the safe integers.
    if (!(x >= lo_ && x <= hi_ && Math.trunc(x) === x) && (bits === null || bitSet(bits, off + i))) flag[k + i] = 1;
  }
}

/** Flag valid rows of a float64 buffer outside [lo, hi] or not finite. */
function flagFloatRange(vals: Float64Array, lo: number, hi: number, bits: Uint8Array | null, off: number, flag: Uint8Array, k: number): void {
  for (let i = 0; i < vals.length; i++) {
    const x = vals[i];
    if (!(x >= lo && x <= hi && x - x === 0) && (bits === null || bitSet(bits, off + i))) flag[k + i] = 1;
  }
}

/** The rules that involve more than one field (see validate.ts), flagging rows that break them. */
function crossCheck(present: (Vector | null)[], kept: Vector[], flag: Uint8Array): void {
  const n = flag.length;
  const col = (name: string) => kept[INDEX.get(name)!];
  const nb = numbersOf(col("n_benign")), nh = numbersOf(col("n_harmful"));
  if (present[INDEX.get("schedule")!] !== null) {
    const { codes, words } = flattenDictionary(col("schedule"));
    const none = words.indexOf("none");
    if (none >= 0) for (let i = 0; i < n; i++) if (codes[i] === none && nb[i] > 0 && nh[i] > 0) flag[i] = 1;
  }
  if (present[INDEX.get("format_cue")!] !== null) {
    const cue = flattenDictionary(col("format_cue"));
    const custom = cue.words.indexOf("custom");
    if (custom >= 0) {
      const text = flattenDictionary(col("format_cue_text"));
      for (let i = 0; i < n; i++)
        if (cue.codes[i] === custom && (text.codes[i] < 0 || text.words[text.codes[i]] === "" || text.words[text.codes[i]] === null)) flag[i] = 1;
    }
  }
  const ids = present[INDEX.get("demo_ids")!];
  if (ids !== null) {
    let k = 0;
    for (const d of ids.data) {
      const o = d.valueOffsets as Int32Array, bits = nullBits(d), off = d.offset;
      for (let i = 0; i < d.length; i++, k++)
        if ((bits === null || bitSet(bits, off + i)) && o[i + 1] - o[i] !== nb[k] + nh[k]) flag[k] = 1;
    }
  }
}



/**
 * Timestamps in the form the kit and most writers use, `YYYY-MM-DDTHH:MM:SS[.sss]Z`, with
 * a day of at most 28 (valid in every month), are accepted from their bytes; anything else
 * is decoded and given to the field's checker. The byte test accepts only strings the checker
 * accepts, so it changes speed, not the verdict.
 */
function checkTimestamps(v: Vector, check: (value: unknown) => string | null, flag: Uint8Array): void {
  let k = 0;
  for (const d of v.data) {
    const o = d.valueOffsets as Int32Array, b = d.values as Uint8Array, bits = nullBits(d), off = d.offset;
    for (let i = 0; i < d.length; i++, k++) {
      if (bits !== null && !bitSet(bits, off + i)) continue;
      const a = o[i], len = o[i + 1] - a;
      if ((len === 20 || len === 24) && plainTimestamp(b, a, len)) continue;
      if (check(decoder.decode(b.subarray(a, a + len))) !== null) flag[k] = 1;
    }
  }
}

/** A digit's value, or a large number (so that any sum with it is out of every range below). */
function dv(c: number): number {
  const x = c - 48;
  return x >= 0 && x <= 9 ? x : 1000;
}

/** Whether bytes [a, a + len) (len 20 or 24) read `YYYY-MM-DDTHH:MM:SS[.sss]Z` with day <= 28. */
function plainTimestamp(b: Uint8Array, a: number, len: number): boolean {
  if (b[a + 4] !== 45 || b[a + 7] !== 45 || b[a + 10] !== 84 || b[a + 13] !== 58 || b[a + 16] !== 58 || b[a + len - 1] !== 90) return false;
  if (dv(b[a]) + dv(b[a + 1]) + dv(b[a + 2]) + dv(b[a + 3]) >= 1000) return false;
  if (len === 24 && (b[a + 19] !== 46 || dv(b[a + 20]) + dv(b[a + 21]) + dv(b[a + 22]) >= 1000)) return false;
  const mo = dv(b[a + 5]) * 10 + dv(b[a + 6]), day = dv(b[a + 8]) * 10 + dv(b[a + 9]);
  const h = dv(b[a + 11]) * 10 + dv(b[a + 12]), mi = dv(b[a + 14]) * 10 + dv(b[a + 15]), se = dv(b[a + 17]) * 10 + dv(b[a + 18]);
  return mo >= 1 && mo <= 12 && day >= 1 && day <= 28 && h <= 23 && mi <= 59 && se <= 59;
}
