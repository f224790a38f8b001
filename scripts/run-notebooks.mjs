#!/usr/bin/env node
// Executes every notebook in notebooks/ headless with the tslab kernel (jupyter nbconvert),
// writing the executed .ipynb and an .html export to out/notebooks/. A notebook that raises
// fails the run. `--check` is the test mode (same execution, shorter report).
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(new URL("..", import.meta.url).pathname);
const outDir = join(root, "out", "notebooks");
mkdirSync(outDir, { recursive: true });
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const notebooks = readdirSync(join(root, "notebooks"))
  .filter((f) => f.endsWith(".ipynb") && (only.length === 0 || only.some((o) => f.includes(o))))
  .sort();
const env = { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}` };
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
  const html = spawnSync("/usr/bin/python3", ["-m", "nbconvert", "--to", "html", "--output-dir", outDir, join(outDir, nb)], { env, encoding: "utf8" });
  if (html.status !== 0) {
    failed++;
    console.error(`FAIL ${nb}: HTML export\n${html.stderr}`);
    continue;
  }
  console.log(`ok   ${nb} (${((Date.now() - started) / 1000).toFixed(1)} s) -> out/notebooks/${nb}, out/notebooks/${nb.replace(/\.ipynb$/, ".html")}`);
}
console.log(`notebooks: ${notebooks.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
