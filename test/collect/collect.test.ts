import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile, appendFile } from "node:fs/promises";
import { join } from "node:path";
import { writePlan, loadPlan } from "../../src/compose/plan";
import { collect, type CollectOptions } from "../../src/collect/collect";
import { collectCommand } from "../../src/collect/cli";
import { loadReceipts } from "../../src/io/load";
import { rebuildContext } from "../../src/compose/compose";
import { loadPools } from "../../src/compose/plan";
import { startFakeServer, type FakeServer } from "./fake-openai-server";
import { tempDir } from "../temp-dir";

const EXAMPLE = join(__dirname, "../../data/examples/compose/design.json");
const SECRET = "sk-test-SECRET-8d1f4c2b";
let server: FakeServer;
let dir: string;
let planPath: string;

before(async () => {
  server = await startFakeServer();
  dir = tempDir("collect-");
  planPath = join(dir, "plan.jsonl");
  await writePlan(EXAMPLE, planPath);
});
after(async () => server.close());

function run(out: string, over: Partial<CollectOptions> = {}) {
  const logs: string[] = [];
  const options: CollectOptions = {
    plan: planPath, endpoint: server.url, model: "fake-model", judge: "keyword", out: join(dir, out),
    concurrency: 16, retryBaseMs: 1, retryMaxMs: 20, progress: false, env: { RECEIPTS_API_KEY: SECRET }, log: (l) => void logs.push(l), ...over,
  };
  return { logs, done: collect(options) };
}

async function keysOnce(path: string, planned: number) {
  const table = await loadReceipts(path); // strict: throws on any bad record or duplicate key
  assert.equal(table.numRows, planned);
  return table;
}

test("keyword judge: every planned point once, receipts load strictly and carry the fields; key never written", async () => {
  server.configure({});
  const { logs, done } = run("kw.jsonl");
  const s = await done;
  assert.equal(s.written, 204);
  assert.equal(s.complete, true);
  const table = await keysOnce(join(dir, "kw.jsonl"), 204);
  const rows = table.toRows();
  const r = rows.find((x) => x.n_benign === 4 && x.n_harmful === 4 && x.format_cue === "comply")!;
  for (const f of ["run_id", "model", "judge", "judge_version", "temperature", "max_tokens", "system_prompt_sha256", "harmful_demo_source", "benign_demo_source", "truncation_chars", "schedule", "format_cue_text", "sample_index", "composition_seed", "demo_ids", "query_id", "query_source", "query_category", "judge_label", "judge_raw", "adopted_cue", "response", "response_sha256", "finish_reason", "latency_ms", "created_at"] as const)
    assert.notEqual(r[f], null, f);
  assert.equal(r.judge_version, "keyword-v1");
  assert.equal(r.harmful_demo_source, "fake-redteam");
  assert.equal((r.demo_ids as string[]).length, 8);
  // the recorded seed and ids rebuild the context the model saw
  const plan = await loadPlan(planPath);
  const pools = await loadPools({ queries: plan.header.queries.path, harmful_demos: plan.header.harmful_demos.path, benign_demos: plan.header.benign_demos.path });
  assert.equal(rebuildContext(r, pools).seedReproduces, true);
  // both labels occur, cue adoption recorded both ways
  assert.ok(rows.some((x) => x.judge_label === "refusal") && rows.some((x) => x.judge_label === "compliance"));
  assert.ok(rows.some((x) => x.adopted_cue === true) && rows.some((x) => x.adopted_cue === false));
  // the key travelled from the environment to the server and nowhere else
  assert.ok(server.stats.authorizations.has(`Bearer ${SECRET}`));
  assert.ok(!(await readFile(join(dir, "kw.jsonl"), "utf8")).includes(SECRET));
  assert.ok(!logs.join("\n").includes(SECRET));
  assert.match(logs.at(-1)!, /All 204 planned points have a receipt/);
  // re-running is a no-op
  const again = await run("kw.jsonl").done;
  assert.equal(again.written, 0);
  assert.equal(again.alreadyDone, 204);
});

