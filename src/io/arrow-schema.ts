/**
 * Arrow types for receipt fields, derived from the declaration. Repeating strings are
 * dictionary-encoded; counts are int32; seeds are float64 holding safe integers (Arrow's
 * int64 would surface as BigInt); timestamps stay ISO strings so a round trip keeps the
 * writer's exact text.
 */
import { Bool, DataType, Dictionary, Field, Float64, Int32, List, Schema, Utf8 } from "apache-arrow";
import { RECEIPT_FIELDS, SCHEMA_VERSION, type FieldSpec } from "../receipt/fields";

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

export function receiptArrowSchema(): Schema {
  const fields = (RECEIPT_FIELDS as readonly FieldSpec[]).map(
    (spec) => new Field(spec.name, arrowTypeOf(spec), !(spec.required || spec.name === "n_total" || spec.name === "receipt_key")),
  );
  return new Schema(fields, new Map([["safety_receipts.schema_version", SCHEMA_VERSION]]));
}
