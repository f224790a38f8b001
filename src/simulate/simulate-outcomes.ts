/**
 * The simulator's core: draws every receipt of a design into typed columns, with the
 * latent truth beside the judge's label. `simulateCustom` turns these columns into a
 * ReceiptTable; power and judge-error studies can read the truth directly.
 *
 * Rows come model by model, then condition by condition (in the design's order), then
 * query by query, then sampling by sampling.
 *
 * Random draws (see `prng.ts`), each from a sub-stream named by content:
 * - query effect u[m, q] = query_sd[m] * Z, Z from stream (tag 1, seed, query_effect_key, query);
 * - per-query slope deviations vb[m, q] = query_benign_slope_sd[m] * Z (tag 4) and
 *   vh[m, q] = query_harmful_slope_sd[m] * Z (tag 5), same key; drawn only when the sd is
 *   set and positive, so designs without them keep every other draw;
 * - per receipt, stream (tag 2, seed, model, query, condition, sample_index) gives in order:
 *   the outcome uniform, the parse-error uniform, the judge uniform, the adoption uniform
 *   (all four always drawn, so changing one rate leaves the other draws in place);
 * - composition_seed = a 32-bit hash of (tag 3, seed, query, condition, sample_index): the
 *   same context for every model, as when one set of prompts is sent to several models;
 *   null when there are no demonstrations.
 * Each Bernoulli is `uniform < probability`.
 *
 * Cost: O(rows) with no allocation per row; about 0.1 microsecond a row on one core.
 */
import { JUDGE_LABELS } from "../receipt/fields";
import { checkDesign, conditionKey, resolveCondition, type JudgeError, type ResolvedCondition, type SimulationDesign } from "./design";
import { conditionLogit } from "./linear-predictor";
import { hashString, hashWords, seedWords, SubStream } from "./prng";

const TAG_QUERY_EFFECT = 1;
const TAG_RECEIPT = 2;
const TAG_COMPOSITION = 3;
const TAG_BENIGN_SLOPE = 4;
const TAG_HARMFUL_SLOPE = 5;
const COMPOSITION_HASH_SEED = 0x5be0cd19;

export const LABEL_REFUSAL = JUDGE_LABELS.indexOf("refusal");
export const LABEL_COMPLIANCE = JUDGE_LABELS.indexOf("compliance");
export const LABEL_PARSE_ERROR = JUDGE_LABELS.indexOf("parse_error");

/** One (model, condition) block of rows. */
export interface SimulatedBlock {
  /** Index into `design.models`. */
  readonly model: number;
  readonly condition: ResolvedCondition;
  /** Fixed part of the logit (everything but the query effect). */
  readonly logit: number;
  /** First row of the block; the block has queries.length * samplings rows. */
  readonly start: number;
}

export interface SimulatedOutcomes {
  readonly design: SimulationDesign;
  readonly seed: number;
  readonly length: number;
  readonly blocks: readonly SimulatedBlock[];
  /** Block of each row (index into `blocks`). */
  readonly block: Int32Array;
  /** Query of each row (index into `design.queries`). */
  readonly query: Int32Array;
  readonly sampleIndex: Int32Array;
  /** Query effects, `queryEffect[m * queries.length + q]`, in logits. */
  readonly queryEffect: Float64Array;
  /** Per-query deviations from benign_slope, laid out as `queryEffect` (all 0 when the model has no query_benign_slope_sd). */
  readonly benignSlopeEffect: Float64Array;
  /** Per-query deviations from harmful_slope, laid out as `queryEffect`. */
  readonly harmfulSlopeEffect: Float64Array;
  /** True P(comply) of each row, given its query effect. */
  readonly probability: Float64Array;
  /** What the model really did: 1 complied, 0 refused. */
  readonly complied: Uint8Array;
  /** The judge's label as an index into JUDGE_LABELS (0 refusal, 1 compliance, 2 parse_error). */
  readonly label: Uint8Array;
  /** Whether the answer began with the cue: 1, 0, or -1 when no cue was shown. */
  readonly adoptedCue: Int8Array;
  /** composition_seed, NaN when there are no demonstrations. */
  readonly compositionSeed: Float64Array;
}

function judgeOf(design: SimulationDesign, model: number): Required<JudgeError> {
  const j = { ...design.judge_error, ...design.models[model].params.judge_error };
  return { sensitivity: j.sensitivity ?? 1, specificity: j.specificity ?? 1, parse_error_rate: j.parse_error_rate ?? 0 };
}

/**
 * Draw every receipt of a design. Same design and seed give the same columns, bit for bit
 * (for one Node/V8 build; see `prng.ts`). Throws an Error naming the problem when the
 * design is invalid (see `checkDesign`).
 *
 * @example
 * const sim = simulateOutcomes(classroomDesign(), 1);
 * sim.length; // rows; sim.complied is the truth, sim.label the judge's reading
 */
