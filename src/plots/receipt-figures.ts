/**
 * From receipts (and their result receipt) to the eight figures: which analysis table
 * feeds which figure, and which rows each one draws. Used by `receipts plot`, the
 * reproduce job and the notebooks, so they all draw the same thing.
 */
import { analyze, type ResultReceipt } from "../analysis/analyze";
import { complianceTable, type ComplianceRow } from "../analysis/compliance-table";
import { defaultConditionRows } from "../analysis/subsets";
import type { ReceiptTable } from "../io/receipt-table";
import type { Figure } from "./figure";
import type { BenignCoefficientInput, ComplianceCellInput, FormatAdoptionInput, ScheduleInput } from "./inputs";
import { baselineRelativeFigure } from "./figures/baseline-relative";
import { benignForestFigure } from "./figures/benign-forest";
import { benignSweepFigure } from "./figures/benign-sweep";
import { formatAdoptionFigure } from "./figures/format-adoption";
import { complianceHeatmapFigure } from "./figures/heatmap";
import { mainSweepFigure } from "./figures/main-sweep";
import { orderingFigure } from "./figures/ordering";
import { stageName, trainingStageFigure } from "./figures/training-stage";
import type { FigureName } from "./registry";

const withRate = <T extends { n: number; rate: number | null }>(rows: readonly T[]) =>
  rows.filter((r) => r.n > 0 && r.rate !== null) as unknown as (T & { rate: number; conf_low: number; conf_high: number })[];

/** Compliance cells of the default condition (no cue, benign-before-harmful order), per model. */
export function defaultComplianceCells(table: ReceiptTable): ComplianceCellInput[] {
  return withRate(complianceTable(defaultConditionRows(table),
    ["model", "training_stage", "n_benign", "n_harmful", "n_total", "harmful_fraction", "schedule", "format_cue"])) as unknown as ComplianceCellInput[];
}

/** Every figure's input, from the receipts and their result receipt. */
export interface ReceiptFigureInputs {
  readonly compliance: ComplianceCellInput[];
  /** Compliance per training stage within a family: `model` holds the family name. */
  readonly stageCompliance: ComplianceCellInput[];
  readonly benignCoefficients: BenignCoefficientInput[];
  readonly schedules: ScheduleInput[];
  readonly formatAdoption: FormatAdoptionInput[];
  readonly baselineRelative: (ComplianceRow & { baseline_rate: number | null; difference: number | null; diff_low: number | null; diff_high: number | null })[];
}

export function receiptFigureInputs(table: ReceiptTable, result: ResultReceipt = analyze(table)): ReceiptFigureInputs {
  const coefficients: BenignCoefficientInput[] = (result.benignEffect ?? []).map((r) => ({ ...r, label: r.model }));
  for (const s of result.trainingStage)
    for (const c of s.coefficients) coefficients.push({ ...c, label: `${s.family} · ${stageName(c.training_stage)} (stage sweep)` });
  const stageCompliance = result.trainingStage.flatMap((s) =>
    withRate(s.curves).map((c) => ({ ...(c as unknown as ComplianceCellInput), model: s.family })));
  return {
    compliance: defaultComplianceCells(table),
    stageCompliance,
    benignCoefficients: coefficients,
    schedules: withRate(result.ordering?.schedules ?? []) as unknown as ScheduleInput[],
    formatAdoption: withRate(result.formatAdoption?.adoption ?? []) as unknown as FormatAdoptionInput[],
    baselineRelative: (result.relativeToBaseline ?? []).filter((r) => r.difference !== null && r.format_cue === "none" && (r.schedule === "suffix" || r.schedule === "none" || r.schedule === null)),
  };
}

/**
 * The main sweep's cells: per model, the totals N observed at three or more harmful
 * fractions, and at those totals the fractions seen at two or more of them. This keeps the
 * N x phi grid and drops cells that belong to other designs (a benign sweep at fixed
 * N_h adds odd totals such as 40 = 32 + 8).
 */
export function mainSweepCells(cells: readonly ComplianceCellInput[]): ComplianceCellInput[] {
  const out: ComplianceCellInput[] = [];
  for (const m of new Set(cells.map((c) => c.model))) {
    const mine = cells.filter((c) => c.model === m && c.n_total > 0);
    const fractionsAt = new Map<number, Set<number | null>>();
    for (const c of mine) fractionsAt.set(c.n_total, (fractionsAt.get(c.n_total) ?? new Set()).add(c.harmful_fraction));
    const totals = new Set([...fractionsAt].filter(([, f]) => f.size >= 3).map(([n]) => n));
    const atTotals = mine.filter((c) => totals.has(c.n_total));
    const totalsOf = new Map<number | null, number>();
    for (const c of atTotals) totalsOf.set(c.harmful_fraction, (totalsOf.get(c.harmful_fraction) ?? 0) + 1);
    const kept = atTotals.filter((c) => (totalsOf.get(c.harmful_fraction) ?? 0) >= 2);
    if (totals.size >= 2) out.push(...kept, ...cells.filter((c) => c.model === m && c.n_total === 0));
  }
  return out;
}

function sweptModels(cells: readonly ComplianceCellInput[]): string[] {
  return [...new Set(mainSweepCells(cells).map((c) => c.model))];
}

/** Build one figure by name, or null when the data has nothing for it. */
export function buildReceiptFigure(name: FigureName, inputs: ReceiptFigureInputs): Figure | null {
  const mainCells = mainSweepCells(inputs.compliance);
  const main = sweptModels(inputs.compliance);
  switch (name) {
    case "main-sweep":
      return mainCells.length ? mainSweepFigure(mainCells) : null;
    case "benign-sweep": {
      const fixed = [8, 16, 32].filter((h) => mainCells.some((c) => c.n_harmful === h && c.n_benign > 0));
      return mainCells.length ? benignSweepFigure(mainCells, fixed.length ? { nHarmful: fixed } : {}) : null;
    }
    case "benign-forest": {
      // one row per main-sweep model, then one per training stage (a checkpoint without a main sweep appears only as its stage)
      const rows = inputs.benignCoefficients.filter((r) => main.includes(r.model) || r.label !== r.model);
      return rows.length ? benignForestFigure(rows) : null;
    }
    case "training-stage":
      return inputs.stageCompliance.length ? trainingStageFigure(inputs.stageCompliance) : null;
    case "ordering": {
      const rows = inputs.schedules.filter((s) => s.harmful_fraction === 0.5);
      return rows.length ? orderingFigure(rows) : inputs.schedules.length ? orderingFigure(inputs.schedules) : null;
    }
    case "format-adoption":
      return inputs.formatAdoption.length ? formatAdoptionFigure(inputs.formatAdoption) : null;
    case "heatmap":
      return mainCells.length ? complianceHeatmapFigure(mainCells) : null;
    case "baseline-relative": {
      const inMain = new Set(mainCells.map((c) => `${c.model}\x1f${c.n_benign}\x1f${c.n_harmful}`));
      const rows = inputs.baselineRelative.filter((r) => inMain.has(`${r.model}\x1f${r.n_benign}\x1f${r.n_harmful}`));
      return rows.length ? baselineRelativeFigure(rows as never) : null;
    }
  }
}
