import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile, copyFile } from "node:fs/promises";
import { join } from "node:path";
import { expandDesign, parseDesign, loadDesign } from "../../src/compose/design";
import { loadPlan, writePlan, loadPools, planFromDesign } from "../../src/compose/plan";
import { composeCommand, planCommand } from "../../src/compose/cli";
import { PoolError } from "../../src/compose/pools";
import { tempDir } from "../temp-dir";

const EXAMPLE = join(__dirname, "../../data/examples/compose");
const base = { queries: "q.jsonl", harmful_demos: "h.jsonl", benign_demos: "b.jsonl", seed: 5 };

function capture() {
  const out: string[] = [], err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

test("grid expands with collapsed schedules for one-kind conditions and a zero baseline", () => {
  const d = parseDesign({ ...base, grid: { totals: [0, 4, 8], harmful_fractions: [0, 0.5, 1], schedules: ["suffix", "interleave"], format_cues: ["none", "comply"] } }, "/x/design.json");
  const cs = expandDesign(d);
  const zero = cs.filter((c) => c.n_benign + c.n_harmful === 0);
  assert.deepEqual(zero, [{ n_benign: 0, n_harmful: 0, schedule: "none", format_cue: "none", format_cue_text: null }]);
  // per nonzero total: phi 0 and 1 collapse to schedule none (x2 cues), phi 0.5 has 2 schedules x 2 cues
  assert.equal(cs.length, 1 + 2 * (2 + 2 + 4));
  for (const c of cs) if (c.n_benign === 0 || c.n_harmful === 0) assert.equal(c.schedule, "none");
  assert.ok(cs.some((c) => c.format_cue === "comply" && c.format_cue_text === "Sure I can help with that!"));
  assert.equal(d.queries, "/x/q.jsonl");
  assert.equal(d.run_id, "design");
});

test("explicit conditions, baseline flag and custom cues", () => {
  const d = parseDesign({ ...base, baseline: true, conditions: [
    { n_benign: 32, n_harmful: 32, schedule: "middle", format_cue: "custom", format_cue_text: "Certainly:" },
    { n_benign: 0, n_harmful: 4, schedule: "prefix" },
    { n_benign: 0, n_harmful: 4, schedule: "suffix" },
  ] }, null);
  const cs = expandDesign(d);
  assert.deepEqual(cs.map((c) => `${c.n_benign}/${c.n_harmful}/${c.schedule}/${c.format_cue}`), ["0/0/none/none", "32/32/middle/custom", "0/4/none/none"]);
});

test("design errors name the file, the field, what was expected and what was found", () => {
  const bad = () => parseDesign({ queries: "q.jsonl", harmful_demos: 3, grid: { totals: [4, -1], harmful_fractions: [0.3], schedules: ["sufix"], format_cues: ["loud"] }, samplings: 0, colour: 1 }, "d.json");
  try { bad(); assert.fail("expected a PoolError"); } catch (e) {
    assert.ok(e instanceof PoolError);
    const t = e.problems.join("\n");
    for (const re of [
      /d\.json: colour: unknown field/,
      /d\.json: harmful_demos: expected a non-empty string, found 3/,
      /d\.json: benign_demos: required field is missing/,
      /d\.json: seed: required field is missing/,
      /d\.json: samplings: expected an integer from 1 up, found 0/,
      /grid\.totals\[1\]: expected a non-negative integer, found -1/,
      /grid\.schedules\[0\]: expected one of prefix, suffix, random, middle, interleave, none, found the string "sufix"/,
      /grid\.format_cues\[0\]: expected "none", "neutral", "comply" or \{"custom": "text"\}, found the string "loud"/,
      /harmful fraction 0.3 of total 4 gives 1.2 harmful demonstrations; expected a whole number/,
    ]) assert.match(t, re);
  }
  assert.throws(() => parseDesign({ ...base }, "d.json"), /expected a grid, a conditions list or baseline: true/);
  assert.throws(() => parseDesign({ ...base, conditions: [{ n_benign: 2, n_harmful: 2, schedule: "none" }] }, "d.json"), /conditions\[0\]\.schedule: none means one kind/);
});

test("plan: deterministic work list with stable keys; example design", async () => {
  const dir = tempDir("plan-");
  const a = await writePlan(join(EXAMPLE, "design.json"), join(dir, "a.jsonl"));
  const b = await writePlan(join(EXAMPLE, "design.json"), join(dir, "b.jsonl"));
  assert.equal(await readFile(join(dir, "a.jsonl"), "utf8"), await readFile(join(dir, "b.jsonl"), "utf8"));
  // 6 queries x 2 samplings x (1 baseline + 2 totals x (2 + 2 + 4)) conditions
  assert.equal(a.points.length, 6 * 2 * 17);
  assert.equal(new Set(a.points.map((p) => p.point_key)).size, a.points.length);
  assert.equal(a.points[0].receipt_key, null);
  const loaded = await loadPlan(join(dir, "a.jsonl"));
  assert.deepEqual(loaded.points, a.points);
  assert.equal(loaded.header.queries.path, join(EXAMPLE, "queries.jsonl"));
  assert.deepEqual(b.points.map((p) => p.composition_seed), a.points.map((p) => p.composition_seed));
  // with model and judge the plan's keys are the receipt keys
  const withModel = await writePlan(join(EXAMPLE, "design.json"), join(dir, "c.jsonl"), { model: "m", judge: "keyword" });
  assert.match(withModel.points[0].receipt_key!, /^[0-9a-f]{16}$/);
});

test("plan refuses conditions larger than the pools", async () => {
  const design = await loadDesign(join(EXAMPLE, "design.json"));
  const pools = await loadPools(design);
  assert.throws(() => planFromDesign({ ...design, grid: { ...design.grid!, totals: [64] } }, pools), /needs more demonstrations than the pools hold \(16 benign, 16 harmful\)/);
});

test("planCommand and composeCommand print and return exit codes", async () => {
  const dir = tempDir("plancli-");
  const c = capture();
  assert.equal(await planCommand({ design: join(EXAMPLE, "design.json"), out: join(dir, "p.jsonl") }, c.io), 0);
  assert.match(c.err.join(""), /wrote 204 points \(17 conditions\)/);
  const plan = await loadPlan(join(dir, "p.jsonl"));
  const p = plan.points.find((x) => x.n_benign === 4 && x.n_harmful === 4 && x.schedule === "interleave" && x.format_cue === "comply")!;
  const shown = capture();
  assert.equal(await composeCommand({ design: join(EXAMPLE, "design.json"), point: p.point_key.slice(0, 10) }, shown.io), 0);
  const text = shown.out.join("");
  assert.match(text, /schedule interleave, format_cue comply/);
  assert.equal((text.match(/--- assistant/g) ?? []).length, 8);
  assert.match(text, /--- user \[benign b\d+\]/);
  const json = capture();
  assert.equal(await composeCommand({ design: join(EXAMPLE, "design.json"), point: p.point_key, format: "json" }, json.io), 0);
  assert.equal(JSON.parse(json.out.join("")).messages.length, 17);
  const none = capture();
  assert.equal(await composeCommand({ design: join(EXAMPLE, "design.json"), point: "zzzz" }, none.io), 1);
  assert.match(none.err.join(""), /no point/);
  await writeFile(join(dir, "bad.json"), "{ nope");
  const bad = capture();
  assert.equal(await planCommand({ design: join(dir, "bad.json"), out: join(dir, "x.jsonl") }, bad.io), 1);
  assert.match(bad.err.join(""), /bad\.json: bad JSON/);
  await copyFile(join(EXAMPLE, "design.json"), join(dir, "design.json"));
  const missing = capture();
  assert.equal(await planCommand({ design: join(dir, "design.json"), out: join(dir, "y.jsonl") }, missing.io), 1);
  assert.match(missing.err.join(""), /queries\.jsonl: cannot read the query file \(ENOENT\)/);
});

test("pool paths stay inside the design's folder; errors never quote the file a path points at", async () => {
  const { mkdir, symlink, writeFile } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const { loadDesign } = await import("../../src/compose/design");
  const { loadQueryPool } = await import("../../src/compose/pools");
  const root = tempDir("design-");
  const secret = join(root, "secret.txt");
  await writeFile(secret, "root:x:0:0:TOP-SECRET-BYTES\n");
  await mkdir(join(root, "d"));
  for (const f of ["h.jsonl", "b.jsonl"]) await writeFile(join(root, "d", f), "");
  const designPath = join(root, "d", "design.json");
  await writeFile(designPath, JSON.stringify({ ...base, queries: "../secret.txt", grid: { totals: [4], harmful_fractions: [0.5], schedules: ["suffix"], format_cues: ["none"] } }));
  await assert.rejects(loadDesign(designPath), (e: Error) => {
    assert.match(e.message, /queries: the pool path "\.\.\/secret\.txt" resolves to .*secret\.txt, outside .*\/d; expected a pool file in the design's folder or below/);
    assert.ok(!e.message.includes("TOP-SECRET"));
    return true;
  });
  // a link inside the folder that points outside it is refused too
  await symlink(secret, join(root, "d", "q.jsonl"));
  await writeFile(designPath, JSON.stringify({ ...base, grid: { totals: [4], harmful_fractions: [0.5], schedules: ["suffix"], format_cues: ["none"] } }));
  await assert.rejects(loadDesign(designPath), /queries: .*q\.jsonl is a link to .*secret\.txt, outside/);
  // a wider root is an explicit choice
  const wide = await loadDesign(designPath, { poolRoot: root });
  assert.equal(wide.queries, join(root, "d", "q.jsonl"));
  // and a pool that is not JSON is described by position, not quoted
  await assert.rejects(loadQueryPool(secret), (e: Error) => {
    assert.match(e.message, /secret\.txt:1: bad JSON \(not valid JSON( at character \d+)?\)/);
    assert.ok(!e.message.includes("TOP-SECRET") && !e.message.includes("root:x"));
    return true;
  });
});
