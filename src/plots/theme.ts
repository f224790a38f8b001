/**
 * The one look every figure shares: fonts, gridlines, margins and a colour-blind-safe
 * palette (Okabe and Ito, "Color Universal Design", 2008). Lines also differ by marker
 * symbol, so a figure still reads in greyscale.
 */
import type * as Plotly from "plotly.js";

/** The eight Okabe-Ito colours. */
export const OKABE_ITO = {
  black: "#000000",
  orange: "#E69F00",
  skyBlue: "#56B4E9",
  bluishGreen: "#009E73",
  yellow: "#F0E442",
  blue: "#0072B2",
  vermillion: "#D55E00",
  reddishPurple: "#CC79A7",
} as const;

/** Neutral grey for "no effect" and reference lines; not part of Okabe-Ito, safe for all. */
export const NEUTRAL_GREY = "#7F7F7F";

/**
 * Categorical colours in the order series take them. Yellow comes last: it is faint on
 * white and is only reached by figures with eight series.
 */
export const PALETTE: readonly string[] = [
  OKABE_ITO.blue,
  OKABE_ITO.vermillion,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.orange,
  OKABE_ITO.skyBlue,
  OKABE_ITO.black,
  OKABE_ITO.yellow,
];

/** Marker symbols in the order series take them (redundant with colour on purpose). */
export const SYMBOLS: readonly string[] = [
  "circle",
  "square",
  "diamond",
  "triangle-up",
  "triangle-down",
  "cross",
  "x",
  "star",
];

/** Colour of each benign-effect verdict. */
export const VERDICT_COLORS = {
  dilution: OKABE_ITO.blue,
  amplification: OKABE_ITO.vermillion,
  no_significant_effect: NEUTRAL_GREY,
} as const;

/** Colour of each judged outcome in the format-adoption figure. */
export const OUTCOME_COLORS = {
  refusal: OKABE_ITO.blue,
  compliance: OKABE_ITO.vermillion,
} as const;

/**
 * Sequential colour scale for heatmaps: cividis (Nuñez, Anderton and Renslow, 2018), made
 * to read the same under the common colour-vision deficiencies.
 */
export const SEQUENTIAL_COLORSCALE = "Cividis";

