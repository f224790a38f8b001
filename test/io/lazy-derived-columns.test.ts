/**
 * A loaded table's derived columns (n_total, harmful_fraction, complied) are computed the
 * first time anything reads them, not by the load: until then the base table holds an
 * all-null placeholder for each. Every way of reading them (typed columns, values, the Arrow
 * table, views, weighted tables, the writers) gives the values the definitions say.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Table } from "apache-arrow";
import { fromArrow, toArrow } from "../../src/io/arrow-ipc";
import { fromJSONL, toJSONL } from "../../src/io/jsonl";
import { fromRecords } from "../../src/io/load";
import { fromParquet, toParquet } from "../../src/io/parquet";
import { withRowWeights, type ReceiptTable } from "../../src/io/receipt-table";

const LABELS = ["refusal", "compliance", "parse_error"];

/** 2,000 receipts (past a byte of validity bits many times): n_total 0 every fifth row, every judge label (parse_error: complied null). */
function records(n = 2000): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    run_id: "r1", model: `m${i % 3}`, judge: "wildguard", query_source: "harmbench", query_id: `q${i}`,
    n_benign: i % 5 === 0 ? 0 : i % 4, n_harmful: i % 5 === 0 ? 0 : (i % 7) + 1, sample_index: 0,
    judge_label: LABELS[i % 3],
  }));
}

/** What the definitions say: n_total = n_benign + n_harmful, harmful_fraction = n_harmful / n_total (null at 0), complied from judge_label. */
function expected(recs: Record<string, unknown>[]): { total: number[]; fraction: (number | null)[]; complied: (boolean | null)[] } {
  const total = recs.map((r) => (r.n_benign as number) + (r.n_harmful as number));
  const fraction = recs.map((r, i) => (total[i] > 0 ? (r.n_harmful as number) / total[i] : null));
  const complied = recs.map((r) => (r.judge_label === "compliance" ? true : r.judge_label === "refusal" ? false : null));
  return { total, fraction, complied };
}

/** The base table as loaded (before the lazy columns are filled in), as the load benchmark reads it. */
function baseOf(t: ReceiptTable): Table {
  return (t as unknown as { cache: { base: Table } }).cache.base;
}

function checkDerived(t: ReceiptTable, recs: Record<string, unknown>[], what: string): void {
  const want = expected(recs);
  assert.deepEqual(t.values("n_total"), want.total, `${what}: n_total`);
  assert.deepEqual(t.values("harmful_fraction"), want.fraction, `${what}: harmful_fraction`);
  assert.deepEqual(t.values("complied"), want.complied, `${what}: complied`);
}

test("a load's derived columns are placeholders until read, then the values the definitions say", () => {
  const recs = records();
  const t = fromRecords(recs);
  const base = baseOf(t);
  for (const name of ["n_total", "harmful_fraction", "complied", "receipt_key"]) {
    assert.equal(base.getChild(name)!.nullCount, recs.length, `${name} is not computed by the load`);
  }
  // one column read computes that column only
  assert.deepEqual(Array.from(t.numbers("n_total")), expected(recs).total);
  assert.equal(baseOf(t).getChild("n_total")!.nullCount, 0);
  assert.equal(baseOf(t).getChild("harmful_fraction")!.nullCount, recs.length, "harmful_fraction still not computed");
  checkDerived(t, recs, "values");
  const flags = Array.from(t.flags("complied"));
  assert.deepEqual(flags, expected(recs).complied.map((c) => (c === null ? -1 : c ? 1 : 0)));
  // null counts and validity as the column says
  assert.equal(t.column("harmful_fraction").nullCount, expected(recs).fraction.filter((x) => x === null).length);
  assert.equal(t.column("complied").nullCount, expected(recs).complied.filter((x) => x === null).length);
});

test("derived columns read through views, the Arrow table and a weighted table agree", () => {
  const recs = records();
  const want = expected(recs);
  // a view first: the base's columns are computed for it and shared
  const t = fromRecords(recs);
  const rows = Int32Array.from({ length: 300 }, (_, k) => (k * 7) % recs.length);
  const view = t.take(rows);
  assert.deepEqual(view.values("harmful_fraction"), Array.from(rows, (r) => want.fraction[r]));
  assert.deepEqual(view.values("complied"), Array.from(rows, (r) => want.complied[r]));
  assert.deepEqual(Array.from(view.arrow.getChild("n_total")!.toArray()), Array.from(rows, (r) => want.total[r]));
  // the Arrow table of a fresh load fills in every lazy column
  const u = fromRecords(recs);
  const arrow = u.arrow;
  assert.deepEqual(Array.from(arrow.getChild("n_total")!.toArray()), want.total);
  assert.deepEqual(arrow.getChild("harmful_fraction")!.toArray().length, recs.length);
  assert.deepEqual(Array.from({ length: recs.length }, (_, i) => arrow.getChild("complied")!.get(i)), want.complied);
  assert.equal(arrow.getChild("receipt_key")!.nullCount, 0);
  // a weighted table over a table whose columns are not computed yet
  const w = fromRecords(recs);
  const weighted = withRowWeights(w, new Float64Array(recs.length).fill(2));
  checkDerived(weighted, recs, "weighted");
  checkDerived(w, recs, "the table under the weighted one");
});

test("derived columns are the same after JSONL, Arrow and Parquet round trips, and with the columns option", () => {
  const recs = records();
  const t = fromRecords(recs);
  checkDerived(fromArrow(toArrow(t)), recs, "arrow");
  checkDerived(fromParquet(toParquet(t)), recs, "parquet");
  const some = fromRecords(recs, { columns: ["model", "harmful_fraction", "complied"] });
  checkDerived(some, recs, "columns option");
  assert.throws(() => some.values("judge_score"), /not loaded/);
  checkDerived(fromJSONL(toJSONL(t)), recs, "jsonl");
});

test("a table of no receipts has empty derived columns", () => {
  const t = fromJSONL("", { strict: false });
  assert.equal(t.numRows, 0);
  assert.deepEqual(t.values("n_total"), []);
  assert.deepEqual(t.values("harmful_fraction"), []);
  assert.deepEqual(t.values("complied"), []);
});
