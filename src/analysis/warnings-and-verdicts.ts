/**
 * The result receipt's verdict rows, each read together with the warnings about it: the
 * analyses' own rows (benign effect, training stage, total count, format coupling) plus the
 * multiplicity adjustment across each table's rows, and warnings for the analyses that have
 * no verdict row (benign sweep, ordering). `analyze()` calls these; the rules for turning
 * warnings into a verdict live in verdicts.ts, the kinds of warning in warnings.ts.
 */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import type { LogisticFit } from "../stats";
import type { BenignEffectRow } from "./benign-effect";
import type { BenignSweepResult } from "./benign-sweep";
import { complianceTable } from "./compliance-table";
import type { FormatAdoptionResult } from "./format-adoption";
import type { OrderingResult } from "./ordering";
import { splitTable } from "./split";
import { familyRows, stagePooledRows } from "./stage-rows";
import { defaultConditionRows, demonstrationRows } from "./subsets";
import type { TotalCountResult } from "./total-count-test";
import type { TrainingStageResult } from "./training-stage";
import { readBenignEffect, readTotalCount, trustOf, type BenignReadingResult } from "./verdicts";
import {
  clusterWarning, homogeneityExpectedCounts, jointFitWarnings, oneAxisSlopeWarnings, sparseCellWarning, type AnalysisWarning,
} from "./warnings";

/** The power of the minimum detectable effect reported with benign verdicts. */
export const MDE_POWER = 0.8;

export interface ReadContext {
  readonly table: ReceiptTable;
  readonly by: readonly ReceiptFieldName[];
  readonly alpha: number;
  readonly margin: number | null;
  /** The multiplicity adjustment of one table's p-values (identity for "none"). */
  readonly adjust: (p: readonly number[]) => number[];
}

const labelOf = (group: Record<string, unknown>) => Object.values(group).join(" / ") || "all receipts";
const modelOf = (row: Record<string, unknown>, by: readonly string[]) => by.map((f) => String(row[f])).join(" / ");
/** A numeric field an analysis may or may not provide (e.g. one added by a newer version of it). */
function optionalNumber(row: object, field: string): number | null {
  const v = (row as Record<string, unknown>)[field];
  return typeof v === "number" && !Number.isNaN(v) ? v : null;
}

function optionalString(row: object, field: string): string | null {
  const v = (row as Record<string, unknown>)[field];
  return typeof v === "string" ? v : null;
}

export interface BenignVerdictRowBase extends BenignReadingResult {
  model: string;
  estimate: number;
  std_error: number;
  conf_low: number;
  conf_high: number;
  p_value: number;
  /** p_value adjusted across the table's rows (options.p_adjust); the verdict reads this one. */
  p_adjusted: number;
}

function benignRowsOf(context: ReadContext, rows: readonly BenignEffectRow[], parts: Map<string, ReceiptTable>, fits: readonly (LogisticFit | undefined)[], sink: AnalysisWarning[], key: (r: BenignEffectRow) => string): BenignVerdictRowBase[] {
  const adjusted = context.adjust(rows.map((r) => r.p_value));
  return rows.map((r, i) => {
    const part = parts.get(key(r));
    const w = part ? jointFitWarnings(r.label, part, { converged: r.converged, clusters: r.clusters, vcov_type: r.vcov_type }, "log1p", fits[i]) : [];
    sink.push(...w);
    const read = readBenignEffect({ estimate: r.estimate, std_error: r.std_error, p_adjusted: adjusted[i], alpha: context.alpha, warnings: w, equivalenceMargin: context.margin, power: MDE_POWER });
    return { model: r.label, ...read, estimate: r.estimate, std_error: r.std_error, conf_low: r.conf_low, conf_high: r.conf_high, p_value: r.p_value, p_adjusted: adjusted[i] };
  });
}

/** Benign-effect verdicts, Holm (or as chosen) across models, with each fit's warnings. */
export function readBenignRows(context: ReadContext, rows: readonly BenignEffectRow[], fits: readonly LogisticFit[], sink: AnalysisWarning[]): BenignVerdictRowBase[] {
  const parts = new Map(splitTable(defaultConditionRows(context.table), context.by).map((p) => [labelOf(p.group), p.table]));
  return benignRowsOf(context, rows, parts, rows.map((_, i) => fits[i]), sink, (r) => r.label);
}

/** Training-stage verdicts of one family, adjusted across its stages. */
export function readStageRows(context: ReadContext, stage: TrainingStageResult, sink: AnalysisWarning[]): (BenignVerdictRowBase & { family: string; stage: string })[] {
  const pooled = stagePooledRows(familyRows(context.table, stage.family), stage.harmfulCounts);
  const key = (model: unknown, st: unknown) => `${String(model)}\x1f${String(st)}`;
  const parts = new Map(splitTable(pooled, ["model", "training_stage"]).map((p) => [key(p.group.model, p.group.training_stage), p.table]));
  const read = benignRowsOf(context, stage.coefficients, parts, [], sink, (r) => key(r.model, r.training_stage));
  return read.map((r, i) => ({ family: stage.family, stage: stage.coefficients[i].training_stage, ...r, model: stage.coefficients[i].model }));
}