test("wildguard judge: three-line answers parsed, malformed ones are parse_error (never compliance), raw kept", async () => {
  server.configure({ judgeMalformedEvery: 4 });
  const s = await run("wg.jsonl", { judge: "wildguard", judgeModel: "fake-wildguard" }).done;
  assert.equal(s.written, 204);
  const rows = (await keysOnce(join(dir, "wg.jsonl"), 204)).toRows();
  const errors = rows.filter((x) => x.judge_label === "parse_error");
  assert.ok(errors.length > 10 && errors.length < 100, `${errors.length} parse errors`);
  assert.equal(s.parseErrors, errors.length);
  for (const x of errors) { assert.equal(x.complied, null); assert.equal(x.response_harmful, null); assert.match(x.judge_raw!, /not sure/); }
  const ok = rows.filter((x) => x.judge_label !== "parse_error");
  for (const x of ok) { assert.match(x.judge_raw!, /^Harmful request: yes\nResponse refusal: (yes|no)\nHarmful response: (yes|no)$/); assert.equal(x.response_harmful, x.judge_label === "compliance"); }
  assert.equal(rows[0].judge_version, "fake-wildguard");
});

test("retries 500s, 429s, malformed JSON and timeouts with backoff, then succeeds", async () => {
  server.configure({ judgeMalformedEvery: 0, faults: [
    { fault: 500, route: "chat", firstN: 2 },
    { fault: 429, route: "completions", firstN: 1 },
    { fault: "bad_json", route: "completions", firstN: 1 },
    // Far longer than the deadline, and the deadline (3 s) far longer than any answer on a busy machine.
    { fault: "slow", delayMs: 20000, match: "[harmful query placeholder 1]", route: "chat", firstN: 1 },
  ] });
  const before500 = server.stats.byStatus[500] ?? 0;
  const { logs, done } = run("retry.jsonl", { judge: "wildguard", timeoutMs: 3000, concurrency: 64 }); // one wave of slow requests
  const s = await done;
  assert.equal(s.failed.length, 0);
  assert.equal(s.written, 204);
  await keysOnce(join(dir, "retry.jsonl"), 204);
  // two 500s per distinct request body; the 2 samplings of a baseline point (no demonstrations) send one body, so 198 bodies
  assert.equal((server.stats.byStatus[500] ?? 0) - before500, 2 * (204 - 6));
  const text = logs.join("\n");
  for (const re of [/HTTP 500/, /HTTP 429/, /malformed JSON/, /timeout/]) assert.match(text, re);
});

test("gives up after the last try, records nothing for those points, says how to retry; re-run fills them", async () => {
  server.configure({ faults: [{ fault: 503, match: "[harmful query placeholder 2]" }] });
  const { logs, done } = run("fail.jsonl", { retries: 2 });
  const s = await done;
  assert.equal(s.failed.length, 34); // query 2 in all 17 conditions x 2 samplings
  assert.equal(s.written, 170);
  assert.equal(s.complete, false);
  assert.match(s.failed[0].reason, /gave up after 3 tries: HTTP 503/);
  assert.match(logs.at(-1)!, /34 points failed and have no receipt\. 34 of 204 planned points are missing; re-run the same command/);
  await loadReceipts(join(dir, "fail.jsonl"));
  server.configure({});
  const again = await run("fail.jsonl").done;
  assert.equal(again.written, 34);
  await keysOnce(join(dir, "fail.jsonl"), 204);
});

test("a fatal 401 stops the run early", async () => {
  server.configure({ faults: [{ fault: 401 }] });
  const s = await run("fatal.jsonl", { concurrency: 2 }).done;
  assert.match(s.stoppedBecause!, /HTTP 401/);
  assert.ok(s.failed.length <= 2);
  server.configure({});
});

