/**
 * The byte-level JSONL reader's shortcuts against the record loader (`fromRecords` of
 * `JSON.parse`d lines), which takes none of them: the comparison with the line before
 * eight bytes at a time (a difference at every offset of an eight-byte word, in a value's
 * last byte), timestamps handed to their column as bytes (only in the common form, checked
 * at byte level exactly as the string check does), and values checks skipped for a value
 * equal to the last one accepted (a bad value after good equal ones is still refused).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fromJSONL, toJSONL } from "../../src/io/jsonl";
import { fromRecords } from "../../src/io/load";
import { commonTimestamp, commonTimestampBytes } from "../../src/receipt/validate";
import { receipt, sameAsRecords } from "./jsonl-reference";


test("commonTimestampBytes accepts exactly the strings commonTimestamp accepts", () => {
  const base = "2026-06-18T12:34:56.789Z";
  const cases = new Set<string>([base, base.slice(0, 19) + "Z", "2026-02-28T23:59:59Z", "2026-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-28T23:59:59.999Z"]);
  // Every single-character change of the long and short forms, and every length up to 26.
  const alphabet = "0123456789-T:.Z+ zt/";
  for (const s of [base, base.slice(0, 19) + "Z"]) {
    for (let i = 0; i < s.length; i++) for (const c of alphabet) cases.add(s.slice(0, i) + c + s.slice(i + 1));
    for (let n = 0; n <= 26; n++) cases.add(s.slice(0, n));
    cases.add(s + "Z");
  }
  // Seeded random digits in every position (months 00-99, days 00-99, hours...).
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % 10;
  for (let k = 0; k < 2000; k++) cases.add(base.replace(/\d/g, () => String(rand())));
  let accepted = 0;
  for (const s of cases) {
    const bytes = Buffer.from("xx" + s + "yy", "latin1");
    assert.equal(commonTimestampBytes(bytes, 2, 2 + s.length), commonTimestamp(s), s);
    if (commonTimestamp(s)) accepted++;
  }
  assert.ok(accepted > 100 && accepted < cases.size - 100, `both outcomes are tested (${accepted} of ${cases.size})`);
});

test("timestamps read from bytes: common, uncommon but valid, invalid, escaped, non-ASCII, repeated and changing", () => {
  const stamps: unknown[] = [
    "2026-06-18T12:00:00.000Z", "2026-06-18T12:00:00.000Z", "2026-06-18T12:00:00.001Z", "2026-06-18T12:00:00Z",
    "2026-06-30T12:00:00Z", // day 29 to 31: not the common form, valid (the checker)
    "2026-02-30T12:00:00Z", // invalid: no such day
    "2026-06-18T12:00:00+02:00", "2026-06-18 12:00:00Z", "2026-06-18T12:00:00.000Z", "2026-06-18T12:00:00.000Z",
    "not a time", "2026-06-18T12:00:00.000Z", null, "2026-06-18T12:00:00.000Z", 12, "2026-06-18T12:00:00.000Z",
    "2026-06-18T12:00:00.000\u00dc", "2026-06-18T12:00:00.000Z", "2026-13-18T12:00:00.000Z", "2026-06-18T24:00:00.000Z",
    "2026-06-18T12:00:00.000Z",
  ];
  const lines = stamps.map((s, i) => JSON.stringify(receipt(i, { created_at: s })));
  // Escaped spellings of a common-form timestamp (the same text; read the general way).
  lines.push(JSON.stringify(receipt(100, { created_at: "2026-06-18T12:00:00.000Z" })).replace('"2026-06-18T12:00:00.000Z"', '"2026-06-18T12:00:00.000\\u005a"'));
  lines.push(JSON.stringify(receipt(101, { created_at: "2026-06-18T12:00:00.000Z" })));
  lines.push(JSON.stringify(receipt(102, { created_at: "2026-06-18T12:00:00.000Z" })).replace('"2026-06-18T12:00:00.000Z"', '"2026-06-18T12:00:00.000\\u005A"'));
  lines.push(JSON.stringify(receipt(103, { created_at: "2026-02-31T12:00:00.000Z" })).replace('"2026-02-31T12:00:00.000Z"', '"2026-02-3\\u0031T12:00:00.000Z"'));
  sameAsRecords(lines);
  const table = fromJSONL(lines.join("\n") + "\n", { strict: false });
  assert.ok(table.issues.length >= 6, "the invalid timestamps are reported");
  assert.ok(table.issues.every((i) => i.field === "created_at"));
  // Strict mode stops at the first bad one with the same message.
  assert.throws(() => fromJSONL(lines.join("\n") + "\n"), (e: Error) => e.message.includes(":6: created_at:"));
});

test("a line that differs from the line before in one byte at any offset, or only in the last byte of a key value", () => {
  const lines: string[] = [];
  // Values of every length from 1 to 20 bytes, each changed in its last byte: the difference
  // falls at every offset of an eight-byte word of the comparison.
  for (let len = 1; len <= 20; len++) {
    const v = "m".repeat(len);
    for (const last of ["a", "b", "a"]) lines.push(JSON.stringify(receipt(lines.length, { model: v.slice(0, -1) + last, judge_version: "v" + "x".repeat(len) })));
  }
  sameAsRecords(lines);
  // Key fields changed in their last byte only: not duplicates. The same line again: a duplicate naming both lines.
  const a = JSON.stringify(receipt(7, { query_id: "q0001" }));
  const keyed = [a, a.replace('"q0001"', '"q0002"'), a.replace('"sample_index":7', '"sample_index":8'), a.replace('"run_id":"', '"run_id":"x'), a];
  const table = fromJSONL(keyed.join("\n") + "\n", { strict: false });
  assert.equal(table.numRows, 4);
  assert.equal(table.issues.length, 1);
  assert.equal(table.issues[0].line, 5);
  assert.match(table.issues[0].message, /as <input>:1;/);
  sameAsRecords(keyed);
});

test("a value equal to the last accepted is accepted without its check; a bad value after equal good ones is still refused", () => {
  const lines: string[] = [];
  const plan: Record<string, unknown>[] = [
    { temperature: 0.5, max_tokens: 512, latency_ms: 100 },
    { temperature: 0.5, max_tokens: 512, latency_ms: 100 },
    { temperature: -1, max_tokens: 512, latency_ms: 100 }, // out of range
    { temperature: 0.5, max_tokens: 512.5, latency_ms: 100 }, // not an integer
    { temperature: 0.5, max_tokens: 512, latency_ms: 1e400 }, // not finite
    { temperature: 0.5, max_tokens: 512, latency_ms: 100 },
    { temperature: 0.5, max_tokens: "512", latency_ms: 100 }, // a string
    { temperature: 0.5, max_tokens: 512, latency_ms: 100 },
  ];
  plan.forEach((o, i) => lines.push(JSON.stringify(receipt(i, o)).replace("1e+400", "1e400").replace('"latency_ms":null', '"latency_ms":1e400')));
  // JSON.stringify writes Infinity as null: spell the number as the file would.
  const table = fromJSONL(lines.join("\n") + "\n", { strict: false });
  assert.equal(table.numRows, 4);
  assert.deepEqual(table.issues.map((i) => [i.line, i.field]), [[3, "temperature"], [4, "max_tokens"], [5, "latency_ms"], [7, "max_tokens"]]);
});

test("repeating values past the cache's pool: distinct values over a MiB, and values that come back after it was cleared", () => {
  const models = ["m".repeat(60) + "1", "m".repeat(60) + "2", "m".repeat(60) + "3"];
  const lines: string[] = [];
  // 30,000 distinct query ids of 40 bytes (1.2 MB of cached values) with the models coming back throughout.
  for (let i = 0; i < 30000; i++) lines.push(JSON.stringify(receipt(i, { query_id: "q" + String(i).padStart(39, "0"), model: models[(i * 7) % 3] })));
  const table = fromJSONL(lines.join("\n") + "\n");
  assert.equal(table.numRows, lines.length);
  const ids = table.column("query_id") as unknown as { get(i: number): string };
  const model = table.column("model") as unknown as { get(i: number): string };
  for (let i = 0; i < lines.length; i += 97) {
    assert.equal(ids.get(i), "q" + String(i).padStart(39, "0"));
    assert.equal(model.get(i), models[(i * 7) % 3]);
  }
  assert.equal(ids.get(lines.length - 1), "q" + String(lines.length - 1).padStart(39, "0"));
  assert.equal(toJSONL(table), toJSONL(fromRecords(lines.map((l) => JSON.parse(l)))));
});

test("text copied to its column from the reader's bytes four at a time: every length from 0 to 40, multi-byte characters at the end", () => {
  const lines: string[] = [];
  for (let n = 0; n <= 40; n++) {
    const plain = Array.from({ length: n }, (_, k) => String.fromCharCode(97 + ((k * 7 + n) % 26))).join("");
    lines.push(JSON.stringify(receipt(lines.length, { response: plain })));
    lines.push(JSON.stringify(receipt(lines.length, { response: plain + "é" })));
    lines.push(JSON.stringify(receipt(lines.length, { response: plain + "👋", judge_raw: "x" + plain })));
  }
  sameAsRecords(lines);
});

test("a reader released after a feed (its view of the buffer dropped) reads the next buffer's lines the same (a view left null would throw at the first repeated run)", async () => {
  const { JSONLLines, scanOptionsOf } = await import("../../src/io/jsonl-scan");
  const goodLines: number[] = [];
  const sink = {
    good(_values: unknown, line: number) { goodLines.push(line); },
    record() { return true; },
    problems(issues: readonly { line: number | null; message: string }[]) { throw new Error(`unexpected problems: ${issues.map((i) => i.message).join("; ")}`); },
  };
  const lines = new JSONLLines(sink as never, null, scanOptionsOf({ strict: true } as never, {}));
  const text = (from: number) => [0, 1, 2].map((k) => JSON.stringify(receipt(from + k))).join("\n") + "\n";
  const a = Buffer.from(text(0)), b = Buffer.from(text(3));
  assert.equal(lines.feed(a as never, 0, a.length, false), a.length);
  lines.release();
  lines.feed(b as never, 0, b.length, true);
  lines.release();
  assert.deepEqual(goodLines, [1, 2, 3, 4, 5, 6]);
});

test("enum words read from bytes (replaced by the declared strings as they enter the cache): every declared word of every enum field, and undeclared ones, as the record loader reads them", async () => {
  const { INPUT_FIELDS } = await import("../../src/receipt/fields");
  const lines: string[] = [];
  for (const f of INPUT_FIELDS) {
    if (f.kind !== "enum") continue;
    for (const w of [...f.values!, "not-a-" + f.name, f.values![0].toUpperCase(), f.values![0] + " "]) {
      for (let r = 0; r < 2; r++) lines.push(JSON.stringify(receipt(lines.length, { [f.name]: w, ...(f.name === "format_cue" ? { format_cue_text: "Answer:" } : {}) })));
    }
  }
  sameAsRecords(lines);
  const table = fromJSONL(lines.join("\n") + "\n", { strict: false });
  assert.ok(table.numRows > 20 && table.issues.length >= 8, `${table.numRows} rows, ${table.issues.length} issues`);
});
