import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import {
  figureDisplayData,
  mainSweepFigure,
  plotlyBundlePath,
  resetPlotlyLoaded,
  showFigure,
  tslabDisplayWriter,
  withReadableLogAxes,
} from "../../src/plots";
import type { DisplayData } from "../../src/plots";
import * as F from "./fixtures";
import { tempDir } from "../temp-dir";

const fig = mainSweepFigure(F.smallComplianceCells());

describe("showFigure", () => {
  afterEach(() => resetPlotlyLoaded());

  it("prints a one-line summary outside a notebook and does not throw", () => {
    assert.equal(tslabDisplayWriter(), null);
    const lines: string[] = [];
    showFigure(fig, { log: (l) => lines.push(l) });
    assert.deepEqual(lines, [
      'Figure "Compliance vs total demonstrations": 2 panels, 10 traces (scatter); x: Total demonstrations N (log\u2082 scale); y: Compliance rate (%)',
    ]);
  });

  it("writes plotly.min.js beside the notebook once, sends a small loader once, then one three-mime output per figure", () => {
    const dir = tempDir("display-");
    const sent: DisplayData[] = [];
    const writer = (d: DisplayData, update: boolean): void => {
      assert.equal(update, false);
      sent.push(d);
    };
    showFigure(fig, { writer, plotlyDir: dir });
    showFigure(fig, { writer, plotlyDir: dir });
    assert.equal(sent.length, 3);
    assert.deepEqual(readdirSync(dir), ["plotly.min.js"]);
    assert.equal(statSync(join(dir, "plotly.min.js")).size, statSync(plotlyBundlePath()).size);
    const [loader, first, second] = sent;
    assert.deepEqual(Object.keys(loader.data), ["text/html", "text/plain"]);
    const html = loader.data["text/html"] as string;
    assert.ok(html.length < 3_000, `the loader does not carry plotly.js (${html.length} characters)`);
    assert.match(html, /"plotly\.min\.js"/);
    assert.equal(html.match(/<\/script>/g)?.length, 1);
    for (const out of [first, second]) {
      assert.deepEqual(Object.keys(out.data), ["application/vnd.plotly.v1+json", "text/html", "text/plain"]);
      const plotly = out.data["application/vnd.plotly.v1+json"] as { data: unknown[]; layout: { height: number } };
      assert.deepEqual(plotly.data, fig.data);
      assert.equal(plotly.layout.height, fig.layout.height);
      const fragment = out.data["text/html"] as string;
      assert.ok(fragment.length < 30_000, "figure outputs do not carry plotly.js");
      assert.match(fragment, /^<div id="receipts-plot-[0-9a-f]{12}" class="receipts-plot"/);
      assert.match(fragment, /window\.Plotly\.newPlot/);
    }
    assert.notEqual(first.data["text/html"], second.data["text/html"], "each figure gets its own div id");
  });

  it("sends plotly.js again when asked", () => {
    const sent: DisplayData[] = [];
    showFigure(fig, { writer: (d) => sent.push(d), plotlyDir: null });
    showFigure(fig, { writer: (d) => sent.push(d), reloadPlotly: true, plotlyDir: null });
    assert.equal(sent.length, 4);
  });

  it("finds the running tslab kernel's writer in the module cache", () => {
    const key = "/somewhere/node_modules/tslab/dist/jupyter.js";
    const sent: DisplayData[] = [];
    const fake = { exports: { lastWriteDisplayData: (d: DisplayData) => sent.push(d) } } as unknown as NodeJS.Module;
    require.cache[key] = fake;
    try {
      assert.equal(typeof tslabDisplayWriter(), "function");
      showFigure(fig, { plotlyDir: null });
      assert.equal(sent.length, 2);
    } finally {
      delete require.cache[key];
    }
  });

  it("falls back to the summary when the writer throws", () => {
    const lines: string[] = [];
    showFigure(fig, {
      writer: () => {
        throw new Error("Not ready");
      },
      log: (l) => lines.push(l),
      plotlyDir: null,
    });
    assert.equal(lines.length, 1);
    assert.match(lines[0], /\(not displayed: Not ready\)$/);
  });

  it("escapes figure text so it cannot end the script element", () => {
    const evil = mainSweepFigure(F.smallComplianceCells(), { title: "</script><script>alert(1)</script>" });
    const html = figureDisplayData(evil).data["text/html"] as string;
    assert.equal(html.match(/<\/script>/g)?.length, 1);
    assert.match(html, /\\u003c\/script\\u003e/);
  });

  it("gives a log axis readable ticks: one per data value, written in full", () => {
    const spec = {
      data: [{ x: [50, 100, 200, 400, 800], y: [10, 20, 40, 60, 80], type: "scatter" as const }],
      layout: { xaxis: { type: "log" as const }, yaxis: { range: [0, 105] } },
    };
    const out = withReadableLogAxes(spec);
    assert.deepEqual(out.layout.xaxis, { type: "log", tickmode: "array", tickvals: [50, 100, 200, 400, 800], ticktext: ["50", "100", "200", "400", "800"] });
    assert.deepEqual(out.layout.yaxis, { range: [0, 105] }, "a linear axis is left alone");
    assert.equal(spec.layout.xaxis.type, "log");
    assert.equal((spec.layout.xaxis as { tickvals?: unknown }).tickvals, undefined, "the input is not changed");
    const many = withReadableLogAxes({ data: [{ x: Array.from({ length: 40 }, (_, i) => 3 + 50 * i), y: [] }], layout: { xaxis: { type: "log" } } });
    assert.deepEqual((many.layout.xaxis as unknown as { ticktext: string[] }).ticktext, ["2", "5", "10", "20", "50", "100", "200", "500", "1,000", "2,000"]);
    const own = { data: spec.data, layout: { xaxis: { type: "log" as const, dtick: 1 } } };
    assert.equal(withReadableLogAxes(own), own, "an axis with its own ticks keeps them");
  });
});
