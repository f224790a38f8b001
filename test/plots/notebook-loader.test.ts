/**
 * The notebook HTML path in headless Chromium: a page holding the loader output and two
 * figure outputs (as an exported notebook does) draws both figures from one plotly.min.js
 * beside it, also when require.js is on the page (nbconvert's template loads it), and says
 * in the figure's place what is missing when the file is not there.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { figureDisplayData, mainSweepFigure, orderingFigure, plotlyLoaderDisplayData, writePlotlyFile } from "../../src/plots";
import { launchHeadlessChromium } from "../../src/plots/save";
import { countRenderedTraces } from "./browser";
import * as F from "./fixtures";
import { tempDir } from "../temp-dir";

let browser: Browser;
before(async () => { browser = await launchHeadlessChromium(); });
after(async () => browser?.close());

const figures = [mainSweepFigure(F.smallComplianceCells()), orderingFigure(F.smallSchedules())];

/** An AMD loader stand-in: plotly's UMD header would call it instead of setting window.Plotly. */
const FAKE_REQUIRE_JS = `<script>window.define = function () { throw new Error("plotly.js registered with require.js"); }; window.define.amd = {};</script>`;

function page(dir: string): string {
  const outputs = [plotlyLoaderDisplayData(), ...figures.map((f) => figureDisplayData(f))].map((d) => d.data["text/html"] as string);
  const path = join(dir, "notebook.html");
  writeFileSync(path, `<!DOCTYPE html><html><head><meta charset="utf-8">${FAKE_REQUIRE_JS}</head><body>\n${outputs.join("\n")}\n</body></html>`);
  return path;
}

test("two figure outputs draw from one plotly.min.js beside the page, with require.js present", async () => {
  const dir = tempDir("loader-");
  writePlotlyFile(dir);
  const drawn = await countRenderedTraces(page(dir), { browser });
  assert.equal(drawn.plots, 2);
  assert.equal(drawn.traces, figures.reduce((n, f) => n + f.data.length, 0));
  assert.deepEqual(drawn.failedFigures, []);
  assert.deepEqual(drawn.consoleErrors, []);
});

test("without plotly.min.js each figure says what is missing", async () => {
  const dir = tempDir("loader-");
  const drawn = await countRenderedTraces(page(dir), { browser, ignore: [/plotly\.min\.js/] });
  assert.equal(drawn.plots, 0);
  assert.equal(drawn.failedFigures.length, 2);
  for (const f of drawn.failedFigures) assert.match(f, /plotly\.min\.js was not found beside the notebook/);
});
