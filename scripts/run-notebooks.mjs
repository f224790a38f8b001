#!/usr/bin/env node
// Executes every notebook in notebooks/ headless with the tslab kernel (jupyter nbconvert),
// writing the executed .ipynb and an .html export to out/notebooks/, with plotly.min.js
// beside them (the one file their figures load plotly.js from). Each executed copy is then
// checked (every code cell has an execution count; under 1.5 MB) and signed, so Jupyter
// trusts it on this machine and runs its HTML outputs. A notebook that raises fails the run.
// `--check` is the test mode (same execution, shorter report). Exit 3 when Jupyter is missing.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const root = resolve(new URL("..", import.meta.url).pathname);
const outDir = join(root, "out", "notebooks");
mkdirSync(outDir, { recursive: true });
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const notebooks = readdirSync(join(root, "notebooks"))
  .filter((f) => f.endsWith(".ipynb") && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort();
const env = { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}` };
const MAX_BYTES = 1.5 * 1024 * 1024;

const probe = spawnSync("/usr/bin/python3", ["-c", "import nbconvert, nbclient, nbformat"], { encoding: "utf8" });
if (probe.status !== 0) {
  console.error("run-notebooks: Jupyter (nbconvert, nbclient) is not installed for /usr/bin/python3: run npm run setup");
  process.exit(3);
}
// The executed copies load plotly.js from this file beside them (src/plots/display.ts).
copyFileSync(createRequire(import.meta.url).resolve("plotly.js-dist-min/plotly.min.js"), join(outDir, "plotly.min.js"));

/**
 * Number the code cells 1, 2, ... in the order nbconvert ran them (top to bottom), where the
 * kernel left the counts empty: tslab does not send them, and a notebook without counts
 * reads as never run. Then sign the copy, as `jupyter trust` does, so Jupyter on this
 * machine runs its HTML outputs (the figures).
 */
function numberAndTrust(path) {
  const code = [
    "import sys, nbformat",
    "from nbformat.sign import NotebookNotary",
    "p = sys.argv[1]",
    "nb = nbformat.read(p, 4)",
    "cells = [c for c in nb.cells if c.cell_type == 'code' and c.source.strip()]",
    "if all(c.execution_count is None for c in cells):",
    "    for k, c in enumerate(cells, 1):",
    "        c.execution_count = k",
    "        for o in c.outputs:",
    "            if o.output_type == 'execute_result': o.execution_count = k",
    "    nbformat.write(nb, p)",
    "NotebookNotary().sign(nb)",
  ].join("\n");
  return spawnSync("/usr/bin/python3", ["-c", code, path], { encoding: "utf8" });
}

/** Problems of an executed notebook: cells without an execution count, too many bytes. */
function checkExecuted(path) {
  const problems = [];
  const bytes = statSync(path).size;
  if (bytes > MAX_BYTES) problems.push(`${(bytes / 1048576).toFixed(2)} MB, over the 1.5 MB limit`);
  const nb = JSON.parse(readFileSync(path, "utf8"));
  const uncounted = nb.cells.filter((c) => c.cell_type === "code" && c.source.length > 0 && c.execution_count == null).length;
  if (uncounted > 0) problems.push(`${uncounted} code cells without an execution count`);
  return { bytes, problems };
}

let failed = 0;
for (const nb of notebooks) {
  const started = Date.now();
  const args = ["-m", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=tslab",
    "--ExecutePreprocessor.timeout=900", "--output-dir", outDir, join(root, "notebooks", nb)];
  const run = spawnSync("/usr/bin/python3", args, { cwd: join(root, "notebooks"), env, encoding: "utf8" });
  if (run.status !== 0) {
    failed++;
    console.error(`FAIL ${nb} (${((Date.now() - started) / 1000).toFixed(1)} s)\n${run.stderr.split("\n").slice(-40).join("\n")}`);
    continue;
  }
  const executed = join(outDir, nb);
  const signed = numberAndTrust(executed);
  if (signed.status !== 0) {
    failed++;
    console.error(`FAIL ${nb}: could not number and sign the executed copy\n${signed.stderr}`);
    continue;
  }
  const { bytes, problems } = checkExecuted(executed);
  if (problems.length > 0) {
    failed++;
    console.error(`FAIL ${nb}: ${problems.join("; ")}`);
    continue;
  }
  const html = spawnSync("/usr/bin/python3", ["-m", "nbconvert", "--to", "html", "--output-dir", outDir, executed], { env, encoding: "utf8" });
  if (html.status !== 0) {
    failed++;
    console.error(`FAIL ${nb}: HTML export\n${html.stderr}`);
    continue;
  }
  console.log(`ok   ${nb} (${((Date.now() - started) / 1000).toFixed(1)} s, ${(bytes / 1024).toFixed(0)} KB, trusted) -> out/notebooks/${nb}, out/notebooks/${nb.replace(/\.ipynb$/, ".html")}`);
}
console.log(`notebooks: ${notebooks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
