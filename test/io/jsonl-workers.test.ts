/**
 * Large JSONL files are read by worker threads (`jsonl-parallel.ts`); they must give exactly
 * what the single-threaded reader gives: the same rows and keys, the same issues in the
 * same order with the same lines and messages, the same first error in strict mode. The
 * file here has bad lines at piece boundaries (pieces as small as one line), a duplicate
 * across pieces, a byte order mark, CRLF endings, blank lines and a truncated last line.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ReceiptAssembler, type LoadOptions } from "../../src/io/assemble";
import { readJSONLInto, streamJSONL } from "../../src/io/jsonl";
import { streamJSONLParallel } from "../../src/io/jsonl-parallel";
import { loadReceipts } from "../../src/io/load";
import type { ReceiptTable } from "../../src/io/receipt-table";
import type { FileIdentity } from "../../src/io/file-hash";
import { ReceiptValidationError } from "../../src/receipt/issues";
import { benchReceipt } from "../../bench/receipt-generator";

const dir = mkdtempSync(join(tmpdir(), "receipts-workers-"));
const N = 1200;

/** Line `i` (0-based) of the test file, before line endings. */
function line(i: number): string {
  const r = benchReceipt(i) as unknown as Record<string, unknown>;
  switch (i) {
    case 0: return JSON.stringify({ ...r, response: "première ligne ✓ 👋" });
    case 1: return "{\"run_id\": \"r\", \"model\": "; // bad JSON right after the first piece
    case 7: return JSON.stringify({ ...r, n_benign: -1, judge_label: "maybe", n_bening: 2 }); // several issues on one line
    case 8: return "";
    case 9: return "   \t";
    case 10: return JSON.stringify({ ...r, judge_score: 1 }).replace("\"judge_score\":1", "\"judge_score\":NaN");
    case 11: return "[1, 2]";
    case 500: return JSON.stringify(benchReceipt(3)); // duplicate of receipt 3 (line 4), in another piece
    case 700: return JSON.stringify({ ...r, schedule: "none", n_benign: 2, n_harmful: 1 });
    case 701: return JSON.stringify({ ...r, response: "\ud83d" }); // an escaped lone surrogate: an issue on both paths
    case 702: return JSON.stringify({ ...r, response: "\ude00 after a lone low surrogate" });
    case 900: return JSON.stringify(benchReceipt(0)); // duplicate of the first line
    default: return JSON.stringify(r);
  }
}

