import type * as Plotly from "plotly.js";
import type { Figure } from "../figure";
import type { FormatAdoptionInput } from "../inputs";
import { escapeHtml, facetGrid } from "../facets";
import { OUTCOME_COLORS, baseLayout, errorBars, percent } from "../theme";
import { assertUniqueRows, distinct, requireRows, selectKeys } from "../rows";

export interface FormatAdoptionOptions {
  /** Figure title; default "Format adoption among refusals and compliances". */
  title?: string;
  /** Panels (models) to draw, in this order; default all, in row order. */
  models?: readonly string[];
  /** Panels a row; default 2. */
  columns?: number;
  /** Longest cue text shown under a tick before it is cut with "…"; default 30 characters. */
  maxCueText?: number;
}

const OUTCOMES = ["refusal", "compliance"] as const;
const OUTCOME_NAMES = { refusal: "Among refusals", compliance: "Among compliances" } as const;

/**
 * Format cue: how often a response starts with the demonstrated cue, among refusals and
 * among compliances, per cue (grouped bars) and model (panels), with 95% intervals. Bars of
 * similar height mean the format is copied whatever the safety behaviour (Llama); a gap
 * means the two are coupled (Gemma).
 *
 * Throws when two rows share (model, format_cue, outcome).
 */
export function formatAdoptionFigure(rows: readonly FormatAdoptionInput[], options: FormatAdoptionOptions = {}): Figure {
  const fn = "formatAdoptionFigure";
  requireRows(fn, rows, "format adoption");
  assertUniqueRows(
    fn,
    rows,
    (r) => `model=${r.model}, format_cue=${r.format_cue}, outcome=${r.outcome}`,
    "keep one row per model, cue and outcome",
  );
  const maxText = options.maxCueText ?? 30;
  const models = selectKeys(fn, "model", distinct(rows.map((r) => r.model)), options.models);
  const cues = distinct(rows.map((r) => r.format_cue));
  const cueText = new Map(rows.map((r) => [r.format_cue, r.format_cue_text]));
  const tick = (cue: string): string => {
    const text = cueText.get(cue);
    if (!text) return escapeHtml(cue);
    const cut = text.length > maxText ? `${text.slice(0, maxText - 1)}\u2026` : text;
    return `${escapeHtml(cue)}<br><i>\u201c${escapeHtml(cut)}\u201d</i>`;
  };
  const grid = facetGrid(models, {
    columns: options.columns ?? 2,
    xTitle: "Format cue in the demonstrations",
    yTitle: "Responses starting with the cue (%)",
    xaxis: { type: "category", categoryorder: "array", categoryarray: cues.map(tick), showgrid: false },
    yaxis: { range: [0, 100] },
  });

  const data: Plotly.Data[] = [];
  grid.panels.forEach((panel, p) => {
    for (const outcome of OUTCOMES) {
      const bars = cues
        .map((c) => rows.find((r) => r.model === panel.key && r.format_cue === c && r.outcome === outcome))
        .filter((r): r is FormatAdoptionInput => r !== undefined);
      if (bars.length === 0) continue;
      const color = OUTCOME_COLORS[outcome];
      const y = bars.map((r) => percent(r.rate));
      data.push({
        type: "bar",
        name: OUTCOME_NAMES[outcome],
        legendgroup: `outcome=${outcome}`,
        showlegend: p === 0,
        xaxis: panel.xref,
        yaxis: panel.yref,
        x: bars.map((r) => tick(r.format_cue)),
        y,
        error_y: errorBars(y, bars.map((r) => percent(r.conf_low)), bars.map((r) => percent(r.conf_high)), "#222222"),
        marker: { color },
        customdata: bars.map((r) => [r.adopted, r.n, percent(r.conf_low), percent(r.conf_high)]),
        hovertemplate:
          `${escapeHtml(panel.key)}, ${OUTCOME_NAMES[outcome].toLowerCase()}` +
          "<br>starts with the cue: %{y:.1f}% [%{customdata[2]:.1f}, %{customdata[3]:.1f}]" +
          "<br>%{customdata[0]} of %{customdata[1]}<extra></extra>",
      } satisfies Partial<Plotly.PlotData>);
    }
  });

  return {
    data,
    layout: {
      ...baseLayout(options.title ?? "Format adoption among refusals and compliances"),
      ...grid.layout,
      barmode: "group",
      bargap: 0.3,
      bargroupgap: 0.05,
      legend: { ...baseLayout("").legend, title: { text: "Judged outcome" } },
    },
  };
}
