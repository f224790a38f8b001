/**
 * `receipts simulate --preset NAME --seed N --out PATH`: the command's body, kept apart
 * from the argument parser so it can be called and tested directly.
 */
import { formatFromPath, saveReceipts } from "../io/load";
import { loadPaperParams, paperDesign, presetDesign, PRESET_NAMES } from "./presets";
import { simulateCustom } from "./simulate-custom";
import type { SimulationDesign } from "./design";

export interface SimulateCommandOptions {
  /** Preset name: paper, classroom or null. */
  readonly preset: string;
  /** Seed, a non-negative integer below 2^53 (a string from the command line is parsed). Default 1. */
  readonly seed?: number | string;
  /** Output file; the extension picks the format: .jsonl, .csv, .arrow or .parquet. */
  readonly out: string;
  /** For the paper preset: a parameters file to use instead of data/calibration/paper-params.json. */
  readonly params?: string;
  /** Replace the preset's run_id, e.g. to merge several seeds in one analysis without duplicate keys. */
  readonly runId?: string;
  /** Where progress and errors go. Default: process.stdout / process.stderr. */
  readonly log?: (line: string) => void;
  readonly error?: (line: string) => void;
}

/**
 * Simulate a preset and write it. Returns the process exit code: 0 written, 2 bad usage
 * (unknown preset, bad seed, unknown output extension, unreadable parameters), 1 failed
 * while simulating or writing.
 */
export async function simulateCommand(options: SimulateCommandOptions): Promise<number> {
  const log = options.log ?? ((line: string) => process.stdout.write(line + "\n"));
  const error = options.error ?? ((line: string) => process.stderr.write(line + "\n"));
  const seed = typeof options.seed === "string" ? Number(options.seed.trim() === "" ? NaN : options.seed) : options.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    error(`receipts simulate: --seed must be a non-negative integer, found ${JSON.stringify(options.seed)}`);
    return 2;
  }
  if (!(PRESET_NAMES as readonly string[]).includes(options.preset)) {
    error(`receipts simulate: unknown preset ${JSON.stringify(options.preset)}; expected one of ${PRESET_NAMES.join(", ")}`);
    return 2;
  }
  if (formatFromPath(options.out) === null) {
    error(`receipts simulate: cannot tell the format of ${options.out}; expected an extension .jsonl, .csv, .arrow or .parquet`);
    return 2;
  }
  let design: SimulationDesign;
  try {
    if (options.params !== undefined && options.preset !== "paper") {
      error(`receipts simulate: --params applies to the paper preset only, found preset ${options.preset}`);
      return 2;
    }
    design = options.params !== undefined ? paperDesign(loadPaperParams(options.params)) : presetDesign(options.preset);
  } catch (e) {
    error(`receipts simulate: ${(e as Error).message}`);
    return 2;
  }
  if (options.runId !== undefined) design = { ...design, run: { ...design.run, run_id: options.runId } };
  try {
    const t0 = performance.now();
    const table = simulateCustom(design, seed);
    const t1 = performance.now();
    await saveReceipts(table, options.out);
    const t2 = performance.now();
    log(`simulated ${table.numRows} receipts (preset ${options.preset}, seed ${seed}) in ${((t1 - t0) / 1000).toFixed(1)} s; wrote ${options.out} in ${((t2 - t1) / 1000).toFixed(1)} s`);
    return 0;
  } catch (e) {
    error(`receipts simulate: ${(e as Error).message}`);
    return 1;
  }
}
