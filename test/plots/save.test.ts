/** Browser tests: one Chromium for counting and one renderer for images, for the whole file. */
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type * as Plotly from "plotly.js";
import type { Browser } from "playwright-core";
import {
  FIGURE_NAMES,
  FigureRenderer,
  buildFigure,
  closeRenderer,
  figuresToHtmlDocument,
  launchHeadlessChromium,
  saveFigure,
  withFigureRenderer,
} from "../../src/plots";
import type { Figure, FigureInputs } from "../../src/plots";
import { countRenderedTraces } from "./browser";
import * as F from "./fixtures";
import { tempDir } from "../temp-dir";

const INPUTS: FigureInputs = {
  compliance: F.syntheticMainSweep(),
  benignCoefficients: F.smallBenignCoefficients(),
  schedules: F.syntheticSchedules(),
  formatAdoption: F.smallFormatAdoption(),
  baselineRelative: F.syntheticBaselineRelative(),
};

// The synthetic benign grid and stage cells repeat design points of the main sweep, so
// those figures get their own compliance table.
function figureFor(name: string): Figure {
  if (name === "benign-sweep" || name === "heatmap") return buildFigure(name, { compliance: F.syntheticBenignGrid() });
  if (name === "training-stage") return buildFigure(name, { compliance: F.syntheticStageCells() });
  return buildFigure(name, INPUTS);
}

function expected(figs: readonly Figure[]): { scatter: number; barTraces: number; bars: number; heatmaps: number; errorBars: number } {
  const t = figs.flatMap((f) => f.data as Array<Partial<Plotly.PlotData>>);
  const bars = t.filter((d) => d.type === "bar");
  return {
    scatter: t.filter((d) => d.type === "scatter").length,
    barTraces: bars.length,
    bars: bars.reduce((s, d) => s + (d.y as unknown[]).length, 0),
    heatmaps: t.filter((d) => d.type === "heatmap").length,
    // one drawn error bar a point of every trace with an interval
    errorBars: t.filter((d) => d.error_x || d.error_y).reduce((s, d) => s + ((d.error_y ? d.y : d.x) as unknown[]).length, 0),
  };
}

