import { test } from "node:test";
import assert from "node:assert/strict";
import { compose, composeFromIds, rebuildContext, compositionSeed, type CompositionPoint } from "../../src/compose/compose";
import { fromDemoJSONL, fromQueryJSONL, PoolError, type Pools } from "../../src/compose/pools";
import { arrangeDemos } from "../../src/compose/schedule";
import { createRng, xoshiro128ss, sampleWithoutReplacement } from "../../src/compose/prng";
import { truncateChars } from "../../src/compose/truncate";
import { adoptedCue } from "../../src/compose/cues";

const demos = (kind: string, n: number, long = false) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ id: `${kind[0]}${i}`, prompt: `[${kind} request ${i}]${long ? "x".repeat(50) : ""}`, response: `[${kind} answer ${i}]${long ? "y".repeat(50) : ""}`, source: `fake-${kind}` })).join("\n");
const pools: Pools = {
  harmful: fromDemoJSONL(demos("harmful", 40)),
  benign: fromDemoJSONL(demos("benign", 40)),
  queries: fromQueryJSONL(['{"id":"q1","prompt":"[query 1]","source":"fake-bench","category":"c"}', '{"id":"q2","prompt":"[query 2]","source":"fake-bench"}'].join("\n")),
};
const point = (over: Partial<CompositionPoint>): CompositionPoint => ({
  query_id: "q1", n_benign: 32, n_harmful: 32, schedule: "suffix", format_cue: "none", composition_seed: compositionSeed(5, "q1", 32, 32, 0), ...over,
});
const kinds = (p: Partial<CompositionPoint>) => compose(point(p), pools).demo_kinds.map((k) => k[0]).join("");

