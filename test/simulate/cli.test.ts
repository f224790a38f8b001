import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadReceipts } from "../../src/io";
import { simulateCommand } from "../../src/simulate";
import { tempDir } from "../temp-dir";

const dir = tempDir("simulate-cli-");
after(() => rmSync(dir, { recursive: true, force: true }));

function run(options: Omit<Parameters<typeof simulateCommand>[0], "log" | "error">) {
  const out: string[] = [], err: string[] = [];
  return simulateCommand({ ...options, log: (l) => out.push(l), error: (l) => err.push(l) }).then((code) => ({ code, out, err }));
}

test("writes a preset in each format the extension names, and it loads back", async () => {
  for (const ext of ["jsonl", "csv", "arrow", "parquet"]) {
    const path = join(dir, `classroom.${ext}`);
    const { code, out } = await run({ preset: "classroom", seed: "3", out: path });
    assert.equal(code, 0);
    assert.match(out[0], /simulated 22800 receipts \(preset classroom, seed 3\)/);
    const table = await loadReceipts(path);
    assert.equal(table.numRows, 22800);
  }
});

test("same seed, same file bytes", async () => {
  const a = join(dir, "a.parquet"), b = join(dir, "b.parquet");
  await run({ preset: "classroom", seed: 5, out: a });
  await run({ preset: "classroom", seed: 5, out: b });
  assert.ok(readFileSync(a).equals(readFileSync(b)));
});

test("runId replaces the preset's run_id", async () => {
  const path = join(dir, "run.jsonl");
  assert.equal((await run({ preset: "classroom", seed: 1, out: path, runId: "classroom-seed-1" })).code, 0);
  assert.deepEqual((await loadReceipts(path)).distinct("run_id"), ["classroom-seed-1"]);
});

test("bad usage exits 2 with the problem named", async () => {
  const bad = [
    [{ preset: "papr", out: join(dir, "x.jsonl") }, /unknown preset "papr"; expected one of paper, classroom, null/],
    [{ preset: "classroom", seed: "-1", out: join(dir, "x.jsonl") }, /--seed must be a non-negative integer, found "-1"/],
    [{ preset: "classroom", seed: "abc", out: join(dir, "x.jsonl") }, /found "abc"/],
    [{ preset: "classroom", out: join(dir, "x.xlsx") }, /cannot tell the format of .*x.xlsx/],
    [{ preset: "classroom", out: join(dir, "x.jsonl"), params: "p.json" }, /--params applies to the paper preset only/],
    [{ preset: "paper", out: join(dir, "x.jsonl"), params: join(dir, "missing.json") }, /cannot read .*missing.json/],
  ] as const;
  for (const [options, message] of bad) {
    const { code, err } = await run(options);
    assert.equal(code, 2, JSON.stringify(options));
    assert.match(err[0], message);
  }
});
