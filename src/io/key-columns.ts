/**
 * The key fields of Arrow columns, read column by column: each distinct value of a key
 * field is looked at once (a dictionary word once per dictionary), and a row is a few
 * lookups. Gives the loaders' duplicate hash (`keyLanesOfValues`, two 32-bit lanes) and the
 * published `receipt_key` column (the SHA-256 of `keyText`), both equal to what the row path
 * computes from the same values.
 */
import { Data, Dictionary, makeData, makeVector, Utf8, type Vector } from "apache-arrow";
import { INPUT_FIELDS, type FieldSpec } from "../receipt/fields";
import { finishKeyLane, KEY_FIELDS, KEY_LANE_START, keyFieldLane, keyOfText, mixKeyLane } from "../receipt/key";
import type { DictionaryCodes } from "./dictionary-index";

const INDEX = new Map(INPUT_FIELDS.map((f, i) => [f.name, i]));
const decoder = new TextDecoder();

/** Whether row i of a Data is valid, read from its bitmap (Data.getValid dispatches on the type per call). */
export function valid(d: Data, i: number): boolean {
  if (d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0) return true;
  const j = d.offset + i;
  return (d.nullBitmap[j >> 3] & (1 << (j & 7))) !== 0;
}

/**
 * The validity bitmap of a Data that has nulls (the bits `valid` reads), else null: read
 * once a loop, since `nullCount` is a getter that dispatches on the type each call.
 */
export function nullBits(d: Data): Uint8Array | null {
  return d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0 ? null : d.nullBitmap;
}

/** Whether bit j of a validity bitmap is set (row j - offset valid). */
export function bitSet(bits: Uint8Array, j: number): boolean {
  return (bits[j >> 3] & (1 << (j & 7))) !== 0;
}

/** Words already decoded, by dictionary: a batch's checks, key lanes and cross-field rules each read them. */
const WORDS = new WeakMap<object, (string | null)[]>();

/** The words of a dictionary Data's dictionary (null where null). Callers only read them. */
export function dictionaryWords(d: Data): (string | null)[] {
  const dict = d.dictionary!;
  if (dict.length === 0) return [];
  const known = WORDS.get(dict);
  if (known !== undefined) return known;
  let out: (string | null)[];
  if (dict.data.length !== 1) out = Array.from(dict.toArray() as ArrayLike<string | null>);
  else {
    const w = dict.data[0], o = w.valueOffsets as Int32Array, bytes = w.values as Uint8Array;
    const from = o[0], to = o[w.length];
    let ascii = true;
    for (let b = from; b < to; b++) if (bytes[b] > 127) { ascii = false; break; }
    // ASCII text decodes once, and byte offsets are character offsets.
    const all = ascii ? decoder.decode(bytes.subarray(from, to)) : "";
    out = new Array<string | null>(w.length);
    for (let i = 0; i < w.length; i++) {
      out[i] = !valid(w, i) ? null : ascii ? all.substring(o[i] - from, o[i + 1] - from) : decoder.decode(bytes.subarray(o[i], o[i + 1]));
    }
  }
  WORDS.set(dict, out);
  return out;
}

/** A dictionary column flattened across batches: global codes (-1 for null) and words. */
export interface Codes { codes: DictionaryCodes; words: (string | null)[] }

export function flattenDictionary(v: Vector): Codes {
  const own = ownCodes(v);
  if (own !== null) return own;
  const codes = new Int32Array(v.length);
  const words: (string | null)[] = [];
  const index = new Map<string | null, number>();
  let k = 0;
  for (const d of v.data) {
    const dict = dictionaryWords(d);
    const map = new Int32Array(dict.length);
    for (let w = 0; w < dict.length; w++) {
      const word = dict[w];
      let g = index.get(word);
      if (g === undefined) { g = words.length; words.push(word); index.set(word, g); }
      map[w] = g;
    }
    const vals = d.values as DictionaryCodes;
    if (d.nullCount === 0) for (let i = 0; i < d.length; i++, k++) codes[k] = map[vals[i]];
    else if (d.nullCount === d.length) { codes.fill(-1, k, k + d.length); k += d.length; }
    else for (let i = 0; i < d.length; i++, k++) codes[k] = valid(d, i) ? map[vals[i]] : -1;
  }
  return { codes, words };
}

