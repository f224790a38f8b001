/**
 * Read Arrow columns into JavaScript values by walking their buffers. `Vector.get(i)`
 * dispatches on the type for every value, which is what made a million-row analysis slow;
 * these loops touch each buffer once.
 */
import { Bool, Dictionary, Float64, Int32, Utf8, type Data, type Vector } from "apache-arrow";
import type { DictionaryCodes } from "./dictionary-index";

const decoder = new TextDecoder();

function isValid(d: Data, i: number): boolean {
  if (d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0) return true;
  const j = d.offset + i;
  return (d.nullBitmap[j >> 3] & (1 << (j & 7))) !== 0;
}

function utf8Strings(d: Data, from = 0, to = d.length): string[] {
  const out = new Array<string>(to - from);
  const offsets = d.valueOffsets as Int32Array, bytes = d.values as Uint8Array;
  for (let i = from; i < to; i++) {
    const start = offsets[i], end = offsets[i + 1];
    out[i - from] = end === start ? "" : decoder.decode(bytes.subarray(start, end));
  }
  return out;
}

/**
 * Every value of a column, null where null: strings, numbers, booleans, or arrays for lists.
 * With `start` and `end`, only the rows in [start, end) (writers go through big tables in slices).
 */
export function columnValues(vector: Vector, start = 0, end = vector.length): unknown[] {
  const out = new Array<unknown>(Math.max(0, end - start));
  const type = vector.type;
  let base = 0;
  for (const d of vector.data) {
    const from = Math.max(0, start - base), to = Math.min(d.length, end - base);
    let k = base + from - start;
    if (from < to) {
      if (type instanceof Dictionary) {
        const labels = utf8Strings(d.dictionary!.data[0] as Data);
        const codes = d.values as DictionaryCodes; // Int8, Int16 or Int32
        for (let i = from; i < to; i++, k++) out[k] = isValid(d, i) ? labels[codes[i]] : null;
      } else if (type instanceof Int32 || type instanceof Float64) {
        const vals = d.values as Int32Array | Float64Array;
        for (let i = from; i < to; i++, k++) out[k] = isValid(d, i) ? vals[i] : null;
      } else if (type instanceof Bool) {
        const bits = d.values as Uint8Array;
        for (let i = from; i < to; i++, k++) {
          const j = d.offset + i;
          out[k] = isValid(d, i) ? (bits[j >> 3] & (1 << (j & 7))) !== 0 : null;
        }
      } else if (type instanceof Utf8) {
        const strings = utf8Strings(d, from, to);
        for (let i = from; i < to; i++, k++) out[k] = isValid(d, i) ? strings[i - from] : null;
      } else {
        for (let i = from; i < to; i++, k++) {
          const v = isValid(d, i) ? (vector.get(base + i) as unknown) : null;
          out[k] = v !== null && typeof v === "object" && typeof (v as { toArray?: unknown }).toArray === "function"
            ? Array.from((v as { toArray(): ArrayLike<unknown> }).toArray())
            : typeof v === "bigint" ? Number(v) : v ?? null;
        }
      }
    }
    base += d.length;
  }
  return out;
}

/** A boolean column as 1, 0 or -1 for null. */
export function columnFlags(vector: Vector): Int8Array {
  const out = new Int8Array(vector.length);
  let k = 0;
  for (const d of vector.data) {
    const bits = d.values as Uint8Array;
    for (let i = 0; i < d.length; i++, k++) {
      const j = d.offset + i;
      out[k] = !isValid(d, i) ? -1 : (bits[j >> 3] & (1 << (j & 7))) !== 0 ? 1 : 0;
    }
  }
  return out;
}

export { isValid as isValidAt };
