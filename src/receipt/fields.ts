/**
 * The receipt schema, v1, declared once as data.
 *
 * Everything else about a receipt is derived from this list: the TypeScript types
 * (`types.ts`), runtime validation (`validate.ts`), the Arrow schema (`../io/arrow-schema.ts`),
 * the JSON Schema file `data/schema/receipt.schema.json` and the glossary in `data/README.md`
 * (`describe.ts`). Add a field here and all of them follow.
 */

export const SCHEMA_VERSION = "1";

export const TRAINING_STAGES = ["base", "sft", "dpo", "rlhf", "rlvr", "instruct", "unknown"] as const;
export const SCHEDULES = ["prefix", "suffix", "random", "middle", "interleave", "none"] as const;
export const FORMAT_CUES = ["none", "neutral", "comply", "custom"] as const;
export const JUDGE_LABELS = ["refusal", "compliance", "parse_error"] as const;
/** A gold label is a reading of the answer, so it has no parse_error. */
export const REFERENCE_LABELS = ["refusal", "compliance"] as const;

export type TrainingStage = (typeof TRAINING_STAGES)[number];
export type Schedule = (typeof SCHEDULES)[number];
export type FormatCue = (typeof FORMAT_CUES)[number];
export type JudgeLabel = (typeof JUDGE_LABELS)[number];
export type ReferenceLabel = (typeof REFERENCE_LABELS)[number];

/** Where a field sits in the receipt: which part of the evaluation it describes. */
export type FieldGroup = "key" | "run" | "condition" | "query" | "outcome" | "derived";

/**
 * Value kinds. `string` columns with `dictionary: true` repeat across rows (run-level fields,
 * sources, models) and are dictionary-encoded in Arrow and Parquet.
 */
export type FieldKind = "string" | "integer" | "number" | "boolean" | "enum" | "string_list" | "timestamp";

export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  readonly group: FieldGroup;
  readonly required: boolean;
  /** Value used when the field is absent or null; `undefined` means the field stays null. */
  readonly default?: string | number | boolean;
  readonly values?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  /** A regular expression a string value must match (anchored). */
  readonly pattern?: string;
  /** Repeats across rows: dictionary-encode in Arrow and Parquet. */
  readonly dictionary?: boolean;
  /**
   * Integers that may exceed 32 bits (seeds) are stored as float64 holding a safe integer,
   * because Arrow's int64 surfaces as BigInt in JavaScript.
   */
  readonly wideInteger?: boolean;
  /** Computed by the kit on load; a value present in the input is ignored and recomputed. */
  readonly derived?: boolean;
  readonly description: string;
}

