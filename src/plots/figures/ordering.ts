import type * as Plotly from "plotly.js";
import type { Figure } from "../figure";
import type { ScheduleInput } from "../inputs";
import { facetGrid } from "../facets";
import { baseLayout, errorBars, percent, seriesColor } from "../theme";
import { assertUniqueRows, distinct, formatNumber, orderBy, requireRows, selectKeys } from "../rows";

export interface OrderingOptions {
  /** Figure title; default "Compliance by demonstration order". */
  title?: string;
  /** Models on the x axis, in this order; default all, in row order. */
  models?: readonly string[];
  /** Panels a row when rows span several harmful fractions; default 1. */
  columns?: number;
}

/**
 * Schedules from the harmful block farthest from the query to nearest, so a recency effect
 * reads as bars rising left to right; unknown schedules follow in row order.
 */
export const SCHEDULE_ORDER: readonly string[] = ["prefix", "middle", "random", "interleave", "suffix"];

const SCHEDULE_NAMES: Record<string, string> = {
  prefix: "Prefix (harmful first)",
  middle: "Middle (harmful in the middle)",
  random: "Random (shuffled)",
  interleave: "Interleave (alternating)",
  suffix: "Suffix (harmful last)",
};

/** Legend text of a schedule: "suffix" -> "Suffix (harmful last)". */
export function scheduleName(schedule: string): string {
  return SCHEDULE_NAMES[schedule.toLowerCase()] ?? schedule;
}

/**
 * Ordering ablation: compliance under each schedule as grouped bars per model, with 95%
 * intervals; one panel per harmful fraction when rows hold more than one.
 *
 * Throws when two rows share (model, schedule, harmful_fraction).
 */
export function orderingFigure(rows: readonly ScheduleInput[], options: OrderingOptions = {}): Figure {
  const fn = "orderingFigure";
  requireRows(fn, rows, "schedule");
  assertUniqueRows(
    fn,
    rows,
    (r) => `model=${r.model}, schedule=${r.schedule}, harmful_fraction=${r.harmful_fraction}`,
    "keep one row per model, schedule and harmful fraction",
  );
  const models = selectKeys(fn, "model", distinct(rows.map((r) => r.model)), options.models);
  const schedules = orderBy(distinct(rows.map((r) => r.schedule)), SCHEDULE_ORDER);
  const fractions = distinct(rows.map((r) => r.harmful_fraction)).sort((a, b) => (a ?? -1) - (b ?? -1));
  const panelName = (phi: number | null): string => (phi === null ? "all harmful fractions" : `\u03c6 = ${formatNumber(phi)}`);
  const grid = facetGrid(fractions.map(panelName), {
    columns: options.columns ?? 1,
    xTitle: "Model",
    yTitle: "Compliance rate (%)",
    xaxis: { type: "category", categoryorder: "array", categoryarray: models, showgrid: false },
    yaxis: { range: [0, 100] },
    panelHeight: 340,
  });

  const data: Plotly.Data[] = [];
  grid.panels.forEach((panel, p) => {
    const phi = fractions[p];
    schedules.forEach((schedule, i) => {
      const bars = models
        .map((m) => rows.find((r) => r.model === m && r.schedule === schedule && r.harmful_fraction === phi))
        .filter((r): r is ScheduleInput => r !== undefined);
      if (bars.length === 0) return;
      const color = seriesColor(i);
      const y = bars.map((r) => percent(r.rate));
      data.push({
        type: "bar",
        name: scheduleName(schedule),
        legendgroup: `schedule=${schedule}`,
        showlegend: p === 0,
        xaxis: panel.xref,
        yaxis: panel.yref,
        x: bars.map((r) => r.model),
        y,
        error_y: errorBars(y, bars.map((r) => percent(r.conf_low)), bars.map((r) => percent(r.conf_high)), "#222222"),
        marker: { color, line: { color: "#FFFFFF", width: 0.5 } },
        customdata: bars.map((r) => [r.complied, r.n, percent(r.conf_low), percent(r.conf_high)]),
        hovertemplate:
          `%{x}, ${scheduleName(schedule)}, ${panelName(phi)}` +
          "<br>compliance %{y:.1f}% [%{customdata[2]:.1f}, %{customdata[3]:.1f}]" +
          "<br>%{customdata[0]} of %{customdata[1]} complied<extra></extra>",
      } satisfies Partial<Plotly.PlotData>);
    });
  });

  return {
    data,
    layout: {
      ...baseLayout(options.title ?? "Compliance by demonstration order"),
      ...grid.layout,
      barmode: "group",
      bargap: 0.25,
      bargroupgap: 0.05,
      legend: { ...baseLayout("").legend, title: { text: "Schedule" } },
    },
  };
}
