import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import {
  figureDisplayData,
  mainSweepFigure,
  resetPlotlyLoaded,
  showFigure,
  tslabDisplayWriter,
} from "../../src/plots";
import type { DisplayData } from "../../src/plots";
import * as F from "./fixtures";

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

  it("sends plotly.js once per session, then one three-mime output per figure", () => {
    const sent: DisplayData[] = [];
    const writer = (d: DisplayData, update: boolean): void => {
      assert.equal(update, false);
      sent.push(d);
    };
    showFigure(fig, { writer });
    showFigure(fig, { writer });
    assert.equal(sent.length, 3);
    const [loader, first, second] = sent;
    assert.deepEqual(Object.keys(loader.data), ["text/html", "text/plain"]);
    const html = loader.data["text/html"] as string;
    assert.ok(html.length > 1_000_000, "the loader inlines the plotly.js bundle");
    assert.match(html, /^<script type="text\/javascript">\/\* plotly\.js \d+\.\d+\.\d+/);
    assert.equal(html.match(/<\/script>/g)?.length, 1, "the bundle cannot close its script element early");
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
    showFigure(fig, { writer: (d) => sent.push(d) });
    showFigure(fig, { writer: (d) => sent.push(d), reloadPlotly: true });
    assert.equal(sent.length, 4);
  });

  it("finds the running tslab kernel's writer in the module cache", () => {
    const key = "/somewhere/node_modules/tslab/dist/jupyter.js";
    const sent: DisplayData[] = [];
    const fake = { exports: { lastWriteDisplayData: (d: DisplayData) => sent.push(d) } } as unknown as NodeJS.Module;
    require.cache[key] = fake;
    try {
      assert.equal(typeof tslabDisplayWriter(), "function");
      showFigure(fig);
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
});
