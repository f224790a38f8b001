/**
 * Writes the binary cases of the malformed-input corpus (Arrow and Parquet). Deterministic:
 * running it again gives the same bytes. Run `npx tsx test/io/corpus/make-binary-cases.ts`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Float64, Table, tableToIPC, Utf8, vectorFromArray, type Vector } from "apache-arrow";
import { Compression, Table as WasmTable, writeParquet, WriterPropertiesBuilder } from "parquet-wasm";
import { arrowTypeOf } from "../../../src/io/arrow-schema";
import { INPUT_FIELDS } from "../../../src/receipt/fields";

const HERE = __dirname;
const GOOD = { run_id: "r1", model: "m1", judge: "wildguard", n_benign: 2, n_harmful: 1, query_source: "harmbench", judge_label: "refusal" };

/** A table in the kit's canonical column types, holding whatever values it is given (bad ones too). */
function canonicalTable(records: Record<string, unknown>[]): Table {
  const cols: Record<string, Vector> = {};
  for (const spec of INPUT_FIELDS) cols[spec.name] = vectorFromArray(records.map((r) => r[spec.name] ?? null), arrowTypeOf(spec));
  return new Table(cols);
}

function parquetBytes(table: Table): Uint8Array {
  const props = new WriterPropertiesBuilder().setCompression(Compression.UNCOMPRESSED).setCreatedBy("safety-receipts test corpus").build();
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, "stream")), props);
}

// Parquet without the required judge, query_source and judge_label columns.
writeFileSync(join(HERE, "parquet-missing-columns.parquet"), parquetBytes(new Table({
  run_id: vectorFromArray(["r1", "r1"], new Utf8()),
  model: vectorFromArray(["m1", "m1"], new Utf8()),
  n_benign: vectorFromArray([1, 2], new Float64()),
  n_harmful: vectorFromArray([0, 0], new Float64()),
})));

// Canonical Arrow: row 2 has a negative count, row 4 an unknown label, row 5 schedule none with both kinds.
writeFileSync(join(HERE, "arrow-canonical-bad-rows.arrow"), tableToIPC(canonicalTable([
  { ...GOOD, query_id: "q1" },
  { ...GOOD, query_id: "q2", n_harmful: -1 },
  { ...GOOD, query_id: "q3", training_stage: null },
  { ...GOOD, query_id: "q4", judge_label: "maybe" },
  { ...GOOD, query_id: "q5", schedule: "none" },
  { ...GOOD, query_id: "q6", demo_ids: ["b1", "b2", "h1"], created_at: "2026-06-18T12:00:00Z" },
]), "file"));

// Canonical Parquet: row 3 repeats row 1's key, row 4 has no model.
writeFileSync(join(HERE, "parquet-canonical-duplicate.parquet"), parquetBytes(canonicalTable([
  { ...GOOD, query_id: "q1" },
  { ...GOOD, query_id: "q2" },
  { ...GOOD, query_id: "q1", judge_label: "compliance" },
  { ...GOOD, query_id: "q4", model: null },
])));

// Foreign Arrow (counts as float64, strings not dictionary-encoded): row 2 has a fractional count.
writeFileSync(join(HERE, "arrow-foreign-types.arrow"), tableToIPC(new Table({
  run_id: vectorFromArray(["r1", "r1"], new Utf8()),
  model: vectorFromArray(["m1", "m1"], new Utf8()),
  judge: vectorFromArray(["wildguard", "wildguard"], new Utf8()),
  n_benign: vectorFromArray([2, 2.5], new Float64()),
  n_harmful: vectorFromArray([1, 1], new Float64()),
  query_source: vectorFromArray(["harmbench", "harmbench"], new Utf8()),
  query_id: vectorFromArray(["q1", "q2"], new Utf8()),
  judge_label: vectorFromArray(["refusal", "refusal"], new Utf8()),
}), "file"));
