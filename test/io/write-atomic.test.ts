import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeStaleTemporaries, writeChunksAtomic, writeFileAtomic, writeFilesAtomic, WriteError } from "../../src/io/write-atomic";

const fresh = () => mkdtemp(join(tmpdir(), "atomic-"));

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
  return Number(r.stdout);
}

test("a failure mid-write keeps the old content and leaves no temporary", async () => {
  const dir = await fresh();
  const target = join(dir, "result.json");
  await writeFile(target, "old content");
  function* failing() {
    yield "new ";
    const e = new Error("write failed") as NodeJS.ErrnoException;
    e.code = "ENOSPC";
    throw e;
  }
  await assert.rejects(writeChunksAtomic(target, failing()), (e: unknown) => {
    assert.ok(e instanceof WriteError);
    assert.equal(e.code, "ENOSPC");
    assert.equal(e.message, `cannot write ${target}: no space left on the device (ENOSPC); the previous content, if any, is unchanged`);
    return true;
  });
  assert.equal(await readFile(target, "utf8"), "old content");
  assert.deepEqual(await readdir(dir), ["result.json"]);
});

test("a folder as target, or a missing folder: an error naming the target, nothing written", async () => {
  const dir = await fresh();
  await mkdir(join(dir, "taken"));
  await assert.rejects(writeFileAtomic(join(dir, "taken"), "x"), { message: `cannot write ${join(dir, "taken")}: it is a folder; give a file name` });
  await assert.rejects(writeFileAtomic(join(dir, "missing", "out.csv"), "x"), { message: `cannot write ${join(dir, "missing", "out.csv")}: the folder ${join(dir, "missing")} does not exist` });
  assert.deepEqual(await readdir(dir), ["taken"]);
  assert.deepEqual(await readdir(join(dir, "taken")), []);
});

test("temporaries left by a killed writer are removed by the next write; a live writer's are kept", async () => {
  const dir = await fresh();
  const target = join(dir, "big.parquet");
  const stale = `.big.parquet.${deadPid()}-0badf00d.tmp`;
  const live = `.big.parquet.${process.pid}-0000beef.tmp`;
  const other = `.other.parquet.${deadPid()}-12345678.tmp`;
  for (const f of [stale, live, other]) await writeFile(join(dir, f), "partial");
  await writeFileAtomic(target, "whole");
  assert.deepEqual((await readdir(dir)).sort(), [live, other, "big.parquet"].sort());
  assert.equal(await readFile(target, "utf8"), "whole");
  assert.equal(await removeStaleTemporaries(join(dir, "other.parquet")), 1);
});

test("files written together: a failure in any leaves every old file in place", async () => {
  const dir = await fresh();
  const json = join(dir, "result-receipt.json"), md = join(dir, "result-receipt.md");
  await writeFile(json, "old json");
  await writeFile(md, "old md");
  await mkdir(join(dir, "figure.html")); // the third target is a folder: the whole set fails up front
  await assert.rejects(writeFilesAtomic([{ path: json, data: "new json" }, { path: md, data: "new md" }, { path: join(dir, "figure.html"), data: "x" }]), /it is a folder/);
  assert.equal(await readFile(json, "utf8"), "old json");
  assert.equal(await readFile(md, "utf8"), "old md");
  await writeFilesAtomic([{ path: json, data: "new json" }, { path: md, data: "new md" }]);
  assert.equal(await readFile(json, "utf8"), "new json");
  assert.equal(await readFile(md, "utf8"), "new md");
  assert.equal((await readdir(dir)).filter((f) => f.endsWith(".tmp")).length, 0);
});
