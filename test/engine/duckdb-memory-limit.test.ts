/**
 * The engine's DuckDB runs under a memory limit (RECEIPTS_DUCKDB_MEMORY_LIMIT, default 1 GB)
 * and spills to a temporary folder of its own, removed afterwards: the duplicate-key check
 * groups every receipt, and without a limit it held ~5 GB at 100M receipts.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { basename, dirname } from "node:path";
import { tmpdir } from "node:os";
import { test } from "node:test";
import { duckdbMemoryLimit, withConnection } from "../../src/engine/receipt-relation";

test("the memory limit: 1GB by default, a DuckDB size from the environment, anything else refused", () => {
  assert.equal(duckdbMemoryLimit({}), "1GB");
  assert.equal(duckdbMemoryLimit({ RECEIPTS_DUCKDB_MEMORY_LIMIT: "" }), "1GB");
  assert.equal(duckdbMemoryLimit({ RECEIPTS_DUCKDB_MEMORY_LIMIT: " 4GB " }), "4GB");
  assert.equal(duckdbMemoryLimit({ RECEIPTS_DUCKDB_MEMORY_LIMIT: "512MiB" }), "512MiB");
  assert.throws(() => duckdbMemoryLimit({ RECEIPTS_DUCKDB_MEMORY_LIMIT: "lots" }), /expected a size such as 512MB or 4GB, found "lots"/);
  assert.throws(() => duckdbMemoryLimit({ RECEIPTS_DUCKDB_MEMORY_LIMIT: "1GB; DROP TABLE x" }), /expected a size/);
});

test("DuckDB runs with that limit and a spill folder of its own, which is removed afterwards", async () => {
  // (other test files run at the same time and open their own folders: check this one's by path)
  const seen = await withConnection(async (c) => {
    const [row] = (await c.runAndReadAll("SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t")).getRowObjectsJS();
    return { limit: String(row.m), temp: String(row.t), existed: existsSync(String(row.t)) };
  });
  // DuckDB reports the limit in its own unit (1GB set reads back as about 953.6 MiB)
  assert.match(seen.limit, /^(953\.6 MiB|1\.0 GiB|1000\.0 MB|1GB)$/, `memory_limit reads ${seen.limit}`);
  assert.equal(dirname(seen.temp), tmpdir());
  assert.match(basename(seen.temp), /^receipts-duckdb-[A-Za-z0-9]{6}$/);
  assert.ok(seen.existed, "the spill folder exists while the connection is open");
  assert.ok(!existsSync(seen.temp), "and is removed afterwards");
});
