/**
 * groupBy works on integer codes (dictionary codes, count values, flags); these checks hold it
 * to what grouping means, read off the plain values of the rows: two rows share a group
 * exactly when their values are equal (null equal to null), each group carries its rows'
 * values, and groups are sorted (nulls first, numbers numerically, strings by code unit).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fromRecords } from "../../src";
import { groupBy } from "../../src/analysis/group-by";
import { splitTable } from "../../src/analysis/split";
import type { ReceiptTable } from "../../src/io/receipt-table";
import type { ReceiptFieldName } from "../../src/receipt/fields";

// a seeded generator (mulberry32), so the table is the same on every run
function random(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(7);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const records = Array.from({ length: 400 }, (_, i) => {
  const b = pick([0, 1, 2, 4, 8]), h = pick([0, 1, 3, 4]);
  const r: Record<string, unknown> = {
    run_id: "g", judge: "j", model: pick(["b-model", "a-model", "C", "a"]), query_source: pick(["x", "y"]), query_id: `q${i % 17}`, sample_index: i,
    n_benign: b, n_harmful: h, judge_label: pick(["refusal", "compliance", "parse_error"]),
  };
  if (rand() < 0.7) r.query_category = pick(["violence", "fraud", ""]);
  if (rand() < 0.6) r.temperature = pick([0, 0.7, 1.25]);
  if (rand() < 0.5) r.adopted_cue = rand() < 0.5;
  if (b + h > 0) r.schedule = pick(["suffix", "prefix"]);
  return r;
});
const table = fromRecords(records);

function comparable(x: unknown): string {
  return x === null ? "null" : `${typeof x}:${String(x)}`;
}

function checkGrouping(t: ReceiptTable, by: ReceiptFieldName[]) {
  const { groups, groupOf } = groupBy(t, by);
  const columns = by.map((f) => t.values(f));
  const keyOf = (i: number) => columns.map((c) => comparable(c[i])).join("|");
  assert.equal(groupOf.length, t.numRows);
  const groupOfKey = new Map<string, number>();
  for (let i = 0; i < t.numRows; i++) {
    const g = groupOf[i], key = keyOf(i);
    assert.ok(g >= 0 && g < groups.length, `row ${i}: group ${g} out of range`);
    by.forEach((f, c) => assert.equal(groups[g][f], columns[c][i], `row ${i} ${f}`));
    if (!groupOfKey.has(key)) groupOfKey.set(key, g);
    assert.equal(groupOfKey.get(key), g, `rows with values ${key} are in different groups`);
  }
  assert.equal(groupOfKey.size, groups.length, "a group with no rows, or two groups with the same values");
  for (let g = 1; g < groups.length; g++) {
    const f = by.find((f) => groups[g - 1][f] !== groups[g][f])!;
    const x = groups[g - 1][f], y = groups[g][f];
    const ordered = x === null || (y !== null && (typeof x === "number" ? x < (y as number) : String(x) < String(y)));
    assert.ok(ordered, `groups ${g - 1} and ${g} out of order on ${f}: ${x} then ${y}`);
  }
}

test("groupBy: rows share a group exactly when their values are equal, groups sorted, on dictionary, count, number and flag fields", () => {
  for (const by of [["model"], ["model", "n_benign", "n_harmful"], ["query_category", "temperature"], ["adopted_cue", "model"], ["harmful_fraction", "schedule"], ["query_id", "n_total", "complied"]] as ReceiptFieldName[][]) {
    checkGrouping(table, by);
    checkGrouping(table.filter((i) => i % 3 !== 0), by); // a view: columns gathered through its selection
  }
});

test("groupBy: no fields is one group of every row; an empty table has no groups", () => {
  const all = groupBy(table, []);
  assert.deepEqual(all.groups, [{}]);
  assert.ok(all.groupOf.every((g) => g === 0));
  assert.deepEqual(groupBy(table.filter(() => false), ["model"]).groups, []);
});

test("groupBy and splitTable hand out copies: changing one result does not change the next", () => {
  const first = groupBy(table, ["model"]);
  (first.groups[0] as Record<string, unknown>).model = "changed";
  first.groupOf.fill(99);
  const again = groupBy(table, ["model"]);
  assert.notEqual(again.groups[0].model, "changed");
  assert.ok(again.groupOf.every((g) => g < again.groups.length));
  const parts = splitTable(table, ["model"]);
  const n = parts.length;
  parts.reverse();
  parts.pop();
  const model = parts[0].group.model;
  parts[0].group.model = "changed";
  const fresh = splitTable(table, ["model"]);
  assert.equal(fresh.length, n);
  assert.equal(fresh[n - 1].group.model, model);
  assert.equal(fresh.reduce((s, p) => s + p.table.numRows, 0), table.numRows);
});

test("groupBy: a fractional field is coded once for every view; with 0 and -0 both present a view's group keeps its own first value", () => {
  const base = { run_id: "g", judge: "j", model: "m", query_source: "x", n_benign: 1, n_harmful: 1, judge_label: "refusal" };
  const t = fromRecords([0.5, -0, 0.25, 0, 0.5, 0].map((temperature, i) => ({ ...base, query_id: `q${i}`, sample_index: i, temperature })));
  const whole = groupBy(t, ["temperature"]);
  assert.ok(Object.is(whole.groups[0].temperature, -0), "the table's first zero is -0");
  const view = t.filter((i) => i !== 1); // its first zero is +0
  const g = groupBy(view, ["temperature"]);
  assert.deepEqual(g.groups.map((x) => x.temperature), [0, 0.25, 0.5]);
  assert.ok(Object.is(g.groups[0].temperature, 0), "the view's zero group carries the view's first zero");
  assert.deepEqual(Array.from(g.groupOf), [2, 1, 0, 2, 0]);
  checkGrouping(t.filter((i) => i % 2 === 0), ["temperature", "model"]);
});

test("groupBy: a grouping that refines one made before (its fields start with the other's) equals the grouping made from nothing", () => {
  for (const by of [["model", "n_benign", "n_harmful"], ["model", "query_category", "temperature"], ["query_source", "schedule", "adopted_cue"]] as ReceiptFieldName[][]) {
    const view = () => table.filter((i) => i % 5 !== 1); // a fresh view each: nothing grouped on it yet
    const fromNothing = groupBy(view(), by);
    const refined = view();
    for (let j = 1; j < by.length; j++) groupBy(refined, by.slice(0, j)); // the prefixes first
    const again = groupBy(refined, by);
    assert.deepEqual(again.groups, fromNothing.groups, `${by.join(", ")}: groups`);
    assert.deepEqual(Array.from(again.groupOf), Array.from(fromNothing.groupOf), `${by.join(", ")}: groupOf`);
    checkGrouping(refined, by);
  }
});