/**
 * Total-count verdicts: each model's family-wise p-value over the N values it was tested at
 * (Bonferroni, min(1, m * min p), the study's rule made a p-value), then adjusted across
 * models. The per-N p-values are the cluster-robust ones when the rows carry
 * `cluster_p_value`, else the chi-square ones. Warnings: sparse cells of each N's table
 * (expected counts under homogeneity) and too few clusters when the rows say how many.
 */
export function readTotalCountRows(context: ReadContext, result: TotalCountResult, sink: AnalysisWarning[]) {
  const { by, alpha } = context;
  const main = defaultConditionRows(context.table);
  const cells = complianceTable(demonstrationRows(main), [...by, "n_total", "harmful_fraction"]);
  const perModel = result.summary.map((s) => {
    const model = modelOf(s, by);
    const rows = result.perN.filter((r) => modelOf(r, by) === model);
    const clustered = rows.length > 0 && rows.every((r) => optionalNumber(r, "cluster_p_value") !== null);
    const clusteredAnywhere = rows.some((r) => optionalNumber(r, "cluster_p_value") !== null);
    const ps = rows.map((r) => (clustered ? optionalNumber(r, "cluster_p_value")! : r.p_value));
    const w: AnalysisWarning[] = [];
    for (const r of rows) {
      const subject = `${model} / N = ${r.n_total}`;
      const mine = cells.filter((c) => modelOf(c, by) === model && c.n_total === r.n_total && c.n > 0);
      w.push(...sparseCellWarning(subject, homogeneityExpectedCounts(mine.map((c) => c.complied), mine.map((c) => c.n)), "(compliances and refusals per harmful fraction, under homogeneity)"));
      w.push(...clusterWarning(subject, optionalNumber(r, "clusters"), "query_id", optionalString(r, "vcov_type")));
      // No cluster-robust test at this N (separated or unconverged fit): the verdict falls back to the chi-square.
      const note = optionalString(r, "cluster_note");
      if (note !== null && clusteredAnywhere) w.push({ subject, kind: "fit", message: `no cluster-robust test at this N (${note}); the total-count verdict uses the chi-square tests instead` });
    }
    sink.push(...w);
    const p = ps.length ? Math.min(1, ps.length * Math.min(...ps)) : null;
    return { s, model, p, w, test: clustered ? "cluster-robust Wald" : "chi-square" };
  });
  const tested = perModel.filter((m) => m.p !== null);
  const adjusted = context.adjust(tested.map((m) => m.p!));
  const adjustedOf = new Map(tested.map((m, i) => [m, adjusted[i]]));
  return perModel.map((m) => {
    const pAdj = adjustedOf.get(m) ?? null;
    return {
      model: m.model, ...readTotalCount(pAdj, alpha, m.w),
      n_values_significant: m.s.n_values_significant, n_values_tested: m.s.n_values_tested,
      test: m.test, p_value: m.p, p_adjusted: pAdj,
    };
  });
}

/**
 * Format-coupling verdicts: "coupled" needs the association still significant after
 * adjustment across rows. The p-value is the cluster-aware test's when the row has one
 * (`cluster_p_value`), else Fisher's.
 */
export function readCouplingRows(context: ReadContext, result: FormatAdoptionResult, sink: AnalysisWarning[]) {
  const { by, alpha } = context;
  const ps = result.coupling.map((c) => optionalNumber(c, "cluster_p_value") ?? c.p_value);
  const adjusted = context.adjust(ps);
  return result.coupling.map((c, i) => {
    const cue = String(c.format_cue_text ?? c.format_cue);
    const w = clusterWarning(`${modelOf(c, by)} / cue ${cue}`, optionalNumber(c, "clusters"), "query_id", optionalString(c, "vcov_type"));
    sink.push(...w);
    return {
      model: modelOf(c, by), format_cue: cue, verdict: c.verdict === "coupled" && adjusted[i] < alpha ? "coupled" as const : "separable" as const,
      odds_ratio: c.odds_ratio, test: optionalNumber(c, "cluster_p_value") !== null ? "cluster-robust" : "Fisher", p_value: ps[i], p_adjusted: adjusted[i], ...trustOf(w),
    };
  });
}

/** Benign-sweep slopes: separation along n_benign (exact for one predictor) or sparse cells. */
export function sweepWarnings(sweep: BenignSweepResult, by: readonly ReceiptFieldName[]): AnalysisWarning[] {
  return sweep.slopes.flatMap((s) => {
    const model = modelOf(s, by);
    const cells = sweep.cells.filter((c) => modelOf(c, by) === model && c.n_harmful === s.n_harmful && c.n > 0);
    return oneAxisSlopeWarnings(`${model} / n_harmful = ${s.n_harmful}`, cells.map((c) => c.n_benign as number), cells.map((c) => c.complied), cells.map((c) => c.n));
  });
}

/** Ordering tests: sparse cells of each condition's schedule table, under homogeneity. */
export function orderingWarnings(order: OrderingResult, by: readonly ReceiptFieldName[]): AnalysisWarning[] {
  return order.tests.flatMap((t) => {
    const model = modelOf(t, by);
    const cells = order.schedules.filter((c) => modelOf(c, by) === model && c.n_benign === t.n_benign && c.n_harmful === t.n_harmful);
    return sparseCellWarning(`${model} / ${t.n_benign} benign + ${t.n_harmful} harmful`, homogeneityExpectedCounts(cells.map((c) => c.complied), cells.map((c) => c.n)), "(compliances and refusals per schedule, under homogeneity)");
  });
}
