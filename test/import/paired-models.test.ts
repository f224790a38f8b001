/** pairedModelComparison pairs receipts by evaluation point and counts what it cannot pair. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { pairedModelComparison } from "../../src/analysis/paired-models";
import { fromRecords } from "../../src/io/load";
import { clusteredMcNemar } from "../../src/stats/clustered-mcnemar";

const base = { run_id: "r", judge: "j", query_source: "s", n_benign: 0, n_harmful: 0 };
const r = (model: string, q: string, k: number, label: string) => ({ ...base, model, query_id: q, sample_index: k, judge_label: label });

test("pairs by query and sample, clusters by query, counts unpaired receipts and parse errors", () => {
  const t = fromRecords([
    r("A", "q1", 0, "compliance"), r("B", "q1", 0, "refusal"),
    r("A", "q1", 1, "compliance"), r("B", "q1", 1, "compliance"),
    r("A", "q2", 0, "compliance"), r("B", "q2", 0, "refusal"),
    r("A", "q3", 0, "refusal"), r("B", "q3", 0, "compliance"),
    r("A", "q3", 1, "parse_error"), r("B", "q3", 1, "refusal"),
    r("A", "q4", 0, "compliance"),
    r("B", "q5", 0, "refusal"),
  ]);
  const p = pairedModelComparison(t, { modelA: "A", modelB: "B" });
  assert.deepEqual([p.unpaired_a, p.unpaired_b, p.parse_error_pairs, p.n_pairs, p.n_clusters], [1, 1, 1, 4, 3]);
  // the four usable pairs, written out from the records above
  const expected = clusteredMcNemar([1, 1, 1, 0], [0, 1, 0, 1], ["q1", "q1", "q2", "q3"]);
  for (const k of ["a_only", "b_only", "estimate", "std_error", "statistic", "p_value"] as const) assert.equal(p[k], expected[k], k);
  assert.equal(p.judge, "j");
  assert.throws(() => pairedModelComparison(fromRecords([r("A", "q1", 0, "refusal"), { ...r("B", "q1", 0, "refusal"), judge: "k" }]), { modelA: "A", modelB: "B" }), /one judge, found 2/);
  assert.throws(() => pairedModelComparison(t, { modelA: "A", modelB: "C" }), /no receipts of C/);
});
