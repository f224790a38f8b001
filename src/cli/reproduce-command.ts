/**
 * `npm run reproduce` (the README's first command): every figure, result receipt and
 * notebook from the bundled data, written under out/, with a line saying where each went.
 */
import { spawnSync } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { writeFileAtomic, writeFilesAtomic } from "../io/write-atomic";
import { join, relative, resolve } from "node:path";
import { analyze } from "../analysis/analyze";
import { comparePaper, loadPaperTargets, paperComparisonTally, paperVsKitMarkdown, type PaperComparisonTally } from "../analysis/compare-paper";
import { resultReceiptToJSON, resultReceiptToMarkdown } from "../analysis/render-result-receipt";
import { loadReceipts } from "../io/load";
import { buildReceiptFigure, receiptFigureInputs } from "../plots/receipt-figures";
import { FIGURE_NAMES } from "../plots/registry";
import { saveFigure, withFigureRenderer } from "../plots/save";
import { EXIT_DATA, EXIT_ENVIRONMENT, EXIT_OK } from "./exit-codes";

export interface ReproduceOptions {
  /** Repository root (default: two folders above this file's build output). */
  readonly root?: string;
  /** Skip executing the notebooks (figures, receipts and the comparison only). */
  readonly skipNotebooks?: boolean;
}

/**
 * The exit status of a reproduce run: 0 when every real target of the paper comparison
 * passes and the notebooks ran; 1 when a target fails or a notebook raised; 3 when the
 * notebooks could not run for want of Jupyter (run-notebooks.mjs exits 3). Figures shown
 * beside the targets (`pass` null) never count.
 */
export function reproduceExitCode(comparison: Pick<PaperComparisonTally, "failed">, notebookStatus: number | null = 0): number {
  if (notebookStatus === EXIT_ENVIRONMENT) return EXIT_ENVIRONMENT;
  if (notebookStatus !== 0 || comparison.failed > 0) return EXIT_DATA;
  return EXIT_OK;
}

const DATASETS = [
  { name: "paper-calibrated", path: "data/paper-calibrated" },
  { name: "sample", path: "data/sample" },
];

export async function reproduceCommand(options: ReproduceOptions = {}, log = (s: string) => console.log(s)): Promise<number> {
  const started = Date.now();
  const root = options.root ?? resolve(__dirname, "..", "..");
  const out = join(root, "out");
  const rel = (p: string) => relative(root, p);
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

  const paper = await loadReceipts(join(root, DATASETS[0].path));
  const paperResult = analyze(paper);

  // Result receipts, one per bundled dataset.
  for (const d of DATASETS) {
    const table = d.name === "paper-calibrated" ? paper : await loadReceipts(join(root, d.path));
    const result = d.name === "paper-calibrated" ? paperResult : analyze(table);
    const dir = join(out, "result-receipts", d.name);
    await mkdir(dir, { recursive: true });
    await writeFilesAtomic([
      { path: join(dir, "result-receipt.json"), data: resultReceiptToJSON(result) },
      { path: join(dir, "result-receipt.md"), data: resultReceiptToMarkdown(result) },
    ]);
    log(`result receipt (${d.name}): ${rel(join(dir, "result-receipt.md"))}, ${rel(join(dir, "result-receipt.json"))}`);
  }

  // Paper versus kit.
  const comparison = comparePaper(paper, loadPaperTargets());
  await writeFileAtomic(join(out, "paper-vs-kit.md"), paperVsKitMarkdown(comparison));
  const tally = paperComparisonTally(comparison);
  log(`paper versus kit: ${rel(join(out, "paper-vs-kit.md"))} (${tally.passed} of ${tally.targets} targets reproduced` +
    `${tally.shown ? `; ${tally.shown} figures shown, not targets` : ""})${tally.failed ? `; failing: ${tally.failing.join("; ")}` : ""}`);

  // Figures: every one the bundled data supports, as offline HTML and PNG, one browser for all.
  const figDir = join(out, "figures");
  await mkdir(figDir, { recursive: true });
  const inputs = receiptFigureInputs(paper, paperResult);
  await withFigureRenderer(async () => {
    for (const name of FIGURE_NAMES) {
      const fig = buildReceiptFigure(name, inputs);
      if (fig === null) {
        log(`figure ${name}: nothing to draw in the bundled data`);
        continue;
      }
      // Inline plotly.js: each HTML file works alone, copied anywhere, offline.
      const html = await saveFigure(fig, join(figDir, `${name}.html`));
      const png = await saveFigure(fig, join(figDir, `${name}.png`));
      log(`figure ${name}: ${rel(html.path)}, ${rel(png.path)}`);
    }
  });
  log(`figures and receipts done at ${elapsed()}`);

  let notebookStatus: number | null = 0;
  if (!options.skipNotebooks) {
    notebookStatus = spawnSync(process.execPath, [join(root, "scripts", "run-notebooks.mjs")], { cwd: root, stdio: "inherit" }).status;
    if (notebookStatus !== 0) log(`notebooks failed (exit ${notebookStatus}); see the messages above`);
  }
  const code = reproduceExitCode(tally, notebookStatus);
  log(`reproduce: ${code === EXIT_OK ? "done" : `finished with exit ${code}`} in ${elapsed()}; everything is under ${rel(out)}/`);
  return code;
}
