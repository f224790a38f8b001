/**
 * Shared by the weighted-cells and engine tests: a deep comparison of two result receipts,
 * and small simulated data sets with every analysis of `analyze`.
 */
import assert from "node:assert/strict";
import type { ResultReceipt } from "../../src/analysis/analyze";
import { fromRecords } from "../../src/io/load";
import type { ReceiptTable } from "../../src/io/receipt-table";
import type { SimulationDesign } from "../../src/simulate/design";
import { classroomDesign } from "../../src/simulate/presets";
import { withReferenceLabels } from "../../src/simulate/reference-labels";
import { simulateOutcomes } from "../../src/simulate/simulate-outcomes";
import { toReceiptRecords } from "../../src/simulate/to-table";

/** Walk two result receipts together: numbers to `rel` relative, everything else exactly. */
export function assertSameReceipt(got: unknown, want: unknown, rel = 1e-8, path = "receipt"): void {
  if (typeof want === "number" && typeof got === "number") {
    if (Number.isNaN(want) || !Number.isFinite(want)) {
      assert.ok(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)), `${path}: ${got} vs ${want}`);
      return;
    }
    const err = Math.abs(got - want);
    assert.ok(err <= rel * Math.max(Math.abs(got), Math.abs(want)) + 1e-14, `${path}: ${got} vs ${want} (difference ${err.toExponential(2)})`);
    return;
  }
  if (Array.isArray(want)) {
    assert.ok(Array.isArray(got), `${path}: not an array`);
    assert.equal((got as unknown[]).length, want.length, `${path}: length`);
    want.forEach((w, i) => assertSameReceipt((got as unknown[])[i], w, rel, `${path}[${i}]`));
    return;
  }
  if (want !== null && typeof want === "object") {
    assert.ok(got !== null && typeof got === "object", `${path}: not an object`);
    assert.deepEqual(Object.keys(got as object).sort(), Object.keys(want).sort(), `${path}: keys`);
    for (const k of Object.keys(want)) assertSameReceipt((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], rel, `${path}.${k}`);
    return;
  }
  assert.equal(got, want, path);
}

/** A receipt without the wall-clock field. */
export function comparable(r: ResultReceipt): unknown {
  return { ...r, provenance: { ...r.provenance, created_at: null } };
}

/** Every 13th record a parse error, so the weighted parse-error counts are exercised. */
export function withParseErrors(records: Record<string, unknown>[]): Record<string, unknown>[] {
  return records.map((r, i) => (i % 13 === 5 ? { ...r, judge_label: "parse_error", complied: null } : r));
}

/** The classroom design cut to `queries` queries, with a third checkpoint of one family so training stage runs. */
function smallDesign(queries: number): SimulationDesign {
  const d = classroomDesign();
  const [diluted, amplified] = d.models;
  const sft = { ...diluted, params: { ...diluted.params, model: "Diluted-7B-SFT", training_stage: "sft" as const, benign_slope: -0.1 } };
  return { ...d, queries: d.queries.slice(0, queries), models: [diluted, sft, { ...amplified, params: { ...amplified.params, judge_error: { sensitivity: 0.9, specificity: 0.95 } } }] };
}

export function simulated(queries: number, seed: number): ReceiptTable {
  const design = smallDesign(queries);
  const sim = simulateOutcomes(design, seed);
  const records = withReferenceLabels(sim, toReceiptRecords(sim), { fraction: 0.02 }) as unknown as Record<string, unknown>[];
  return fromRecords(withParseErrors(records));
}