export const RECEIPT_FIELDS = [
  // key
  { name: "receipt_key", kind: "string", group: "key", required: false, derived: true,
    description: "Stable identifier of the evaluation point: a hash of run, model, query, condition and sample index. Recomputed on load; a duplicate is an error." },

  // run
  { name: "run_id", kind: "string", group: "run", required: true, dictionary: true,
    description: "Identifier of the evaluation run that produced the receipt." },
  { name: "model", kind: "string", group: "run", required: true, dictionary: true,
    description: "Model checkpoint that answered, e.g. `OLMo-3.1-32B-DPO`." },
  { name: "model_family", kind: "string", group: "run", required: false, dictionary: true,
    description: "Family the checkpoint belongs to, e.g. `OLMo-3.1-32B`; groups training stages." },
  { name: "training_stage", kind: "enum", group: "run", required: false, default: "unknown", values: TRAINING_STAGES, dictionary: true,
    description: "Training stage of the checkpoint." },
  { name: "system_prompt_sha256", kind: "string", group: "run", required: false, dictionary: true, pattern: "[0-9a-f]{64}",
    description: "SHA-256 (hex) of the system prompt; empty prompt hashes to e3b0c442...b855." },
  { name: "temperature", kind: "number", group: "run", required: false, minimum: 0,
    description: "Sampling temperature." },
  { name: "top_p", kind: "number", group: "run", required: false, minimum: 0, maximum: 1,
    description: "Nucleus sampling threshold." },
  { name: "max_tokens", kind: "integer", group: "run", required: false, minimum: 1,
    description: "Maximum tokens generated for the answer." },
  { name: "sampling_seed", kind: "integer", group: "run", required: false, wideInteger: true,
    description: "Seed passed to the model's sampler, when the server accepts one." },
  { name: "judge", kind: "string", group: "run", required: true, dictionary: true,
    description: "Refusal judge that labelled the answer, e.g. `wildguard` or `keyword`." },
  { name: "judge_version", kind: "string", group: "run", required: false, dictionary: true,
    description: "Version or checkpoint of the judge." },
  { name: "harmful_demo_source", kind: "string", group: "run", required: false, dictionary: true,
    description: "Pool of harmful compliance demonstrations, e.g. `redteam-2k`." },
  { name: "benign_demo_source", kind: "string", group: "run", required: false, dictionary: true,
    description: "Pool of benign compliance demonstrations, e.g. `ultrachat`." },
  { name: "truncation_chars", kind: "integer", group: "run", required: false, minimum: 0,
    description: "Demonstrations were truncated to this many characters." },

  // condition
  { name: "n_benign", kind: "integer", group: "condition", required: true, minimum: 0,
    description: "Number of benign compliance demonstrations before the query." },
  { name: "n_harmful", kind: "integer", group: "condition", required: true, minimum: 0,
    description: "Number of harmful compliance demonstrations before the query." },
  { name: "schedule", kind: "enum", group: "condition", required: false, values: SCHEDULES, dictionary: true,
    description: "Order of the demonstrations: prefix (harmful first), suffix (harmful last, nearest the query), random, middle (harmful between two benign blocks), interleave, or none (one kind only)." },
  { name: "format_cue", kind: "enum", group: "condition", required: false, default: "none", values: FORMAT_CUES, dictionary: true,
    description: "Cue that begins every demonstrated answer: none, neutral (`Answer:`), comply (`Sure I can help with that!`) or custom." },
  { name: "format_cue_text", kind: "string", group: "condition", required: false, dictionary: true,
    description: "Exact text of the format cue." },
  { name: "sample_index", kind: "integer", group: "condition", required: false, default: 0, minimum: 0,
    description: "Which independent sampling of demonstrations this is, for the same query and condition." },
  { name: "composition_seed", kind: "integer", group: "condition", required: false, wideInteger: true,
    description: "Seed that drew and ordered the demonstrations; with `demo_ids` it rebuilds the context." },
  { name: "demo_ids", kind: "string_list", group: "condition", required: false,
    description: "Demonstration ids in the order they appeared in the context." },

  // query
  { name: "query_id", kind: "string", group: "query", required: false, dictionary: true,
    description: "Identifier of the harmful query within its source (BehaviorID, question_id, row index)." },
  { name: "query_source", kind: "string", group: "query", required: true, dictionary: true,
    description: "Benchmark the query comes from, e.g. `harmbench`, `sorry-bench`, `wildguard-test`." },
  { name: "query_category", kind: "string", group: "query", required: false, dictionary: true,
    description: "Category of the query within its source." },

  // outcome
  { name: "judge_label", kind: "enum", group: "outcome", required: true, values: JUDGE_LABELS, dictionary: true,
    description: "The judge's label: refusal, compliance, or parse_error when its output could not be read." },
  { name: "reference_label", kind: "enum", group: "outcome", required: false, values: REFERENCE_LABELS, dictionary: true,
    description: "Gold label of the same answer from people or a stronger judge, on a validation subset (null elsewhere): refusal or compliance. Receipts with both labels estimate the judge's sensitivity and specificity." },
  { name: "judge_score", kind: "number", group: "outcome", required: false,
    description: "Judge confidence or margin, where the judge gives one." },
  { name: "judge_raw", kind: "string", group: "outcome", required: false,
    description: "The judge's raw output, kept for audit." },
  { name: "response_harmful", kind: "boolean", group: "outcome", required: false,
    description: "Whether the judge found the answer harmful (WildGuard's third line)." },
  { name: "adopted_cue", kind: "boolean", group: "outcome", required: false,
    description: "Whether the answer begins with the demonstrated format cue." },
  { name: "response", kind: "string", group: "outcome", required: false,
    description: "The model's answer." },
  { name: "response_sha256", kind: "string", group: "outcome", required: false, pattern: "[0-9a-f]{64}",
    description: "SHA-256 (hex) of the answer, for receipts that omit the text." },
  { name: "finish_reason", kind: "string", group: "outcome", required: false, dictionary: true,
    description: "Why generation stopped (`stop`, `length`, ...), as the server reported." },
  { name: "latency_ms", kind: "number", group: "outcome", required: false, minimum: 0,
    description: "Time from request to answer, in milliseconds." },
  { name: "created_at", kind: "timestamp", group: "outcome", required: false,
    description: "When the answer was received (ISO 8601 / RFC 3339 with time zone)." },
  // provenance of imported receipts (receipts import; see docs/importing.md)
  { name: "label_map", kind: "string", group: "run", required: false, dictionary: true,
    description: "How an importer read the source tool's score values as judge labels, e.g. `C=compliance,I=refusal` or `hit=compliance,miss=refusal`; null for receipts the kit collected." },
  { name: "source_metadata", kind: "string", group: "outcome", required: false,
    description: "JSON object with what the source tool recorded that has no receipt field (tool, file, sample and attempt ids, score value, sample metadata); null for receipts the kit collected." },

  // derived on load
  { name: "n_total", kind: "integer", group: "derived", required: false, derived: true, minimum: 0,
    description: "n_benign + n_harmful." },
  { name: "harmful_fraction", kind: "number", group: "derived", required: false, derived: true, minimum: 0, maximum: 1,
    description: "n_harmful / n_total; null when n_total is 0." },
  { name: "complied", kind: "boolean", group: "derived", required: false, derived: true,
    description: "judge_label is compliance; null for parse errors." },
] as const satisfies readonly FieldSpec[];

export type ReceiptFieldName = (typeof RECEIPT_FIELDS)[number]["name"];

/** Field specs by name. */
export const FIELD_BY_NAME: ReadonlyMap<string, FieldSpec> = new Map(
  (RECEIPT_FIELDS as readonly FieldSpec[]).map((f) => [f.name, f]),
);

/** Names of the fields a receipt file carries (everything but the derived ones). */
export const INPUT_FIELDS: readonly FieldSpec[] = (RECEIPT_FIELDS as readonly FieldSpec[]).filter((f) => !f.derived);
