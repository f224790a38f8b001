/**
 * A seeded, bounded fuzz test of the JSONL and CSV readers: valid files are mutated (bytes
 * flipped, deleted or inserted: quotes, braces, NUL, invalid UTF-8, escaped lone surrogates,
 * repeated keys; files truncated) by a xoshiro128** stream with a fixed seed, and each
 * mutant is loaded strictly and not. Whatever the bytes, a reader must not crash (only a
 * ReceiptValidationError, or a table with issues), every issue must name the file and a
 * line that exists, problems must be located on the mutated line (a duplicate may be found
 * on a later line, naming the mutated one), and rows the mutation did not touch must load.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadReceipts } from "../../src/io/load";
import { ReceiptValidationError, type ValidationIssue } from "../../src/receipt/issues";
import { Xoshiro128 } from "../../src/random/xoshiro128";

const dir = mkdtempSync(join(tmpdir(), "receipts-fuzz-"));
const ROWS = 10;
const CASES_PER_FORMAT = 160;
/** First words of the first issue of each mutant, counted (printed by FUZZ_KINDS=1, to see what the fuzz reaches). */
const kinds = new Map<string, number>();

function receipt(i: number): Record<string, unknown> {
  return {
    run_id: "run-1", model: i % 2 ? "model-a" : "modèle-b", judge: "wildguard", n_benign: i % 3, n_harmful: 1, schedule: i % 3 ? "suffix" : "none",
    query_source: "harmbench", query_id: `q${i}`, judge_label: i % 4 ? "refusal" : "compliance", judge_score: i / 8,
    response: `answer ${i}: "quoted" and ✓ 👋`, created_at: `2026-06-${String(10 + i).padStart(2, "0")}T12:00:00Z`, adopted_cue: i % 2 === 0,
  };
}

const COLUMNS = Object.keys(receipt(0));
const csvCell = (v: unknown) => typeof v === "string" ? `"${v.replace(/"/g, '""')}"` : String(v);
const JSONL_LINES = Array.from({ length: ROWS }, (_, i) => JSON.stringify(receipt(i)));
const CSV_LINES = [COLUMNS.join(","), ...Array.from({ length: ROWS }, (_, i) => COLUMNS.map((c) => csvCell(receipt(i)[c])).join(","))];

/** Bytes that may be inserted: structure, NUL, invalid UTF-8, an escaped lone surrogate, a repeated key. */
const INSERTS: readonly (readonly number[])[] = [
  [0x22], [0x7b], [0x7d], [0x5b], [0x2c], [0x3a], [0x5c], [0x00], [0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe2, 0x82],
  [...Buffer.from("\\ud800")], [...Buffer.from('"model":"x",')], [...Buffer.from(',"model":"x"')], [...Buffer.from("NaN")],
];

interface Mutant {
  readonly bytes: Buffer;
  /** 1-based line the mutation touched; lines after it are untouched too unless `cut`. */
  readonly line: number;
  /** The file was cut in this line: nothing after it exists. */
  readonly cut: boolean;
  readonly what: string;
}

/**
 * Mutate one line of `lines` (0-based `from` up: the CSV header stays intact), never adding
 * or removing a line end except by truncating the file.
 */
function mutate(lines: readonly string[], from: number, rng: Xoshiro128, csv: boolean, quotes: boolean): Mutant {
  for (;;) {
    const m = mutateOnce(lines, from, rng, csv);
    // A CSV quote added or removed may rightly take later lines into its cell: such mutants are kept apart.
    if (!csv || m.quotes === quotes) return m;
  }
}

function mutateOnce(lines: readonly string[], from: number, rng: Xoshiro128, csv: boolean): Mutant & { quotes: boolean } {
  const k = from + rng.nextBelow(lines.length - from);
  const line = Buffer.from(lines[k]);
  const before = Buffer.from(lines.slice(0, k).map((l) => l + "\n").join(""));
  const after = Buffer.from(lines.slice(k + 1).map((l) => l + "\n").join(""));
  const at = rng.nextBelow(line.length);
  let mutated: Buffer, what: string, quotes: boolean;
  switch (rng.nextBelow(4)) {
    case 0: { // flip one bit (never into a line end)
      mutated = Buffer.from(line);
      let b: number;
      do b = line[at] ^ (1 << rng.nextBelow(8)); while (b === 10 || b === 13);
      mutated[at] = b;
      what = `flip byte ${at} to ${b}`;
      quotes = line[at] === 0x22 || b === 0x22;
      break;
    }
    case 1: { // delete a run of bytes
      const n = 1 + rng.nextBelow(Math.min(20, line.length - at));
      mutated = Buffer.concat([line.subarray(0, at), line.subarray(at + n)]);
      what = `delete ${n} bytes at ${at}`;
      quotes = line.subarray(at, at + n).includes(0x22);
      break;
    }
    case 2: { // insert bytes
      const ins = INSERTS[rng.nextBelow(INSERTS.length)];
      mutated = Buffer.concat([line.subarray(0, at), Buffer.from(ins), line.subarray(at)]);
      what = `insert ${JSON.stringify(Buffer.from(ins).toString("latin1"))} at ${at}`;
      quotes = ins.includes(0x22);
      break;
    }
    default: { // truncate the file in this line
      return { bytes: Buffer.concat([before, line.subarray(0, at)]), line: k + 1, cut: true, what: `truncate at byte ${at} of line ${k + 1}`, quotes: false };
    }
  }
  if (mutated.length === 0) mutated = Buffer.from("x");
  return { bytes: Buffer.concat([before, mutated, Buffer.from("\n"), after]), line: k + 1, cut: false, what, quotes };
}

