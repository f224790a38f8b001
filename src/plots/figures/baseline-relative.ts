import type * as Plotly from "plotly.js";
import type { Figure } from "../figure";
import type { BaselineRelativeInput } from "../inputs";
import { THEME, baseLayout, errorBars, seriesColor, seriesSymbol } from "../theme";
import { formatNumber } from "../rows";
import { sweepGrid } from "../sweep-grid";

export interface BaselineRelativeOptions {
  /** Figure title; default "Compliance relative to the zero-demonstration baseline". */
  title?: string;
  /** Panels to draw (models, or "model (stage)"), in this order; default all, in row order. */
  models?: readonly string[];
  /** Panels a row; default 2. */
  columns?: number;
}

/**
 * Compliance minus each model's zero-demonstration baseline, in percentage points, against
 * total demonstrations N (log2 axis), one line per harmful fraction, one panel per model.
 * Error bars are the Newcombe hybrid-score interval of the difference; the line at zero is
 * "no change from baseline".
 *
 * Throws when two rows share (model, harmful_fraction, n_total).
 */
export function baselineRelativeFigure(rows: readonly BaselineRelativeInput[], options: BaselineRelativeOptions = {}): Figure {
  const fn = "baselineRelativeFigure";
  const { fractions, grid, byPanel, dodge } = sweepGrid(fn, rows, "baseline-relative row", options,
    "Compliance minus baseline (percentage points)", { zeroline: true, zerolinecolor: THEME.zeroLineColor, zerolinewidth: 1.5 });
  const data: Plotly.Data[] = [];
  grid.panels.forEach((panel, p) => {
    const modelRows = byPanel.get(panel.key) ?? [];
    fractions.forEach((phi, i) => {
      const line = modelRows.filter((r) => r.harmful_fraction === phi && r.n_total > 0).sort((a, b) => a.n_total - b.n_total);
      if (line.length === 0) return;
      const color = seriesColor(i);
      const y = line.map((r) => r.difference * 100);
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name: `\u03c6 = ${formatNumber(phi)}`,
        legendgroup: `phi=${phi}`,
        showlegend: p === 0,
        xaxis: panel.xref,
        yaxis: panel.yref,
        x: line.map((r) => r.n_total * dodge(i)),
        y,
        error_y: errorBars(y, line.map((r) => r.diff_low * 100), line.map((r) => r.diff_high * 100), color),
        line: { color, width: THEME.lineWidth },
        marker: { color, symbol: seriesSymbol(i), size: THEME.markerSize },
        customdata: line.map((r) => [r.n_total, r.diff_low * 100, r.diff_high * 100, r.rate * 100, r.baseline_rate * 100]),
        hovertemplate:
          `${panel.key}, \u03c6 = ${formatNumber(phi)}<br>N = %{customdata[0]}` +
          "<br>difference %{y:+.1f} pp [%{customdata[1]:+.1f}, %{customdata[2]:+.1f}]" +
          "<br>%{customdata[3]:.1f}% vs baseline %{customdata[4]:.1f}%<extra></extra>",
      } satisfies Partial<Plotly.PlotData>);
    });
  });

  return {
    data,
    layout: {
      ...baseLayout(options.title ?? "Compliance relative to the zero-demonstration baseline"),
      ...grid.layout,
      legend: { ...baseLayout("").legend, title: { text: "Harmful fraction" } },
    },
  };
}
