/**
 * Small multiples: a grid of panels laid out with explicit axis domains, so each panel is an
 * (xaxisN, yaxisN) pair and its title is an annotation above it.
 */
import type * as Plotly from "plotly.js";
import { THEME, axisStyle, axisTitle } from "./theme";

export interface FacetGridOptions {
  /** Panels a row; default min(panels, 2). */
  columns?: number;
  /** Style of every x axis (type, ticks, range), merged over the theme's axis style. */
  xaxis?: Partial<Plotly.LayoutAxis>;
  /** Style of every y axis, merged over the theme's axis style. */
  yaxis?: Partial<Plotly.LayoutAxis>;
  /** X axis title with units, drawn under the bottom panel of each column. */
  xTitle: string;
  /** Y axis title with units, drawn beside the left panel of each row. */
  yTitle: string;
  /**
   * Panels share the x range; default true. An explicit `xaxis.range` is shared as it is:
   * plotly.js stops autoranging *every* axis when a `matches` group also has a fixed range.
   */
  sharedX?: boolean;
  /** Panels share the y range; default true. */
  sharedY?: boolean;
  /** Height of one panel row in px; default THEME.panelHeight. */
  panelHeight?: number;
  /** Top and bottom margins in px; default 90 and 70. */
  marginTop?: number;
  marginBottom?: number;
}

export interface Panel {
  key: string;
  /** Trace axis references, e.g. "x2" and "y2". */
  xref: Plotly.XAxisName;
  yref: Plotly.YAxisName;
}

export interface FacetGrid {
  panels: Panel[];
  /** The axes (xaxis, yaxis2, ...), panel-title annotations, height and margins to merge into a layout. */
  layout: Partial<Plotly.Layout>;
}

const H_GAP = 0.07;
const V_GAP_PX = 80;

/** Lay out one panel per key. Keys are panel titles. */
export function facetGrid(keys: readonly string[], options: FacetGridOptions): FacetGrid {
  const n = Math.max(1, keys.length);
  const columns = Math.max(1, Math.min(n, options.columns ?? 2));
  const rows = Math.ceil(n / columns);
  const panelHeight = options.panelHeight ?? THEME.panelHeight;
  const marginTop = options.marginTop ?? 90;
  const marginBottom = options.marginBottom ?? 70;
  const plotHeight = rows * panelHeight + (rows - 1) * V_GAP_PX;
  const height = plotHeight + marginTop + marginBottom;
  const vGap = V_GAP_PX / plotHeight;
  const w = (1 - (columns - 1) * H_GAP) / columns;
  const h = (1 - (rows - 1) * vGap) / rows;
  const sharedX = options.sharedX ?? true;
  const sharedY = options.sharedY ?? true;

  const layout: Record<string, unknown> = {
    height,
    margin: { l: 75, r: 30, t: marginTop, b: marginBottom },
  };
  const annotations: Array<Partial<Plotly.Annotations>> = [];
  const panels: Panel[] = [];
  keys.forEach((key, i) => {
    const row = Math.floor(i / columns);
    const col = i % columns;
    const suffix = i === 0 ? "" : String(i + 1);
    const xref = `x${suffix}` as Plotly.XAxisName;
    const yref = `y${suffix}` as Plotly.YAxisName;
    const x0 = col * (w + H_GAP);
    const top = 1 - row * (h + vGap);
    const bottomOfColumn = i + columns >= keys.length;
    layout[`xaxis${suffix}`] = {
      ...axisStyle(),
      ...options.xaxis,
      domain: [round(x0), round(x0 + w)],
      anchor: yref,
      ...(sharedX && i > 0 && !options.xaxis?.range ? { matches: "x" } : {}),
      title: axisTitle(bottomOfColumn ? options.xTitle : ""),
    } satisfies Partial<Plotly.LayoutAxis>;
    layout[`yaxis${suffix}`] = {
      ...axisStyle(),
      ...options.yaxis,
      domain: [round(Math.max(0, top - h)), round(top)],
      anchor: xref,
      ...(sharedY && i > 0 && !options.yaxis?.range ? { matches: "y" } : {}),
      title: axisTitle(col === 0 ? options.yTitle : ""),
    } satisfies Partial<Plotly.LayoutAxis>;
    if (keys.length > 1) {
      annotations.push({
        text: `<b>${escapeHtml(key)}</b>`,
        showarrow: false,
        xref: "paper",
        yref: "paper",
        x: round(x0 + w / 2),
        y: round(top),
        xanchor: "center",
        yanchor: "bottom",
        yshift: 4,
        font: { size: THEME.panelTitleFontSize },
      });
    }
    panels.push({ key, xref, yref });
  });
  layout.annotations = annotations;
  return { panels, layout: layout as Partial<Plotly.Layout> };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Plotly renders a subset of HTML in text; model names must not be read as tags. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
