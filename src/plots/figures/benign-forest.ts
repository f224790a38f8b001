import type * as Plotly from "plotly.js";
import type { Figure } from "../figure";
import type { BenignCoefficientInput, BenignVerdict } from "../inputs";
import { escapeHtml } from "../facets";
import { THEME, VERDICT_COLORS, axisStyle, axisTitle, baseLayout, errorBars } from "../theme";
import { assertUniqueRows, requireRows } from "../rows";

export interface BenignForestOptions {
  /** Figure title; default "Effect of benign demonstrations (b\u2082)". */
  title?: string;
  /** Height of one row of the forest in px; default 36. */
  rowHeight?: number;
}

/** Legend text of each verdict, in legend order. */
export const VERDICT_LABELS: Record<BenignVerdict, string> = {
  dilution: "Dilution (b\u2082 < 0)",
  amplification: "Amplification (b\u2082 > 0)",
  no_significant_effect: "No significant effect",
};

const VERDICT_SYMBOLS: Record<BenignVerdict, string> = {
  dilution: "circle",
  amplification: "diamond",
  no_significant_effect: "square",
};

/**
 * Forest plot of the benign coefficient b2 in `logit P = b0 + b1 log(N_h + 1) + b2 log(N_b + 1)`:
 * one row per fit (model, or OLMo training stage) with its 95% interval, a line at zero, and
 * colour and symbol by verdict. Rows keep input order, top to bottom.
 *
 * Throws when two rows share a label.
 */
export function benignForestFigure(rows: readonly BenignCoefficientInput[], options: BenignForestOptions = {}): Figure {
  const fn = "benignForestFigure";
  requireRows(fn, rows, "benign coefficient");
  assertUniqueRows(fn, rows, (r) => `label=${r.label}`, "give each fit a distinct label");
  const labels = rows.map((r) => escapeHtml(r.label));
  const verdicts = (Object.keys(VERDICT_LABELS) as BenignVerdict[]).filter((v) => rows.some((r) => r.verdict === v));

  const data: Plotly.Data[] = verdicts.map((verdict) => {
    const sel = rows.filter((r) => r.verdict === verdict);
    const color = VERDICT_COLORS[verdict];
    const x = sel.map((r) => r.estimate);
    return {
      type: "scatter",
      mode: "markers",
      name: VERDICT_LABELS[verdict],
      x,
      y: sel.map((r) => escapeHtml(r.label)),
      error_x: { ...errorBars(x, sel.map((r) => r.conf_low), sel.map((r) => r.conf_high), color), width: 5 },
      marker: { color, symbol: VERDICT_SYMBOLS[verdict], size: THEME.markerSize + 2 },
      customdata: sel.map((r) => [r.conf_low, r.conf_high, r.p_value]),
      hovertemplate:
        "%{y}<br>b\u2082 = %{x:.4f} [%{customdata[0]:.4f}, %{customdata[1]:.4f}]" +
        `<br>p = %{customdata[2]:.2e}<br>${VERDICT_LABELS[verdict]}<extra></extra>`,
    } satisfies Partial<Plotly.PlotData>;
  });

  const rowHeight = options.rowHeight ?? 36;
  return {
    data,
    layout: {
      ...baseLayout(options.title ?? "Effect of benign demonstrations (b\u2082)"),
      height: Math.max(260, 150 + rowHeight * rows.length),
      margin: { l: 190, r: 30, t: 80, b: 70 },
      xaxis: {
        ...axisStyle(),
        title: axisTitle("Benign coefficient b\u2082 (log-odds of compliance per unit log(N_b + 1))"),
        zeroline: false,
      },
      yaxis: {
        ...axisStyle(),
        type: "category",
        categoryorder: "array",
        categoryarray: labels,
        autorange: "reversed",
        showgrid: false,
        title: axisTitle("Model (training stage)"),
      },
      shapes: [
        {
          type: "line",
          xref: "x",
          yref: "paper",
          x0: 0,
          x1: 0,
          y0: 0,
          y1: 1,
          line: { color: THEME.zeroLineColor, width: 1, dash: "dash" },
          layer: "above",
        },
      ],
      legend: { ...baseLayout("").legend, title: { text: "Verdict" } },
    },
  };
}
