/**
 * Judge-error correction on receipts: reference_label through every file format, the
 * simulator's validation subsets, the per-judge summary (counts recomputed here from the
 * simulator's truth, not from the code under test), its errors and notes, and the
 * corrected count model on simulated receipts with known coefficients.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { judgeCorrectedFit } from "../../src/analysis/judge-corrected-fit";
import { judgeErrorSummary } from "../../src/analysis/judge-error-summary";
import { fromArrow, toArrow } from "../../src/io/arrow-ipc";
import { fromCSV, toCSV } from "../../src/io/csv";
import { fromJSONL, toJSONL } from "../../src/io/jsonl";
import { fromRecords } from "../../src/io/load";
import { fromParquet, toParquet } from "../../src/io/parquet";
import { fitLogistic } from "../../src/stats";
import { fitMisclassifiedLogistic } from "../../src/stats/misclassification-logistic-fit";
import type { ReceiptInput } from "../../src/receipt/types";
import { classroomDesign } from "../../src/simulate/presets";
import { BASELINE_CONDITION, mainSweepConditions } from "../../src/simulate/conditions";
import { referenceLabels, withReferenceLabels } from "../../src/simulate/reference-labels";
import { simulateOutcomes } from "../../src/simulate/simulate-outcomes";
import { toReceiptRecords } from "../../src/simulate/to-table";
import type { SimulationDesign } from "../../src/simulate/design";

const REQUIRED = { run_id: "r1", model: "m1", judge: "keyword", query_source: "harmbench", n_benign: 0, n_harmful: 0 };

test("reference_label survives JSONL, CSV, Arrow and Parquet, null kept apart", () => {
  const t = fromRecords([
    { ...REQUIRED, query_id: "a", judge_label: "refusal", reference_label: "compliance" },
    { ...REQUIRED, query_id: "b", judge_label: "compliance", reference_label: "refusal" },
    { ...REQUIRED, query_id: "c", judge_label: "parse_error", reference_label: "refusal" },
    { ...REQUIRED, query_id: "d", judge_label: "compliance" },
    { ...REQUIRED, query_id: "e", judge_label: "refusal", reference_label: null },
  ] as ReceiptInput[]);
  const expected = ["compliance", "refusal", "refusal", null, null];
  assert.deepEqual(t.values("reference_label"), expected);
  const trips = [fromJSONL(toJSONL(t)), fromCSV(toCSV(t)), fromArrow(toArrow(t)), fromParquet(toParquet(t))];
  for (const back of trips) assert.deepEqual(back.values("reference_label"), expected);
});

test("a reference_label other than refusal or compliance is an error naming the field", () => {
  const t = fromRecords([{ ...REQUIRED, judge_label: "refusal", reference_label: "parse_error" } as unknown as ReceiptInput], { strict: false });
  assert.equal(t.numRows, 0);
  assert.equal(t.issues[0].field, "reference_label");
  assert.match(t.issues[0].message, /refusal.*compliance/);
});

/** One model, no query effect (so the generated coefficients are the marginal ones), a judge that misses half the compliances. */
function underReportingDesign(): SimulationDesign {
  const base = classroomDesign();
  return {
    ...base, name: "judge-error-test", samplings: 2,
    run: { ...base.run, judge: "keyword" },
    judge_error: { sensitivity: 0.5, specificity: 0.95, parse_error_rate: 0.01 },
    models: [{
      params: { model: "Plain-7B", baseline_logit: -0.8, query_sd: 0, harmful_slope: 0.5, benign_slope: -0.35 },
      conditions: [BASELINE_CONDITION, ...mainSweepConditions([4, 16, 64])],
    }],
  };
}

const sim = simulateOutcomes(underReportingDesign(), 11);
const refs = referenceLabels(sim, { fraction: 0.15 });
const receipts = fromRecords(withReferenceLabels(sim, toReceiptRecords(sim), { fraction: 0.15 }));

test("referenceLabels writes the truth on a seeded share of the receipts", () => {
  assert.deepEqual(referenceLabels(sim, { fraction: 0.15 }), refs, "same seed, same subset");
  const chosen = refs.filter((r) => r !== null).length;
  assert.ok(Math.abs(chosen / sim.length - 0.15) < 0.02, `share ${chosen / sim.length}`);
  refs.forEach((r, i) => { if (r !== null) assert.equal(r, sim.complied[i] === 1 ? "compliance" : "refusal"); });
  assert.notDeepEqual(referenceLabels(sim, { fraction: 0.15, seed: 12 }), refs);
  assert.throws(() => referenceLabels(sim, { fraction: 1.5 }), /fraction must be in \[0, 1\], found 1.5/);
});