/** Colour of series `i`, cycling through PALETTE. */
export function seriesColor(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

/** Marker symbol of series `i`, cycling through SYMBOLS. */
export function seriesSymbol(i: number): string {
  return SYMBOLS[((i % SYMBOLS.length) + SYMBOLS.length) % SYMBOLS.length];
}

/** Font stack: the first three are common on readers' machines, DejaVu is what headless Chromium on Debian has. */
export const FONT_FAMILY = '"Helvetica Neue", Helvetica, Arial, "DejaVu Sans", sans-serif';

export const THEME = {
  fontFamily: FONT_FAMILY,
  /** Base font size in px. */
  fontSize: 13,
  titleFontSize: 17,
  panelTitleFontSize: 13,
  textColor: "#222222",
  gridColor: "#E5E5E5",
  axisLineColor: "#444444",
  zeroLineColor: "#444444",
  background: "#FFFFFF",
  /** Width of interval whiskers and their caps, px. */
  errorBarThickness: 1.3,
  errorBarCapWidth: 3,
  lineWidth: 2,
  markerSize: 7,
  /** Default figure size, px, for exports; notebooks stretch to the cell width. */
  width: 900,
  panelHeight: 300,
} as const;

/** Style shared by every cartesian axis. */
export function axisStyle(): Partial<Plotly.LayoutAxis> {
  return {
    showline: true,
    linecolor: THEME.axisLineColor,
    linewidth: 1,
    mirror: false,
    ticks: "outside",
    ticklen: 4,
    tickcolor: THEME.axisLineColor,
    showgrid: true,
    gridcolor: THEME.gridColor,
    zeroline: false,
    automargin: true,
    title: axisTitle(""),
  };
}

/** An axis title in the theme's size, set off from the tick labels. */
export function axisTitle(text: string): Partial<Plotly.LayoutAxis>["title"] {
  return { text, font: { size: THEME.fontSize }, standoff: 12 };
}

/** Base layout every figure starts from. */
export function baseLayout(title: string): Partial<Plotly.Layout> {
  return {
    title: {
      text: title,
      font: { size: THEME.titleFontSize },
      x: 0,
      xref: "paper",
      xanchor: "left",
    },
    font: { family: THEME.fontFamily, size: THEME.fontSize, color: THEME.textColor },
    paper_bgcolor: THEME.background,
    plot_bgcolor: THEME.background,
    colorway: [...PALETTE],
    margin: { l: 70, r: 30, t: 80, b: 60 },
    hovermode: "closest",
    showlegend: true,
    legend: {
      bgcolor: "rgba(255,255,255,0.8)",
      borderwidth: 0,
      font: { size: THEME.fontSize - 1 },
    },
  };
}

/** Asymmetric error bars from an estimate and its interval, in the units plotted. */
export function errorBars(
  estimate: readonly number[],
  low: readonly number[],
  high: readonly number[],
  color: string,
): Plotly.ErrorBar {
  return {
    type: "data",
    symmetric: false,
    array: estimate.map((e, i) => Math.max(0, high[i] - e)),
    arrayminus: estimate.map((e, i) => Math.max(0, e - low[i])),
    color,
    thickness: THEME.errorBarThickness,
    width: THEME.errorBarCapWidth,
    visible: true,
  };
}

/** A proportion as a percentage, for plotting on a "(%)" axis. */
export function percent(p: number): number {
  return p * 100;
}

/** A log axis gets data-placed ticks when it has at most this many distinct values. */
const MAX_DATA_TICKS = 12;

/**
 * A figure whose log axes have readable ticks. Plotly's default on a log axis spanning less
 * than two decades labels the minor ticks with single digits ("2", "5" beside "100"), which
 * reads as nonsense; an axis with no ticks of its own gets instead a tick at each distinct
 * data value (up to 12, labelled in full: 50, 100, 200, 400, 800) or, with more values,
 * ticks at 1-2-5 steps labelled in full. Axes that set tickvals, dtick or tickmode keep them.
 * Returns a new figure; the input is not changed.
 */
export function withReadableLogAxes<F extends { data: readonly unknown[]; layout: Partial<Plotly.Layout> }>(fig: F): F {
  const layout = fig.layout as Record<string, unknown>;
  let changed: Record<string, unknown> | null = null;
  for (const key of Object.keys(layout)) {
    const m = /^([xy])axis(\d*)$/.exec(key);
    const axis = layout[key] as Partial<Plotly.LayoutAxis> | undefined;
    if (!m || !axis || axis.type !== "log" || axis.tickvals !== undefined || axis.dtick !== undefined || axis.tickmode !== undefined) continue;
    const ref = `${m[1]}${m[2]}`;
    const values = new Set<number>();
    for (const trace of fig.data as { x?: unknown; y?: unknown; xaxis?: string; yaxis?: string }[]) {
      if ((trace[`${m[1]}axis` as "xaxis" | "yaxis"] ?? m[1]) !== ref) continue;
      const v = trace[m[1] as "x" | "y"];
      if (Array.isArray(v)) for (const x of v) if (typeof x === "number" && x > 0 && Number.isFinite(x)) values.add(x);
    }
    if (values.size === 0) continue;
    const ticks = values.size <= MAX_DATA_TICKS ? [...values].sort((a, b) => a - b) : oneTwoFive(Math.min(...values), Math.max(...values));
    changed ??= { ...layout };
    changed[key] = { ...axis, tickmode: "array", tickvals: ticks, ticktext: ticks.map((t) => t.toLocaleString("en-US")) };
  }
  return changed ? { ...fig, layout: changed as Partial<Plotly.Layout> } : fig;
}

/** 1, 2, 5, 10, 20, 50, ... covering [lo, hi]. */
function oneTwoFive(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
    for (const d of [1, 2, 5]) {
      const v = +(d * 10 ** e).toPrecision(12);
      if (v >= lo / 1.5 && v <= hi * 1.5) out.push(v);
    }
  return out;
}
