/**
 * The byte-level JSONL reader against an independent reference: `JSON.parse` of each line
 * and the record loader (`fromRecords`, which validates parsed objects and never sees the
 * file's bytes). Values that repeat line after line are recognised by their bytes (the last
 * value of the field, then a cache by a hash of the bytes), so the lines here change a value
 * by one byte, by its length, by an escape spelling the same text, by a multi-byte character
 * or a surrogate pair, and come back to earlier values. A file over the sizes where the
 * reader reads ahead, hashes on another thread and sizes its columns from the first chunk is
 * read as the same text in memory is, with the file's SHA-256.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fromArrow, toArrow } from "../../src/io/arrow-ipc";
import { fromJSONL, toJSONL } from "../../src/io/jsonl";
import { fromRecords, loadReceipts } from "../../src/io/load";
import { benchReceipt } from "../../bench/receipt-generator";

const dir = mkdtempSync(join(tmpdir(), "receipts-bytes-"));

/** Raw JSON text of a string value as written (escapes kept as given). */
const raw = (json: string) => ({ __raw: json });
type Raw = ReturnType<typeof raw>;

/** A receipt line with some values spelled as raw JSON text. */
function lineOf(i: number, overrides: Record<string, unknown>): string {
  // sample_index i keeps the keys distinct whatever the overrides.
  const r = { ...(benchReceipt(i) as unknown as Record<string, unknown>), sample_index: i, ...overrides };
  const parts: string[] = [];
  for (const [k, v] of Object.entries(r)) {
    if (v === undefined) continue;
    const text = v !== null && typeof v === "object" && "__raw" in (v as object) ? (v as Raw).__raw : JSON.stringify(v);
    parts.push(`${JSON.stringify(k)}:${text}`);
  }
  return "{" + parts.join(",") + "}";
}

/** Dictionary, text, number and boolean values in an order that defeats a byte-prefix shortcut. */
const VARIANTS: Record<string, unknown>[] = [
  { model: "abc", query_id: "q1", response: "plain", temperature: 12, max_tokens: 12, response_harmful: true },
  { model: "abcd", query_id: "q12", response: "plain", temperature: 123, max_tokens: 123, response_harmful: false },
  { model: "ab", query_id: "q1", response: "plainer", temperature: 1, max_tokens: 1, response_harmful: null },
  { model: raw('"a\\u0062c"'), query_id: raw('"q\\u0031"'), response: raw('"line\\nbreak \\"quoted\\" back\\\\slash \\/ \\u0041"'), temperature: 12.5, max_tokens: 12 },
  { model: "abc", query_id: "q1", response: "première ligne ✓", temperature: 1e2, max_tokens: 100 },
  { model: "abé", query_id: "qé", response: "emoji 👋 raw", temperature: 0.5, max_tokens: 5 },
  { model: raw('"ab\\u00e9"'), query_id: raw('"q\\u00e9"'), response: raw('"emoji \\ud83d\\udc4b escaped"'), temperature: 0.25, max_tokens: 50 },
  { model: "ab😀", query_id: "q😀", response: "😀", temperature: 0, max_tokens: 500 },
  { model: raw('"ab\\ud83d\\ude00"'), query_id: raw('"q\\ud83d\\ude00"'), response: raw('"\\ud83d\\ude00"'), temperature: 0, max_tokens: 501 },
  { model: "abc", query_id: "q1", response: "", temperature: 0, max_tokens: 1 },
  { model: "ab", query_id: "q", response: "x", temperature: 10, max_tokens: 10 },
  { model: "abc", query_id: "q1", response: "plain", temperature: 12, max_tokens: 12, response_harmful: true },
];

test("values read from bytes equal JSON.parse's: escapes, multi-byte text, surrogate pairs, repeating and changing values", () => {
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) lines.push(lineOf(i, VARIANTS[i % VARIANTS.length]));
  // Back to earlier values after many others (the cache, not the last value).
  for (let i = 60; i < 72; i++) lines.push(lineOf(i, VARIANTS[(i * 5) % VARIANTS.length]));
  const text = lines.join("\n") + "\n";
  const table = fromJSONL(text);
  const reference = fromRecords(lines.map((l) => JSON.parse(l)));
  assert.equal(table.numRows, lines.length);
  assert.equal(toJSONL(table), toJSONL(reference));
  // The dictionary holds each distinct text once, however it was spelled.
  const models = table.column("model") as unknown as { get(i: number): string };
  const spelled = new Set<string>();
  for (let i = 0; i < table.numRows; i++) spelled.add(models.get(i));
  assert.deepEqual([...spelled].sort(), ["ab", "abc", "abcd", "abé", "ab😀"].sort());
});