/**
 * The codes of a one-batch dictionary column without nulls whose words are distinct and
 * whose codes are all in range: the batch's own index buffer (no copy, no lookup a row).
 * Null otherwise. Callers only read the codes.
 */
function ownCodes(v: Vector): Codes | null {
  if (v.data.length !== 1) return null;
  const d = v.data[0];
  if (d.nullCount !== 0 || !(d.values instanceof Int32Array || d.values instanceof Int16Array || d.values instanceof Int8Array)) return null;
  const words = dictionaryWords(d);
  if (new Set(words).size !== words.length) return null;
  const vals = (d.values as DictionaryCodes).subarray(0, d.length);
  const m = words.length;
  for (let i = 0; i < vals.length; i++) if (vals[i] >>> 0 >= m) return null;
  return { codes: vals, words };
}

/**
 * An integer or float column's values, NaN for null: the batch's own buffer when there is
 * one batch without nulls (read only), else a float64 copy (`flattenNumbers`).
 */
export function numbersOf(v: Vector): ArrayLike<number> {
  if (v.data.length === 1 && v.data[0].nullCount === 0) {
    const d = v.data[0], vals = d.values;
    if (vals instanceof Int32Array || vals instanceof Float64Array) return vals.subarray(0, d.length);
  }
  return flattenNumbers(v);
}

/** An integer column as float64, NaN for null. */
export function flattenNumbers(v: Vector): Float64Array {
  const out = new Float64Array(v.length);
  let k = 0;
  for (const d of v.data) {
    const vals = d.values as Int32Array | Float64Array;
    if (d.nullCount === 0) { out.set(vals.subarray(0, d.length), k); k += d.length; }
    else for (let i = 0; i < d.length; i++, k++) out[k] = valid(d, i) ? vals[i] : NaN;
  }
  return out;
}

/** Integer values below this are coded by lookup rather than through a Map. */
const SMALL = 4096;

/** A key column as codes of its distinct values' text (as `keyText` spells them: null as ""). */
export interface KeyColumn { codes: Int32Array; texts: string[] }

export function keyColumn(spec: FieldSpec, v: Vector): KeyColumn {
  if (v.type instanceof Dictionary) {
    const flat = flattenDictionary(v);
    // Int32 codes: a narrower column's own codes are widened (joined codes multiply them)
    const codes = flat.codes instanceof Int32Array ? flat.codes : Int32Array.from(flat.codes), words = flat.words;
    const texts = words.map((w) => (w === null ? "" : w));
    texts.push("");
    const nullCode = texts.length - 1;
    for (let i = 0; i < codes.length; i++) if (codes[i] < 0) codes[i] = nullCode;
    return { codes, texts };
  }
  // Integers (counts, sample_index): one code per distinct value, small ones by lookup.
  const nums = spec.kind === "integer" ? numbersOf(v) : null;
  const codes = new Int32Array(v.length);
  const texts: string[] = [];
  const index = new Map<unknown, number>();
  if (nums !== null) {
    const small = new Int32Array(SMALL).fill(-1);
    for (let i = 0; i < nums.length; i++) {
      const x = nums[i];
      if (x >= 0 && x < SMALL && Number.isInteger(x)) {
        let c = small[x];
        if (c < 0) { c = small[x] = texts.length; texts.push(String(x)); }
        codes[i] = c;
      } else {
        const key = Number.isNaN(x) ? null : x;
        let c = index.get(key);
        if (c === undefined) { c = texts.length; texts.push(key === null ? "" : String(key)); index.set(key, c); }
        codes[i] = c;
      }
    }
    return { codes, texts };
  }
  for (let i = 0; i < v.length; i++) {
    const x = nums !== null ? (Number.isNaN(nums[i]) ? null : nums[i]) : (v.get(i) ?? null);
    let c = index.get(x);
    if (c === undefined) { c = texts.length; texts.push(x === null ? "" : String(x)); index.set(x, c); }
    codes[i] = c;
  }
  return { codes, texts };
}