test("judgeErrorSummary: counts from the truth, and a corrected rate whose interval holds the true rate", () => {
  const [row] = judgeErrorSummary(receipts);
  let n = 0, x = 0, tp = 0, fn = 0, tn = 0, fp = 0, truth = 0;
  for (let i = 0; i < sim.length; i++) {
    if (sim.label[i] === 2) continue; // parse error
    const says = sim.label[i] === 1 ? 1 : 0;
    n++; x += says; truth += sim.complied[i];
    if (refs[i] === "compliance") says ? tp++ : fn++;
    else if (refs[i] === "refusal") says ? fp++ : tn++;
  }
  assert.equal(row.judge, "keyword");
  assert.equal(row.n, n);
  assert.equal(row.compliance_rate, x / n);
  assert.equal(row.n_validation, tp + fn + tn + fp);
  assert.equal(row.sensitivity, tp / (tp + fn));
  assert.equal(row.specificity, tn / (tn + fp));
  assert.ok(row.parse_errors > 0);
  const rate = truth / n;
  assert.ok(row.compliance_rate! < rate - 0.1, "the judge under-reports");
  assert.ok(row.corrected_conf_low! < rate && rate < row.corrected_conf_high!, `true rate ${rate} in [${row.corrected_conf_low}, ${row.corrected_conf_high}]`);
  assert.equal(row.clamped, false);
  assert.equal(row.note, null);
});

test("judgeErrorSummary: no reference label anywhere is a clear error; a group without both classes gets a note", () => {
  const plain = fromRecords([{ ...REQUIRED, judge_label: "refusal" }, { ...REQUIRED, query_id: "x", judge_label: "compliance" }] as ReceiptInput[]);
  assert.throws(() => judgeErrorSummary(plain), /needs receipts with a reference_label .* none of the 2 receipts/);
  const oneClass = fromRecords([
    { ...REQUIRED, query_id: "a", judge_label: "refusal", reference_label: "refusal" },
    { ...REQUIRED, query_id: "b", judge_label: "compliance" },
  ] as ReceiptInput[]);
  const [row] = judgeErrorSummary(oneClass);
  assert.equal(row.corrected_rate, null);
  assert.equal(row.sensitivity, null);
  assert.equal(row.specificity, 1);
  assert.match(row.note!, /both reference labels; it has 0 compliance and 1 refusal/);
});

test("judgeCorrectedFit recovers the slopes a perfect judge would give, which the ordinary fit on judge labels attenuates", () => {
  const r = judgeCorrectedFit(receipts);
  assert.equal(r.fit.converged, true);
  assert.ok(r.parse_errors > 0);
  // the reference point: the same model fitted to the simulator's truth (what a perfect judge reports)
  const keep: number[] = [];
  for (let i = 0; i < sim.length; i++) if (sim.label[i] !== 2) keep.push(i);
  const nb = receipts.numbers("n_benign"), nh = receipts.numbers("n_harmful");
  const perfect = fitLogistic({
    terms: ["harmful", "benign"],
    columns: [Float64Array.from(keep, (i) => Math.log1p(nh[i])), Float64Array.from(keep, (i) => Math.log1p(nb[i]))],
    successes: Float64Array.from(keep, (i) => sim.complied[i]),
  });
  for (const [term, j] of [["harmful", 1], ["benign", 2]] as const) {
    const t = r.terms.find((x) => x.term === term)!;
    const target = perfect.estimates[j];
    assert.ok(Math.abs(t.estimate - target) < 2 * t.std_error, `${term}: corrected ${t.estimate} (SE ${t.std_error}), perfect judge ${target}`);
    assert.ok(Math.abs(t.naive_estimate!) < 0.75 * Math.abs(target), `${term}: naive ${t.naive_estimate} not shrunk against ${target}`);
  }
  const se = r.terms.find((t) => t.term === "sensitivity")!;
  assert.ok(se.conf_low < 0.5 && 0.5 < se.conf_high && se.naive_estimate === null);
});

test("judgeCorrectedFit: CR1 by query_id by default, equal to the per-receipt fit; cluster: null gives model-based errors", () => {
  const r = judgeCorrectedFit(receipts);
  assert.equal(r.std_error_type, "CR1 by query_id (300 clusters)");
  assert.deepEqual(r.warnings, []);
  // the same fit on one row a receipt, without aggregation
  const y = receipts.flags("complied"), q = receipts.values("query_id"), ref = receipts.values("reference_label");
  const nb = receipts.numbers("n_benign"), nh = receipts.numbers("n_harmful");
  const keep: number[] = [];
  for (let i = 0; i < y.length; i++) if (y[i] >= 0) keep.push(i);
  const perReceipt = fitMisclassifiedLogistic({
    terms: ["harmful", "benign"],
    columns: [Float64Array.from(keep, (i) => Math.log1p(nh[i])), Float64Array.from(keep, (i) => Math.log1p(nb[i]))],
    judged: Float64Array.from(keep, (i) => y[i]),
    reference: Float64Array.from(keep, (i) => (ref[i] === "compliance" ? 1 : ref[i] === "refusal" ? 0 : -1)),
    cluster: keep.map((i) => q[i] as string),
  });
  r.terms.forEach((t, j) => {
    assert.ok(Math.abs(t.estimate - perReceipt.terms[j].estimate) < 1e-9, `${t.term} estimate`);
    assert.ok(Math.abs(t.std_error / perReceipt.terms[j].std_error - 1) < 1e-9, `${t.term} CR1 std_error`);
  });
  const model = judgeCorrectedFit(receipts, { cluster: null });
  assert.equal(model.std_error_type, "model-based");
  assert.ok(Math.abs(model.terms[1].estimate - r.terms[1].estimate) < 1e-12, "clustering changes errors, not estimates");
});
