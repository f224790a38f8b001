/**
 * Arrow types for receipt fields, derived from the declaration. Repeating strings are
 * dictionary-encoded; counts are int32; seeds are float64 holding safe integers (Arrow's
 * int64 would surface as BigInt); timestamps stay ISO strings so a round trip keeps the
 * writer's exact text.
 */
import { Bool, type Data, DataType, Dictionary, Field, Float64, Int32, Int8, List, makeData, makeVector, Schema, Utf8, type Vector } from "apache-arrow";
import { RECEIPT_FIELDS, SCHEMA_VERSION, type FieldSpec } from "../receipt/fields";

/**
 * A field's declared Arrow type. A dictionary field is declared with Int32 codes (the widest
 * the kit writes); a table stores each dictionary column's codes in the narrowest signed
 * type its words fit (Int8, Int16 or Int32: `dictionary-index.ts`), and `receiptArrowSchema`
 * given the columns says which.
 */
export function arrowTypeOf(spec: FieldSpec): DataType {
  switch (spec.kind) {
    case "integer": return spec.wideInteger ? new Float64() : new Int32();
    case "number": return new Float64();
    case "boolean": return new Bool();
    case "string_list": return new List(new Field("item", new Utf8(), true));
    case "enum": return new Dictionary(new Utf8(), new Int32());
    case "string":
    case "timestamp":
      return spec.dictionary ? new Dictionary(new Utf8(), new Int32()) : new Utf8();
  }
}

/**
 * The receipt schema. With the columns' data (one per field, in declaration order), each
 * dictionary field takes its column's index type (Int8, Int16 or Int32: see
 * `dictionary-index.ts`), so that the schema describes the buffers exactly (the IPC writer
 * writes the schema's index width).
 */
export function receiptArrowSchema(children?: readonly Data[]): Schema {
  const fields = (RECEIPT_FIELDS as readonly FieldSpec[]).map((spec, i) => {
    let type = arrowTypeOf(spec);
    const actual = children?.[i]?.type;
    if (type instanceof Dictionary && actual instanceof Dictionary) type = new Dictionary(new Utf8(), actual.indices);
    return new Field(spec.name, type, !(spec.required || spec.name === "n_total" || spec.name === "receipt_key"));
  });
  return new Schema(fields, new Map([["safety_receipts.schema_version", SCHEMA_VERSION]]));
}

/**
 * All-null columns of n rows for the fields a load did not read, every type a view of one
 * zeroed buffer (so 25 unread fields cost 8 bytes a row, not 25 arrays).
 */
export class NullColumns {
  private readonly zeros: ArrayBuffer;
  constructor(private readonly n: number) {
    this.zeros = new ArrayBuffer(8 * (n + 1));
  }
  vector(spec: FieldSpec): Vector {
    const n = this.n, type = arrowTypeOf(spec);
    const nullBitmap = new Uint8Array(this.zeros, 0, (n + 7) >> 3);
    const i32 = new Int32Array(this.zeros, 0, n + 1);
    // an empty dictionary: one-byte codes, as a builder gives for a column of nulls
    if (type instanceof Dictionary) return makeVector(makeData({ type: new Dictionary(new Utf8(), new Int8()), length: n, nullCount: n, nullBitmap, data: new Int8Array(this.zeros, 0, n), dictionary: makeVector(makeData({ type: new Utf8(), length: 0, nullCount: 0, valueOffsets: new Int32Array(1), data: new Uint8Array(0) })) }));
    if (type instanceof Int32) return makeVector(makeData({ type, length: n, nullCount: n, nullBitmap, data: i32.subarray(0, n) }));
    if (type instanceof Float64) return makeVector(makeData({ type, length: n, nullCount: n, nullBitmap, data: new Float64Array(this.zeros, 0, n) }));
    if (type instanceof Bool) return makeVector(makeData({ type, length: n, nullCount: n, nullBitmap, data: new Uint8Array(this.zeros, 0, (n + 7) >> 3) }));
    if (type instanceof Utf8) return makeVector(makeData({ type, length: n, nullCount: n, nullBitmap, valueOffsets: i32, data: new Uint8Array(0) }));
    const child = makeData({ type: new Utf8(), length: 0, nullCount: 0, valueOffsets: new Int32Array(1), data: new Uint8Array(0) });
    return makeVector(makeData({ type: type as List<Utf8>, length: n, nullCount: n, nullBitmap, valueOffsets: i32, child }));
  }
}

