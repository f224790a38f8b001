/**
 * Every figure the kit draws, by the name `receipts plot --figure NAME` takes, with the
 * analysis table it is built from.
 */
import type { Figure } from "./figure";
import type { FigureInputKind, FigureInputs } from "./inputs";
import { mainSweepFigure } from "./figures/main-sweep";
import { benignSweepFigure } from "./figures/benign-sweep";
import { benignForestFigure } from "./figures/benign-forest";
import { trainingStageFigure } from "./figures/training-stage";
import { orderingFigure } from "./figures/ordering";
import { formatAdoptionFigure } from "./figures/format-adoption";
import { complianceHeatmapFigure } from "./figures/heatmap";
import { baselineRelativeFigure } from "./figures/baseline-relative";

export interface FigureEntry<K extends FigureInputKind = FigureInputKind> {
  /** Number of the figure in the paper's order, 1-based. */
  number: number;
  title: string;
  /** One sentence: what the figure shows and how to read it. */
  description: string;
  /** The analysis table the figure is built from. */
  input: K;
  /** Build the figure from that table's rows, with every option at its default. */
  build(rows: NonNullable<FigureInputs[K]>): Figure;
}

function defineFigure<K extends FigureInputKind>(entry: FigureEntry<K>): FigureEntry<K> {
  return entry;
}

export const FIGURES = {
  "main-sweep": defineFigure({
    number: 1,
    title: "Compliance vs total demonstrations",
    description:
      "Compliance rate against total demonstrations N (log2 axis), a line per harmful fraction, a panel per model; the dotted line is the zero-demonstration baseline.",
    input: "compliance",
    build: (rows) => mainSweepFigure(rows),
  }),
  "benign-sweep": defineFigure({
    number: 2,
    title: "Compliance vs benign demonstrations at fixed harmful count",
    description:
      "Compliance against benign demonstrations N_b, a line per harmful count N_h, a panel per model: falling lines are dilution, rising ones amplification.",
    input: "compliance",
    build: (rows) => benignSweepFigure(rows),
  }),
  "benign-forest": defineFigure({
    number: 3,
    title: "Effect of benign demonstrations (b2)",
    description:
      "Forest plot of the benign coefficient b2 with its 95% interval for each model and OLMo training stage, coloured by verdict, with a line at zero.",
    input: "benignCoefficients",
    build: (rows) => benignForestFigure(rows),
  }),
  "training-stage": defineFigure({
    number: 4,
    title: "Compliance by training stage",
    description:
      "SFT, DPO and Instruct checkpoints of one family: compliance against benign demonstrations, a line per stage, a panel per harmful count.",
    input: "compliance",
    build: (rows) => trainingStageFigure(rows),
  }),
  ordering: defineFigure({
    number: 5,
    title: "Compliance by demonstration order",
    description:
      "Ordering ablation: compliance under each schedule (prefix, middle, random, interleave, suffix) as grouped bars per model with 95% intervals.",
    input: "schedules",
    build: (rows) => orderingFigure(rows),
  }),
  "format-adoption": defineFigure({
    number: 6,
    title: "Format adoption among refusals and compliances",
    description:
      "How often responses start with the demonstrated cue, among refusals and among compliances, per cue and model, with 95% intervals.",
    input: "formatAdoption",
    build: (rows) => formatAdoptionFigure(rows),
  }),
  heatmap: defineFigure({
    number: 7,
    title: "Compliance over harmful and benign demonstrations",
    description:
      "Compliance over the (N_h, N_b) grid per model on one colour scale; each cell gives the rate and its 95% interval.",
    input: "compliance",
    build: (rows) => complianceHeatmapFigure(rows),
  }),
  "baseline-relative": defineFigure({
    number: 8,
    title: "Compliance relative to the zero-demonstration baseline",
    description:
      "Compliance minus each model's zero-demonstration baseline in percentage points, with Newcombe 95% intervals, against total demonstrations.",
    input: "baselineRelative",
    build: (rows) => baselineRelativeFigure(rows),
  }),
} as const;

export type FigureName = keyof typeof FIGURES;

/** Figure names in the paper's order. */
export const FIGURE_NAMES: readonly FigureName[] = (Object.keys(FIGURES) as FigureName[]).sort(
  (a, b) => FIGURES[a].number - FIGURES[b].number,
);

/** True when `name` is a registered figure name. */
export function isFigureName(name: string): name is FigureName {
  return Object.prototype.hasOwnProperty.call(FIGURES, name);
}

/**
 * Build a registered figure from whichever analysis tables are at hand. Throws naming the
 * figure when the name is unknown or its table is missing or empty.
 */
export function buildFigure(name: string, inputs: FigureInputs): Figure {
  if (!isFigureName(name)) {
    throw new Error(`buildFigure: unknown figure "${name}"; figures are ${FIGURE_NAMES.join(", ")}`);
  }
  const entry = FIGURES[name] as FigureEntry;
  const rows = inputs[entry.input];
  if (!rows || rows.length === 0) {
    throw new Error(`buildFigure: figure "${name}" needs the ${entry.input} table, which was not given or is empty`);
  }
  return (entry.build as (rows: unknown) => Figure)(rows);
}
