import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fieldGlossaryMarkdown, receiptJsonSchema } from "../../src/receipt/describe";
import { INPUT_FIELDS, RECEIPT_FIELDS } from "../../src/receipt/fields";
import { README_PATH, readmeText, SCHEMA_PATH, schemaFileText } from "../../scripts/write-schema";

const RERUN = "stale: run `npx tsx scripts/write-schema.ts` and commit the result";

test("data/schema/receipt.schema.json matches the declaration", () => {
  assert.ok(existsSync(SCHEMA_PATH), `${SCHEMA_PATH} is missing; ${RERUN}`);
  assert.ok(readFileSync(SCHEMA_PATH, "utf8") === schemaFileText(), `${SCHEMA_PATH} is ${RERUN}`);
});

test("data/README.md's field glossary matches the declaration", () => {
  assert.ok(existsSync(README_PATH), `${README_PATH} is missing; ${RERUN}`);
  const text = readFileSync(README_PATH, "utf8");
  assert.ok(text.includes("<!-- fields:start -->") && text.includes("<!-- fields:end -->"), `${README_PATH} lost its <!-- fields:start --> / <!-- fields:end --> markers`);
  assert.ok(readmeText(text) === text, `the glossary in ${README_PATH} is ${RERUN}`);
});

test("receiptJsonSchema: required, enums, ranges, patterns, defaults and no extra properties", () => {
  const s = receiptJsonSchema() as any;
  assert.equal(s.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.equal(s.additionalProperties, false);
  assert.deepEqual(s.required, ["run_id", "model", "judge", "n_benign", "n_harmful", "query_source", "judge_label"]);
  assert.deepEqual(Object.keys(s.properties), RECEIPT_FIELDS.map((f) => f.name));
  assert.deepEqual(s.properties.judge_label.enum, ["refusal", "compliance", "parse_error"]);
  assert.deepEqual(s.properties.training_stage.enum.at(-1), null);
  assert.equal(s.properties.training_stage.default, "unknown");
  assert.equal(s.properties.top_p.minimum, 0);
  assert.equal(s.properties.top_p.maximum, 1);
  assert.equal(s.properties.n_benign.type, "integer");
  assert.deepEqual(s.properties.judge_score.type, ["number", "null"]);
  assert.equal(s.properties.response_sha256.pattern, "^(?:[0-9a-f]{64})$");
  assert.equal(s.properties.sampling_seed.maximum, Number.MAX_SAFE_INTEGER);
  for (const f of RECEIPT_FIELDS) assert.equal(s.properties[f.name].description, f.description);
});

test("fieldGlossaryMarkdown: one row a field, in declaration order", () => {
  const lines = fieldGlossaryMarkdown().trim().split("\n");
  assert.equal(lines[0], "| field | group | type | required | default | description |");
  assert.equal(lines.length, 2 + RECEIPT_FIELDS.length);
  RECEIPT_FIELDS.forEach((f, i) => assert.ok(lines[2 + i].startsWith(`| \`${f.name}\` |`), lines[2 + i]));
  assert.ok(lines.some((l) => l.startsWith("| `format_cue` | condition | `none` \\| `neutral`") && l.includes("| no | `none` |")));
  assert.equal(INPUT_FIELDS.length, RECEIPT_FIELDS.length - 4);
});

test("readmeText replaces only the block between the markers", () => {
  const before = "# Data\n\nProse.\n\n<!-- fields:start -->\nold\n<!-- fields:end -->\n\nMore prose.\n";
  const after = readmeText(before);
  assert.ok(after.startsWith("# Data\n\nProse.\n\n<!-- fields:start -->\n| field |"));
  assert.ok(after.endsWith("<!-- fields:end -->\n\nMore prose.\n"));
  assert.equal(readmeText("# No markers\n"), "# No markers\n");
});
