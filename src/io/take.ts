/** Gather rows of an Arrow vector by index: the one primitive behind filter, sort and slice. */
import { Bool, Dictionary, Float64, Int32, makeData, makeVector, vectorFromArray, type Vector } from "apache-arrow";

export function takeRows(vector: Vector, indices: Int32Array | number[]): Vector {
  const n = indices.length;
  const type = vector.type;
  const data = vector.data.length === 1 ? vector.data[0] : makeVector(vector.toArray()).data[0];
  const hasNulls = vector.nullCount > 0;
  let bitmap: Uint8Array | undefined;
  let nullCount = 0;
  if (hasNulls) {
    bitmap = new Uint8Array((n + 7) >> 3);
    for (let k = 0; k < n; k++) {
      if (vector.isValid(indices[k])) bitmap[k >> 3] |= 1 << (k & 7);
      else nullCount++;
    }
  }
  if (type instanceof Int32 || type instanceof Float64 || type instanceof Dictionary) {
    const src = data.values as Int32Array | Float64Array;
    const out = new (src.constructor as Int32ArrayConstructor)(n);
    for (let k = 0; k < n; k++) out[k] = src[data.offset + indices[k]];
    return makeVector(makeData({ type, length: n, nullCount, nullBitmap: bitmap, data: out, dictionary: (data as any).dictionary } as any));
  }
  if (type instanceof Bool) {
    const bits = new Uint8Array((n + 7) >> 3);
    for (let k = 0; k < n; k++) if (vector.get(indices[k]) === true) bits[k >> 3] |= 1 << (k & 7);
    return makeVector(makeData({ type, length: n, nullCount, nullBitmap: bitmap, data: bits }));
  }
  const values = new Array(n);
  for (let k = 0; k < n; k++) {
    const v = vector.get(indices[k]);
    values[k] = v !== null && typeof v === "object" && typeof (v as any).toArray === "function" ? Array.from((v as any).toArray()) : v;
  }
  return vectorFromArray(values, type);
}
