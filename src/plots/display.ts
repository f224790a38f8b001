/**
 * Showing a figure in a tslab notebook. One display_data output carries three forms and
 * the front end picks the richest it can show:
 * - application/vnd.plotly.v1+json: the figure itself (VS Code, nteract, JupyterLab with
 *   the plotly extension);
 * - text/html: a div and a small script drawing it with window.Plotly (JupyterLab and
 *   Notebook 7 once the notebook is trusted, and what `jupyter nbconvert --to html` keeps);
 * - text/plain: a one-line summary.
 * plotly.js itself (4.8 MB) is never put in the notebook: the first figure of a kernel
 * session writes `plotly.min.js` beside the notebook (the kernel's working folder) and
 * sends a small loader output that reads it once; every later figure reuses window.Plotly.
 * So an executed notebook stays small (tens of KB a figure).
 */
import { copyFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Figure } from "./figure";
import { describeFigure } from "./figure";
import { figureToHtmlFragment, PLOTLY_FILE_NAME, plotlyLoaderScript } from "./html";
import { plotlyBundlePath, plotlyVersion } from "./plotly-bundle";
import { withReadableLogAxes } from "./theme";

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
  /**
   * Folder the notebook page loads plotly.js from: `plotly.min.js` is written there once (if
   * missing or of another size). Default the kernel's working folder, which tslab sets to the
   * notebook's own folder. null writes nothing (the file is already served from there).
   */
  plotlyDir?: string | null;
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
export function figureDisplayData(figure: Figure, options: { height?: number } = {}): DisplayData {
  const fig = withReadableLogAxes(figure);
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

/** The display_data content that loads plotly.js into the notebook page from `plotly.min.js` beside it. */
export function plotlyLoaderDisplayData(): DisplayData {
  return {
    data: {
      "text/html": plotlyLoaderScript(),
      "text/plain": `plotly.js ${plotlyVersion()} for the figures of this notebook, loaded by the page from ${PLOTLY_FILE_NAME} beside it`,
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
      const dir = options.plotlyDir === undefined ? process.cwd() : options.plotlyDir;
      if (dir !== null) writePlotlyFile(dir);
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

/**
 * Copy the plotly.js bundle to `dir/plotly.min.js` unless a file of the same size is there.
 * Returns the path. Throws naming the path when the folder is not writable.
 */
export function writePlotlyFile(dir: string): string {
  const target = join(dir, PLOTLY_FILE_NAME);
  const source = plotlyBundlePath();
  let same = false;
  try {
    same = statSync(target).size === statSync(source).size;
  } catch {
    same = false;
  }
  if (!same) {
    try {
      copyFileSync(source, target);
    } catch (e) {
      throw new Error(`showFigure: cannot write ${target} for the notebook page to load plotly.js from (${(e as Error).message})`);
    }
  }
  return target;
}