/** Lines of a file as the readers count them (LF, CRLF or CR ends a line; a last line without one counts). */
function lineCount(bytes: Buffer): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 10) n++;
    else if (bytes[i] === 13) { n++; if (bytes[i + 1] === 10) i++; }
  }
  return bytes.length > 0 && bytes[bytes.length - 1] !== 10 && bytes[bytes.length - 1] !== 13 ? n + 1 : n;
}

function checkIssue(issue: ValidationIssue, path: string, m: Mutant | null, lines: number, label: string): void {
  assert.equal(issue.file, path, `${label}: file of ${JSON.stringify(issue)}`);
  if (issue.line === null) {
    assert.ok(issue.message.startsWith("empty file"), `${label}: an issue without a line: ${JSON.stringify(issue)}`);
    return;
  }
  assert.ok(Number.isInteger(issue.line) && issue.line >= 1 && issue.line <= lines, `${label}: line ${issue.line} of a file of ${lines} lines`);
  assert.ok(issue.message.length > 0 && issue.message.length < 2000, `${label}: message length ${issue.message.length}`);
  if (m === null) return;
  const duplicateOfMutated = issue.field === "receipt_key" && issue.message.includes(`${path}:${m.line};`);
  assert.ok(issue.line === m.line || duplicateOfMutated, `${label}: issue at line ${issue.line}, mutation at line ${m.line}: ${issue.message}`);
}

/**
 * `cases` mutants of the format's file from `seed`. `quotes`: CSV mutants that add or remove
 * a quote, checked only for no crash and real lines (a quote may take later lines into a cell).
 */
async function fuzz(format: "jsonl" | "csv", seed: number, cases: number, quotes = false): Promise<void> {
  const rng = new Xoshiro128().setState(seed, 0x9e3779b9, 0x7f4a7c15, 0x85ebca6b);
  const lines = format === "jsonl" ? JSONL_LINES : CSV_LINES;
  const first = format === "csv" ? 1 : 0;
  for (let c = 0; c < cases; c++) {
    const m = mutate(lines, first, rng, format === "csv", quotes);
    const path = join(dir, `case-${c}${quotes ? "-quotes" : ""}.${format}`);
    writeFileSync(path, m.bytes);
    const label = `${format} case ${c} (${m.what}, line ${m.line})`;
    const total = lineCount(m.bytes);

    const table = await loadReceipts(path, { strict: false });
    for (const issue of table.issues) checkIssue(issue, path, quotes ? null : m, total, label);
    if (!quotes) {
      // Rows the mutation did not touch are kept (by query_id: a mutated row may take an untouched row's key and be kept in its place).
      const kept = new Set(table.values("query_id"));
      for (let l = first; l < lines.length; l++) {
        const lineNo = l + 1;
        if (lineNo === m.line || (m.cut && lineNo > m.line)) continue;
        const q = `q${l - first}`;
        assert.ok(kept.has(q), `${label}: untouched row ${q} (line ${lineNo}) lost; issues ${JSON.stringify(table.issues)}`);
      }
      assert.equal(table.numRows + table.issues.filter((i) => i.line !== null).length >= (m.cut ? m.line - 1 - first : lines.length - 1 - first), true, `${label}: rows and issues account for the lines`);
    }

    const strict = await loadReceipts(path).then((t) => t, (e: unknown) => e);
    if (strict instanceof ReceiptValidationError) assert.deepEqual(strict.issues[0], table.issues[0], `${label}: strict loading throws the first issue`);
    else {
      assert.ok(!(strict instanceof Error), `${label}: strict loading threw ${String(strict)}`);
      assert.equal(table.issues.length, 0, `${label}: strict loading accepted a file with issues`);
    }
    kinds.set(table.issues.length === 0 ? "(none)" : table.issues[0].message.slice(0, 24), (kinds.get(table.issues[0]?.message.slice(0, 24) ?? "(none)") ?? 0) + 1);
  }
}

test("fuzzed JSONL: no crash, located issues, untouched rows kept", async () => {
  await fuzz("jsonl", 20260613, CASES_PER_FORMAT);
});

test("fuzzed CSV: no crash, located issues, untouched rows kept", async () => {
  await fuzz("csv", 13, CASES_PER_FORMAT);
});

test("fuzzed CSV quotes: no crash, issues on real lines", async () => {
  await fuzz("csv", 14, 60, true);
});

test("the fuzz reaches many kinds of problem", () => {
  if (process.env.FUZZ_KINDS) console.log([...kinds].sort((a, b) => b[1] - a[1]));
  assert.ok(kinds.size >= 10, `only ${kinds.size} kinds: ${[...kinds.keys()].join(" | ")}`);
});
