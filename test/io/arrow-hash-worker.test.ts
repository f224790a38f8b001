/**
 * A large Arrow file's SHA-256 is computed on a worker thread while the main thread
 * validates (arrow-ipc.ts): the digest recorded in provenance must still be the file's.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadReceipts } from "../../src/io/load";
import { toArrow } from "../../src/io/arrow-ipc";
import { fromRecords } from "../../src/io";
import { benchReceipt } from "../../bench/receipt-generator";

test("an Arrow file over the worker threshold records its own SHA-256", async () => {
  const dir = mkdtempSync(join(tmpdir(), "arrow-hash-"));
  const path = join(dir, "big.arrow");
  // ~40 MiB: long answers make the file large with few receipts.
  const pad = "x".repeat(2000);
  const rows = Array.from({ length: 20000 }, (_, i) => ({ ...benchReceipt(i), response: `${pad} ${i}` }));
  const bytes = toArrow(fromRecords(rows));
  assert.ok(bytes.length >= 32 * 1024 * 1024, `file is ${bytes.length} bytes, below the worker threshold`);
  writeFileSync(path, bytes);
  const table = await loadReceipts(path, { strict: true });
  assert.equal(table.numRows, 20000);
  assert.equal(table.sources[0].sha256, createHash("sha256").update(readFileSync(path)).digest("hex"));
});
