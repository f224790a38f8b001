/**
 * After the notebooks have run (scripts/test.sh runs this file after them): the exported
 * notebook HTML, opened in headless Chromium, draws every figure the notebook showed, with
 * the number of traces the figure specs have, and logs no console error; every executed
 * copy is under 1.5 MB, has its execution counts and is trusted (signed) on this machine.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
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

/** Figures an executed notebook showed: outputs carrying the Plotly MIME bundle. */
function figureOutputs(ipynb: string): number {
  const nb = JSON.parse(readFileSync(ipynb, "utf8")) as { cells: { outputs?: { data?: Record<string, unknown> }[] }[] };
  return nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data?.["application/vnd.plotly.v1+json"] !== undefined).length;
}

// Every other notebook (01, 03, 06, 07, 08 ...): each figure it showed is drawn, none fails, no console error.
const checked = new Set(cases.map(([f]) => f));
const others = existsSync(OUT) ? readdirSync(OUT).filter((f) => f.endsWith(".html") && !checked.has(f)) : [];
for (const file of others) {
  test(`${file} draws every figure the notebook showed, with no console errors`, async () => {
    const shown = figureOutputs(join(OUT, file.replace(/\.html$/, ".ipynb")));
    if (shown === 0) return; // a notebook of tables only (01)
    const page = await countRenderedTraces(join(OUT, file), { browser });
    assert.equal(page.plots, shown, "plots on the page");
    assert.ok(page.traces > 0, "drawn traces");
    assert.deepEqual(page.failedFigures, []);
    assert.deepEqual(page.consoleErrors, []);
  });
}

test("executed notebooks: under 1.5 MB, numbered, trusted, with plotly.min.js beside them", () => {
  const executed = readdirSync(OUT).filter((f) => f.endsWith(".ipynb")).map((f) => join(OUT, f));
  assert.ok(executed.length > 0, `no executed notebooks in ${OUT}`);
  assert.ok(existsSync(join(OUT, "plotly.min.js")), "plotly.min.js beside the exported notebooks");
  for (const path of executed) {
    assert.ok(statSync(path).size < 1.5 * 1024 * 1024, `${path}: ${statSync(path).size} bytes`);
    const nb = JSON.parse(readFileSync(path, "utf8")) as { cells: { cell_type: string; source: string[]; execution_count: number | null }[] };
    const code = nb.cells.filter((c) => c.cell_type === "code" && c.source.join("").trim() !== "");
    assert.deepEqual(code.map((c) => c.execution_count), code.map((_, i) => i + 1), `${path}: execution counts`);
  }
  const check = spawnSync("/usr/bin/python3", ["-c",
    "import sys, nbformat\nfrom nbformat.sign import NotebookNotary\nn = NotebookNotary()\n" +
    "print(' '.join(p for p in sys.argv[1:] if not n.check_signature(nbformat.read(p, 4))))", ...executed], { encoding: "utf8" });
  assert.equal(check.status, 0, check.stderr);
  assert.equal(check.stdout.trim(), "", "untrusted executed notebooks");
});

