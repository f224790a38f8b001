/**
 * Harmful-count versus joint: does benign compliance matter once harmful compliance is
 * accounted for? Fits the joint model on log(n + 1) counts and reads the benign
 * coefficient's Wald test: significant and negative is dilution, positive amplification,
 * otherwise no significant benign effect. Standard errors are cluster-robust by query by
 * default (every query is evaluated many times; see hypothesis-fit.ts and docs/inference.md). Reports the AIC of all three models.
 * Uses receipts with no format cue and the default order (the main sweep and baselines).
 */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import type { LogisticFit } from "../stats";
import type { GroupValues } from "./group-by";
import { conditionalBenignFields, type ConditionalBenignFields } from "./conditional-benign-effect";
import { clusteredCellData, countData, fitCountModel, resolveCluster, type CountScale } from "./hypothesis-fit";
import { splitTable } from "./split";
import { defaultConditionRows } from "./subsets";
import { benignVerdict, type BenignVerdict } from "./verdicts";

export interface BenignEffectOptions {
  /** Fields that identify a fitted model (default ["model"]). */
  readonly by?: readonly ReceiptFieldName[];
  /**
   * Cluster field for robust errors. Default (undefined): "query_id" when the receipts have
   * query ids (CR1, or CR2 + Satterthwaite below 42 queries); null: model-based errors.
   */
  readonly cluster?: ReceiptFieldName | null;
  readonly counts?: CountScale;
  readonly alpha?: number;
  readonly confLevel?: number;
  /** Restrict to the default condition (no cue, benign-before-harmful order); default true. */
  readonly defaultConditionOnly?: boolean;
  /**
   * Also fit the joint model with a random intercept per query (query_id) and report the
   * conditional b2 beside the population-averaged `estimate` (fields conditional_*, query_sd,
   * effect_reading; see conditional-benign-effect.ts). `{ agq: K }` for K-point quadrature.
   * Default false (the GLMM costs a few Newton iterations more than the fit).
   */
  readonly conditional?: boolean | { readonly agq?: number };
}

export type BenignEffectRow = GroupValues & {
  label: string;
  model: string;
  training_stage: string;
  estimate: number;
  std_error: number;
  statistic: number;
  p_value: number;
  conf_low: number;
  conf_high: number;
  verdict: BenignVerdict;
  harmful_estimate: number;
  harmful_p_value: number;
  aic_total: number;
  aic_harmful: number;
  aic_joint: number;
  best_aic: "total" | "harmful" | "joint";
  n_obs: number;
  parse_errors: number;
  vcov_type: string;
  /** The standard errors used, in words: "CR1 by query_id (120 clusters)", "CR2 + Satterthwaite ...", "model-based". */
  std_error_type: string;
  clusters: number | null;
  converged: boolean;
} & Partial<ConditionalBenignFields>;

export interface BenignEffectResult {
  readonly rows: BenignEffectRow[];
  /** The joint fits, in the order of `rows`, for summaries and further tests. */
  readonly fits: LogisticFit[];
}

export function benignEffect(table: ReceiptTable, options: BenignEffectOptions = {}): BenignEffectResult {
  const alpha = options.alpha ?? 0.05;
  const counts = options.counts ?? "log1p";
  const by = options.by ?? ["model"];
  const source = options.defaultConditionOnly === false ? table : defaultConditionRows(table);
  const rows: BenignEffectRow[] = [];
  const fits: LogisticFit[] = [];
  for (const part of splitTable(source, by)) {
    const grouped = countData(part.table);
    const cluster = resolveCluster(part.table, options.cluster);
    const joint = fitCountModel(cluster ? clusteredCellData(part.table, cluster) : grouped, "joint", { counts, cluster, confLevel: options.confLevel });
    const harmful = fitCountModel(grouped, "harmful", { counts });
    const total = fitCountModel(grouped, "total", { counts });
    const b = joint.coefficient("benign"), h = joint.coefficient("harmful");
    const aics = { total: total.aic, harmful: harmful.aic, joint: joint.aic };
    const best = (Object.entries(aics) as [BenignEffectRow["best_aic"], number][]).sort((x, y) => x[1] - y[1])[0][0];
    const model = String(part.group.model ?? firstLabel(part.table, "model") ?? "");
    const stage = String(part.group.training_stage ?? firstLabel(part.table, "training_stage") ?? "unknown");
    rows.push({
      ...part.group,
      label: Object.values(part.group).join(" / ") || "all receipts",
      model, training_stage: stage,
      estimate: b.estimate, std_error: b.std_error, statistic: b.statistic, p_value: b.p_value,
      conf_low: b.conf_low, conf_high: b.conf_high,
      verdict: benignVerdict(b.estimate, b.p_value, alpha),
      harmful_estimate: h.estimate, harmful_p_value: h.p_value,
      aic_total: aics.total, aic_harmful: aics.harmful, aic_joint: aics.joint, best_aic: best,
      n_obs: joint.nObs, parse_errors: grouped.parseErrors,
      vcov_type: joint.vcovType, std_error_type: joint.stdErrorType, clusters: joint.cluster?.groups ?? null, converged: joint.converged,
    });
    if (options.conditional) {
      const agq = typeof options.conditional === "object" ? options.conditional.agq : undefined;
      Object.assign(rows[rows.length - 1], conditionalBenignFields(part.table, b.estimate, { agq, counts, confLevel: options.confLevel }).fields);
    }
    fits.push(joint);
  }
  return { rows, fits };
}

/**
 * The first row's value of a dictionary field (undefined for no rows), from its codes: reading
 * `values(field)[0]` would turn the whole loaded column into strings for one value.
 */
function firstLabel(table: ReceiptTable, field: "model" | "training_stage"): string | null | undefined {
  if (table.numRows === 0) return undefined;
  let dict: ReturnType<ReceiptTable["dictionary"]>;
  try {
    dict = table.take([0]).dictionary(field);
  } catch (e) {
    if (/several dictionaries/.test((e as Error).message)) return table.values(field)[0] as string | null;
    throw e;
  }
  return dict.codes[0] < 0 ? null : dict.labels[dict.codes[0]] ?? null;
}
