/**
 * The reference the JSONL reader's fast paths are tested against: the record loader
 * (`fromRecords` on `JSON.parse` of each line), which has no fast path. Shared by
 * jsonl-fast-paths and jsonl-layout.
 */
import assert from "node:assert/strict";
import { fromJSONL, toJSONL } from "../../src/io/jsonl";
import { fromRecords } from "../../src/io/load";
import { benchReceipt } from "../../bench/receipt-generator";

/** The bench generator's receipt i, with a distinct sample_index, and any field overridden. */
export function receipt(i: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(benchReceipt(i) as unknown as Record<string, unknown>), sample_index: i, ...overrides };
}

/** The JSONL reader and the record loader give the same rows and the same problems (line, field, message). */
export function sameAsRecords(lines: string[], strict = false): void {
  const table = fromJSONL(lines.join("\n") + "\n", { strict });
  const reference = fromRecords(lines.map((l) => JSON.parse(l)), { strict });
  assert.equal(table.numRows, reference.numRows);
  assert.equal(toJSONL(table), toJSONL(reference));
  assert.deepEqual(table.issues.map((i) => [i.line, i.field, i.message]), reference.issues.map((i) => [i.line, i.field, i.message]));
}