/** The file: a BOM, CRLF on every third line, and (when `truncated`) a last line cut off without a newline. */
function writeCase(name: string, truncated: boolean): string {
  let text = "\ufeff";
  for (let i = 0; i < N; i++) text += line(i) + (i % 3 === 2 ? "\r\n" : "\n");
  if (truncated) text += JSON.stringify(benchReceipt(N)).slice(0, 100);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const truncatedPath = writeCase("workers.jsonl", true);
const cleanEndPath = writeCase("workers-clean-end.jsonl", false);

async function single(path: string, options: LoadOptions): Promise<{ table: ReceiptTable; read: { records: number; file: FileIdentity } }> {
  const asm = new ReceiptAssembler(options);
  const read = await streamJSONL(asm, path);
  asm.closeSource(path, "jsonl", null, read.records, 0, 0);
  return { table: asm.finish(), read };
}

async function parallel(path: string, options: LoadOptions, pieceBytes: number): Promise<{ table: ReceiptTable; read: { records: number; file: FileIdentity } }> {
  const asm = new ReceiptAssembler(options);
  const read = await streamJSONLParallel(asm, path, { workers: 2, pieceBytes });
  asm.closeSource(path, "jsonl", null, read.records, 0, 0);
  return { table: asm.finish(), read };
}

for (const path of [truncatedPath, cleanEndPath]) {
  const label = path === truncatedPath ? "truncated last line" : "newline at the end";
  // 500 bytes: every piece is one line (each line longer than a piece); 2,000: a line or two; 100,000: many lines.
  for (const pieceBytes of [500, 2000, 100_000]) {
    test(`worker threads read like the single-threaded reader (${label}, pieces of ${pieceBytes} bytes)`, async () => {
      const a = await single(path, { strict: false });
      const b = await parallel(path, { strict: false }, pieceBytes);
      assert.deepEqual(b.read, a.read);
      assert.deepEqual(b.table.issues, a.table.issues);
      assert.deepEqual(b.table.values("receipt_key"), a.table.values("receipt_key"));
      assert.deepEqual(b.table.toRows(), a.table.toRows());
      assert.deepEqual(b.table.sources, a.table.sources);
      // The file's faults are all there, in line order.
      const lines = a.table.issues.map((i) => i.line);
      assert.deepEqual(lines, [...lines].sort((x, y) => (x ?? 0) - (y ?? 0)));
      assert.ok(a.table.issues.some((i) => i.line === 501 && i.field === "receipt_key" && i.message.endsWith(`as ${path}:4; expected each evaluation point once`)));
      assert.ok(a.table.issues.some((i) => i.line === 901 && i.message.includes(`as ${path}:1;`)));
      assert.equal(a.table.issues.filter((i) => i.line === 8).length, 3);
      assert.equal(a.table.issues.some((i) => i.message.startsWith("truncated last line")), path === truncatedPath);
      assert.equal(a.table.values("response")[0], "première ligne ✓ 👋");
    });
  }
}

test("strict mode: worker threads throw the single-threaded reader's first error", async () => {
  for (const pieceBytes of [500, 2000, 100_000]) {
    const expected = await single(truncatedPath, {}).then(() => null, (e: unknown) => e);
    assert.ok(expected instanceof ReceiptValidationError);
    await assert.rejects(parallel(truncatedPath, {}, pieceBytes), (e: unknown) => {
      assert.ok(e instanceof ReceiptValidationError);
      assert.equal(e.message, expected.message);
      assert.deepEqual(e.issues, expected.issues);
      return true;
    });
  }
});

test("strict mode: a duplicate that is the file's first problem is thrown as the single-threaded reader throws it", async () => {
  let text = "";
  for (let i = 0; i < 300; i++) text += JSON.stringify(benchReceipt(i === 250 ? 10 : i)) + "\n";
  text += "not json\n";
  const path = join(dir, "dup-first.jsonl");
  writeFileSync(path, text);
  const expected = await single(path, {}).then(() => null, (e: unknown) => e);
  assert.ok(expected instanceof ReceiptValidationError);
  assert.equal(expected.issues[0].line, 251);
  for (const pieceBytes of [500, 5000]) {
    await assert.rejects(parallel(path, {}, pieceBytes), (e: unknown) => {
      assert.ok(e instanceof ReceiptValidationError);
      assert.equal(e.message, expected.message);
      return true;
    });
  }
});

test("unknownFields: ignore reaches the workers", async () => {
  const a = await single(truncatedPath, { strict: false, unknownFields: "ignore" });
  const b = await parallel(truncatedPath, { strict: false, unknownFields: "ignore" }, 5000);
  assert.deepEqual(b.table.issues, a.table.issues);
  assert.deepEqual(b.table.toRows(), a.table.toRows());
  assert.ok(!a.table.issues.some((i) => i.field === "n_bening"));
});

test("loadReceipts: files from the threshold up go to the workers, with several files and a duplicate across them", async () => {
  const other = join(dir, "other.jsonl");
  writeFileSync(other, [JSON.stringify(benchReceipt(2000)), JSON.stringify(benchReceipt(5))].join("\n") + "\n");
  const load = async (workers: number) => {
    const asm = new ReceiptAssembler({ strict: false });
    for (const path of [other, cleanEndPath]) {
      const before = asm.rowCount, issuesBefore = asm.issues.length;
      const read = await readJSONLInto(asm, path, { workers, parallelFromBytes: 1, pieceBytes: 30_000 });
      asm.closeSource(path, "jsonl", null, read.records, before, issuesBefore);
    }
    return asm.finish();
  };
  const a = await load(1), b = await load(2);
  assert.deepEqual(b.issues, a.issues);
  assert.deepEqual(b.sources, a.sources);
  assert.deepEqual(b.toRows(), a.toRows());
  assert.ok(a.issues.some((i) => i.file === cleanEndPath && i.line === 6 && i.message.includes(`as ${other}:2;`)));
  // and the public entry point agrees (this file is below the threshold: the calling thread reads it)
  assert.deepEqual((await loadReceipts([other, cleanEndPath], { strict: false })).toRows(), a.toRows());
});
