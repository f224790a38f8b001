/**
 * Training stage: within one model family, the benign coefficient per checkpoint (the
 * joint model on each checkpoint's receipts at the harmful counts the checkpoints share),
 * and a likelihood-ratio test that it differs between stages: the pooled model with
 * stage-specific intercepts and harmful slopes, with and without the stage x log(n_benign + 1)
 * interaction.
 *
 * The interaction test is cluster-robust by query when queries are known: every query is asked
 * at every checkpoint and count, so the LRT, which treats receipts as independent, is off in a
 * direction that depends on how queries differ (docs/inference.md). The larger model is then
 * fitted on the receipts and its interaction terms get a joint Wald test with errors clustered
 * by query: "auto" (CR1, `sandwich::vcovCL(type = "HC1")`, and a chi-square reference from 42
 * clusters on; CR2 with clubSandwich's HTZ F test below), as `clusterFactorTest` does. `differs`
 * follows that test; the LRT (`statistic`, `df`, `p_value`, `differs_lrt`) stays beside it
 * for comparison and decides only when there is no cluster-robust test.
 */
import type { ReceiptTable } from "../io/receipt-table";
import { TRAINING_STAGES, type ReceiptFieldName } from "../receipt/fields";
import { fitLogistic, likelihoodRatioTest, waldTest, type LogisticFit } from "../stats";
import { clusterPatternCells } from "../stats/cluster-pattern-cells";
import { benignEffect, type BenignEffectRow } from "./benign-effect";
import { NO_CLUSTER_TEST, type ClusterFactorTest } from "./cluster-factor-test";
import { complianceTable, type ComplianceRow } from "./compliance-table";
import { clusterCodesOf, resolveCluster, transformCounts, type ClusterType, type CountScale } from "./hypothesis-fit";
import { splitTable } from "./split";
import { familyRows, stagePooledRows } from "./stage-rows";
import { flagsOf, numbersOf } from "./view-columns";

export interface TrainingStageOptions {
  /** Harmful counts to pool; default: every n_harmful > 0 at which all checkpoints vary n_benign. */
  readonly harmfulCounts?: readonly number[];
  /** Cluster of the benign coefficients' errors. Default: `query_id` when present (cluster-robust); `null` for model-based. */
  readonly cluster?: ReceiptFieldName | null;
  /** Which cluster-robust errors: "auto" (default; CR2 below 42 clusters, else CR1), "CR1" or "CR2". */
  readonly clusterType?: ClusterType;
  readonly counts?: CountScale;
  readonly alpha?: number;
}

export type StageInteractionTest = {
  model_family: string;
  stages: string;
  /** The likelihood-ratio test on grouped cells (receipts as independent), kept for comparison. */
  statistic: number;
  df: number;
  p_value: number;
  /** The LRT's verdict. */
  differs_lrt: boolean;
  /** The verdict of the test `test` names: the cluster-robust Wald test when there is one, else the LRT. */
  differs: boolean;
  test: "cluster-robust Wald" | "likelihood ratio";
} & ClusterFactorTest;

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
  const coded = familiesFromCodes(table);
  if (coded !== null) return coded;
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

/** familiesWithStages from the two fields' dictionary codes (distinct code pairs, then labels); null with several dictionaries. */
function familiesFromCodes(table: ReceiptTable): string[] | null {
  let fam: ReturnType<ReceiptTable["dictionary"]>, model: ReturnType<ReceiptTable["dictionary"]>;
  try {
    fam = table.dictionary("model_family");
    model = table.dictionary("model");
  } catch (e) {
    if (/several dictionaries/.test((e as Error).message)) return null;
    throw e;
  }
  const width = model.labels.length + 1;
  const seen = new Set<number>();
  let last = -2;
  for (let i = 0; i < fam.codes.length; i++) {
    if (fam.codes[i] < 0 || fam.labels[fam.codes[i]] === null) continue;
    const key = fam.codes[i] * width + model.codes[i] + 1; // model code -1 (null) is 0
    if (key === last) continue;
    last = key;
    seen.add(key);
  }
  const models = new Map<string, Set<string | null>>();
  for (const key of seen) {
    const f = fam.labels[Math.floor(key / width)], m = key % width - 1;
    const set = models.get(f) ?? new Set();
    set.add(m < 0 ? null : model.labels[m] ?? null);
    models.set(f, set);
  }
  return [...models.entries()].filter(([, s]) => s.size > 1).map(([f]) => f).sort();
}

