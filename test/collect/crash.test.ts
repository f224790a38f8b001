import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFile, appendFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { writePlan, loadPlan } from "../../src/compose/plan";
import { collect } from "../../src/collect/collect";
import { keyOfRecord } from "../../src/collect/writer";
import { loadReceipts } from "../../src/io/load";
import { startFakeServer } from "./fake-openai-server";
import { tempDir } from "../temp-dir";

const EXAMPLE = join(__dirname, "../../data/examples/compose/design.json");
const lineCount = async (p: string) => (await readFile(p, "utf8").catch(() => "")).split("\n").length - 1;

test("SIGKILL mid-run, torn last line, resume: every planned key exactly once, file loads strictly", async () => {
  const server = await startFakeServer({ latencyMs: 15 });
  const dir = tempDir("crash-");
  const planPath = join(dir, "plan.jsonl"), out = join(dir, "receipts.jsonl");
  await writePlan(EXAMPLE, planPath, { model: "fake-model", judge: "keyword" });
  const options = { plan: planPath, endpoint: server.url, model: "fake-model", judge: "keyword", out, concurrency: 4, batchSize: 2, retryBaseMs: 1 };
  const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "collect-child.ts"), JSON.stringify(options)], { stdio: ["ignore", "pipe", "pipe"], cwd: join(__dirname, "../..") });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<NodeJS.Signals | null>((r) => child.on("exit", (_code, signal) => r(signal)));
  const deadline = Date.now() + 15000;
  while ((await lineCount(out)) < 30) {
    assert.ok(Date.now() < deadline, `child wrote too little before the deadline: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGKILL");
  assert.equal(await exited, "SIGKILL");
  const kept = await lineCount(out);
  assert.ok(kept >= 30 && kept < 204, `killed mid-run with ${kept} lines`);
  // simulate a kill in the middle of a write
  await appendFile(out, '{"run_id":"example-compose","model":"fake-model","judge":"keyw');
  const sizeTorn = (await stat(out)).size;

  const logs: string[] = [];
  const s = await collect({ ...options, judge: "keyword", progress: false, log: (l) => void logs.push(l) });
  await server.close();
  assert.ok(s.repairedBytes > 0 && s.repairedBytes < sizeTorn);
  assert.match(logs.join("\n"), /cut off mid-write/);
  assert.match(logs.join("\n"), /stale lock|already there/);
  assert.equal(s.alreadyDone + s.written, 204);
  assert.equal(s.complete, true);

  const plan = await loadPlan(planPath);
  const lines = (await readFile(out, "utf8")).trimEnd().split("\n");
  const keys = lines.map((l) => keyOfRecord(JSON.parse(l)));
  assert.equal(keys.length, 204);
  assert.deepEqual([...keys].sort(), plan.points.map((p) => p.receipt_key!).sort());
  const table = await loadReceipts(out); // strict: no bad line, no duplicate
  assert.equal(table.numRows, 204);
});
