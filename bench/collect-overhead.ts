/**
 * Collection overhead: receipts per second against the loopback fake server (answers at
 * once), concurrency 16, keyword judge and WildGuard judge (one more request per point).
 * The server runs in this process, so the figure includes its work: a lower bound on the
 * collector's throughput, and an upper bound on its overhead per receipt.
 *   node --import tsx bench/collect-overhead.ts [points≈2000]
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collect } from "../src/collect/collect";
import { writePlan } from "../src/compose/plan";
import { startFakeServer } from "../test/collect/fake-openai-server";

async function main() {
  const target = Number(process.argv[2] ?? 2000);
  const dir = await mkdtemp(join(tmpdir(), "collect-bench-"));
  const nQueries = 50;
  const demo = (k: string, i: number) => JSON.stringify({ id: `${k}${i}`, prompt: `[${k} request placeholder ${i}] ${"lorem ".repeat(40)}`, response: `[${k} answer placeholder ${i}] ${"ipsum ".repeat(80)}`, source: `fake-${k}` });
  await writeFile(join(dir, "h.jsonl"), Array.from({ length: 64 }, (_, i) => demo("h", i)).join("\n"));
  await writeFile(join(dir, "b.jsonl"), Array.from({ length: 64 }, (_, i) => demo("b", i)).join("\n"));
  await writeFile(join(dir, "q.jsonl"), Array.from({ length: nQueries }, (_, i) => JSON.stringify({ id: `q${i}`, prompt: `[harmful query placeholder ${i}]`, source: "fake-bench", category: "c" })).join("\n"));
  // 4 totals x 5 fractions x 1 schedule -> 20 conditions (one-kind ones collapse to schedule none); samplings reach the target
  const samplings = Math.max(1, Math.round(target / (nQueries * 20)));
  await writeFile(join(dir, "design.json"), JSON.stringify({ queries: "q.jsonl", harmful_demos: "h.jsonl", benign_demos: "b.jsonl", grid: { totals: [4, 8, 16, 32], harmful_fractions: [0, 0.25, 0.5, 0.75, 1] }, samplings, seed: 1 }));
  const plan = await writePlan(join(dir, "design.json"), join(dir, "plan.jsonl"));
  const server = await startFakeServer({ judgeMalformedEvery: 0 });
  console.log(`collect overhead: ${plan.points.length} points (up to 32 demonstrations of ~700 characters each), loopback fake server, concurrency 16, Node ${process.version}`);
  // warm-up (JIT, connection pool), not timed
  await collect({ plan: join(dir, "plan.jsonl"), endpoint: server.url, model: "warm-up", judge: "wildguard", judgeModel: "fake-wildguard", out: join(dir, "warm.jsonl"), concurrency: 16, progress: false, log: () => undefined, limit: 300 });
  for (const judge of ["keyword", "wildguard"] as const) {
    const out = join(dir, `${judge}.jsonl`);
    const s = await collect({ plan: join(dir, "plan.jsonl"), endpoint: server.url, model: "fake-model", judge, judgeModel: "fake-wildguard", out, concurrency: 16, progress: false, log: () => undefined, batchSize: 16 });
    const secs = s.elapsedMs / 1000;
    console.log(`  ${judge.padEnd(9)} ${s.written} receipts in ${secs.toFixed(2)} s: ${(s.written / secs).toFixed(0)} receipts/s, ${((secs * 1000) / s.written).toFixed(2)} ms/receipt wall, fsync every 16 receipts`);
  }
  await server.close();
  await rm(dir, { recursive: true, force: true });
}

main().catch((e) => { console.error(e); process.exit(1); });
