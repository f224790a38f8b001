/**
 * Row weights: a table whose rows are cells of identical receipts, each weighted by its
 * number of receipts, must give `analyze()` exactly the result of the receipts themselves.
 * The cells are made here in plain JavaScript (group the records on every field analyze
 * reads, weight = count), independently of the engine's SQL, and every number of the two
 * result receipts must agree to 1e-8 relative, every string and verdict exactly. Any
 * analysis that counts rows instead of receipts fails this test.
 * Data: the bundled sample and two subsets of data/paper-calibrated (more and fewer than 42
 * queries, so CR1 and CR2 both run), and a small simulated design with every analysis
 * (ordering, format cues, a training-stage family, judge validation labels, parse errors).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyze, type AnalyzeOptions } from "../../src/analysis/analyze";
import { judgeCorrectedFit } from "../../src/analysis/judge-corrected-fit";
import { judgeErrorSummary } from "../../src/analysis/judge-error-summary";
import { ANALYZE_COLUMNS } from "../../src/analysis/needed-columns";
import { pairedModelComparison } from "../../src/analysis/paired-models";
import { powerLawCurve } from "../../src/analysis/power-law-curve";
import { fromRecords, loadReceipts } from "../../src/io/load";
import { withRowWeights, type ReceiptTable } from "../../src/io/receipt-table";
import { FIELD_BY_NAME } from "../../src/receipt/fields";
import { fitLogistic, pairedClusterDifference } from "../../src/stats";
import { assertSameReceipt, comparable, simulated, withParseErrors } from "./weighted-helpers";

/** The fields a cell is identified by: what analyze reads, less the derived ones and sample_index (no analysis reads it). */
const CELL_FIELDS = ANALYZE_COLUMNS.filter((f) => f !== "sample_index" && !FIELD_BY_NAME.get(f)!.derived);

/** Records grouped into cells in plain JavaScript; each cell's sample_index is its ordinal (keys stay unique). */
export function compressRecords(records: readonly Record<string, unknown>[]): { cells: Record<string, unknown>[]; weights: Float64Array } {
  const index = new Map<string, number>();
  const cells: Record<string, unknown>[] = [];
  const counts: number[] = [];
  for (const r of records) {
    const key = JSON.stringify(CELL_FIELDS.map((f) => r[f] ?? null));
    let c = index.get(key);
    if (c === undefined) {
      c = cells.length;
      index.set(key, c);
      const cell: Record<string, unknown> = { sample_index: c };
      for (const f of CELL_FIELDS) if (r[f] !== undefined && r[f] !== null) cell[f] = r[f];
      cells.push(cell);
      counts.push(0);
    }
    counts[c]++;
  }
  return { cells, weights: Float64Array.from(counts) };
}

/** The table's receipts as weighted cells (sources kept, so provenance can be compared too). */
export function compressTable(table: ReceiptTable): ReceiptTable {
  const records = table.toRows() as unknown as Record<string, unknown>[];
  const { cells, weights } = compressRecords(records);
  return withRowWeights(fromRecords(cells, { columns: ANALYZE_COLUMNS }), weights, table.sources);
}

function checkEquivalent(table: ReceiptTable, options: AnalyzeOptions = {}): { cells: number; receipts: number } {
  const cells = compressTable(table);
  assert.ok(cells.numRows < table.numRows, "the test data must have repeated cells, or it tests nothing");
  assert.equal(cells.receiptCount, table.numRows);
  const want = analyze(table, options);
  const got = analyze(cells, options);
  assertSameReceipt(comparable(got), comparable(want));
  return { cells: cells.numRows, receipts: table.numRows };
}

const paperQueries = async (keep: (q: number) => boolean): Promise<ReceiptTable> => {
  const full = await loadReceipts("data/paper-calibrated", { columns: ANALYZE_COLUMNS });
  const ids = full.dictionary("query_id");
  const order = new Map<number, number>();
  return full.filter((i) => {
    const c = ids.codes[i];
    if (!order.has(c)) order.set(c, order.size);
    return keep(order.get(c)!);
  });
};

test("weighted cells: the bundled sample", async () => {
  const t = await loadReceipts("data/sample/receipts.jsonl");
  checkEquivalent(fromRecords(withParseErrors(t.toRows() as unknown as Record<string, unknown>[]).concat(t.toRows() as unknown as Record<string, unknown>[]).map((r, i) => ({ ...r, sample_index: i }))));
});

test("weighted cells: paper-calibrated, 60 queries (CR1), with parse errors", async () => {
  const sub = await paperQueries((q) => q < 60);
  const rows = withParseErrors(sub.toRows() as unknown as Record<string, unknown>[]);
  const { cells, receipts } = checkEquivalent(fromRecords(rows), { conditional: true });
  assert.ok(cells < receipts);
});

test("weighted cells: paper-calibrated, 25 queries (CR2 + Satterthwaite), no cluster and CR2 options", async () => {
  const sub = await paperQueries((q) => q >= 100 && q < 125);
  checkEquivalent(sub);
  checkEquivalent(sub, { cluster: null, conditional: false, pAdjust: "BH", equivalenceMargin: 0.2 });
});

