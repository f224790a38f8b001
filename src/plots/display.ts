/**
 * Showing a figure in a tslab notebook. One display_data output carries three forms and
 * the front end picks the richest it can show:
 * - application/vnd.plotly.v1+json: the figure itself (JupyterLab with the plotly
 *   extension, VS Code, nteract);
 * - text/html: a div and a small script drawing it with window.Plotly; this is what
 *   `jupyter nbconvert --to html` keeps, so exported notebooks stay interactive offline;
 * - text/plain: a one-line summary.
 * plotly.js itself (4.8 MB) is sent once per kernel session, as its own output before the
 * first figure, and every later figure reuses window.Plotly.
 */
import type { Figure } from "./figure";
import { describeFigure } from "./figure";
import { figureToHtmlFragment, plotlyScriptTag } from "./html";
import { plotlyVersion } from "./plotly-bundle";

/** A Jupyter display_data message content, as tslab's writer takes it. */
export interface DisplayData {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: Record<string, unknown>;
}

/** Sends display data to the notebook; tslab's `lastWriteDisplayData` has this shape. */
export type DisplayWriter = (content: DisplayData, update: boolean) => void;

export interface ShowFigureOptions {
  /** Height of the output in px; default the figure's layout.height, else 500. */
  height?: number;
  /**
   * Send plotly.js with this figure even if this kernel session already did: for a
   * notebook whose first figure cell was cleared or re-run. Default false.
   */
  reloadPlotly?: boolean;
  /** Where outputs go; default the running tslab kernel. For tests. */
  writer?: DisplayWriter;
  /** Where the summary goes outside a notebook; default console.log. */
  log?: (line: string) => void;
}

/** Kept on globalThis so two copies of this module (src and dist) share it. */
const SENT = Symbol.for("safety-receipts.plots.plotly-sent");

interface TslabJupyterModule {
  lastWriteDisplayData: DisplayWriter | null;
}

/**
 * The running tslab kernel's display writer, or null outside a notebook. Looks in the
 * module cache rather than requiring tslab, so it finds the kernel's own copy wherever it is
 * installed, and loads nothing when there is no kernel.
 */
export function tslabDisplayWriter(): DisplayWriter | null {
  let cache: Record<string, NodeJS.Module | undefined>;
  try {
    cache = require.cache;
  } catch {
    return null;
  }
  for (const [key, mod] of Object.entries(cache)) {
    if (!mod || !/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(key)) continue;
    const writer = (mod.exports as Partial<TslabJupyterModule>).lastWriteDisplayData;
    if (typeof writer === "function") return writer;
  }
  return null;
}

/** The display_data content of a figure: plotly JSON, HTML fragment and a summary. */
export function figureDisplayData(fig: Figure, options: { height?: number } = {}): DisplayData {
  const height = options.height ?? fig.layout.height ?? 500;
  return {
    data: {
      "application/vnd.plotly.v1+json": { data: fig.data, layout: { ...fig.layout, height } },
      "text/html": figureToHtmlFragment(fig, { height }),
      "text/plain": describeFigure(fig),
    },
    metadata: {},
    transient: {},
  };
}

/** The display_data content that loads plotly.js into the notebook page. */
export function plotlyLoaderDisplayData(): DisplayData {
  return {
    data: {
      "text/html": plotlyScriptTag(),
      "text/plain": `plotly.js ${plotlyVersion()} loaded for the figures of this notebook`,
    },
    metadata: {},
    transient: {},
  };
}

/**
 * Show a figure as the output of the current notebook cell. Outside a notebook it prints
 * the one-line summary instead and never throws.
 *
 * @example showFigure(mainSweepFigure(cells));
 */
export function showFigure(fig: Figure, options: ShowFigureOptions = {}): void {
  const log = options.log ?? ((line: string) => console.log(line));
  let writer: DisplayWriter | null = null;
  try {
    writer = options.writer ?? tslabDisplayWriter();
  } catch {
    writer = null;
  }
  if (!writer) {
    log(describeFigure(fig));
    return;
  }
  const state = globalThis as { [SENT]?: boolean };
  try {
    if (!state[SENT] || options.reloadPlotly) {
      writer(plotlyLoaderDisplayData(), false);
      state[SENT] = true;
    }
    writer(figureDisplayData(fig, { height: options.height }), false);
  } catch (e) {
    log(`${describeFigure(fig)} (not displayed: ${(e as Error).message})`);
  }
}

/** Forget that plotly.js was sent, so the next figure sends it again (tests, restarted front ends). */
export function resetPlotlyLoaded(): void {
  delete (globalThis as { [SENT]?: boolean })[SENT];
}