test("lines compared with the line before: spacing, order, number prefixes, repeated keys and bad tokens after equal bytes", () => {
  const base = lineOf(0, {});
  const spaced = (l: string) => l.replace(/":/g, '": ').replace(/,"/g, ', "');
  const good: string[] = [
    base,
    lineOf(1, {}),
    spaced(lineOf(2, {})), // a space after each colon and comma
    lineOf(3, {}).replace('"model":', '"model" :  '), // spaces around one colon
    lineOf(4, {}).replace('"model":', '"model":   '),
    JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(lineOf(5, {}))).reverse())), // fields in the other order
    lineOf(6, { temperature: 1 }),
    lineOf(7, { temperature: 1.5 }),
    lineOf(8, { temperature: 1e3 }),
    lineOf(9, { temperature: 10, top_p: 1 }),
    lineOf(10, { temperature: 10, top_p: 0 }),
    lineOf(11, { response_harmful: true }),
    lineOf(12, { response_harmful: true, judge: "wildguard" }),
  ];
  const bad = [
    lineOf(13, { response_harmful: true }).replace('"response_harmful":true', '"response_harmful":truex'),
    lineOf(14, {}).replace(/}$/, ',"model":"abc"}'), // a key given twice, after fields equal to the line before
    lineOf(15, { temperature: 10 }).replace('"temperature":10', '"temperature":10.'),
  ];
  const lines = [...good, lineOf(13, { response_harmful: true }), bad[0], lineOf(14, {}), bad[1], lineOf(15, { temperature: 10 }), bad[2]];
  const table = fromJSONL(lines.join("\n") + "\n", { strict: false });
  const kept = [...good, lineOf(13, { response_harmful: true }), lineOf(14, {}), lineOf(15, { temperature: 10 })];
  assert.equal(toJSONL(table), toJSONL(fromRecords(kept.map((l) => JSON.parse(l)))));
  assert.deepEqual(table.issues.map((i) => [i.line, i.field]), [[15, null], [17, "model"], [19, null]]);
  assert.match(table.issues[0].message, /^bad JSON/);
  assert.match(table.issues[1].message, /appears twice/);
  assert.match(table.issues[2].message, /^bad JSON/);
});

test("columns of nulls, and values after many nulls, hold what the records say (also through Arrow IPC)", () => {
  const records = Array.from({ length: 3000 }, (_, i) => {
    const r = { ...(benchReceipt(i) as unknown as Record<string, unknown>) };
    // Null in every row: format_cue_text, judge_raw, demo_ids. First values after 2,500 nulls:
    r.reference_label = i >= 2500 ? (i % 2 === 0 ? "refusal" : "compliance") : null;
    r.response_sha256 = i >= 2500 && i % 3 === 0 ? "0".repeat(63) + (i % 10) : null;
    r.demo_ids = null;
    return r;
  });
  const table = fromJSONL(records.map((r) => JSON.stringify(r)).join("\n"));
  const back = fromArrow(toArrow(table));
  for (const t of [table, back]) {
    for (const name of ["reference_label", "response_sha256", "format_cue_text", "judge_raw", "demo_ids"]) {
      const column = t.column(name as never) as unknown as { get(i: number): unknown; nullCount: number };
      for (let i = 0; i < records.length; i += 7) assert.equal(column.get(i), (records[i][name] as unknown) ?? null, `${name} row ${i}`);
    }
    assert.equal((t.column("format_cue_text" as never) as unknown as { nullCount: number }).nullCount, records.length);
  }
});

test("a value over maxFieldBytes or with invalid UTF-8 is reported even when the line before had the same field valid", async () => {
  const bad = Buffer.from(lineOf(2, { model: "abX" }), "utf8");
  bad[bad.indexOf("abX") + 2] = 0xff; // invalid UTF-8 where the previous line's value was plain ASCII
  const path = join(dir, "field-limits.jsonl");
  writeFileSync(path, Buffer.concat([
    Buffer.from(lineOf(0, { model: "abc" }) + "\n" + lineOf(1, { model: "abc" + "x".repeat(300) }) + "\n", "utf8"),
    bad,
    Buffer.from("\n" + lineOf(3, { model: "abc" }) + "\n", "utf8"),
  ]));
  const table = await loadReceipts(path, { strict: false, maxFieldBytes: 200 });
  assert.equal(table.numRows, 2);
  assert.deepEqual(table.issues.map((i) => [i.line, i.field]), [[2, "model"], [3, "model"]]);
  assert.match(table.issues[0].message, /maxFieldBytes/);
  assert.match(table.issues[1].message, /invalid UTF-8/);
});

test("a file past the read-ahead, hashing-thread and column-sizing thresholds reads as the same text in memory, with its SHA-256", async () => {
  const lines: string[] = [];
  // About 850 bytes a line: 42,000 lines are over 32 MiB (the hashing thread's threshold).
  for (let i = 0; i < 42_000; i++) {
    if (i === 5) lines.push('{"run_id": "r", "model": ');
    else if (i === 17_000) lines.push(JSON.stringify(benchReceipt(3)));
    else if (i === 30_001) lines.push(lineOf(i, { n_benign: -1 }));
    else if (i % 9_973 === 0) lines.push(lineOf(i, VARIANTS[(i / 9_973) % VARIANTS.length]));
    else lines.push(JSON.stringify(benchReceipt(i)));
  }
  // CRLF on some lines, and a final line without a newline.
  const text = lines.map((l, i) => (i % 1000 === 999 ? l + "\r\n" : l + "\n")).join("").replace(/\n$/, "");
  const path = join(dir, "large.jsonl");
  writeFileSync(path, text);
  assert.ok(Buffer.byteLength(text) > 32 << 20);
  const streamed = await loadReceipts(path, { strict: false });
  const inMemory = fromJSONL(text, { strict: false, file: path });
  assert.equal(streamed.numRows, 41_997);
  assert.equal(toJSONL(streamed), toJSONL(inMemory));
  assert.deepEqual(streamed.issues, inMemory.issues);
  assert.deepEqual(streamed.issues.map((i) => i.line), [6, 17_001, 30_002]);
  // The values against records parsed by JSON.parse (lines 6, 17001 and 30002 are the faulty ones).
  const good = lines.filter((_, i) => i !== 5 && i !== 17_000 && i !== 30_001).map((l) => JSON.parse(l));
  assert.equal(toJSONL(streamed), toJSONL(fromRecords(good)));
  assert.equal(streamed.sources[0].sha256, createHash("sha256").update(readFileSync(path)).digest("hex"));
});
