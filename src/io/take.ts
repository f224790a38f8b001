/** Gather rows of an Arrow vector by index: the one primitive behind filter, split and sort. */
import { Bool, Dictionary, Float64, Int32, makeData, makeVector, vectorFromArray, type Vector } from "apache-arrow";
import { columnFlags, columnValues } from "./column-values";

export function takeRows(vector: Vector, indices: Int32Array | number[]): Vector {
  const n = indices.length;
  const type = vector.type;
  if (type instanceof Bool) {
    const flags = columnFlags(vector);
    const bits = new Uint8Array((n + 7) >> 3), valid = new Uint8Array((n + 7) >> 3);
    let nullCount = 0;
    for (let k = 0; k < n; k++) {
      const f = flags[indices[k]];
      if (f < 0) nullCount++;
      else {
        valid[k >> 3] |= 1 << (k & 7);
        if (f === 1) bits[k >> 3] |= 1 << (k & 7);
      }
    }
    return makeVector(makeData({ type, length: n, nullCount, nullBitmap: nullCount ? valid : undefined, data: bits }));
  }
  if ((type instanceof Int32 || type instanceof Float64 || type instanceof Dictionary) && vector.data.length === 1) {
    const data = vector.data[0];
    // dictionary codes keep their index width (Int8, Int16 or Int32), as the type says
    const src = data.values as Int32Array | Float64Array | Int16Array | Int8Array;
    const out = new (src.constructor as Int32ArrayConstructor)(n);
    const valid = new Uint8Array((n + 7) >> 3);
    let nullCount = 0;
    const bitmap = data.nullCount > 0 ? data.nullBitmap : null;
    for (let k = 0; k < n; k++) {
      const j = data.offset + indices[k];
      if (bitmap !== null && (bitmap[j >> 3] & (1 << (j & 7))) === 0) nullCount++;
      else valid[k >> 3] |= 1 << (k & 7);
      out[k] = src[indices[k]]; // fixed-width values are sliced with the data; the validity bitmap is not
    }
    return makeVector(makeData({ type, length: n, nullCount, nullBitmap: nullCount ? valid : undefined, data: out, dictionary: data.dictionary } as Parameters<typeof makeData>[0] & { dictionary?: Vector }) as never);
  }
  const values = columnValues(vector);
  const out = new Array(n);
  for (let k = 0; k < n; k++) out[k] = values[indices[k]];
  return vectorFromArray(out, type);
}
