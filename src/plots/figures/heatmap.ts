import type * as Plotly from "plotly.js";
import type { Figure } from "../figure";
import type { ComplianceCellInput } from "../inputs";
import { facetGrid } from "../facets";
import { SEQUENTIAL_COLORSCALE, THEME, baseLayout, percent } from "../theme";
import { assertUniqueRows, distinct, distinctSorted, groupBy, modelStageLabeller, requireRows, selectKeys } from "../rows";

export interface HeatmapOptions {
  /** Figure title; default "Compliance over harmful and benign demonstrations". */
  title?: string;
  /** Panels to draw (models, or "model (stage)"), in this order; default all, in row order. */
  models?: readonly string[];
  /** Panels a row; default 2. */
  columns?: number;
  /** Write the rate and its 95% interval in each cell; default true. */
  cellText?: boolean;
}

/**
 * Compliance over the (N_h, N_b) grid as a heatmap per model, on one cividis scale from 0 to
 * 100%. Under the total-count hypothesis the colour is constant along anti-diagonals; under
 * the harmful-count hypothesis it is constant along rows. Each cell's text gives the rate (%);
 * the hover adds its 95% interval and counts; cells with no data are blank.
 *
 * Throws when two rows share (model, N_h, N_b).
 */
export function complianceHeatmapFigure(rows: readonly ComplianceCellInput[], options: HeatmapOptions = {}): Figure {
  const fn = "complianceHeatmapFigure";
  requireRows(fn, rows, "compliance cell");
  const label = modelStageLabeller(rows);
  assertUniqueRows(
    fn,
    rows,
    (r) => `${label(r)}, n_harmful=${r.n_harmful}, n_benign=${r.n_benign}`,
    "filter rows to one schedule and one format cue first",
  );
  const cellText = options.cellText ?? true;
  const models = selectKeys(fn, "model", distinct(rows.map(label)), options.models);
  const benign = distinctSorted(rows.map((r) => r.n_benign)).map(String);
  const harmful = distinctSorted(rows.map((r) => r.n_harmful)).map(String);
  const grid = facetGrid(models, {
    columns: options.columns ?? 2,
    xTitle: "Benign demonstrations N_b (count)",
    yTitle: "Harmful demonstrations N_h (count)",
    xaxis: { type: "category", categoryorder: "array", categoryarray: benign, showgrid: false, ticks: "" },
    yaxis: { type: "category", categoryorder: "array", categoryarray: harmful, showgrid: false, ticks: "" },
    panelHeight: 340,
  });

  const byModel = groupBy(rows, label);
  const data: Plotly.Data[] = grid.panels.map((panel, p) => {
    const cells = new Map((byModel.get(panel.key) ?? []).map((r) => [`${r.n_harmful}/${r.n_benign}`, r]));
    const at = (h: string, b: string): ComplianceCellInput | undefined => cells.get(`${h}/${b}`);
    const z = harmful.map((h) => benign.map((b) => {
      const r = at(h, b);
      return r ? percent(r.rate) : null;
    }));
    const text = harmful.map((h) => benign.map((b) => {
      const r = at(h, b);
      // the interval is in the hover text: two lines do not fit a cell of a 13 x 13 grid
      return r ? `${percent(r.rate).toFixed(0)}` : "";
    }));
    const custom = harmful.map((h) => benign.map((b) => {
      const r = at(h, b);
      return r ? [percent(r.conf_low), percent(r.conf_high), r.complied, r.n] : [null, null, null, null];
    }));
    const trace: Partial<Plotly.PlotData> = {
      type: "heatmap",
      name: panel.key,
      xaxis: panel.xref,
      yaxis: panel.yref,
      x: benign,
      y: harmful,
      z,
      zmin: 0,
      zmax: 100,
      colorscale: SEQUENTIAL_COLORSCALE,
      showscale: p === 0,
      // Title beside the bar, past its tick labels: on top it sat on the "100" label.
      colorbar: { title: { text: "Compliance rate (%)", side: "right" }, thickness: 14, len: 0.6, y: 0.5, outlinewidth: 0 },
      xgap: 1,
      ygap: 1,
      hoverongaps: false,
      // Heatmaps take 2-D text and 3-D customdata; @types/plotly.js only declares the 1-D forms.
      text: text as unknown as string[],
      texttemplate: cellText ? "%{text}" : "",
      textfont: { size: THEME.fontSize - 3 },
      customdata: custom as unknown as Plotly.Datum[][],
      hovertemplate:
        `${panel.key}<br>N_h = %{y}, N_b = %{x}` +
        "<br>compliance %{z:.1f}% [%{customdata[0]:.1f}, %{customdata[1]:.1f}]" +
        "<br>%{customdata[2]} of %{customdata[3]} complied<extra></extra>",
    };
    return trace;
  });

  return {
    data,
    layout: {
      ...baseLayout(options.title ?? "Compliance over harmful and benign demonstrations"),
      ...grid.layout,
      showlegend: false,
    },
  };
}
