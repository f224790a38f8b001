/**
 * A validation subset for simulated receipts: the truth the simulator drew, written as
 * `reference_label` on a seeded random share of the receipts, as a study would have people
 * (or a stronger judge) re-label a sample of answers. With a design's `judge_error`
 * (sensitivity, specificity) this gives receipts on which the judge-error correction can
 * be tried against a known answer.
 *
 * Each receipt is chosen independently with probability `fraction`, from its own stream
 * (tag 6 of `simulate-outcomes.ts`'s scheme: seed, row), so the choice does not move any
 * other draw of the simulation. Parse errors are chosen like any other receipt: the
 * reference reads the answer, not the judge's output.
 */
import { REFERENCE_LABELS, type ReferenceLabel } from "../receipt/fields";
import type { ReceiptInput } from "../receipt/types";
import { seedWords, SubStream } from "./prng";
import type { SimulatedOutcomes } from "./simulate-outcomes";

const TAG_REFERENCE = 6;

export interface ReferenceLabelOptions {
  /** Share of receipts that get a reference label, in [0, 1]. */
  readonly fraction: number;
  /** Seed of the choice. Default: the simulation's seed. */
  readonly seed?: number;
}

/**
 * The reference label of every simulated row: the truth on the chosen rows, null elsewhere.
 *
 * @example
 * const sim = simulateOutcomes(design, 1);
 * const refs = referenceLabels(sim, { fraction: 0.1 }); // ["compliance", null, null, "refusal", ...]
 */
export function referenceLabels(sim: SimulatedOutcomes, options: ReferenceLabelOptions): (ReferenceLabel | null)[] {
  const f = options.fraction;
  if (!(f >= 0 && f <= 1)) throw new RangeError(`referenceLabels: fraction must be in [0, 1], found ${f}`);
  const [lo, hi] = seedWords(options.seed ?? sim.seed);
  const stream = new SubStream();
  const words = new Uint32Array(4);
  const out: (ReferenceLabel | null)[] = new Array(sim.length);
  for (let row = 0; row < sim.length; row++) {
    words[0] = TAG_REFERENCE; words[1] = lo; words[2] = hi; words[3] = row;
    out[row] = stream.open(words).uniform() < f ? REFERENCE_LABELS[sim.complied[row] === 1 ? 1 : 0] : null;
  }
  return out;
}

/** Receipt records (`toReceiptRecords(sim)`) with `reference_label` set on the chosen rows. */
export function withReferenceLabels(sim: SimulatedOutcomes, records: readonly ReceiptInput[], options: ReferenceLabelOptions): ReceiptInput[] {
  if (records.length !== sim.length) throw new RangeError(`withReferenceLabels: ${records.length} records for a simulation of ${sim.length} receipts`);
  const refs = referenceLabels(sim, options);
  return records.map((r, i) => (refs[i] === null ? r : { ...r, reference_label: refs[i] }));
}
