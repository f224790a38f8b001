import type * as Plotly from "plotly.js";
import type { Figure } from "../figure";
import type { ComplianceCellInput } from "../inputs";
import { countAxis } from "../count-axis";
import { facetGrid } from "../facets";
import { THEME, baseLayout, errorBars, percent, seriesColor, seriesSymbol } from "../theme";
import { assertUniqueRows, distinct, distinctSorted, groupBy, orderBy, requireRows, selectKeys } from "../rows";

export interface TrainingStageOptions {
  /** Figure title; default "Compliance by training stage". */
  title?: string;
  /**
   * Keep only rows of these models; default the models whose rows span more than one
   * training stage (the OLMo family), or every model when none does.
   */
  models?: readonly string[];
  /** N_h values to draw, one panel each; default every N_h with at least two N_b values. */
  nHarmful?: readonly number[];
  /** Panels a row; default 3. */
  columns?: number;
}

/** Pipeline order of training stages; unknown stages follow in row order. */
export const STAGE_ORDER: readonly string[] = ["base", "sft", "dpo", "rl", "rlvr", "instruct"];

const STAGE_NAMES: Record<string, string> = {
  base: "Base",
  sft: "SFT",
  dpo: "DPO",
  rl: "RL",
  rlvr: "RL-VR",
  instruct: "Instruct",
};

/** Display name of a training stage: "sft" -> "SFT". */
export function stageName(stage: string): string {
  return STAGE_NAMES[stage.toLowerCase()] ?? stage;
}

/**
 * Training stages: compliance against benign demonstrations N_b, one line per stage
 * (SFT, DPO, Instruct), one panel per harmful count N_h; 95% intervals as error bars.
 *
 * Throws when two rows share (stage, N_h, N_b): pass `models` to keep one model family.
 */
export function trainingStageFigure(rows: readonly ComplianceCellInput[], options: TrainingStageOptions = {}): Figure {
  const fn = "trainingStageFigure";
  requireRows(fn, rows, "compliance cell");
  const allModels = distinct(rows.map((r) => r.model));
  const staged = allModels.filter((m) => distinct(rows.filter((r) => r.model === m).map((r) => r.training_stage)).length > 1);
  const models = selectKeys(fn, "model", allModels, options.models ?? (staged.length > 0 ? staged : allModels));
  const kept = rows.filter((r) => models.includes(r.model));
  assertUniqueRows(
    fn,
    kept,
    (r) => `training_stage=${r.training_stage}, n_harmful=${r.n_harmful}, n_benign=${r.n_benign}`,
    `rows hold models ${distinct(kept.map((r) => r.model)).join(", ")}: pass options.models to keep one ` +
      "model family, and filter rows to one schedule and one format cue",
  );
  const byPanel = groupBy(kept, (r) => r.n_harmful);
  const sweptPanels = distinctSorted(
    [...byPanel.entries()].filter(([, g]) => distinct(g.map((r) => r.n_benign)).length >= 2).map(([h]) => h),
  );
  const harmful = selectKeys(fn, "n_harmful", distinctSorted(kept.map((r) => r.n_harmful)), options.nHarmful ?? sweptPanels);
  if (harmful.length === 0) {
    throw new Error(`${fn}: no harmful count N_h has rows at two or more benign counts N_b`);
  }
  const drawn = kept.filter((r) => harmful.includes(r.n_harmful));
  const stages = orderBy(distinct(drawn.map((r) => r.training_stage)), STAGE_ORDER);
  const x = countAxis(drawn.map((r) => r.n_benign));
  const grid = facetGrid(
    harmful.map((h) => `N_h = ${h}`),
    {
      columns: options.columns ?? 3,
      xTitle: "Benign demonstrations N_b (count)",
      yTitle: "Compliance rate (%)",
      xaxis: x.axis,
      yaxis: { range: [0, 100] },
    },
  );

  const data: Plotly.Data[] = [];
  grid.panels.forEach((panel, p) => {
    const h = harmful[p];
    const panelRows = byPanel.get(h) ?? [];
    stages.forEach((stage, i) => {
      const line = panelRows.filter((r) => r.training_stage === stage).sort((a, b) => a.n_benign - b.n_benign);
      if (line.length === 0) return;
      const color = seriesColor(i);
      const y = line.map((r) => percent(r.rate));
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name: stageName(stage),
        legendgroup: `stage=${stage}`,
        showlegend: p === 0,
        xaxis: panel.xref,
        yaxis: panel.yref,
        x: line.map((r) => x.position(r.n_benign, i, stages.length)),
        y,
        error_y: errorBars(y, line.map((r) => percent(r.conf_low)), line.map((r) => percent(r.conf_high)), color),
        line: { color, width: THEME.lineWidth },
        marker: { color, symbol: seriesSymbol(i), size: THEME.markerSize },
        customdata: line.map((r) => [r.n_benign, r.complied, r.n, percent(r.conf_low), percent(r.conf_high), r.model]),
        hovertemplate:
          `%{customdata[5]} (${stageName(stage)}), N_h = ${h}<br>N_b = %{customdata[0]}` +
          "<br>compliance %{y:.1f}% [%{customdata[3]:.1f}, %{customdata[4]:.1f}]" +
          "<br>%{customdata[1]} of %{customdata[2]} complied<extra></extra>",
      } satisfies Partial<Plotly.PlotData>);
    });
  });

  return {
    data,
    layout: {
      ...baseLayout(options.title ?? "Compliance by training stage"),
      ...grid.layout,
      legend: { ...baseLayout("").legend, title: { text: "Training stage" } },
    },
  };
}
