/**
 * Figures as HTML: a standalone page for files, a div-and-script fragment for notebooks.
 * JSON is escaped so no figure text can close the script element it sits in.
 */
import { randomBytes } from "node:crypto";
import type * as Plotly from "plotly.js";
import type { Figure } from "./figure";
import { figureTitle } from "./figure";
import { plotlyBundleSource, plotlyVersion } from "./plotly-bundle";
import { THEME, withReadableLogAxes } from "./theme";

/** Plotly config of every interactive figure the kit writes. */
export const PLOTLY_CONFIG: Partial<Plotly.Config> = {
  responsive: true,
  displaylogo: false,
  toImageButtonOptions: { format: "png", scale: 2 },
};

/** Class of every figure div the kit writes; tests and the notebook checks look for it. */
export const FIGURE_DIV_CLASS = "receipts-plot";

/** JSON safe to put inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** A fresh id for a figure's div. */
export function newFigureId(): string {
  return `receipts-plot-${randomBytes(6).toString("hex")}`;
}

/** File name of the plotly.js bundle that notebooks load from beside themselves. */
export const PLOTLY_FILE_NAME = "plotly.min.js";

/**
 * A small <script> that loads plotly.js once into the page from a single file, unless the
 * page already has window.Plotly. It tries, in order: `plotly.min.js` relative to the page
 * (an exported notebook's HTML, opened from its folder), then, on a Jupyter server, the
 * same file beside the open notebook through the server's `/files/` route (JupyterLab,
 * Notebook 7). While it loads, `define` is hidden, because plotly's UMD header registers
 * with require.js (present in nbconvert's pages) instead of setting window.Plotly.
 */
export function plotlyLoaderScript(fileName: string = PLOTLY_FILE_NAME): string {
  return (
    `<script type="text/javascript">/* safety-receipts: load plotly.js once, from ${fileName} beside the notebook */
` +
    `(function () {
` +
    `  if (window.Plotly || window.__receiptsPlotlyLoading) return;
` +
    `  window.__receiptsPlotlyLoading = true;
` +
    `  var urls = [${JSON.stringify(fileName)}];
` +
    `  var m = /^https?:$/.test(location.protocol) && /^(.*?)[/](?:lab[/]tree|doc[/]tree|notebooks|tree)[/](.*[/])?[^/]*$/.exec(location.pathname);
` +
    `  if (m) urls.push(m[1] + "/files/" + (m[2] || "") + ${JSON.stringify(fileName)});
` +
    `  var amd = window.define;
` +
    `  function next(i) {
` +
    `    window.define = amd;
` +
    `    if (window.Plotly) return;
` +
    `    if (i >= urls.length) { window.__receiptsPlotlyFailed = urls.join(", "); return; }
` +
    `    var s = document.createElement("script");
` +
    `    s.src = urls[i];
` +
    `    s.onload = function () { next(i + 1); };
` +
    `    s.onerror = function () { s.parentNode && s.parentNode.removeChild(s); next(i + 1); };
` +
    `    window.define = undefined;
` +
    `    document.head.appendChild(s);
` +
    `  }
` +
    `  next(0);
` +
    `})();</script>`
  );
}

/** A <script> element holding the whole plotly.js bundle; defines window.Plotly. */
export function plotlyScriptTag(): string {
  const src = plotlyBundleSource().replace(/<\/(script)/gi, "<\\/$1");
  return `<script type="text/javascript">/* plotly.js ${plotlyVersion()}, inlined so the page works offline */\n${src}\n</script>`;
}

export interface FigureFragmentOptions {
  /** Id of the figure's div; default a fresh random id. */
  divId?: string;
  /** CSS width of the div; default "100%". */
  width?: string;
  /** Height of the div in px; default layout.height, else 500. */
  height?: number;
  /**
   * How long the script waits for window.Plotly (loaded by another output of the same
   * page) before it writes a message in the div instead; default 20000 ms (a busy machine
   * reading the 4.8 MB bundle from disk).
   */
  waitForPlotlyMs?: number;
}

/**
 * A div and a script that draws the figure into it with window.Plotly, waiting for
 * plotly.js to be defined by an earlier element of the page. No plotly.js inside.
 */
export function figureToHtmlFragment(figure: Figure, options: FigureFragmentOptions = {}): string {
  const fig = withReadableLogAxes(figure);
  const id = options.divId ?? newFigureId();
  const height = options.height ?? fig.layout.height ?? 500;
  const width = options.width ?? "100%";
  const wait = options.waitForPlotlyMs ?? 20000;
  const layout = { ...fig.layout, height, width: undefined, autosize: true };
  const payload = scriptJson({ data: fig.data, layout, config: PLOTLY_CONFIG });
  const message = `plotly.js is not loaded on this page: ${PLOTLY_FILE_NAME} was not found beside the notebook (showFigure writes it there; run the notebook from the top)`;
  return (
    `<div id="${id}" class="${FIGURE_DIV_CLASS}" style="width:${width};height:${height}px;"></div>\n` +
    `<script type="text/javascript">(function () {\n` +
    `  var el = document.getElementById(${JSON.stringify(id)});\n` +
    `  var fig = ${payload};\n` +
    `  var started = Date.now();\n` +
    `  function draw() {\n` +
    `    if (!el) return;\n` +
    `    if (window.Plotly) { window.Plotly.newPlot(el, fig.data, fig.layout, fig.config); return; }\n` +
    `    if (Date.now() - started < ${wait} && !window.__receiptsPlotlyFailed) { setTimeout(draw, 50); return; }\n` +
    `    el.style.height = "auto"; el.textContent = ${JSON.stringify(message)};\n` +
    `  }\n` +
    `  draw();\n` +
    `})();</script>`
  );
}

export interface FigureDocumentOptions {
  /** Width of the figure in px; default layout.width, else the window width. */
  width?: number;
  /** Height of the figure in px; default layout.height, else 500. */
  height?: number;
  /**
   * Where the page gets plotly.js: "inline" (default) embeds the bundle, so the file works
   * alone and offline; `{ src }` loads it from a relative or absolute URL instead.
   */
  plotlyJs?: "inline" | { src: string };
}

/** A standalone HTML page showing one interactive figure. */
export function figureToHtmlDocument(fig: Figure, options: FigureDocumentOptions = {}): string {
  return figuresToHtmlDocument([fig], { ...options, title: figureTitle(fig) });
}

export interface FiguresDocumentOptions extends FigureDocumentOptions {
  /** Page title; default "Figures". */
  title?: string;
}

/**
 * A standalone HTML page showing several interactive figures one under another, with
 * plotly.js once: a report of a whole run in one offline file.
 */
export function figuresToHtmlDocument(figs: readonly Figure[], options: FiguresDocumentOptions = {}): string {
  const plotly = options.plotlyJs ?? "inline";
  const script =
    plotly === "inline" ? plotlyScriptTag() : `<script type="text/javascript" src="${escapeAttribute(plotly.src)}"></script>`;
  const body = figs.map((fig) => {
    const width = options.width ?? fig.layout.width;
    const height = options.height ?? fig.layout.height ?? 500;
    return figureToHtmlFragment(fig, { width: width ? `${width}px` : "100%", height, waitForPlotlyMs: 0 });
  });
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeText(options.title ?? "Figures")}</title>`,
    `<style>body { margin: 16px; font-family: ${THEME.fontFamily}; background: #fff; } .${FIGURE_DIV_CLASS} { margin-bottom: 24px; }</style>`,
    script,
    "</head>",
    "<body>",
    ...body,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function escapeText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttribute(s: string): string {
  return escapeText(s).replace(/"/g, "&quot;");
}