/** The key columns of vectors in INPUT_FIELDS order, in KEY_FIELDS order. */
export function keyColumns(inputs: readonly Vector[]): KeyColumn[] {
  return KEY_FIELDS.map((name) => keyColumn(INPUT_FIELDS[INDEX.get(name)!], inputs[INDEX.get(name)!]));
}

/** Load-time key hashes of rows. */
export interface KeyHalves { readonly hi: Uint32Array; readonly lo: Uint32Array }

/**
 * `keyLanesOfValues` of every row (rows flagged in `skip` are left 0), each value hashed
 * once: lanes are sums of field lanes (see `mixKeyLane`), so adjacent columns with few value
 * combinations are added up once per combination, and a row takes a few additions.
 */
export function keyLanesOfColumns(keys: readonly KeyColumn[], n: number, skip: Uint8Array | null): KeyHalves {
  const groups: { codes: Int32Array | null; a: Int32Array; b: Int32Array }[] = [];
  let startA: number = KEY_LANE_START[0], startB: number = KEY_LANE_START[1];
  keys.forEach((col, k) => {
    const a = Int32Array.from(col.texts, (t) => keyFieldLane(k, t, 0));
    const b = Int32Array.from(col.texts, (t) => keyFieldLane(k, t, 1));
    const used = distinctCodes(col.codes, col.texts.length);
    if (used === 1) {
      // One value in this part: a constant of every row's sum.
      const c = col.codes.length > 0 ? col.codes[0] : 0;
      startA = mixKeyLane(startA, a[c]);
      startB = mixKeyLane(startB, b[c]);
      return;
    }
    const last = groups[groups.length - 1];
    const m = col.texts.length;
    if (last !== undefined && last.a.length * m <= 4096) {
      const ja = new Int32Array(last.a.length * m), jb = new Int32Array(last.a.length * m);
      for (let x = 0; x < last.a.length; x++) for (let y = 0; y < m; y++) {
        ja[x * m + y] = mixKeyLane(last.a[x], a[y]);
        jb[x * m + y] = mixKeyLane(last.b[x], b[y]);
      }
      const codes = last.codes!, mine = col.codes;
      for (let i = 0; i < n; i++) codes[i] = codes[i] * m + mine[i];
      groups[groups.length - 1] = { codes, a: ja, b: jb };
    } else groups.push({ codes: col.codes.slice(), a, b }); // a copy: joining writes into it
  });
  const hi = new Uint32Array(n), lo = new Uint32Array(n);
  const G = groups.length;
  const codes = groups.map((g) => g.codes!), lanesA = groups.map((g) => g.a), lanesB = groups.map((g) => g.b);
  for (let i = 0; i < n; i++) {
    if (skip !== null && skip[i] !== 0) continue;
    let a = startA, b = startB;
    for (let g = 0; g < G; g++) {
      const c = codes[g][i];
      a = (a + lanesA[g][c]) | 0;
      b = (b + lanesB[g][c]) | 0;
    }
    hi[i] = finishKeyLane(a);
    lo[i] = finishKeyLane(b);
  }
  return { hi, lo };
}

/**
 * `keyLanesOfValues` of every row, straight from the key vectors (KEY_FIELDS order, canonical
 * types: dictionaries and int32): each field adds its value's lane to every row's running
 * lanes in one pass over its own buffer (dictionary codes, or the integers themselves for
 * small ones), so no codes are built and no column is copied. A dictionary with one word and
 * no nulls adds a constant. Equal to `keyLanesOfColumns(keyColumns(...))`.
 */
