/**
 * Load an HTML file in headless Chromium and count what plotly.js drew, collecting console
 * errors. Shared by the figure-export tests and (later) the notebook-HTML tests: pass one
 * `browser` to many calls to keep a test file fast.
 */
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { launchHeadlessChromium } from "../../src/plots/save";

export interface RenderedPage {
  /** Plotly graphs on the page (`.js-plotly-plot`). */
  plots: number;
  /** Drawn traces of all graphs: scatter lines, bar traces and heatmaps. */
  traces: number;
  /** Scatter traces (`.cartesianlayer g.trace.scatter`). */
  scatterTraces: number;
  /** Bar traces (`.cartesianlayer g.trace.bars`). */
  barTraces: number;
  /** Individual bars (`.cartesianlayer g.trace.bars g.point`). */
  bars: number;
  /** Heatmap traces (`.cartesianlayer g.hm`). */
  heatmaps: number;
  /** Drawn error bars (`g.errorbar`), one a point with an interval. */
  errorBars: number;
  /** Figure divs the kit wrote that show a message instead of a graph. */
  failedFigures: string[];
  /** Console errors, uncaught page errors and failed requests, minus the ignored ones. */
  consoleErrors: string[];
}

export interface CountOptions {
  /** Reuse this browser; default launch one for the call and close it. */
  browser?: Browser;
  /** Give up waiting for graphs after this long; default 20000 ms. */
  timeoutMs?: number;
  /** Console messages matching any of these are not reported (e.g. a CDN the page cannot reach). */
  ignore?: readonly RegExp[];
}

/** Attach collectors of console errors, page errors and failed requests to a page. */
export function collectConsoleErrors(page: Page, ignore: readonly RegExp[] = []): string[] {
  const errors: string[] = [];
  const add = (s: string): void => {
    if (!ignore.some((re) => re.test(s))) errors.push(s);
  };
  page.on("console", (m) => {
    if (m.type() === "error") add(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => add(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => add(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
  return errors;
}

/** Open `htmlPath` with file://, wait until every figure is drawn, and count what is on the page. */
export async function countRenderedTraces(htmlPath: string, options: CountOptions = {}): Promise<RenderedPage> {
  const browser = options.browser ?? (await launchHeadlessChromium());
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  try {
    const page = await context.newPage();
    const consoleErrors = collectConsoleErrors(page, options.ignore);
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: "load", timeout: options.timeoutMs ?? 20000 });
    // Every kit figure div ends up either drawn (a .main-svg inside) or holding a message.
    await page.waitForFunction(
      `Array.from(document.querySelectorAll(".receipts-plot")).every(function (d) {
         return d.querySelector(".main-svg") !== null || (d.textContent || "").length > 0;
       }) && document.querySelectorAll(".js-plotly-plot, .receipts-plot").length > 0`,
      undefined,
      { timeout: options.timeoutMs ?? 20000 },
    );
    const counts = await page.evaluate<Omit<RenderedPage, "consoleErrors">>(`(function () {
      var q = function (s) { return document.querySelectorAll(s).length; };
      var scatter = q(".js-plotly-plot .cartesianlayer g.trace.scatter");
      var bars = q(".js-plotly-plot .cartesianlayer g.trace.bars");
      var heat = q(".js-plotly-plot .cartesianlayer g.hm");
      return {
        plots: q(".js-plotly-plot"),
        traces: scatter + bars + heat,
        scatterTraces: scatter,
        barTraces: bars,
        bars: q(".js-plotly-plot .cartesianlayer g.trace.bars g.point"),
        heatmaps: heat,
        errorBars: q(".js-plotly-plot g.errorbar"),
        failedFigures: Array.from(document.querySelectorAll(".receipts-plot"))
          .filter(function (d) { return d.querySelector(".main-svg") === null; })
          .map(function (d) { return d.id + ": " + d.textContent; })
      };
    })()`);
    return { ...counts, consoleErrors };
  } finally {
    await context.close();
    if (!options.browser) await browser.close();
  }
}