/** Width and height from a PNG's IHDR chunk; throws if the bytes are not a PNG. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
  assert.equal(bytes.subarray(12, 16).toString("ascii"), "IHDR");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe("figures in headless Chromium", () => {
  let dir: string;
  let browser: Browser;
  let renderer: FigureRenderer;

  before(async () => {
    dir = tempDir("receipts-plots-");
    [browser, renderer] = await Promise.all([launchHeadlessChromium(), FigureRenderer.launch()]);
  });

  after(async () => {
    await Promise.all([browser?.close(), renderer?.close(), closeRenderer()]);
    rmSync(dir, { recursive: true, force: true });
  });

  // Each page load parses plotly.js (about 1 s here), so two figures are checked as
  // standalone files and all eight together in one report page.
  for (const name of ["main-sweep", "heatmap"]) {
    it(`${name}: the standalone HTML renders every trace offline with no console errors`, async () => {
      const fig = figureFor(name);
      const path = join(dir, `${name}.html`);
      const saved = await saveFigure(fig, path);
      assert.equal(saved.format, "html");
      assert.ok(saved.bytes > 4_000_000, "plotly.js is embedded");
      assert.doesNotMatch(readFileSync(path, "utf8"), /<script[^>]+src=/, "nothing is loaded from elsewhere");
      const page = await countRenderedTraces(path, { browser });
      const want = expected([fig]);
      assert.deepEqual(page.consoleErrors, []);
      assert.deepEqual(page.failedFigures, []);
      assert.equal(page.plots, 1);
      assert.equal(page.scatterTraces, want.scatter);
      assert.equal(page.heatmaps, want.heatmaps);
      if (name !== "heatmap") assert.ok(page.errorBars > 0, "intervals are drawn");
    });
  }

  it("all eight figures render in one offline report page with their intervals", async () => {
    const figs = FIGURE_NAMES.map(figureFor);
    const path = join(dir, "report.html");
    writeFileSync(path, figuresToHtmlDocument(figs, { title: "All figures" }));
    const page = await countRenderedTraces(path, { browser });
    const want = expected(figs);
    assert.deepEqual(page.consoleErrors, []);
    assert.deepEqual(page.failedFigures, []);
    assert.equal(page.plots, 8);
    assert.equal(page.scatterTraces, want.scatter);
    assert.equal(page.barTraces, want.barTraces);
    assert.equal(page.bars, want.bars);
    assert.equal(page.heatmaps, want.heatmaps);
    assert.equal(page.errorBars, want.errorBars);
  });

  it("a folder of HTML figures can share one plotly.min.js beside them", async () => {
    const sub = join(dir, "shared");
    const a = await saveFigure(figureFor("ordering"), join(sub, "a.html"), { plotlyJs: "sibling" });
    await saveFigure(figureFor("benign-forest"), join(sub, "b.html"), { plotlyJs: "sibling" });
    assert.ok(a.bytes < 100_000);
    assert.ok(existsSync(join(sub, "plotly.min.js")) || existsSync(join(sub, "plotly.js")));
    const page = await countRenderedTraces(join(sub, "b.html"), { browser });
    assert.deepEqual(page.consoleErrors, []);
    assert.equal(page.scatterTraces, 3);
  });

  it("writes a PNG of the requested size, scaled", async (t) => {
    const fig = figureFor("main-sweep");
    const one = await renderer.save(fig, join(dir, "one.png"), { width: 640, height: 400, scale: 1 });
    assert.deepEqual(pngSize(readFileSync(one.path)), { width: 640, height: 400 });
    const two = await renderer.save(fig, join(dir, "two.png"), { width: 640, height: 400, scale: 2 });
    assert.deepEqual(pngSize(readFileSync(two.path)), { width: 1280, height: 800 });
    const dflt = await renderer.save(fig, join(dir, "default.png"));
    assert.deepEqual(pngSize(readFileSync(dflt.path)), { width: 1800, height: 2 * fig.layout.height! });
    t.diagnostic(`PNG ms: ${[one, two, dflt].map((s) => s.ms.toFixed(0)).join(", ")}`);
  });

  it("writes SVG text holding the figure's title", async () => {
    const s = await renderer.save(figureFor("ordering"), join(dir, "ordering.svg"));
    const svg = readFileSync(s.path, "utf8");
    assert.match(svg, /^<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /Compliance by demonstration order/);
  });

  it("saves every figure as PNG with one renderer in well under the reproduce budget", async (t) => {
    const started = performance.now();
    const results = await withFigureRenderer(async () => {
      const out = [];
      for (const name of FIGURE_NAMES) out.push(await saveFigure(figureFor(name), join(dir, "all", `${name}.png`)));
      return out;
    });
    const total = performance.now() - started;
    t.diagnostic(`launch + ${results.length} PNGs: ${total.toFixed(0)} ms; per PNG ${results.map((r) => r.ms.toFixed(0)).join(", ")} ms`);
    assert.ok(results.every((r) => r.bytes > 10_000));
    assert.ok(total < 30_000);
  });

  it("the shared renderer starts on demand and closes", async () => {
    const s = await saveFigure(figureFor("benign-forest"), join(dir, "shared.png"), { scale: 1 });
    assert.equal(pngSize(readFileSync(s.path)).width, 900);
    await closeRenderer();
  });

  it("names the path and the fix when Chromium is missing", async () => {
    await closeRenderer();
    const old = process.env.RECEIPTS_CHROMIUM;
    process.env.RECEIPTS_CHROMIUM = "/nonexistent/chromium";
    try {
      await assert.rejects(
        saveFigure(figureFor("ordering"), join(dir, "x.png")),
        /^Error: saveFigure: cannot write .*x\.png: \/nonexistent\/chromium not found: run npm run setup$/,
      );
    } finally {
      if (old === undefined) delete process.env.RECEIPTS_CHROMIUM;
      else process.env.RECEIPTS_CHROMIUM = old;
    }
  });

  it("refuses an unknown extension, naming the path", async () => {
    await assert.rejects(saveFigure(figureFor("ordering"), join(dir, "x.jpg")), /cannot write .*x\.jpg: the extension must be \.png, \.svg or \.html/);
  });
});
