/**
 * Training stage: within one model family, the benign coefficient per checkpoint (the
 * joint model on each checkpoint's receipts at the harmful counts the checkpoints share),
 * and a likelihood-ratio test that it differs between stages: the pooled model with
 * stage-specific intercepts and harmful slopes, with and without the stage x log(n_benign + 1)
 * interaction.
 */
import type { ReceiptTable } from "../io/receipt-table";
import { TRAINING_STAGES } from "../receipt/fields";
import { fitLogistic, likelihoodRatioTest } from "../stats";
import { benignEffect, type BenignEffectRow } from "./benign-effect";
import { complianceTable, type ComplianceRow } from "./compliance-table";
import { transformCounts, type CountScale } from "./hypothesis-fit";
import { splitTable } from "./split";
import { defaultConditionRows } from "./subsets";

export interface TrainingStageOptions {
  /** Harmful counts to pool; default: every n_harmful > 0 at which all checkpoints vary n_benign. */
  readonly harmfulCounts?: readonly number[];
  /** Cluster of the benign coefficients' errors. Default: `query_id` when present (cluster-robust); `null` for model-based. */
  readonly cluster?: "query_id" | null;
  readonly counts?: CountScale;
  readonly alpha?: number;
}

export interface StageInteractionTest {
  model_family: string;
  stages: string;
  statistic: number;
  df: number;
  p_value: number;
  differs: boolean;
}

export interface TrainingStageResult {
  readonly family: string;
  readonly harmfulCounts: number[];
  /** Benign coefficient per checkpoint, in training order. */
  readonly coefficients: BenignEffectRow[];
  /** Compliance per checkpoint, n_harmful and n_benign: the curves. */
  readonly curves: ComplianceRow[];
  readonly interaction: StageInteractionTest | null;
}

const stageRank = (s: string) => {
  const r = (TRAINING_STAGES as readonly string[]).indexOf(s);
  return r < 0 ? TRAINING_STAGES.length : r;
};

/** Families with more than one checkpoint. */
export function familiesWithStages(table: ReceiptTable): string[] {
  const fam = table.values("model_family"), model = table.values("model");
  const models = new Map<string, Set<string>>();
  fam.forEach((f, i) => {
    if (f === null) return;
    const set = models.get(f as string) ?? new Set();
    set.add(model[i] as string);
    models.set(f as string, set);
  });
  return [...models.entries()].filter(([, s]) => s.size > 1).map(([f]) => f).sort();
}

export function trainingStage(table: ReceiptTable, family: string, options: TrainingStageOptions = {}): TrainingStageResult {
  const alpha = options.alpha ?? 0.05;
  const counts = options.counts ?? "log1p";
  const rows = defaultConditionRows(table.where({ model_family: family }));
  const parts = splitTable(rows, ["model", "training_stage"]).sort((a, b) => stageRank(String(a.group.training_stage)) - stageRank(String(b.group.training_stage)));
  if (parts.length < 2) throw new Error(`trainingStage: family ${family} needs at least two checkpoints, found ${parts.length}`);
  let harmfulCounts = options.harmfulCounts ? [...options.harmfulCounts] : null;
  if (harmfulCounts === null) {
    const sets = parts.map((p) => {
      const h = p.table.numbers("n_harmful"), b = p.table.numbers("n_benign");
      const benignAt = new Map<number, Set<number>>();
      for (let i = 0; i < h.length; i++) {
        if (h[i] <= 0) continue;
        const s = benignAt.get(h[i]) ?? new Set();
        s.add(b[i]);
        benignAt.set(h[i], s);
      }
      return new Set([...benignAt.entries()].filter(([, s]) => s.size >= 2).map(([k]) => k));
    });
    harmfulCounts = [...sets[0]].filter((k) => sets.every((s) => s.has(k))).sort((a, b) => a - b);
  }
  const wanted = new Set(harmfulCounts);
  const h = rows.numbers("n_harmful");
  const pooled = rows.filter((i) => wanted.has(h[i]));
  const coefficients = benignEffect(pooled, { by: ["model", "training_stage"], cluster: options.cluster, counts, alpha, defaultConditionOnly: false }).rows
    .sort((a, b) => stageRank(a.training_stage) - stageRank(b.training_stage));
  const curves = complianceTable(pooled, ["model", "training_stage", "n_harmful", "n_benign"]);
  let interaction: StageInteractionTest | null = null;
  try {
    interaction = stageInteraction(curves, family, counts, alpha, coefficients.map((c) => c.model));
  } catch {
    interaction = null;
  }
  return { family, harmfulCounts, coefficients, curves, interaction };
}

/** LRT of stage x benign interaction on grouped cells (stage-specific intercepts and harmful slopes in both models). */
function stageInteraction(cells: ComplianceRow[], family: string, counts: CountScale, alpha: number, models: string[]): StageInteractionTest {
  const used = cells.filter((c) => c.n > 0);
  const xb = transformCounts(Float64Array.from(used, (c) => c.n_benign as number), counts);
  const xh = transformCounts(Float64Array.from(used, (c) => c.n_harmful as number), counts);
  const stageOf = used.map((c) => models.indexOf(c.model as string));
  const successes = Float64Array.from(used, (c) => c.complied);
  const trials = Float64Array.from(used, (c) => c.n);
  const terms: string[] = ["harmful", "benign"];
  const columns: Float64Array[] = [xh, xb];
  const interactionTerms: string[] = [];
  const interactionColumns: Float64Array[] = [];
  for (let s = 1; s < models.length; s++) {
    const d = Float64Array.from(stageOf, (k) => (k === s ? 1 : 0));
    terms.push(`stage:${models[s]}`, `stage:${models[s]}:harmful`);
    columns.push(d, d.map((v, i) => v * xh[i]));
    interactionTerms.push(`stage:${models[s]}:benign`);
    interactionColumns.push(d.map((v, i) => v * xb[i]));
  }
  const small = fitLogistic({ terms, columns, successes, trials });
  const large = fitLogistic({ terms: [...terms, ...interactionTerms], columns: [...columns, ...interactionColumns], successes, trials });
  const test = likelihoodRatioTest(small, large);
  return { model_family: family, stages: models.join(" -> "), statistic: test.statistic, df: test.df, p_value: test.p_value, differs: test.p_value < alpha };
}
