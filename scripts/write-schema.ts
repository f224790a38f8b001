/**
 * Writes the schema artefacts derived from src/receipt/fields.ts:
 *   data/schema/receipt.schema.json   JSON Schema (draft 2020-12) of one receipt
 *   data/README.md                    the field glossary, between <!-- fields:start --> and <!-- fields:end -->
 * Run `npx tsx scripts/write-schema.ts` after changing the declaration; test/receipt/schema-files.test.ts
 * fails while the committed copies are stale.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fieldGlossaryMarkdown, receiptJsonSchema } from "../src/receipt/describe";

export const ROOT = join(__dirname, "..");
export const SCHEMA_PATH = join(ROOT, "data", "schema", "receipt.schema.json");
export const README_PATH = join(ROOT, "data", "README.md");
const START = "<!-- fields:start -->", END = "<!-- fields:end -->";

export function schemaFileText(): string {
  return JSON.stringify(receiptJsonSchema(), null, 2) + "\n";
}

/** data/README.md with the glossary block filled in (a heading and the block when there is no README yet). */
export function readmeText(existing: string | null): string {
  const block = `${START}\n${fieldGlossaryMarkdown()}${END}`;
  if (existing === null) return `# Receipt data\n\n## Fields\n\n${block}\n`;
  const a = existing.indexOf(START), b = existing.indexOf(END);
  if (a < 0 || b < a) return existing;
  return existing.slice(0, a) + block + existing.slice(b + END.length);
}

function main(): void {
  mkdirSync(dirname(SCHEMA_PATH), { recursive: true });
  writeFileSync(SCHEMA_PATH, schemaFileText());
  const before = existsSync(README_PATH) ? readFileSync(README_PATH, "utf8") : null;
  const after = readmeText(before);
  if (after !== before) writeFileSync(README_PATH, after);
  if (before !== null && !before.includes(START)) console.warn(`${README_PATH} has no ${START} ... ${END} markers; glossary not written`);
  console.log(`wrote ${SCHEMA_PATH}${after !== before ? ` and ${README_PATH}` : ""}`);
}

if (require.main === module) main();
