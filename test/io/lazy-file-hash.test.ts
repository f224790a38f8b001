/**
 * Arrow and Parquet loads record which version of each file they read and compute its
 * SHA-256 only when `SourceFile.sha256` is first read (file-hash.ts): the hash must then be
 * that of the file's bytes (checked against node:crypto over the bytes written), appear in
 * JSON and spreads, and be refused when the file changed after the load.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadReceipts, saveReceipts } from "../../src/io/load";
import { toArrow } from "../../src/io/arrow-ipc";
import { fromRecords } from "../../src/io";
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

for (const ext of ["arrow", "parquet"] as const) {
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

test("a file removed after the load: reading its hash says so", async () => {
  const path = join(dir, "gone.arrow");
  await saveReceipts(small, path);
  const table = await loadReceipts(path);
  renameSync(path, join(dir, "moved.arrow"));
  assert.throws(() => table.sources[0].sha256, /gone\.arrow can no longer be read since it was loaded \(ENOENT\); reload it/);
});

test("the result receipt of an analysis records each Arrow and Parquet file's hash, in JSON and in Markdown", async () => {
  const arrow = join(dir, "analyzed.arrow"), parquet = join(dir, "analyzed.parquet");
  await saveReceipts(fromRecords(Array.from({ length: 400 }, (_, i) => benchReceipt(i))), arrow);
  await saveReceipts(fromRecords(Array.from({ length: 400 }, (_, i) => benchReceipt(i + 400))), parquet);
  const receipt = analyze(await loadReceipts([arrow, parquet]));
  const want = [sha(readFileSync(arrow)), sha(readFileSync(parquet))];
  assert.deepEqual(JSON.parse(JSON.stringify(receipt)).provenance.files.map((f: { sha256: string }) => f.sha256), want);
  const md = resultReceiptToMarkdown(receipt);
  for (const h of want) assert.ok(md.includes(h), `Markdown has ${h}`);
});