test("weighted cells: a simulated design with every analysis (ordering, cues, stages, judge validation)", () => {
  const t = simulated(20, 7);
  const r = analyze(t);
  // the design must exercise what it is here for
  assert.ok(r.ordering !== null && r.ordering.tests.length > 0, "ordering ran");
  assert.ok(r.formatAdoption !== null && r.formatAdoption.coupling.length > 0, "format adoption ran");
  assert.ok(r.trainingStage.length > 0, "training stage ran");
  assert.ok(r.provenance.parse_errors > 0, "parse errors present");
  checkEquivalent(t);
  checkEquivalent(simulated(50, 11), { by: ["model", "judge"] });
});

test("a weighted table counts receipts: receiptCount, toString, selections keep their weights", () => {
  const base = fromRecords([
    { run_id: "r", model: "A", judge: "j", query_source: "s", query_id: "q1", n_benign: 0, n_harmful: 0, judge_label: "compliance", sample_index: 0 },
    { run_id: "r", model: "A", judge: "j", query_source: "s", query_id: "q2", n_benign: 0, n_harmful: 0, judge_label: "refusal", sample_index: 0 },
    { run_id: "r", model: "A", judge: "j", query_source: "s", query_id: "q3", n_benign: 1, n_harmful: 0, judge_label: "parse_error", sample_index: 0 },
  ]);
  assert.equal(base.weights(), null);
  assert.equal(base.receiptCount, 3);
  const w = withRowWeights(base, Float64Array.from([5, 2, 4]));
  assert.equal(w.numRows, 3);
  assert.equal(w.receiptCount, 11);
  assert.deepEqual([...w.filter((i) => i !== 1).weights()!], [5, 4]);
  assert.deepEqual([...w.take([2, 0]).weights()!], [4, 5]);
  assert.match(String(w), /11 receipts in 3 weighted rows/);
  const p = analyze(w).provenance;
  assert.equal(p.receipts, 11);
  assert.equal(p.parse_errors, 4);
  assert.throws(() => withRowWeights(base, Float64Array.from([1, 0, 1])), /weight of row 2 is 0/);
  assert.throws(() => withRowWeights(base, Float64Array.from([1, 1])), /2 weights for 3 rows/);
  assert.throws(() => withRowWeights(base.take([0]), Float64Array.from([1])), /not a selection/);
});

test("weighted cells: judge-error summary, judge-corrected fit and power-law curve count receipts too; paired comparison refuses cells", () => {
  const t = simulated(40, 13);
  const cells = compressTable(t);
  assertSameReceipt(judgeErrorSummary(cells, { by: ["model"] }), judgeErrorSummary(t, { by: ["model"] }));
  const one = (x: ReceiptTable) => x.where({ model: "Amplified-7B" });
  const got = judgeCorrectedFit(one(cells)), want = judgeCorrectedFit(one(t));
  assertSameReceipt({ terms: got.terms, parse_errors: got.parse_errors, warnings: got.warnings }, { terms: want.terms, parse_errors: want.parse_errors, warnings: want.warnings });
  assertSameReceipt(powerLawCurve(cells), powerLawCurve(t));
  assert.throws(() => pairedModelComparison(cells.where({ judge: String(t.values("judge")[0]) }), { modelA: "Diluted-7B", modelB: "Amplified-7B" }), /one row a receipt/);
});

test("frequency weights in the stats: CR1, CR2 + Satterthwaite and the paired interval equal the expanded rows", () => {
  // a small clustered design: 8 clusters, 3 levels, outcomes repeated within (level, cluster)
  const x: number[] = [], y: number[] = [], g: number[] = [], w: number[] = [];
  for (let c = 0; c < 8; c++) for (let l = 0; l < 3; l++) for (const out of [0, 1]) {
    const m = 1 + ((c * 7 + l * 3 + out * 5) % 4); // 1..4 identical receipts
    x.push(l); y.push(out); g.push(c); w.push(m);
  }
  const expand = <T>(v: T[]) => v.flatMap((vi, i) => Array<T>(w[i]).fill(vi));
  const f64 = (v: number[]) => Float64Array.from(v);
  const weighted = fitLogistic({ terms: ["x"], columns: [f64(x)], successes: f64(y), weights: f64(w) }, { tolerance: 1e-14 });
  const expanded = fitLogistic({ terms: ["x"], columns: [f64(expand(x))], successes: f64(expand(y)) }, { tolerance: 1e-14 });
  for (const type of ["CR1", "CR2"] as const) {
    const a = weighted.withClusterRobust(g, "q", { type }), b = expanded.withClusterRobust(expand(g), "q", { type });
    assertSameReceipt(a.tidy(), b.tidy(), 1e-10, type);
    assertSameReceipt(a.vcov, b.vcov, 1e-10, `${type} vcov`);
  }
  for (const type of ["CR1", "CR2"] as const) {
    const arm = x.map((v) => (v === 0 ? 1 : 0));
    assertSameReceipt(pairedClusterDifference(y, arm, g, 0.95, type, w), pairedClusterDifference(expand(y), expand(arm), expand(g), 0.95, type), 1e-10, `paired ${type}`);
  }
});
