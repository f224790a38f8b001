import type * as Plotly from "plotly.js";
import type { Figure } from "../figure";
import type { ComplianceCellInput } from "../inputs";
import { NEUTRAL_GREY, THEME, baseLayout, errorBars, percent, seriesColor, seriesSymbol } from "../theme";
import { formatNumber } from "../rows";
import { sweepGrid } from "../sweep-grid";

export interface MainSweepOptions {
  /** Figure title; default "Compliance vs total demonstrations". */
  title?: string;
  /**
   * Panels to draw, in this order; default every model in row order. A panel is a model, or
   * "model (stage)" when the rows hold more than one training stage of that model.
   */
  models?: readonly string[];
  /** Panels a row; default 2. */
  columns?: number;
  /** Draw the zero-demonstration rows (n_total = 0) as a dotted line with a band; default true. */
  showBaseline?: boolean;
}

/**
 * Main sweep: compliance rate against total demonstrations N (log2 axis), one line per
 * harmful fraction phi, one panel per model, 95% intervals as error bars.
 *
 * Throws when two rows share (model, harmful_fraction, n_total): filter to one schedule and
 * one format cue first.
 *
 * @example mainSweepFigure(cells).data.length // lines x panels (+2 a panel with a baseline)
 */
export function mainSweepFigure(rows: readonly ComplianceCellInput[], options: MainSweepOptions = {}): Figure {
  const fn = "mainSweepFigure";
  const showBaseline = options.showBaseline ?? true;
  const { fractions, totals, grid, byPanel, dodge } = sweepGrid(fn, rows, "compliance cell", options, "Compliance rate (%)", { range: [0, 100], ticksuffix: "" });

  const data: Plotly.Data[] = [];
  grid.panels.forEach((panel, p) => {
    const modelRows = byPanel.get(panel.key) ?? [];
    const baseline = modelRows.find((r) => r.n_total === 0);
    if (showBaseline && baseline) {
      data.push(...baselineTraces(baseline, totals, panel.xref, panel.yref, p === 0));
    }
    fractions.forEach((phi, i) => {
      const line = modelRows
        .filter((r) => r.harmful_fraction === phi && r.n_total > 0)
        .sort((a, b) => a.n_total - b.n_total);
      if (line.length === 0) return;
      const color = seriesColor(i);
      const y = line.map((r) => percent(r.rate));
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
        error_y: errorBars(y, line.map((r) => percent(r.conf_low)), line.map((r) => percent(r.conf_high)), color),
        line: { color, width: THEME.lineWidth },
        marker: { color, symbol: seriesSymbol(i), size: THEME.markerSize },
        customdata: line.map((r) => [r.n_total, r.n_benign, r.n_harmful, r.complied, r.n, percent(r.conf_low), percent(r.conf_high)]),
        hovertemplate:
          `${panel.key}, \u03c6 = ${formatNumber(phi)}<br>N = %{customdata[0]} (N_b = %{customdata[1]}, N_h = %{customdata[2]})` +
          "<br>compliance %{y:.1f}% [%{customdata[5]:.1f}, %{customdata[6]:.1f}]" +
          "<br>%{customdata[3]} of %{customdata[4]} complied<extra></extra>",
      } satisfies Partial<Plotly.PlotData>);
    });
  });

  const layout: Partial<Plotly.Layout> = {
    ...baseLayout(options.title ?? "Compliance vs total demonstrations"),
    ...grid.layout,
    legend: { ...baseLayout("").legend, title: { text: "Harmful fraction" } },
  };
  return { data, layout };
}

/**
 * The zero-demonstration rate as a dotted line with its interval as a band, spanning the
 * panel's x range. Shared with the other sweep figures.
 */
export function baselineTraces(
  baseline: ComplianceCellInput,
  xs: readonly number[],
  xref: Plotly.XAxisName,
  yref: Plotly.YAxisName,
  showlegend: boolean,
): Plotly.Data[] {
  const x0 = xs[0];
  const x1 = xs[xs.length - 1];
  const lo = percent(baseline.conf_low);
  const hi = percent(baseline.conf_high);
  const rate = percent(baseline.rate);
  return [
    {
      type: "scatter",
      mode: "lines",
      name: "No demonstrations (95% CI)",
      legendgroup: "baseline",
      showlegend: false,
      xaxis: xref,
      yaxis: yref,
      x: [x0, x1, x1, x0, x0],
      y: [lo, lo, hi, hi, lo],
      fill: "toself",
      fillcolor: "rgba(127,127,127,0.18)",
      line: { width: 0, color: NEUTRAL_GREY },
      hoverinfo: "skip",
    },
    {
      type: "scatter",
      mode: "lines",
      name: "No demonstrations",
      legendgroup: "baseline",
      showlegend,
      xaxis: xref,
      yaxis: yref,
      x: [x0, x1],
      y: [rate, rate],
      line: { color: NEUTRAL_GREY, width: 1.5, dash: "dot" },
      hovertemplate: `no demonstrations: %{y:.1f}% [${lo.toFixed(1)}, ${hi.toFixed(1)}]<br>${baseline.complied} of ${baseline.n} complied<extra>${baseline.model}</extra>`,
    },
  ];
}