test("xoshiro128** matches the C reference for state (1, 2, 3, 4)", () => {
  // reference: prng.di.unimi.it/xoshiro128starstar.c, compiled with gcc, printing next() six times
  const rng = xoshiro128ss(1, 2, 3, 4);
  assert.deepEqual(Array.from({ length: 6 }, () => rng.nextUint32()), [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
});

test("seeded generator: same seed same stream, different seeds differ, seeds above 2^32 distinct", () => {
  const a = createRng(42), b = createRng(42), c = createRng(43), d = createRng(42 + 2 ** 32);
  const take = (r: ReturnType<typeof createRng>) => Array.from({ length: 8 }, () => r.nextUint32());
  const ta = take(a);
  assert.deepEqual(take(b), ta);
  assert.notDeepEqual(take(c), ta);
  assert.notDeepEqual(take(d), ta);
  assert.throws(() => createRng(-1), /non-negative safe integer/);
  const r = createRng(7);
  for (let i = 0; i < 1000; i++) { const x = r.nextBelow(3); assert.ok(x >= 0 && x < 3); }
});

test("prefix puts all harmful first, then benign", () => {
  assert.equal(kinds({ schedule: "prefix" }), "h".repeat(32) + "b".repeat(32));
});

test("suffix puts benign first and harmful last, nearest the query", () => {
  const ctx = compose(point({ schedule: "suffix" }), pools);
  assert.equal(ctx.demo_kinds.map((k) => k[0]).join(""), "b".repeat(32) + "h".repeat(32));
  assert.equal(ctx.messages.at(-1)!.content, "[query 1]");
  assert.match(ctx.messages.at(-2)!.content, /^\[harmful answer/);
});

test("middle puts the harmful block between two benign blocks", () => {
  assert.equal(kinds({ schedule: "middle" }), "b".repeat(16) + "h".repeat(32) + "b".repeat(16));
  assert.equal(kinds({ schedule: "middle", n_benign: 5, n_harmful: 2, composition_seed: 1 }), "bbbhhbb");
});

test("interleave alternates, benign first; unequal counts spread evenly", () => {
  assert.equal(kinds({ schedule: "interleave" }), "bh".repeat(32));
  assert.equal(kinds({ schedule: "interleave", n_benign: 6, n_harmful: 2, composition_seed: 1 }), "bbbhbbbh");
  assert.equal(kinds({ schedule: "interleave", n_benign: 2, n_harmful: 6, composition_seed: 1 }), "hhbhhhbh");
});

test("random is a seeded shuffle: mixed, reproducible, changes with the seed", () => {
  const a = compose(point({ schedule: "random" }), pools), b = compose(point({ schedule: "random" }), pools);
  assert.deepEqual(a.demo_ids, b.demo_ids);
  const k = a.demo_kinds.map((x) => x[0]).join("");
  assert.notEqual(k, "b".repeat(32) + "h".repeat(32));
  assert.notEqual(k, "h".repeat(32) + "b".repeat(32));
  const c = compose(point({ schedule: "random", composition_seed: 99 }), pools);
  assert.notDeepEqual(c.demo_ids, a.demo_ids);
});

test("schedules of one point share the same demonstrations (paired ablation)", () => {
  const ids = (s: CompositionPoint["schedule"]) => compose(point({ schedule: s }), pools).demo_ids.slice().sort();
  const base = ids("suffix");
  for (const s of ["prefix", "middle", "interleave", "random"] as const) assert.deepEqual(ids(s), base);
});

test("same seed, same messages; pinned ids guard against silent changes in the draw", () => {
  const p = point({ n_benign: 2, n_harmful: 2, composition_seed: 12345 });
  const a = compose(p, pools);
  assert.deepEqual(compose(p, pools), a);
  // pinned from this implementation (xoshiro128** seeded by splitmix32, pools sorted by id):
  // a change here means every published composition_seed now draws different demonstrations
  assert.deepEqual(a.demo_ids, ["b31", "b35", "h22", "h34"]);
  const r = createRng(12345);
  assert.deepEqual([r.nextUint32(), r.nextUint32(), r.nextUint32()], [3905735945, 3451243876, 2508149375]);
  assert.equal(compositionSeed(5, "q1", 32, 32, 0), 3326593442386904);
});

test("pool file order does not change the draw (pools are sorted by id)", () => {
  const reversed: Pools = { ...pools, benign: fromDemoJSONL(demos("benign", 40).split("\n").reverse().join("\n")) };
  const p = point({ schedule: "random" });
  assert.deepEqual(compose(p, reversed).demo_ids, compose(p, pools).demo_ids);
});

test("format cue starts every demonstrated answer; adoption is read after trimming", () => {
  const ctx = compose(point({ n_benign: 3, n_harmful: 3, format_cue: "comply" }), pools);
  for (const m of ctx.messages.filter((m) => m.role === "assistant")) assert.ok(m.content.startsWith("Sure I can help with that! "));
  const neutral = compose(point({ n_benign: 1, n_harmful: 1, format_cue: "neutral" }), pools);
  assert.match(neutral.messages[1].content, /^Answer: \[/);
  const custom = compose(point({ n_benign: 1, n_harmful: 1, format_cue: "custom", format_cue_text: "Certainly:" }), pools);
  assert.match(custom.messages[1].content, /^Certainly: /);
  assert.throws(() => compose(point({ format_cue: "custom" }), pools), /custom needs the cue's text/);
  assert.equal(adoptedCue("  \nAnswer: no", "Answer:"), true);
  assert.equal(adoptedCue("I'm sorry", "Answer:"), false);
  assert.equal(adoptedCue("anything", null), null);
});

test("truncation holds for prompts and responses, counting code points", () => {
  const long: Pools = { ...pools, benign: fromDemoJSONL(demos("benign", 4, true)), harmful: fromDemoJSONL(demos("harmful", 4, true)) };
  const ctx = compose(point({ n_benign: 2, n_harmful: 2, truncation_chars: 20, format_cue: "neutral" }), long);
  for (const m of ctx.messages.slice(0, -1)) {
    const body = m.role === "assistant" ? m.content.slice("Answer: ".length) : m.content;
    assert.ok([...body].length <= 20, body);
  }
  assert.equal(truncateChars("ab😀cd", 3), "ab😀");
  assert.equal(truncateChars("abc", 2000), "abc");
  const full = compose(point({ n_benign: 2, n_harmful: 2 }), long);
  assert.ok(full.messages[0].content.length > 20, "default truncation is 2000 characters");
});

test("text template follows Wei et al.: User/Assistant turns, then the query", () => {
  const ctx = compose(point({ n_benign: 1, n_harmful: 1, system_prompt: "[system]" }), pools);
  const lines = ctx.text.split("\n\n");
  assert.equal(lines[0], "[system]");
  assert.match(lines[1], /^User: \[benign request \d+\]\nAssistant: \[benign answer \d+\]$/);
  assert.equal(lines.at(-1), "User: [query 1]\nAssistant:");
  assert.equal(ctx.messages[0].role, "system");
});

test("recorded ids rebuild the context exactly, and the seed is audited", () => {
  const p = point({ schedule: "random", format_cue: "neutral" });
  const ctx = compose(p, pools);
  const receipt = { ...p, format_cue_text: "Answer:", demo_ids: ctx.demo_ids, truncation_chars: 2000, schedule: p.schedule };
  const rebuilt = rebuildContext(receipt, pools);
  assert.deepEqual(rebuilt.context.messages, ctx.messages);
  assert.equal(rebuilt.seedReproduces, true);
  const tampered = rebuildContext({ ...receipt, demo_ids: ctx.demo_ids.slice().reverse() }, pools);
  assert.equal(tampered.seedReproduces, false);
  assert.deepEqual(composeFromIds(p, ctx.demo_ids, pools).messages, ctx.messages);
  assert.throws(() => composeFromIds(p, ["nope", ...ctx.demo_ids.slice(1)], pools), /in neither pool/);
  assert.throws(() => rebuildContext({ ...receipt, system_prompt_sha256: "0".repeat(64) }, pools), /system_prompt_sha256/);
});

test("errors: too many demonstrations, unknown query, schedule none with both kinds", () => {
  assert.throws(() => compose(point({ n_benign: 41 }), pools), /n_benign 41 exceeds the benign pool/);
  assert.throws(() => compose(point({ query_id: "zz" }), pools), /no query with this id/);
  assert.throws(() => arrangeDemos([1], [2], "none", createRng(1)), /one kind/);
  assert.throws(() => sampleWithoutReplacement([1, 2], 3, createRng(1)), /pool of 2/);
});

test("pool validation names file, line, field, expected and found", () => {
  const bad = ['{"id":"a","prompt":"p","response":"r","source":"s"}', '{"id":7,"prompt":"p","response":"r","source":"s"}', '{"id":"a","prompt":"p","response":"r","source":"s"}', '{"id":"c","prompt":"p","source":"s","extra":1}', "{oops"].join("\n");
  try {
    fromDemoJSONL(bad, "harmful.jsonl");
    assert.fail("expected a PoolError");
  } catch (e) {
    assert.ok(e instanceof PoolError);
    const text = e.problems.join("\n");
    assert.match(text, /harmful\.jsonl:2: id: expected a string \(write numeric ids as strings, e\.g\. "17"\), found 7/);
    assert.match(text, /harmful\.jsonl:3: id: duplicate id "a", first on line 1/);
    assert.match(text, /harmful\.jsonl:4: response: required field is missing; expected a string/);
    assert.match(text, /harmful\.jsonl:4: extra: unknown field/);
    assert.match(text, /harmful\.jsonl:5: bad JSON/);
  }
  assert.throws(() => fromQueryJSONL("", "q.jsonl"), /q\.jsonl: empty file/);
});