export function trainingStage(table: ReceiptTable, family: string, options: TrainingStageOptions = {}): TrainingStageResult {
  const alpha = options.alpha ?? 0.05;
  const counts = options.counts ?? "log1p";
  const rows = familyRows(table, family);
  const parts = splitTable(rows, ["model", "training_stage"]).sort((a, b) => stageRank(String(a.group.training_stage)) - stageRank(String(b.group.training_stage)));
  if (parts.length < 2) throw new Error(`trainingStage: family ${family} needs at least two checkpoints, found ${parts.length}`);
  let harmfulCounts = options.harmfulCounts ? [...options.harmfulCounts] : null;
  if (harmfulCounts === null) {
    const sets = parts.map((p) => {
      const h = numbersOf(p.table, "n_harmful"), b = numbersOf(p.table, "n_benign");
      const benignAt = new Map<number, Set<number>>();
      for (let i = 0; i < h.length; i++) {
        if (h[i] <= 0) continue;
        if (i > 0 && h[i] === h[i - 1] && b[i] === b[i - 1]) continue; // a condition's receipts are adjacent: nothing new
        const s = benignAt.get(h[i]) ?? new Set();
        s.add(b[i]);
        benignAt.set(h[i], s);
      }
      return new Set([...benignAt.entries()].filter(([, s]) => s.size >= 2).map(([k]) => k));
    });
    harmfulCounts = [...sets[0]].filter((k) => sets.every((s) => s.has(k))).sort((a, b) => a - b);
  }
  const pooled = stagePooledRows(rows, harmfulCounts);
  const coefficients = benignEffect(pooled, { by: ["model", "training_stage"], cluster: options.cluster, counts, alpha, defaultConditionOnly: false }).rows
    .sort((a, b) => stageRank(a.training_stage) - stageRank(b.training_stage));
  const curves = complianceTable(pooled, ["model", "training_stage", "n_harmful", "n_benign"]);
  let interaction: StageInteractionTest | null = null;
  const models = coefficients.map((c) => c.model);
  try {
    const lrt = stageInteraction(curves, counts, models);
    const cluster = resolveCluster(pooled, options.cluster);
    const robust = cluster === null ? NO_CLUSTER_TEST : clusteredStageInteraction(pooled, cluster, options.clusterType ?? "auto", counts, models);
    const differsLrt = lrt.p_value < alpha;
    interaction = {
      model_family: family, stages: models.join(" -> "), statistic: lrt.statistic, df: lrt.df, p_value: lrt.p_value,
      differs_lrt: differsLrt,
      differs: robust.cluster_p_value !== null ? robust.cluster_p_value < alpha : differsLrt,
      test: robust.cluster_p_value !== null ? "cluster-robust Wald" : "likelihood ratio",
      ...robust,
    };
  } catch (e) {
    // A receipt without the cluster field is the caller's error, not a missing test.
    if (e instanceof Error && e.message.startsWith("cluster-robust errors by")) throw e;
    interaction = null;
  }
  return { family, harmfulCounts, coefficients, curves, interaction };
}

/**
 * The pooled design: harmful and benign slopes, stage-specific intercepts and harmful slopes,
 * and (apart) the stage x benign interaction columns.
 */