export function keyLanesOfVectors(vectors: readonly Vector[], n: number): KeyHalves {
  const sums = new KeyLaneSums(n);
  vectors.forEach((v, k) => sums.add(k, v));
  return sums.finish();
}

/**
 * `keyLanesOfVectors` a key field at a time (`add` in any order), for columns that arrive one
 * by one. A one-batch column without nulls (dictionary codes, or integers) is only noted, with
 * its values' lanes, and all such columns are added up in one pass over the rows at the end
 * (each row's codes read once, its lanes written once); other columns are added as they come.
 * Codes are not scanned beforehand: the final pass looks up a code inside its column's table
 * and takes the rare one outside from `outside` (a pass of its own a column cost as much as the
 * lookups, most of it before the JIT had compiled it).
 */
export class KeyLaneSums {
  private a: Int32Array | null = null;
  private b: Int32Array | null = null;
  private startA: number = KEY_LANE_START[0];
  private startB: number = KEY_LANE_START[1];
  /** Columns left for the final pass: each row's code, each code's lanes (grown for integers), the key field and whether a dictionary's codes. */
  private readonly codes: DictionaryCodes[] = [];
  private readonly lanesA: Int32Array[] = [];
  private readonly lanesB: Int32Array[] = [];
  private readonly fields: number[] = [];
  private readonly dictionary: boolean[] = [];
  constructor(private readonly n: number) {}

  private sums(): { a: Int32Array; b: Int32Array } {
    if (this.a === null) { this.a = new Int32Array(this.n); this.b = new Int32Array(this.n); }
    return { a: this.a, b: this.b! };
  }

  /** Add key field k's (KEY_FIELDS order) lanes from its vector. */
  add(k: number, v: Vector): void {
    const nullA = keyFieldLane(k, "", 0), nullB = keyFieldLane(k, "", 1);
    if (v.data.length === 1 && v.data[0].length === this.n && this.deferred(k, v.data[0], nullA, nullB)) return;
    let row = 0;
    for (const d of v.data) {
      const bits = nullBits(d), off = d.offset, len = d.length;
      const { a, b } = this.sums();
      if (d.type instanceof Dictionary) {
        const words = dictionaryWords(d);
        const la = Int32Array.from(words, (w) => keyFieldLane(k, w ?? "", 0));
        const lb = Int32Array.from(words, (w) => keyFieldLane(k, w ?? "", 1));
        // One word and no nulls, or nothing but nulls: the same lane for every row of the batch.
        if ((bits === null && words.length === 1) || (len > 0 && d.nullCount === len)) {
          const x = bits === null ? la[0] : nullA, y = bits === null ? lb[0] : nullB;
          for (let i = row; i < row + len; i++) { a[i] = (a[i] + x) | 0; b[i] = (b[i] + y) | 0; }
        } else addCodeLanes(a, b, row, (d.values as DictionaryCodes).subarray(0, len), la, lb, bits, off, nullA, nullB);
      } else addIntegerLanes(a, b, row, (d.values as Int32Array).subarray(0, len), k, bits, off);
      row += len;
    }
  }

  /** Note a whole-column batch for the final pass, or add a constant; false when it needs a pass of its own. */
  private deferred(k: number, d: Data, nullA: number, nullB: number): boolean {
    if (d.length > 0 && d.nullCount === d.length) { this.constant(nullA, nullB); return true; }
    if (nullBits(d) !== null) return false;
    // dictionary codes of any index width (Int8, Int16, Int32), or int32 values
    const vals = (d.values as DictionaryCodes).subarray(0, d.length);
    if (d.type instanceof Dictionary) {
      const words = dictionaryWords(d);
      const la = Int32Array.from(words, (w) => keyFieldLane(k, w ?? "", 0));
      const lb = Int32Array.from(words, (w) => keyFieldLane(k, w ?? "", 1));
      if (words.length === 1) { this.constant(la[0], lb[0]); return true; }
      this.note(vals, la, lb, k, true);
      return true;
    }
    // Integers: lanes of the first few values now, others as the final pass meets them.
    const la = new Int32Array(INITIAL_INTEGERS), lb = new Int32Array(INITIAL_INTEGERS);
    for (let x = 0; x < INITIAL_INTEGERS; x++) { la[x] = keyFieldLane(k, String(x), 0); lb[x] = keyFieldLane(k, String(x), 1); }
    this.note(vals as Int32Array, la, lb, k, false);
    return true;
  }

