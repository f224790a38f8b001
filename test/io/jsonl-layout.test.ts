/**
 * The byte-level JSONL reader's reading of a line on the previous line's layout (its keys in
 * the same order): no repeated-key check while every key so far is the previous line's at the
 * same position, the previous line's field offsets updated in place, and only the values of
 * fields the layout lacks cleared before the line. Each test compares the reader with the
 * record loader (`fromRecords` of `JSON.parse`d lines), which takes none of these shortcuts,
 * on lines that leave the layout at every position: a field missing, one more, two swapped,
 * a key repeated, the line ending early, and bad lines (which the in-place update must not
 * leave behind as the layout of the lines after them).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fromJSONL, toJSONL } from "../../src/io/jsonl";
import { fromRecords } from "../../src/io/load";
import { receipt, sameAsRecords } from "./jsonl-reference";


/** A receipt's JSON text with its keys in the order `keys` (values as given). */
function inOrder(o: Record<string, unknown>, keys: readonly string[]): string {
  return "{" + keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(o[k])}`).join(",") + "}";
}

// Optional fields given a value on every line, so that a line leaving one out must not keep the line before's.
const FULL = { adopted_cue: true, response_harmful: true, judge_raw: "raw text", format_cue: "custom", format_cue_text: "Answer:", finish_reason: "length" };
const KEYS = Object.keys(receipt(0, FULL));

test("a line missing a field, at every position, after lines of the full layout: the field is null or its default, never the line before's", () => {
  const lines: string[] = [];
  const missing: number[] = [];
  for (let at = 0; at < KEYS.length; at++) {
    const keys = KEYS.filter((_, k) => k !== at);
    for (const layout of [KEYS, KEYS, keys, keys, KEYS]) {
      if (layout === keys && KEYS[at] === "adopted_cue") missing.push(lines.length);
      lines.push(inOrder(receipt(lines.length, FULL), layout));
    }
  }
  sameAsRecords(lines);
  // Left-out optional fields read as null (or their default), not the line before's value.
  const table = fromJSONL(lines.join("\n") + "\n", { strict: false });
  const cue = table.column("adopted_cue") as unknown as { get(i: number): boolean | null };
  const sample = table.column("sample_index") as unknown as { get(i: number): number };
  let checked = 0;
  for (let r = 0; r < table.numRows; r++) {
    assert.equal(cue.get(r), missing.includes(sample.get(r)) ? null : true, `row of line ${sample.get(r) + 1}`);
    checked++;
  }
  assert.ok(checked > 100);
});

test("a line ending early (its last fields left out) and a line with one field more, at every position", () => {
  const lines: string[] = [];
  for (let n = KEYS.length - 1; n > KEYS.length - 8; n--) {
    lines.push(inOrder(receipt(lines.length, FULL), KEYS), inOrder(receipt(lines.length, FULL), KEYS.slice(0, n)));
    lines.push(inOrder(receipt(lines.length, FULL), KEYS.slice(0, n)), inOrder(receipt(lines.length, FULL), KEYS));
  }
  // An unknown field (with unknownFields "error": the row validator words it) or a derived one, anywhere.
  for (let at = 0; at <= KEYS.length; at += 3) {
    const o = receipt(lines.length, FULL);
    const text = inOrder(o, KEYS);
    lines.push(text);
    const keys = [...KEYS.slice(0, at), "n_total", ...KEYS.slice(at)];
    lines.push(inOrder({ ...receipt(lines.length, FULL), n_total: (o.n_benign as number) + (o.n_harmful as number) }, keys));
    lines.push(inOrder({ ...receipt(lines.length, FULL), n_total: 99 }, keys)); // contradicts its counts
    lines.push(inOrder({ ...receipt(lines.length, FULL), not_a_field: 1 }, [...KEYS.slice(0, at), "not_a_field", ...KEYS.slice(at)]));
    lines.push(inOrder(receipt(lines.length, FULL), KEYS));
  }
  sameAsRecords(lines);
});

test("two fields swapped, and a key repeated in place of the layout's, at every position: repeated keys are still reported", () => {
  const lines: string[] = [];
  /** Line number (1-based) -> the key given twice on it. */
  const repeated = new Map<number, string>();
  for (let at = 1; at < KEYS.length; at++) {
    const swapped = [...KEYS];
    [swapped[at - 1], swapped[at]] = [swapped[at], swapped[at - 1]];
    lines.push(inOrder(receipt(lines.length, FULL), KEYS), inOrder(receipt(lines.length + 1, FULL), swapped), inOrder(receipt(lines.length + 2, FULL), KEYS));
    // The key of an earlier field where the layout has another, then the layout again.
    const fields = inOrder(receipt(lines.length, FULL), KEYS).slice(1, -1).split(/,(?=")/);
    fields[at] = fields[at - 1];
    lines.push("{" + fields.join(",") + "}");
    repeated.set(lines.length, KEYS[at - 1]);
    // A repeated key after the layout's last.
    lines.push(inOrder(receipt(lines.length, FULL), [...KEYS, KEYS[at]]));
    repeated.set(lines.length, KEYS[at]);
    lines.push(inOrder(receipt(lines.length, FULL), KEYS));
  }
  // The record loader cannot see a repeated key (JSON.parse keeps the last value): it is given the other lines.
  const table = fromJSONL(lines.join("\n") + "\n", { strict: false });
  const reference = fromRecords(lines.filter((_, i) => !repeated.has(i + 1)).map((l) => JSON.parse(l)));
  assert.equal(toJSONL(table), toJSONL(reference));
  assert.deepEqual(table.issues.map((i) => [i.line, i.field, /appears twice in one object/.test(i.message)]), [...repeated].map(([line, key]) => [line, key, true]));
});

test("bad lines on the layout (a wrong value, bad JSON, a line cut short, an empty object) and good lines after them", () => {
  const lines: string[] = [];
  const bad = new Set<number>();
  const good = (i: number) => inOrder(receipt(i, FULL), KEYS);
  for (let at = 0; at < KEYS.length; at++) {
    const text = good(lines.length);
    const fields = text.slice(1, -1).split(/,(?=")/);
    const wrong = [...fields];
    wrong[at] = wrong[at].replace(/:.*$/, ':{"x":[1,2]}'); // every field's value of the wrong type
    lines.push(text, "{" + wrong.join(",") + "}");
    bad.add(lines.length);
    lines.push(good(lines.length));
    lines.push(text.slice(0, text.indexOf(fields[at]) + 3)); // cut in field `at`
    bad.add(lines.length);
    lines.push(good(lines.length));
  }
  lines.push("{}");
  bad.add(lines.length);
  lines.push(good(lines.length), "{ }");
  bad.add(lines.length);
  lines.push(good(lines.length), good(lines.length + 1));
  const table = fromJSONL(lines.join("\n") + "\n", { strict: false });
  const reference = fromRecords(lines.filter((_, i) => !bad.has(i + 1)).map((l) => JSON.parse(l)));
  assert.equal(toJSONL(table), toJSONL(reference));
  assert.deepEqual([...new Set(table.issues.map((i) => i.line))], [...bad]);
  // The lines of the wrong type as the record loader words them.
  sameAsRecords(lines.filter((l) => { try { JSON.parse(l); return true; } catch { return false; } }));
});

test("many lines on one layout, values changing in every field in turn, and every field absent in turn: same rows as the record loader", () => {
  const lines: string[] = [];
  let seed = 2026;
  const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  for (let i = 0; i < 3000; i++) {
    const o = receipt(i, FULL);
    // A field changed (to a value of another length, so later fields move) or dropped.
    const k = KEYS[rand(KEYS.length)];
    if (typeof o[k] === "string" && !/^(run_id|model|judge|query_id|query_source|created_at|system_prompt_sha256|training_stage|schedule|format_cue|finish_reason|judge_label|query_category|harmful_demo_source|benign_demo_source)$/.test(k)) o[k] = (o[k] as string) + "y".repeat(rand(9));
    const keys = rand(10) === 0 ? KEYS.filter((x) => x !== KEYS[rand(KEYS.length)]) : KEYS;
    lines.push(inOrder(o, keys));
  }
  sameAsRecords(lines);
});
