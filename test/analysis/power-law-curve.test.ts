/**
 * powerLawCurve on a small hand-built design; expected a, b and R^2 from base R's
 * lm(log(rate) ~ log(x)) (test/analysis/fixtures/power-law-curve.R -> power-law-curve.json).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fromRecords, powerLawCurve, type PowerLawRow } from "../../src";

const R = JSON.parse(readFileSync(join(__dirname, "fixtures", "power-law-curve.json"), "utf8")) as Record<string, number[]>;

let q = 0;
/** `complied` of `n` receipts of `model` comply at (b, h). */
function cell(model: string, b: number, h: number, complied: number, n: number, extra: Record<string, unknown> = {}) {
  return Array.from({ length: n }, (_, i) => ({
    run_id: "hand", model, judge: "hand", query_source: "toy", query_id: `q${q++}`,
    n_benign: b, n_harmful: h, schedule: b > 0 && h > 0 ? "suffix" : "none",
    judge_label: i < complied ? "compliance" : "refusal", ...extra,
  }));
}
const table = fromRecords([
  ...cell("A", 0, 0, 2, 10), ...cell("A", 0, 1, 3, 10), ...cell("A", 0, 2, 4, 10), ...cell("A", 0, 4, 6, 10), ...cell("A", 0, 8, 7, 10),
  ...cell("A", 4, 0, 3, 10),
  // a format cue is not the default condition: left out whatever its rate
  ...cell("A", 0, 8, 10, 10, { format_cue: "comply", format_cue_text: "Sure I can help with that!" }),
  { run_id: "hand", model: "A", judge: "hand", query_source: "toy", query_id: "pe", n_benign: 0, n_harmful: 1, judge_label: "parse_error" },
  ...cell("B", 0, 0, 1, 10), ...cell("B", 0, 1, 0, 10), ...cell("B", 0, 2, 1, 10), ...cell("B", 0, 4, 3, 10), ...cell("B", 0, 8, 5, 10),
]);

function matchesR(row: PowerLawRow | undefined, expected: number[], what: string) {
  assert.ok(row, `${what}: no row`);
  const [a, b, r2, n] = expected;
  for (const [name, got, want] of [["a", row.a, a], ["b", row.b, b], ["r2", row.r2, r2]] as const) {
    assert.ok(got !== null && Math.abs(got - want) <= 1e-10, `${what} ${name}: ${got} vs R ${want}`);
  }
  assert.equal(row.n_points, n, `${what} n_points`);
}

test("x = n_harmful (default): one curve per model on receipts with no benign demonstrations, as R's lm on logs", () => {
  const curve = powerLawCurve(table);
  assert.equal(curve.x, "n_harmful");
  assert.deepEqual(curve.rows.map((r) => r.model), ["A", "B"]);
  matchesR(curve.rows[0], R.harmful_A, "A");
  matchesR(curve.rows[1], R.harmful_B, "B");
  // the zero-demonstration cells (x = 0) and B's 0 of 10 at h = 1 are skipped, and the note says so
  assert.match(curve.note, /2 with n_harmful = 0/);
  assert.match(curve.note, /1 with a compliance rate of 0/);
  assert.deepEqual(curve.points.filter((p) => p.model === "B").map((p) => p.x), [2, 4, 8]);
  // parse errors stay out of the rate: A at h = 1 is 3 of 10
  const a1 = curve.points.find((p) => p.model === "A" && p.x === 1)!;
  assert.equal(a1.n, 10);
  assert.equal(a1.rate, 0.3);
  const [a, b] = R.harmful_A;
  assert.ok(Math.abs(a1.fitted! - a * 1 ** b) <= 1e-10);
});

test("x = n_total: every default-condition receipt, cells pooled by total count", () => {
  const curve = powerLawCurve(table, { x: "n_total" });
  matchesR(curve.rows.find((r) => r.model === "A"), R.total_A, "A");
  matchesR(curve.rows.find((r) => r.model === "B"), R.total_B, "B");
  const pooled = curve.points.find((p) => p.model === "A" && p.x === 4)!;
  assert.deepEqual([pooled.complied, pooled.n], [9, 20]);
});

test("by: one curve for the whole table; a group with one count has no fit; bad options are refused", () => {
  const all = powerLawCurve(table, { by: [] });
  assert.equal(all.rows.length, 1);
  assert.equal(all.rows[0].n_points, 4);
  const one = powerLawCurve(fromRecords([...cell("C", 0, 2, 3, 10), ...cell("C", 0, 0, 1, 10)]));
  assert.deepEqual(one.rows, [{ model: "C", a: null, b: null, r2: null, n_points: 1 }]);
  assert.throws(() => powerLawCurve(table, { x: "n_benign" as never }), /option x must be "n_harmful" or "n_total"; found "n_benign"/);
  assert.throws(() => powerLawCurve(table, { by: ["model", "n_harmful"] }), /must not contain the x field/);
});
