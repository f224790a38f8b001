import type { ReceiptTable } from "../io/receipt-table";
import type { SimulationDesign } from "./design";
import { presetDesign } from "./presets";
import { simulateOutcomes } from "./simulate-outcomes";
import { toReceiptTable } from "./to-table";

/**
 * Simulated receipts for any design: the generative model in `design.ts`, drawn by
 * `simulateOutcomes` and laid out as a ReceiptTable. Same design and seed give the same
 * table, byte for byte (on one Node/V8 build). Throws an Error naming the problem when the
 * design is invalid, and a ReceiptValidationError when a run, model, condition or query
 * value breaks the receipt schema.
 *
 * @example
 * const table = simulateCustom(classroomDesign(), 7);
 * table.numRows; // 22800
 */
export function simulateCustom(design: SimulationDesign, seed: number): ReceiptTable {
  return toReceiptTable(simulateOutcomes(design, seed));
}

/**
 * Simulated receipts of a named preset (`paper`, `classroom` or `null`).
 *
 * @example simulatePreset("classroom", 1).numRows // 22800
 */
export function simulatePreset(name: string, seed: number): ReceiptTable {
  return simulateCustom(presetDesign(name), seed);
}