function stageDesign(stageOf: ArrayLike<number>, xh: Float64Array, xb: Float64Array, models: readonly string[]) {
  const terms: string[] = ["harmful", "benign"];
  const columns: Float64Array[] = [xh, xb];
  const interactionTerms: string[] = [];
  const interactionColumns: Float64Array[] = [];
  const n = stageOf.length;
  for (let s = 1; s < models.length; s++) {
    // plain loops (the clustered test builds these on every receipt)
    const d = new Float64Array(n), dh = new Float64Array(n), db = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = stageOf[i] === s ? 1 : 0;
      d[i] = v;
      dh[i] = v * xh[i];
      db[i] = v * xb[i];
    }
    terms.push(`stage:${models[s]}`, `stage:${models[s]}:harmful`);
    columns.push(d, dh);
    interactionTerms.push(`stage:${models[s]}:benign`);
    interactionColumns.push(db);
  }
  return { terms, columns, interactionTerms, interactionColumns };
}

/** LRT of stage x benign interaction on grouped cells (stage-specific intercepts and harmful slopes in both models). */
function stageInteraction(cells: ComplianceRow[], counts: CountScale, models: string[]) {
  const used = cells.filter((c) => c.n > 0);
  const xb = transformCounts(Float64Array.from(used, (c) => c.n_benign as number), counts);
  const xh = transformCounts(Float64Array.from(used, (c) => c.n_harmful as number), counts);
  const stageOf = used.map((c) => models.indexOf(c.model as string));
  const successes = Float64Array.from(used, (c) => c.complied);
  const trials = Float64Array.from(used, (c) => c.n);
  const { terms, columns, interactionTerms, interactionColumns } = stageDesign(stageOf, xh, xb, models);
  const small = fitLogistic({ terms, columns, successes, trials });
  const large = fitLogistic({ terms: [...terms, ...interactionTerms], columns: [...columns, ...interactionColumns], successes, trials });
  return likelihoodRatioTest(small, large);
}

/** Demonstration counts below this index the pattern array of the clustered interaction test directly. */
const DENSE_COUNT = 256;

/**
 * Joint cluster-robust Wald test of the stage x benign terms: the larger model fitted on the
 * receipts (parse errors left out; summed into (cluster, stage, counts) cells, which gives the
 * receipts' fit), errors clustered by `cluster`. R:
 * glm(complied ~ harmful + benign + stage + stage:harmful + stage:benign, binomial), then
 * vcovCL(type = "HC1") and t(b) solve(V) b on the interaction terms, or
 * clubSandwich::Wald_test(fit, constrain_zero(...), vcov = "CR2", test = "HTZ")
 * (test/analysis/fixtures/stage-sweep-baseline-cluster.R).
 */
