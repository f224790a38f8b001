import assert from "node:assert/strict";
import { test } from "node:test";
import { fromRecords, toJSONL, toParquet } from "../../src/io";
import {
  classroomDesign, simulateCustom, simulateOutcomes, toReceiptRecords, toReceiptTable, type SimulationDesign,
} from "../../src/simulate";
import { LABEL_COMPLIANCE, LABEL_PARSE_ERROR, LABEL_REFUSAL } from "../../src/simulate/simulate-outcomes";
import { assertSameArrow, oneModelDesign, sha256, smallClassroom } from "./helpers";

test("same design and seed give the same bytes (JSONL and Parquet); another seed differs", () => {
  const a = simulateCustom(smallClassroom(), 1);
  const b = simulateCustom(smallClassroom(), 1);
  const c = simulateCustom(smallClassroom(), 2);
  assert.equal(sha256(toJSONL(a)), sha256(toJSONL(b)));
  assert.equal(sha256(toParquet(a)), sha256(toParquet(b)));
  assert.notEqual(sha256(toJSONL(a)), sha256(toJSONL(c)));
});

test("the classroom draws are the ones this kit has always made (hash pinned on Node 20 / V8)", () => {
  // If this fails after a deliberate change to the generator or the classroom preset, the
  // shipped synthetic data changes too: regenerate it and update the hash. If it fails on
  // another Node version only, Math.log/exp/cos differ there in the last bit (see prng.ts).
  const sim = simulateOutcomes(classroomDesign(), 1);
  const h = sha256(Buffer.concat([sim.label, sim.adoptedCue, sim.complied, new Uint8Array(sim.compositionSeed.buffer), new Uint8Array(sim.queryEffect.buffer)].map((x) => Buffer.from(x.buffer, x.byteOffset, x.byteLength))));
  assert.equal(h, PINNED_CLASSROOM_HASH);
});
const PINNED_CLASSROOM_HASH = "816c383cb34a57e99f0b3f3dc5b3224a0dde49d3cc5270089d40dec38dc4d7f9";

test("adding a condition, a query or a model leaves every other receipt unchanged", () => {
  const base = smallClassroom();
  const grown: SimulationDesign = {
    ...base,
    queries: [{ query_source: "harmbench", query_id: "harmbench-extra", query_category: "illegal" }, ...base.queries],
    models: [
      { params: { ...base.models[1].params, model: "Extra-1B" }, conditions: base.models[1].conditions },
      { ...base.models[0], conditions: [{ n_benign: 2, n_harmful: 6, schedule: "interleave" }, ...base.models[0].conditions] },
      base.models[1],
    ],
  };
  const rows = (d: SimulationDesign) => new Map(toJSONL(simulateCustom(d, 9)).trim().split("\n").map((l) => [JSON.parse(l).receipt_key as string, l]));
  const a = rows(base), b = rows(grown);
  assert.equal(b.size, (19 + 20 + 19) * 51 * 2); // classroom: 19 conditions a model
  for (const [key, line] of a) assert.equal(b.get(key), line, `receipt ${key} changed`);
});

test("the column-wise table equals fromRecords on the same receipts", () => {
  const sim = simulateOutcomes(smallClassroom(), 3);
  const direct = toReceiptTable(sim);
  const viaRecords = fromRecords(toReceiptRecords(sim));
  assert.equal(toJSONL(direct), toJSONL(viaRecords));
  assertSameArrow(direct.arrow, viaRecords.arrow);
  assert.deepEqual(direct.sources, viaRecords.sources);
});

test("the judge reads the truth with the configured sensitivity and specificity, and fails to parse at its rate", () => {
  const judge_error = { sensitivity: 0.9, specificity: 0.8, parse_error_rate: 0.05 };
  const sim = simulateOutcomes(oneModelDesign({ baseline_logit: 0 }, { judge_error }), 11);
  const n = { true1: 0, read1: 0, true0: 0, read0: 0, parse: 0, parse1: 0 };
  for (let i = 0; i < sim.length; i++) {
    if (sim.label[i] === LABEL_PARSE_ERROR) {
      n.parse++;
      n.parse1 += sim.complied[i];
      continue;
    }
    if (sim.complied[i]) { n.true1++; if (sim.label[i] === LABEL_COMPLIANCE) n.read1++; }
    else { n.true0++; if (sim.label[i] === LABEL_REFUSAL) n.read0++; }
  }
  const within = (k: number, m: number, p: number, what: string) =>
    assert.ok(Math.abs(k / m - p) < 4 * Math.sqrt((p * (1 - p)) / m), `${what}: ${k}/${m} = ${(k / m).toFixed(4)}, expected ${p}`);
  within(n.read1, n.true1, 0.9, "sensitivity");
  within(n.read0, n.true0, 0.8, "specificity");
  within(n.parse, sim.length, 0.05, "parse errors");
  within(n.parse1, n.parse, (n.true1 + n.parse1) / sim.length, "parse errors are independent of the truth");
  const table = toReceiptTable(sim);
  assert.equal(table.flags("complied").filter((x) => x === -1).length, n.parse, "parse errors are null in complied");
});