  private note(vals: DictionaryCodes, la: Int32Array, lb: Int32Array, k: number, dictionary: boolean): void {
    this.codes.push(vals); this.lanesA.push(la); this.lanesB.push(lb); this.fields.push(k); this.dictionary.push(dictionary);
  }

  private constant(x: number, y: number): void {
    this.startA = mixKeyLane(this.startA, x);
    this.startB = mixKeyLane(this.startB, y);
  }

  /**
   * The lane (0 or 1) of code c of noted column g, c outside its table: a dictionary code
   * beyond the dictionary reads as an empty word (the column checks see such rows), as in
   * `addCodeLanes`; an integer is hashed, and below SMALL its column's table first grows to hold it.
   */
  private outside(g: number, c: number, lane: 0 | 1): number {
    const k = this.fields[g];
    if (this.dictionary[g]) return keyFieldLane(k, "", lane);
    if (c < 0 || c >= SMALL) return keyFieldLane(k, String(c), lane);
    if (c < this.lanesA[g].length) return lane === 0 ? this.lanesA[g][c] : this.lanesB[g][c]; // grown by lane 0's call
    const old = this.lanesA[g].length, size = Math.min(SMALL, Math.max(2 * old, c + 1));
    const la = new Int32Array(size), lb = new Int32Array(size);
    la.set(this.lanesA[g]); lb.set(this.lanesB[g]);
    for (let x = old; x < size; x++) { la[x] = keyFieldLane(k, String(x), 0); lb[x] = keyFieldLane(k, String(x), 1); }
    this.lanesA[g] = la; this.lanesB[g] = lb;
    return lane === 0 ? la[c] : lb[c];
  }

  /**
   * The rows' lanes (nothing may be added after), in `spare` buffers (each of at least 4
   * bytes a row, which nothing else may read or write afterwards) where given. Rows are summed a block at a time, a noted
   * column at a time within the block (`addBlockLanes`): each loop reads one column's codes and
   * one lane table into two running sums that stay in cache, instead of one loop reading every
   * column's arrays through lists a row (which cost about 13 ns a row and column).
   */
  finish(spare: readonly ArrayBuffer[] = []): KeyHalves {
    const n = this.n, startA = this.startA, startB = this.startB;
    // Every row of both is written below, so buffers the caller is done with (an Arrow file
    // read's scratch for lent columns) serve instead of 8 MB a million rows allocated anew.
    const hi = spareLanes(spare[0], n), lo = spareLanes(spare[1], n);
    const a = this.a, b = this.b, C = this.codes, G = C.length;
    const x = new Int32Array(LANE_BLOCK), y = new Int32Array(LANE_BLOCK);
    for (let from = 0; from < n; from += LANE_BLOCK) {
      const to = Math.min(n, from + LANE_BLOCK), len = to - from;
      if (a !== null) startBlock(x, y, a, b!, from, len, startA, startB);
      else { x.fill(startA, 0, len); y.fill(startB, 0, len); }
      for (let g = 0; g < G; g++) {
        const codes = C[g], la = this.lanesA[g], lb = this.lanesB[g];
        const outside = codes instanceof Int8Array ? addBlockLanes8(x, y, codes, from, len, la, lb)
          : codes instanceof Int16Array ? addBlockLanes16(x, y, codes, from, len, la, lb)
          : addBlockLanes32(x, y, codes, from, len, la, lb);
        if (outside) {
          // Codes outside the table (rare): their lanes from `outside`, which may grow the table.
          const m = la.length;
          for (let i = 0; i < len; i++) {
            const c = codes[from + i];
            if (c >>> 0 >= m) {
              x[i] = (x[i] + this.outside(g, c, 0)) | 0;
              y[i] = (y[i] + this.outside(g, c, 1)) | 0;
            }
          }
        }
      }
      finishBlock(hi, lo, x, y, from, len);
    }
    return { hi, lo };
  }
}

