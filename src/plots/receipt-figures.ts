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
import { trainingStageFigure } from "./figures/training-stage";
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
    for (const c of s.coefficients) coefficients.push({ ...c, label: `${s.family} ${c.training_stage.toUpperCase()}` });
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

/** Models whose main sweep is in the data: those with two or more totals at two or more fractions. */
function sweptModels(cells: readonly ComplianceCellInput[]): string[] {
  const models = [...new Set(cells.map((c) => c.model))];
  return models.filter((m) => {
    const mine = cells.filter((c) => c.model === m && c.n_total > 0);
    return new Set(mine.map((c) => c.n_total)).size >= 2 && new Set(mine.map((c) => c.harmful_fraction)).size >= 2;
  });
}

/** Build one figure by name, or null when the data has nothing for it. */
export function buildReceiptFigure(name: FigureName, inputs: ReceiptFigureInputs): Figure | null {
  const main = sweptModels(inputs.compliance);
  const mainCells = inputs.compliance.filter((c) => main.includes(c.model));
  switch (name) {
    case "main-sweep":
      return mainCells.length ? mainSweepFigure(mainCells) : null;
    case "benign-sweep": {
      const fixed = [8, 16, 32].filter((h) => mainCells.some((c) => c.n_harmful === h && c.n_benign > 0));
      return mainCells.length ? benignSweepFigure(mainCells, fixed.length ? { nHarmful: fixed } : {}) : null;
    }
    case "benign-forest":
      return inputs.benignCoefficients.length ? benignForestFigure(inputs.benignCoefficients) : null;
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
      const rows = inputs.baselineRelative.filter((r) => main.includes(r.model as string));
      return rows.length ? baselineRelativeFigure(rows as never) : null;
    }
  }
}