test("a torn last line is repaired on resume, with a message", async () => {
  server.configure({});
  const out = join(dir, "torn.jsonl");
  await run("torn.jsonl", { limit: 10 }).done;
  await appendFile(out, '{"run_id":"example-compose","model":"fake-mo');
  const { logs, done } = run("torn.jsonl");
  const s = await done;
  assert.ok(s.repairedBytes > 0);
  assert.match(logs.join("\n"), /last line \(\d+ bytes\) was cut off mid-write.*10 receipts kept/);
  assert.equal(s.written, 194);
  await keysOnce(out, 204);
});

test("text prompt format goes to /completions with the single-string template", async () => {
  server.configure({});
  const n = server.stats.byRoute.completions ?? 0;
  const s = await run("text.jsonl", { promptFormat: "text", limit: 20 }).done;
  assert.equal(s.written, 20);
  assert.equal((server.stats.byRoute.completions ?? 0) - n, 20);
  await loadReceipts(join(dir, "text.jsonl"));
});

test("input errors: plan for another model; collectCommand exit codes", async () => {
  const planned = join(dir, "plan-m.jsonl");
  await writePlan(EXAMPLE, planned, { model: "other", judge: "keyword" });
  await assert.rejects(run("x.jsonl", { plan: planned }).done, /plan was made for model "other"/);
  const err: string[] = [];
  const io = { out: () => undefined, err: (t: string) => void err.push(t) };
  assert.equal(await collectCommand({ plan: planned, endpoint: server.url, model: "fake-model", judge: "keyword", out: join(dir, "y.jsonl"), quiet: true }, io), 1);
  assert.match(err.join(""), /receipts collect: .*plan was made for model/);
  process.env.RECEIPTS_API_KEY = SECRET;
  try {
    assert.equal(await collectCommand({ plan: planned, endpoint: server.url, model: "other", judge: "keyword", out: join(dir, "z.jsonl"), quiet: true, retryBaseMs: 1 }, io), 0);
  } finally {
    delete process.env.RECEIPTS_API_KEY;
  }
  const table = await loadReceipts(join(dir, "z.jsonl"));
  const plan = await loadPlan(planned);
  // plan keys made with model and judge are the loaded receipts' keys
  assert.deepEqual(new Set(table.values("receipt_key")), new Set(plan.points.map((p) => p.receipt_key)));
  assert.ok(!err.join("").includes(SECRET));
});

test("the deadline covers the whole body: a server that drips its answer is timed out and retried", async () => {
  // Headers arrive at once, then one byte every 200 ms: the body would take ~40 s.
  server.configure({ faults: [{ fault: "drip", delayMs: 200, match: "[harmful query placeholder 3]", route: "chat", firstN: 1 }] });
  const started = Date.now();
  const { logs, done } = run("drip.jsonl", { timeoutMs: 3000, concurrency: 64 }); // one wave of dripped requests
  const s = await done;
  assert.equal(s.failed.length, 0);
  assert.equal(s.written, 204);
  assert.match(logs.join("\n"), /timeout: no complete answer within 3000 ms/);
  // Without the body deadline the dripped requests would hold the run for ~40 s.
  assert.ok(Date.now() - started < 30000, `took ${Date.now() - started} ms`);
});