/** A view of n lanes over `buffer` when it holds them (its old contents are overwritten), else a new array. */
function spareLanes(buffer: ArrayBuffer | undefined, n: number): Uint32Array {
  return buffer !== undefined && buffer.byteLength >= 4 * n ? new Uint32Array(buffer, 0, n) : new Uint32Array(n);
}

/** Rows summed a block at a time by `KeyLaneSums.finish` (two 16 KiB running sums). */
const LANE_BLOCK = 4096;

function startBlock(x: Int32Array, y: Int32Array, a: Int32Array, b: Int32Array, from: number, len: number, startA: number, startB: number): void {
  for (let i = 0; i < len; i++) { x[i] = (startA + a[from + i]) | 0; y[i] = (startB + b[from + i]) | 0; }
}

function finishBlock(hi: Uint32Array, lo: Uint32Array, x: Int32Array, y: Int32Array, from: number, len: number): void {
  for (let i = 0; i < len; i++) { hi[from + i] = finishKeyLane(x[i]); lo[from + i] = finishKeyLane(y[i]); }
}

// One function an index type, so that each loop sees one array type. Each adds the lanes of
// codes [from, from + len) inside the table and returns whether any code was outside it
// (added by the caller).
function addBlockLanes8(x: Int32Array, y: Int32Array, codes: Int8Array, from: number, len: number, la: Int32Array, lb: Int32Array): boolean {
  const m = la.length;
  let outside = false;
  for (let i = 0; i < len; i++) {
    const c = codes[from + i];
    if (c >>> 0 < m) { x[i] = (x[i] + la[c]) | 0; y[i] = (y[i] + lb[c]) | 0; } else outside = true;
  }
  return outside;
}

function addBlockLanes16(x: Int32Array, y: Int32Array, codes: Int16Array, from: number, len: number, la: Int32Array, lb: Int32Array): boolean {
  const m = la.length;
  let outside = false;
  for (let i = 0; i < len; i++) {
    const c = codes[from + i];
    if (c >>> 0 < m) { x[i] = (x[i] + la[c]) | 0; y[i] = (y[i] + lb[c]) | 0; } else outside = true;
  }
  return outside;
}

function addBlockLanes32(x: Int32Array, y: Int32Array, codes: Int32Array, from: number, len: number, la: Int32Array, lb: Int32Array): boolean {
  const m = la.length;
  let outside = false;
  for (let i = 0; i < len; i++) {
    const c = codes[from + i];
    if (c >>> 0 < m) { x[i] = (x[i] + la[c]) | 0; y[i] = (y[i] + lb[c]) | 0; } else outside = true;
  }
  return outside;
}

/** Integer lanes a noted integer column starts with (0 to 63: counts and sample indices). */
const INITIAL_INTEGERS = 64;

/** Add each row's lanes of a dictionary column (codes with their words' lanes) from row `at` on. */
function addCodeLanes(a: Int32Array, b: Int32Array, at: number, codes: DictionaryCodes, la: Int32Array, lb: Int32Array, bits: Uint8Array | null, off: number, nullA: number, nullB: number): void {
  const m = la.length;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (bits !== null && !bitSet(bits, off + i)) { a[at + i] = (a[at + i] + nullA) | 0; b[at + i] = (b[at + i] + nullB) | 0; continue; }
    // A code beyond the dictionary reads as an empty word (the column checks flag the row).
    const x = c >>> 0 < m ? la[c] : nullA, y = c >>> 0 < m ? lb[c] : nullB;
    a[at + i] = (a[at + i] + x) | 0;
    b[at + i] = (b[at + i] + y) | 0;
  }
}