test("a perfect judge (the default) reports the truth", () => {
  const sim = simulateOutcomes(oneModelDesign({}), 5);
  for (let i = 0; i < sim.length; i++) assert.equal(sim.label[i], sim.complied[i] ? LABEL_COMPLIANCE : LABEL_REFUSAL);
});

test("format adoption follows the configured rates among refusals and compliances; no cue, no adoption", () => {
  const format_adoption = { neutral: { given_refusal: 0.869, given_compliance: 0.95 }, comply: { given_refusal: 0.001, given_compliance: 0.521 } };
  const d = oneModelDesign({ baseline_logit: 0, format_adoption });
  const design: SimulationDesign = { ...d, models: [{ ...d.models[0], conditions: [{ n_benign: 4, n_harmful: 4 }, { n_benign: 4, n_harmful: 4, format_cue: "neutral" }, { n_benign: 4, n_harmful: 4, format_cue: "comply" }] }] };
  const sim = simulateOutcomes(design, 21);
  const count = new Map<string, [number, number]>();
  for (let i = 0; i < sim.length; i++) {
    const cue = sim.blocks[sim.block[i]].condition.format_cue;
    if (cue === "none") {
      assert.equal(sim.adoptedCue[i], -1);
      continue;
    }
    const k = `${cue}:${sim.complied[i]}`;
    const c = count.get(k) ?? [0, 0];
    c[0] += sim.adoptedCue[i];
    c[1]++;
    count.set(k, c);
  }
  for (const [cue, rates] of Object.entries(format_adoption))
    for (const [truth, p] of [[0, rates.given_refusal], [1, rates.given_compliance]] as const) {
      const [k, m] = count.get(`${cue}:${truth}`)!;
      const se = Math.sqrt(Math.max(p * (1 - p), 1e-3) / m);
      assert.ok(Math.abs(k / m - p) < 4 * se, `${cue} given ${truth ? "compliance" : "refusal"}: ${k}/${m}, expected ${p}`);
    }
  const table = toReceiptTable(sim);
  assert.deepEqual(table.distinct("format_cue_text"), ["Answer:", "Sure I can help with that!"]);
});

test("composition_seed: the same context for every model, null without demonstrations", () => {
  const sim = simulateOutcomes(classroomDesign(), 4);
  const t = toReceiptTable(sim).where({ query_id: "harmbench-0001", sample_index: 1, n_benign: 8, n_harmful: 8, schedule: "suffix", format_cue: "none" });
  assert.equal(t.numRows, 2);
  const seeds = t.values("composition_seed");
  assert.equal(seeds[0], seeds[1]);
  assert.ok(Number.isInteger(seeds[0]));
  const baseline = toReceiptTable(sim).where({ n_total: 0 });
  assert.ok(baseline.values("composition_seed").every((s) => s === null));
});

test("invalid designs are refused with the model, field and value named", () => {
  const d = oneModelDesign({});
  const m = d.models[0];
  assert.throws(() => simulateOutcomes({ ...d, queries: [d.queries[0], d.queries[0]] }, 1), /query harmbench\/harmbench-0001 appears twice/);
  assert.throws(() => simulateOutcomes({ ...d, models: [{ ...m, conditions: [{ n_benign: 2, n_harmful: 2, schedule: "none" }] }] }, 1), /has schedule none/);
  assert.throws(() => simulateOutcomes({ ...d, models: [{ ...m, conditions: [{ n_benign: 2, n_harmful: 2, format_cue: "comply" }] }] }, 1), /Test-1B shows format_cue comply but has no format_adoption.comply/);
  assert.throws(() => simulateOutcomes({ ...d, judge_error: { sensitivity: 1.2 } }, 1), /judge_error.sensitivity must be a probability in \[0, 1\], found 1.2/);
  assert.throws(() => simulateOutcomes({ ...d, models: [{ ...m, params: { ...m.params, query_sd: -1 } }] }, 1), /query_sd must be >= 0, found -1/);
  assert.throws(() => simulateOutcomes({ ...d, models: [{ ...m, conditions: [m.conditions[0], m.conditions[0]] }] }, 1), /twice; use uniqueConditions/);
  assert.throws(() => simulateOutcomes(d, -3), /seed must be a non-negative integer/);
  assert.throws(() => simulateCustom({ ...d, run: { ...d.run, temperature: -1 } }, 1), /temperature/);
});