test("a dead endpoint stops the run early with one message; CLI exit 3", async () => {
  // A port nothing listens on: every connection is refused.
  const probe = await startFakeServer();
  const deadUrl = probe.url;
  await probe.close();
  const { logs, done } = run("dead.jsonl", { endpoint: deadUrl, retries: 1, concurrency: 4 });
  const s = await done;
  assert.equal(s.endpointUnreachable, true);
  assert.match(s.stoppedBecause!, /every request so far failed the same way \(connection error/);
  assert.ok(s.failed.length <= 8, `${s.failed.length} points tried`);
  const gaveUp = logs.filter((l) => /gave up/.test(l));
  assert.ok(gaveUp.length <= 3, gaveUp.join("\n"));
  const err: string[] = [];
  const io = { out: () => undefined, err: (t: string) => void err.push(t) };
  assert.equal(await collectCommand({ plan: planPath, endpoint: deadUrl, model: "fake-model", judge: "keyword", out: join(dir, "dead2.jsonl"), quiet: true, retries: 0 }, io), 3);
  assert.match(err.join(""), /Stopped early: every request so far failed the same way/);
});

test("arguments are checked before any request; usage errors exit 2", async () => {
  server.configure({});
  const n = server.stats.requests;
  for (const [over, re] of [
    [{ endpoint: "not a url" }, /endpoint must be an http:\/\/ or https:\/\/ URL, found "not a url" \(not a URL\)/],
    [{ endpoint: "ftp://127.0.0.1/v1" }, /found the scheme "ftp:"/],
    [{ retries: -5 }, /retries must be a non-negative integer, found -5/],
    [{ timeoutMs: 0 }, /timeoutMs must be a positive integer of milliseconds, found 0/],
    [{ concurrency: 1.5 }, /concurrency must be a positive integer, found 1.5/],
  ] as const) await assert.rejects(run("args.jsonl", over as Partial<CollectOptions>).done, re);
  assert.equal(server.stats.requests, n, "no request was sent");
  const io = { out: () => undefined, err: () => undefined };
  assert.equal(await collectCommand({ plan: planPath, endpoint: "nope", model: "fake-model", judge: "keyword", out: join(dir, "a.jsonl"), quiet: true }, io), 2);
});

test("content null, a wrong content-type and an echoed API key are never stored as answers", async () => {
  server.configure({ faults: [
    { fault: "null_content", match: "[harmful query placeholder 1]", route: "chat" },
    { fault: "wrong_type", match: "[harmful query placeholder 2]", route: "chat" },
    { fault: "echo_key", match: "[harmful query placeholder 3]", route: "chat" },
  ] });
  const { logs, done } = run("odd.jsonl", { retries: 1 });
  const s = await done;
  const reasons = s.failed.map((f) => f.reason).join("\n");
  assert.match(reasons, /content null and no refusal text/);
  assert.match(reasons, /content-type "text\/plain", not application\/json/);
  assert.equal(s.failed.length, 68); // queries 1 and 2 in 17 conditions x 2 samplings
  assert.equal(s.redactedAnswers, 34);
  const text = await readFile(join(dir, "odd.jsonl"), "utf8");
  assert.ok(!text.includes(SECRET));
  const echoed = (await loadReceipts(join(dir, "odd.jsonl"))).toRows().filter((r) => String(r.response).startsWith("Sure. Your key is"));
  assert.equal(echoed.length, 34);
  for (const r of echoed) assert.equal(r.response, "Sure. Your key is [redacted].");
  assert.match(logs.join("\n"), /answers contained an API key, stored as \[redacted\]/);
});

test("two names for one file (a symlink) share one lock", async () => {
  const { symlink } = await import("node:fs/promises");
  const { spawn } = await import("node:child_process");
  const { lockReceiptFile } = await import("../../src/collect/writer");
  const real = join(dir, "locked.jsonl"), link = join(dir, "locked-link.jsonl");
  await writeFile(real, "");
  await symlink(real, link);
  // Another live process holds the lock on the real name (a lock of our own pid counts as stale).
  const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
  try {
    await writeFile(`${real}.lock`, String(other.pid));
    await assert.rejects(lockReceiptFile(link, () => undefined), new RegExp(`being written by another collector \\(pid ${other.pid}`));
  } finally {
    other.kill();
  }
  await new Promise((r) => other.once("exit", r));
  const release = await lockReceiptFile(link, () => undefined); // the holder is gone: stale, taken over
  await release();
});