/** Add each row's lanes of an int32 column from row `at` on: small values by lookup, others hashed as met. */
function addIntegerLanes(a: Int32Array, b: Int32Array, at: number, vals: Int32Array, k: number, bits: Uint8Array | null, off: number): void {
  const la = new Int32Array(SMALL), lb = new Int32Array(SMALL), known = new Uint8Array(SMALL);
  const nullA = keyFieldLane(k, "", 0), nullB = keyFieldLane(k, "", 1);
  for (let i = 0; i < vals.length; i++) {
    let x: number, y: number;
    if (bits !== null && !bitSet(bits, off + i)) { x = nullA; y = nullB; }
    else {
      const v = vals[i];
      if (v >= 0 && v < SMALL) {
        if (known[v] === 0) { known[v] = 1; la[v] = keyFieldLane(k, String(v), 0); lb[v] = keyFieldLane(k, String(v), 1); }
        x = la[v]; y = lb[v];
      } else { x = keyFieldLane(k, String(v), 0); y = keyFieldLane(k, String(v), 1); }
    }
    a[at + i] = (a[at + i] + x) | 0;
    b[at + i] = (b[at + i] + y) | 0;
  }
}

/** How many distinct codes (of `m` possible) a column uses: 0, 1, or 2 meaning "more". */
function distinctCodes(codes: Int32Array, m: number): number {
  if (codes.length === 0 || m === 0) return 0;
  const first = codes[0];
  for (let i = 1; i < codes.length; i++) if (codes[i] !== first) return 2;
  return 1;
}

/** The key text (`keyText`) of row i of key columns. */
export function keyTextOfColumns(keys: readonly KeyColumn[], i: number): string {
  let s = "v1";
  for (const k of keys) s += "\x1f" + k.texts[k.codes[i]];
  return s;
}

/** Fragments of adjacent key columns joined while their combinations stay few (fewer concatenations a row). */
function joinedFragments(keys: readonly KeyColumn[]): { codes: Int32Array; frags: string[] }[] {
  const out: { codes: Int32Array; frags: string[] }[] = [];
  for (const col of keys) {
    const frags = col.texts.map((t) => "\x1f" + t);
    const last = out[out.length - 1];
    if (last !== undefined && last.frags.length * frags.length <= 4096) {
      const m = frags.length;
      const joined = new Array<string>(last.frags.length * m);
      for (let a = 0; a < last.frags.length; a++) for (let b = 0; b < m; b++) joined[a * m + b] = last.frags[a] + frags[b];
      const codes = new Int32Array(last.codes.length);
      for (let i = 0; i < codes.length; i++) codes[i] = last.codes[i] * m + col.codes[i];
      out[out.length - 1] = { codes, frags: joined };
    } else out.push({ codes: col.codes, frags });
  }
  return out;
}

/** The published receipt_key (16 hex digits of the SHA-256 of `keyText`) of every row, as a Utf8 vector. */
export function receiptKeyVector(inputs: readonly Vector[]): Vector {
  const n = inputs[0]?.length ?? 0;
  const parts = joinedFragments(keyColumns(inputs));
  const bytes = new Uint8Array(n * 16);
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    let s = "v1";
    for (let k = 0; k < parts.length; k++) s += parts[k].frags[parts[k].codes[i]];
    const hex = keyOfText(s);
    const o = i * 16;
    for (let k = 0; k < 16; k++) bytes[o + k] = hex.charCodeAt(k);
    offsets[i + 1] = o + 16;
  }
  return makeVector(makeData({ type: new Utf8(), length: n, nullCount: 0, valueOffsets: offsets, data: bytes }));
}
