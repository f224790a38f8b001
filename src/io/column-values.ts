/**
 * Read Arrow columns into JavaScript values by walking their buffers. `Vector.get(i)`
 * dispatches on the type for every value, which is what made a million-row analysis slow;
 * these loops touch each buffer once.
 */
import { Bool, Dictionary, Float64, Int32, Utf8, type Data, type Vector } from "apache-arrow";

const decoder = new TextDecoder();

function isValid(d: Data, i: number): boolean {
  if (d.nullCount === 0 || !d.nullBitmap || d.nullBitmap.length === 0) return true;
  const j = d.offset + i;
  return (d.nullBitmap[j >> 3] & (1 << (j & 7))) !== 0;
}

function utf8Strings(d: Data): string[] {
  const out = new Array<string>(d.length);
  const offsets = d.valueOffsets as Int32Array, bytes = d.values as Uint8Array;
  for (let i = 0; i < d.length; i++) {
    const start = offsets[d.offset + i], end = offsets[d.offset + i + 1];
    out[i] = end === start ? "" : decoder.decode(bytes.subarray(start, end));
  }
  return out;
}

/** Every value of a column, null where null: strings, numbers, booleans, or arrays for lists. */
export function columnValues(vector: Vector): unknown[] {
  const out = new Array<unknown>(vector.length);
  let k = 0;
  const type = vector.type;
  for (const d of vector.data) {
    if (type instanceof Dictionary) {
      const labels = utf8Strings(d.dictionary!.data[0] as Data);
      const codes = d.values as Int32Array;
      for (let i = 0; i < d.length; i++, k++) out[k] = isValid(d, i) ? labels[codes[d.offset + i]] : null;
    } else if (type instanceof Int32 || type instanceof Float64) {
      const vals = d.values as Int32Array | Float64Array;
      for (let i = 0; i < d.length; i++, k++) out[k] = isValid(d, i) ? vals[d.offset + i] : null;
    } else if (type instanceof Bool) {
      const bits = d.values as Uint8Array;
      for (let i = 0; i < d.length; i++, k++) {
        const j = d.offset + i;
        out[k] = isValid(d, i) ? (bits[j >> 3] & (1 << (j & 7))) !== 0 : null;
      }
    } else if (type instanceof Utf8) {
      const strings = utf8Strings(d);
      for (let i = 0; i < d.length; i++, k++) out[k] = isValid(d, i) ? strings[i] : null;
    } else {
      for (let i = 0; i < d.length; i++, k++) {
        const v = isValid(d, i) ? (vector.get(k) as unknown) : null;
        out[k] = v !== null && typeof v === "object" && typeof (v as { toArray?: unknown }).toArray === "function"
          ? Array.from((v as { toArray(): ArrayLike<unknown> }).toArray())
          : typeof v === "bigint" ? Number(v) : v ?? null;
      }
    }
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
