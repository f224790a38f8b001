/**
 * Documents derived from the schema declaration: the JSON Schema that
 * `data/schema/receipt.schema.json` holds and the field glossary in `data/README.md`, both
 * written by `scripts/write-schema.ts`. A test fails when the committed copies are stale.
 */
import { FORMAT_CUES, RECEIPT_FIELDS, SCHEMA_VERSION, type FieldSpec } from "./fields";

const RFC3339_PATTERN = "^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})$";

function propertySchema(spec: FieldSpec): Record<string, unknown> {
  const p: Record<string, unknown> = { description: spec.description };
  const nullable = !spec.required && spec.name !== "n_total" && spec.name !== "receipt_key";
  const typed = (type: string) => (nullable ? [type, "null"] : type);
  switch (spec.kind) {
    case "integer": p.type = typed("integer"); break;
    case "number": p.type = typed("number"); break;
    case "boolean": p.type = typed("boolean"); break;
    case "enum": p.type = typed("string"); p.enum = nullable ? [...spec.values!, null] : [...spec.values!]; break;
    case "string_list": p.type = typed("array"); p.items = { type: "string" }; break;
    case "timestamp": p.type = typed("string"); p.format = "date-time"; p.pattern = RFC3339_PATTERN; break;
    case "string": p.type = typed("string"); if (spec.pattern) p.pattern = `^(?:${spec.pattern})$`; break;
  }
  if (spec.minimum !== undefined) p.minimum = spec.minimum;
  if (spec.maximum !== undefined) p.maximum = spec.maximum;
  if (spec.kind === "integer" && !spec.wideInteger) {
    p.minimum ??= -2147483648;
    p.maximum ??= 2147483647;
  }
  if (spec.kind === "integer" && spec.wideInteger) {
    p.minimum ??= -Number.MAX_SAFE_INTEGER;
    p.maximum ??= Number.MAX_SAFE_INTEGER;
  }
  if (spec.default !== undefined) p.default = spec.default;
  if (spec.derived) p.readOnly = true;
  return p;
}

/**
 * JSON Schema (draft 2020-12) of one receipt as written to a file, derived from
 * RECEIPT_FIELDS: types, enums, ranges, patterns, required fields, descriptions and
 * defaults. Derived fields are allowed (`readOnly`: recomputed on load). Rules across
 * fields (schedule none, custom cue text, demo_ids length) are stated as `allOf` clauses
 * where JSON Schema can say them; demo_ids' length is not expressible and is left to the kit.
 *
 * @example receiptJsonSchema().required // ["run_id", "model", "judge", "n_benign", "n_harmful", "query_source", "judge_label"]
 */
export function receiptJsonSchema(): Record<string, unknown> {
  const fields = RECEIPT_FIELDS as readonly FieldSpec[];
  const properties: Record<string, unknown> = {};
  for (const f of fields) properties[f.name] = propertySchema(f);
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `https://github.com/safety-receipts/safety-receipts/data/schema/receipt.v${SCHEMA_VERSION}.schema.json`,
    title: `Safety receipt, schema v${SCHEMA_VERSION}`,
    description: "One evaluated query under one demonstration condition. Generated from src/receipt/fields.ts by scripts/write-schema.ts; do not edit by hand.",
    type: "object",
    properties,
    required: fields.filter((f) => f.required).map((f) => f.name),
    additionalProperties: false,
    allOf: [
      {
        description: "schedule none means one kind of demonstration: n_benign or n_harmful is 0.",
        if: { properties: { schedule: { const: "none" } }, required: ["schedule"] },
        then: { anyOf: [{ properties: { n_benign: { const: 0 } } }, { properties: { n_harmful: { const: 0 } } }] },
      },
      {
        description: `format_cue custom needs format_cue_text (one of ${FORMAT_CUES.join(", ")}).`,
        if: { properties: { format_cue: { const: "custom" } }, required: ["format_cue"] },
        then: { properties: { format_cue_text: { type: "string", minLength: 1 } }, required: ["format_cue_text"] },
      },
    ],
  };
}

function typeText(spec: FieldSpec): string {
  switch (spec.kind) {
    case "enum": return spec.values!.map((v) => `\`${v}\``).join(" \\| ");
    case "string_list": return "list of strings";
    case "string": return spec.pattern ? `string /${spec.pattern}/` : "string";
    case "integer":
    case "number": {
      const range = spec.minimum !== undefined && spec.maximum !== undefined ? ` ${spec.minimum}..${spec.maximum}` : spec.minimum !== undefined ? ` >= ${spec.minimum}` : spec.maximum !== undefined ? ` <= ${spec.maximum}` : "";
      return spec.kind + range;
    }
    default: return spec.kind;
  }
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/**
 * The field glossary as a Markdown table: field, group, type, required, default,
 * description, one row a field in declaration order.
 */
export function fieldGlossaryMarkdown(): string {
  const rows = ["| field | group | type | required | default | description |", "|---|---|---|---|---|---|"];
  for (const f of RECEIPT_FIELDS as readonly FieldSpec[]) {
    const required = f.required ? "yes" : f.derived ? "derived" : "no";
    const def = f.default === undefined ? "" : `\`${String(f.default)}\``;
    rows.push(`| \`${f.name}\` | ${f.group} | ${f.kind === "enum" ? typeText(f) : cell(typeText(f))} | ${required} | ${def} | ${cell(f.description)} |`);
  }
  return rows.join("\n") + "\n";
}
