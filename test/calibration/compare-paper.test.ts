/** comparePaper's logic on a hand-made case: a target inside, one outside, one missing. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { comparePaper, everyTargetPasses, paperVsKitMarkdown, type PaperTargets } from "../../src/analysis/compare-paper";
import { fromRecords } from "../../src/io/load";

/** Ten zero-demonstration receipts per model, `complied` of them compliances. */
function baselineReceipts(model: string, complied: number) {
  return Array.from({ length: 10 }, (_, i) => ({
    run_id: "hand", model, judge: "keyword", query_source: "hand", query_id: `q${i}`,
    n_benign: 0, n_harmful: 0, judge_label: i < complied ? "compliance" : "refusal",
  }));
}

const targets = (values: { model: string; value: number; assumed?: boolean }[]): PaperTargets => ({
  alpha: 0.05,
  main_sweep: { totals: [4], harmful_fractions: [0, 1] },
  baseline_rate: { tolerance: 0.015, values },
  benign_coefficient: { values: [] },
  total_count: { n_totals: [], bonferroni_tests: 1, p_values: [] },
  ordering: { n_benign: 1, n_harmful: 1, tolerance: 0.03, suffix_minus_prefix: [], suffix_highest: [] },
  format_adoption: { n_benign: 1, n_harmful: 1, tolerance: 0.03, values: [] },
});

test("a published value inside the kit's interval and within tolerance passes; outside fails; a missing model fails", () => {
  const table = fromRecords([...baselineReceipts("A", 5), ...baselineReceipts("B", 5)]);
  const rows = comparePaper(table, targets([{ model: "A", value: 0.5 }, { model: "B", value: 0.9 }, { model: "C", value: 0.2 }]));
  assert.equal(rows.length, 3);
  const [a, b, c] = rows;
  // 5 / 10: Wilson 95% interval 0.2366 to 0.7634 (R: prop.test(5, 10, correct = FALSE)$conf.int)
  assert.equal(a.kit, 0.5);
  assert.ok(Math.abs(a.kit_low! - 0.2366) < 1e-4 && Math.abs(a.kit_high! - 0.7634) < 1e-4);
  assert.deepEqual([a.inside, a.pass], [true, true]);
  assert.deepEqual([b.inside, b.pass], [false, false]);
  assert.deepEqual([c.kit, c.inside, c.pass], [null, null, false]);
  assert.equal(everyTargetPasses(rows), false);
  assert.equal(everyTargetPasses([a]), true);
});

test("inside the interval but beyond the tolerance fails: the criterion, not the interval, decides", () => {
  const table = fromRecords(baselineReceipts("A", 5));
  const [row] = comparePaper(table, targets([{ model: "A", value: 0.6 }]));
  assert.deepEqual([row.inside, row.pass, row.criterion], [true, false, "within 1.5 points"]);
});

test("assumed targets are left out unless asked for", () => {
  const table = fromRecords(baselineReceipts("A", 5));
  const t = targets([{ model: "A", value: 0.5 }, { model: "A2", value: 0.3, assumed: true }]);
  assert.equal(comparePaper(table, t).length, 1);
  const all = comparePaper(table, t, { includeAssumed: true });
  assert.deepEqual(all.map((r) => r.assumed), [false, true]);
});

test("the Markdown names every row and marks failures", () => {
  const table = fromRecords(baselineReceipts("A", 5));
  const md = paperVsKitMarkdown(comparePaper(table, targets([{ model: "A", value: 0.5 }, { model: "B", value: 0.9 }])));
  assert.match(md, /^# Paper versus kit/);
  assert.match(md, /1 of 2 targets pass/);
  assert.match(md, /\| baseline_rate \| A \| no demonstrations \| 50\.0% \| 50\.0% \| 23\.7% to 76\.3% \| yes \| within 1\.5 points \| pass \|/);
  assert.match(md, /\*\*FAIL\*\*/);
});