function clusteredStageInteraction(pooled: ReceiptTable, cluster: ReceiptFieldName, type: ClusterType, counts: CountScale, models: string[]): ClusterFactorTest {
  const codesAll = clusterCodesOf(pooled, cluster);
  const y = flagsOf(pooled, "complied"), nb = numbersOf(pooled, "n_benign"), nh = numbersOf(pooled, "n_harmful"), rowWeights = pooled.weights();
  const stageAll = stageOfRows(pooled, models);
  const keepAll = new Int32Array(y.length);
  let m = 0;
  for (let i = 0; i < y.length; i++) if (y[i] >= 0 && stageAll[i] >= 0) keepAll[m++] = i;
  const keep = keepAll.subarray(0, m);
  // the receipts summed into (query, stage, n_benign, n_harmful) cells, a weighted row each:
  // the fit and its CR1/CR2 are the receipts' (stats/cluster-pattern-cells.ts) on a fraction
  // of the rows. Pattern codes: small integer counts index an array, the rest go through a Map.
  const pattern = new Int32Array(y.length);
  const dense = new Int32Array(models.length * DENSE_COUNT * DENSE_COUNT).fill(-1);
  const other = new Map<string, number>();
  let patterns = 0;
  for (let k = 0; k < m; k++) {
    const i = keep[k], bi = nb[i], hi = nh[i];
    let c: number;
    if (bi >= 0 && bi < DENSE_COUNT && hi >= 0 && hi < DENSE_COUNT && (bi | 0) === bi && (hi | 0) === hi) {
      const d = (stageAll[i] * DENSE_COUNT + bi) * DENSE_COUNT + hi;
      c = dense[d];
      if (c < 0) c = dense[d] = patterns++;
    } else {
      const key = `${stageAll[i]}/${bi}/${hi}`;
      const found = other.get(key);
      if (found === undefined) other.set(key, (c = patterns++));
      else c = found;
    }
    pattern[i] = c;
  }
  const cells = clusterPatternCells(keep, pattern, patterns, codesAll, y, rowWeights);
  const cellCount = cells.first.length;
  const codes = cells.cluster, stageOf = new Int32Array(cellCount);
  const benign = new Float64Array(cellCount), harmful = new Float64Array(cellCount), successes = cells.successes, weights = cells.weights;
  for (let c = 0; c < cellCount; c++) {
    const i = cells.first[c];
    stageOf[c] = stageAll[i];
    benign[c] = nb[i];
    harmful[c] = nh[i];
  }
  const groups = cells.groups;
  if (groups < 2) return { ...NO_CLUSTER_TEST, clusters: groups, cluster_note: `${groups} cluster of ${cluster}: no cluster-robust test` };
  const xb = transformCounts(benign, counts);
  const xh = transformCounts(harmful, counts);
  const { terms, columns, interactionTerms, interactionColumns } = stageDesign(stageOf, xh, xb, models);
  let fit: LogisticFit;
  try {
    fit = fitLogistic({ terms: [...terms, ...interactionTerms], columns: [...columns, ...interactionColumns], successes, weights });
  } catch (e) {
    return { ...NO_CLUSTER_TEST, clusters: groups, cluster_note: `the interaction fit failed: ${(e as Error).message}` };
  }
  if (!fit.converged) {
    const why = fit.separation !== null ? "separation in the interaction model: no finite estimate, no Wald test" : "the interaction fit did not converge";
    return { ...NO_CLUSTER_TEST, clusters: groups, cluster_note: why };
  }
  let robust: LogisticFit, w: ReturnType<typeof waldTest>;
  try {
    robust = fit.withClusterRobust(codes, cluster, { type });
    w = waldTest(robust, interactionTerms.map((t) => robust.terms.map((u) => (u === t ? 1 : 0))));
  } catch (e) {
    return { ...NO_CLUSTER_TEST, clusters: groups, cluster_note: `no cluster-robust Wald test: ${(e as Error).message}` };
  }
  return {
    cluster_statistic: w.statistic, cluster_df: w.df, cluster_df_denom: w.df_denom, cluster_p_value: w.p_value,
    std_error_type: robust.stdErrorType, vcov_type: robust.vcovType === "CR2" ? "CR2" : "CR1", clusters: groups, cluster_note: null,
  };
}

/** Each receipt's stage: the index of its model in `models`, -1 for another model or none (from the dictionary codes when there is one dictionary). */
function stageOfRows(table: ReceiptTable, models: readonly string[]): Int32Array {
  let dict: ReturnType<ReceiptTable["dictionary"]> | null = null;
  try {
    dict = table.dictionary("model");
  } catch (e) {
    if (!/several dictionaries/.test((e as Error).message)) throw e;
  }
  if (dict !== null) {
    const stageOfCode = dict.labels.map((label) => models.indexOf(label));
    const out = new Int32Array(dict.codes.length);
    for (let i = 0; i < out.length; i++) out[i] = dict.codes[i] < 0 ? -1 : stageOfCode[dict.codes[i]];
    return out;
  }
  const model = table.values("model");
  return Int32Array.from(model, (v) => models.indexOf(v as string));
}
