/**
 * File loads (Arrow, Parquet, JSONL, CSV) record which version of each file they read and compute its
 * SHA-256 only when `SourceFile.sha256` is first read (file-hash.ts): the hash must then be
 * that of the file's bytes (checked against node:crypto over the bytes written), appear in
 * JSON and spreads, and be refused when the file changed after the load.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadReceipts, saveReceipts } from "../../src/io/load";
import { toArrow } from "../../src/io/arrow-ipc";
import { fromRecords } from "../../src/io";
import { fromJSONL, toJSONL } from "../../src/io/jsonl";
import { fromCSV, toCSV } from "../../src/io/csv";
import { benchReceipt } from "../../bench/receipt-generator";
import { analyze } from "../../src/analysis/analyze";
import { resultReceiptToMarkdown } from "../../src/analysis/render-result-receipt";

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const dir = mkdtempSync(join(tmpdir(), "lazy-hash-"));
// A whole second, which every file system stores exactly (utimes takes seconds as a double).
const T = 1_700_000_000;
const small = fromRecords(Array.from({ length: 50 }, (_, i) => benchReceipt(i)));

test("an Arrow file over the column-at-a-time threshold records its own SHA-256, in JSON and spreads too", async () => {
  const path = join(dir, "big.arrow");
  // ~40 MiB: long answers make the file large with few receipts.
  const pad = "x".repeat(2000);
  const bytes = toArrow(fromRecords(Array.from({ length: 20000 }, (_, i) => ({ ...benchReceipt(i), response: `${pad} ${i}` }))));
  assert.ok(bytes.length >= 32 * 1024 * 1024, `file is ${bytes.length} bytes, below the threshold`);
  writeFileSync(path, bytes);
  const table = await loadReceipts(path, { strict: true });
  assert.equal(table.numRows, 20000);
  const want = sha(readFileSync(path));
  assert.equal(table.sources[0].sha256, want);
  assert.equal({ ...table.sources[0] }.sha256, want);
  assert.equal(JSON.parse(JSON.stringify(table.sources))[0].sha256, want);
  assert.deepEqual(Object.keys(table.sources[0]), ["path", "format", "sha256", "rowsRead", "rowsKept", "issues"]);
});

for (const ext of ["arrow", "parquet", "jsonl", "csv"] as const) {
  test(`${ext}: the hash is of the file as loaded, and refused once the file changed`, async () => {
    const path = join(dir, `small.${ext}`);
    await saveReceipts(small, path);
    utimesSync(path, T, T);
    const table = await loadReceipts(path);
    assert.equal(table.numRows, 50);
    // Rewritten in place with other bytes after the load: the hash is not of these bytes.
    const bytes = readFileSync(path);
    writeFileSync(path, Buffer.concat([bytes, Buffer.from("x")]));
    assert.throws(() => table.sources[0].sha256, (e: Error) => e.message === `${join(dir, `small.${ext}`)} changed after it was loaded (size/mtime); reload it to record its hash`);
    assert.throws(() => JSON.stringify(table.sources), /changed after it was loaded/);
    // Back to the same bytes, size and modification time: the same file again, so hashed.
    writeFileSync(path, bytes);
    utimesSync(path, T, T);
    assert.equal(table.sources[0].sha256, sha(bytes));
  });

  test(`${ext}: a file replaced by another of the same size and time (a rename over it) is refused`, async () => {
    const path = join(dir, `replaced.${ext}`);
    await saveReceipts(small, path);
    utimesSync(path, T, T);
    const table = await loadReceipts(path);
    const before = statSync(path);
    const other = join(dir, `other.${ext}`);
    writeFileSync(other, readFileSync(path));
    utimesSync(other, T, T);
    renameSync(other, path);
    assert.equal(statSync(path).size, before.size);
    assert.equal(statSync(path).mtimeMs, before.mtimeMs);
    assert.throws(() => table.sources[0].sha256, /changed after it was loaded/);
  });

  test(`${ext}: a hash read once is kept when the file changes later`, async () => {
    const path = join(dir, `kept.${ext}`);
    await saveReceipts(small, path);
    const bytes = readFileSync(path);
    const table = await loadReceipts([path]);
    assert.equal(table.sources[0].sha256, sha(bytes));
    writeFileSync(path, "changed");
    assert.equal(table.sources[0].sha256, sha(bytes));
    assert.equal(JSON.parse(JSON.stringify({ ...table.sources[0] })).sha256, sha(bytes));
  });
}

test("a JSONL file over the read-ahead size and the worker threshold records its own SHA-256, read on this thread or by workers", async () => {
  const path = join(dir, "big.jsonl");
  // ~18 MiB: past the 16 MiB from which `workers` applies (and the 4 MiB read-ahead chunk).
  const pad = "y".repeat(2200);
  await saveReceipts(fromRecords(Array.from({ length: 8000 }, (_, i) => ({ ...benchReceipt(i), response: `${pad} ${i}` }))), path);
  const bytes = readFileSync(path);
  assert.ok(bytes.length >= 16 * 1024 * 1024, `file is ${bytes.length} bytes, below the worker threshold`);
  for (const workers of [1, 2]) {
    const table = await loadReceipts(path, { workers });
    assert.equal(table.numRows, 8000);
    assert.equal(table.sources[0].sha256, sha(bytes), `workers: ${workers}`);
    assert.equal(JSON.parse(JSON.stringify(table.sources))[0].sha256, sha(bytes));
  }
});

test("JSONL and CSV in memory record no hash, as before", () => {
  const fromText = fromJSONL(toJSONL(small)), fromCsvText = fromCSV(toCSV(small));
  assert.equal(fromText.numRows, 50);
  assert.equal(fromCsvText.numRows, 50);
  assert.equal(fromText.sources[0].sha256, null);
  assert.equal(fromCsvText.sources[0].sha256, null);
});

test("a JSONL named pipe: loaded, but its hash is refused (reading it again would not give the bytes loaded)", { skip: process.platform === "win32" }, async () => {
  const path = join(dir, "pipe.jsonl");
  execFileSync("mkfifo", [path]);
  const line = JSON.stringify(benchReceipt(1));
  const writer = spawn("sh", ["-c", 'printf "%s\\n" "$1" > "$2"', "sh", line, path], { stdio: "ignore" });
  const exited = new Promise((done) => writer.once("exit", done));
  const table = await loadReceipts(path, { format: "jsonl" });
  await exited;
  assert.equal(table.numRows, 1);
  // An eager hash would have been of the line written; a second read of the pipe finds nothing (or blocks).
  assert.throws(() => table.sources[0].sha256, (e: Error) => e.message === `${path} is not a regular file (a pipe or device): its bytes cannot be read again to hash them; copy it to a file and load that to record its hash`);
});

test("a file removed after the load: reading its hash says so", async () => {
  const path = join(dir, "gone.arrow");
  await saveReceipts(small, path);
  const table = await loadReceipts(path);
  renameSync(path, join(dir, "moved.arrow"));
  assert.throws(() => table.sources[0].sha256, /gone\.arrow can no longer be read since it was loaded \(ENOENT\); reload it/);
});

test("the result receipt of an analysis records each file's hash (all four formats), in JSON and in Markdown", async () => {
  const paths = ["arrow", "parquet", "jsonl", "csv"].map((ext) => join(dir, `analyzed.${ext}`));
  for (const [k, path] of paths.entries()) await saveReceipts(fromRecords(Array.from({ length: 400 }, (_, i) => benchReceipt(i + 400 * k))), path);
  const receipt = analyze(await loadReceipts(paths));
  const want = paths.map((path) => sha(readFileSync(path)));
  assert.deepEqual(JSON.parse(JSON.stringify(receipt)).provenance.files.map((f: { sha256: string }) => f.sha256), want);
  const md = resultReceiptToMarkdown(receipt);
  for (const h of want) assert.ok(md.includes(h), `Markdown has ${h}`);
});
