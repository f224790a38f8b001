/**
 * After the notebooks have run (scripts/test.sh runs this file after them): the exported
 * notebook HTML, opened in headless Chromium, draws every figure the notebook showed, with
 * the number of traces the figure specs have, and logs no console error.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { analyze, buildReceiptFigure, loadReceipts, receiptFigureInputs, type FigureName } from "../../src";
import { launchHeadlessChromium } from "../../src/plots/save";
import { countRenderedTraces } from "../plots/browser";

const OUT = join(__dirname, "..", "..", "out", "notebooks");
let browser: Browser;
let inputs: ReturnType<typeof receiptFigureInputs>;

before(async () => {
  browser = await launchHeadlessChromium();
  const receipts = await loadReceipts(join(__dirname, "..", "..", "data", "paper-calibrated"));
  inputs = receiptFigureInputs(receipts, analyze(receipts));
});
after(async () => browser?.close());

const cases: [string, FigureName[]][] = [
  ["04-ordering.html", ["ordering"]],
  ["05-format-adoption.html", ["format-adoption"]],
  ["02-three-hypotheses.html", ["main-sweep", "benign-forest"]],
];

for (const [file, figures] of cases) {
  test(`${file} renders ${figures.join(" and ")} with no console errors`, async () => {
    const path = join(OUT, file);
    assert.ok(existsSync(path), `${path} is missing: run the notebooks first (node scripts/run-notebooks.mjs)`);
    const page = await countRenderedTraces(path, { browser });
    const expected = figures.map((f) => buildReceiptFigure(f, inputs)!.data.length).reduce((a, b) => a + b, 0);
    assert.equal(page.plots, figures.length, "plots on the page");
    assert.equal(page.traces, expected, "drawn traces");
    assert.deepEqual(page.failedFigures, []);
    assert.deepEqual(page.consoleErrors, []);
  });
}
