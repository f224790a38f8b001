import type * as Plotly from "plotly.js";
import type { Figure } from "../figure";
import type { ComplianceCellInput } from "../inputs";
import { countAxis } from "../count-axis";
import { facetGrid } from "../facets";
import { THEME, baseLayout, errorBars, percent, seriesColor, seriesSymbol } from "../theme";
import {
  assertUniqueRows,
  distinct,
  distinctSorted,
  groupBy,
  modelStageLabeller,
  requireRows,
  selectKeys,
} from "../rows";

export interface BenignSweepOptions {
  /** Figure title; default "Compliance vs benign demonstrations at fixed harmful count". */
  title?: string;
  /** Panels to draw (models, or "model (stage)"), in this order; default all, in row order. */
  models?: readonly string[];
  /** N_h values to draw a line for; default every N_h with at least two N_b values. */
  nHarmful?: readonly number[];
  /** Panels a row; default 2. */
  columns?: number;
}

/**
 * Benign sweep: compliance against the number of benign demonstrations N_b, one line per
 * fixed harmful count N_h, one panel per model; 95% intervals as error bars. A falling line
 * is dilution, a rising one amplification.
 *
 * Throws when two rows share (model, N_h, N_b): filter to one schedule and format cue first.
 */
export function benignSweepFigure(rows: readonly ComplianceCellInput[], options: BenignSweepOptions = {}): Figure {
  const fn = "benignSweepFigure";
  requireRows(fn, rows, "compliance cell");
  const label = modelStageLabeller(rows);
  assertUniqueRows(
    fn,
    rows,
    (r) => `${label(r)}, n_harmful=${r.n_harmful}, n_benign=${r.n_benign}`,
    "filter rows to one schedule and one format cue first",
  );
  const byLine = groupBy(rows, (r) => `${label(r)}\u0000${r.n_harmful}`);
  const swept = distinctSorted(
    [...byLine.values()].filter((g) => g.length >= 2).map((g) => g[0].n_harmful),
  );
  const harmful = options.nHarmful ? selectKeys(fn, "n_harmful", distinctSorted(rows.map((r) => r.n_harmful)), options.nHarmful) : swept;
  if (harmful.length === 0) {
    throw new Error(`${fn}: no harmful count N_h has rows at two or more benign counts N_b; nothing to draw a line through`);
  }
  const drawn = rows.filter((r) => harmful.includes(r.n_harmful));
  const models = selectKeys(fn, "model", distinct(drawn.map(label)), options.models);
  const x = countAxis(drawn.map((r) => r.n_benign));
  const grid = facetGrid(models, {
    columns: options.columns ?? 2,
    xTitle: "Benign demonstrations N_b (count)",
    yTitle: "Compliance rate (%)",
    xaxis: x.axis,
    yaxis: { range: [0, 100] },
  });

  const data: Plotly.Data[] = [];
  const byModel = groupBy(drawn, label);
  grid.panels.forEach((panel, p) => {
    const modelRows = byModel.get(panel.key) ?? [];
    harmful.forEach((h, i) => {
      const line = modelRows.filter((r) => r.n_harmful === h).sort((a, b) => a.n_benign - b.n_benign);
      if (line.length === 0) return;
      const color = seriesColor(i);
      const y = line.map((r) => percent(r.rate));
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name: `N_h = ${h}`,
        legendgroup: `n_harmful=${h}`,
        showlegend: p === 0,
        xaxis: panel.xref,
        yaxis: panel.yref,
        x: line.map((r) => x.position(r.n_benign, i, harmful.length)),
        y,
        error_y: errorBars(y, line.map((r) => percent(r.conf_low)), line.map((r) => percent(r.conf_high)), color),
        line: { color, width: THEME.lineWidth },
        marker: { color, symbol: seriesSymbol(i), size: THEME.markerSize },
        customdata: line.map((r) => [r.n_benign, r.complied, r.n, percent(r.conf_low), percent(r.conf_high)]),
        hovertemplate:
          `${panel.key}, N_h = ${h}<br>N_b = %{customdata[0]}` +
          "<br>compliance %{y:.1f}% [%{customdata[3]:.1f}, %{customdata[4]:.1f}]" +
          "<br>%{customdata[1]} of %{customdata[2]} complied<extra></extra>",
      } satisfies Partial<Plotly.PlotData>);
    });
  });

  return {
    data,
    layout: {
      ...baseLayout(options.title ?? "Compliance vs benign demonstrations at fixed harmful count"),
      ...grid.layout,
      legend: { ...baseLayout("").legend, title: { text: "Harmful demonstrations" } },
    },
  };
}