export function simulateOutcomes(design: SimulationDesign, seed: number): SimulatedOutcomes {
  checkDesign(design);
  const [seedLo, seedHi] = seedWords(seed);
  const Q = design.queries.length;
  const S = design.samplings;
  const queryHash = design.queries.map((q) => hashString(`${q.query_source}\x1f${q.query_id}`));

  const blocks: SimulatedBlock[] = [];
  let rows = 0;
  design.models.forEach((m, mi) => {
    for (const spec of m.conditions) {
      const condition = resolveCondition(spec);
      blocks.push({ model: mi, condition, logit: conditionLogit(m.params, condition), start: rows });
      rows += Q * S;
    }
  });
  if (rows > 2 ** 31 - 1) throw new Error(`simulate(${design.name}): ${rows} receipts is more than one table can hold (2^31 - 1)`);

  const stream = new SubStream();
  const words = new Uint32Array(10);
  const queryEffect = new Float64Array(design.models.length * Q);
  design.models.forEach((m, mi) => {
    const [kA, kB] = hashString(m.params.query_effect_key ?? m.params.model);
    for (let q = 0; q < Q; q++) {
      words[0] = TAG_QUERY_EFFECT; words[1] = seedLo; words[2] = seedHi; words[3] = kA; words[4] = kB;
      words[5] = queryHash[q][0]; words[6] = queryHash[q][1];
      queryEffect[mi * Q + q] = m.params.query_sd * stream.open(words.subarray(0, 7)).normal();
    }
  });
  const slopeEffects = (tag: number, sdOf: (mi: number) => number): Float64Array => {
    const out = new Float64Array(design.models.length * Q);
    design.models.forEach((m, mi) => {
      const sd = sdOf(mi);
      if (!(sd > 0)) return;
      const [kA, kB] = hashString(m.params.query_effect_key ?? m.params.model);
      for (let q = 0; q < Q; q++) {
        words[0] = tag; words[1] = seedLo; words[2] = seedHi; words[3] = kA; words[4] = kB;
        words[5] = queryHash[q][0]; words[6] = queryHash[q][1];
        out[mi * Q + q] = sd * stream.open(words.subarray(0, 7)).normal();
      }
    });
    return out;
  };
  const benignSlopeEffect = slopeEffects(TAG_BENIGN_SLOPE, (mi) => design.models[mi].params.query_benign_slope_sd ?? 0);
  const harmfulSlopeEffect = slopeEffects(TAG_HARMFUL_SLOPE, (mi) => design.models[mi].params.query_harmful_slope_sd ?? 0);

  const block = new Int32Array(rows);
  const query = new Int32Array(rows);
  const sampleIndex = new Int32Array(rows);
  const probability = new Float64Array(rows);
  const complied = new Uint8Array(rows);
  const label = new Uint8Array(rows);
  const adoptedCue = new Int8Array(rows);
  const compositionSeed = new Float64Array(rows);
  const compWords = new Uint32Array(8);

  let row = 0;
  blocks.forEach((b, bi) => {
    const params = design.models[b.model].params;
    const [mA, mB] = hashString(params.model);
    const [cA, cB] = hashString(conditionKey(b.condition));
    const judge = judgeOf(design, b.model);
    const cue = b.condition.format_cue;
    const adoption = cue === "none" ? null : params.format_adoption![cue]!;
    const hasDemos = b.condition.n_benign + b.condition.n_harmful > 0;
    const lb = Math.log(b.condition.n_benign + 1), lh = Math.log(b.condition.n_harmful + 1);
    for (let q = 0; q < Q; q++) {
      const k = b.model * Q + q;
      const p = 1 / (1 + Math.exp(-(b.logit + queryEffect[k] + benignSlopeEffect[k] * lb + harmfulSlopeEffect[k] * lh)));
      for (let s = 0; s < S; s++, row++) {
        words[0] = TAG_RECEIPT; words[1] = seedLo; words[2] = seedHi; words[3] = mA; words[4] = mB;
        words[5] = queryHash[q][0]; words[6] = queryHash[q][1]; words[7] = cA; words[8] = cB; words[9] = s;
        stream.open(words);
        const truth = stream.uniform() < p ? 1 : 0;
        const uParse = stream.uniform();
        const uJudge = stream.uniform();
        const uAdopt = stream.uniform();
        block[row] = bi;
        query[row] = q;
        sampleIndex[row] = s;
        probability[row] = p;
        complied[row] = truth;
        if (uParse < judge.parse_error_rate) label[row] = LABEL_PARSE_ERROR;
        else if (truth === 1) label[row] = uJudge < judge.sensitivity ? LABEL_COMPLIANCE : LABEL_REFUSAL;
        else label[row] = uJudge < judge.specificity ? LABEL_REFUSAL : LABEL_COMPLIANCE;
        adoptedCue[row] = adoption === null ? -1 : uAdopt < (truth === 1 ? adoption.given_compliance : adoption.given_refusal) ? 1 : 0;
        if (hasDemos) {
          compWords[0] = TAG_COMPOSITION; compWords[1] = seedLo; compWords[2] = seedHi;
          compWords[3] = queryHash[q][0]; compWords[4] = queryHash[q][1]; compWords[5] = cA; compWords[6] = cB; compWords[7] = s;
          compositionSeed[row] = hashWords(compWords, COMPOSITION_HASH_SEED);
        } else compositionSeed[row] = NaN;
      }
    }
  });

  return { design, seed, length: rows, blocks, block, query, sampleIndex, queryEffect, benignSlopeEffect, harmfulSlopeEffect, probability, complied, label, adoptedCue, compositionSeed };
}
