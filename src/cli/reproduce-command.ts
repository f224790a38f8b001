/**
 * `npm run reproduce` (the README's first command): every figure, result receipt and
 * notebook from the bundled data, written under out/, with a line saying where each went.
 */
import { spawnSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { analyze } from "../analysis/analyze";
import { comparePaper, loadPaperTargets, paperVsKitMarkdown } from "../analysis/compare-paper";
import { resultReceiptToJSON, resultReceiptToMarkdown } from "../analysis/render-result-receipt";
import { loadReceipts } from "../io/load";
import { buildReceiptFigure, receiptFigureInputs } from "../plots/receipt-figures";
import { FIGURE_NAMES } from "../plots/registry";
import { saveFigure, withFigureRenderer } from "../plots/save";

export interface ReproduceOptions {
  /** Repository root (default: two folders above this file's build output). */
  readonly root?: string;
  /** Skip executing the notebooks (figures, receipts and the comparison only). */
  readonly skipNotebooks?: boolean;
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
    await writeFile(join(dir, "result-receipt.json"), resultReceiptToJSON(result));
    await writeFile(join(dir, "result-receipt.md"), resultReceiptToMarkdown(result));
    log(`result receipt (${d.name}): ${rel(join(dir, "result-receipt.md"))}, ${rel(join(dir, "result-receipt.json"))}`);
  }

  // Paper versus kit.
  const comparison = comparePaper(paper, loadPaperTargets());
  await writeFile(join(out, "paper-vs-kit.md"), paperVsKitMarkdown(comparison));
  const failing = comparison.filter((r) => !r.pass).length;
  log(`paper versus kit: ${rel(join(out, "paper-vs-kit.md"))} (${comparison.length - failing} of ${comparison.length} targets reproduced)`);

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
      const html = await saveFigure(fig, join(figDir, `${name}.html`), { plotlyJs: "sibling" });
      const png = await saveFigure(fig, join(figDir, `${name}.png`));
      log(`figure ${name}: ${rel(html.path)}, ${rel(png.path)}`);
    }
  });
  log(`figures and receipts done at ${elapsed()}`);

  if (!options.skipNotebooks) {
    const run = spawnSync(process.execPath, [join(root, "scripts", "run-notebooks.mjs")], { cwd: root, stdio: "inherit" });
    if (run.status !== 0) {
      log(`notebooks failed (exit ${run.status}); see the messages above`);
      return 1;
    }
  }
  log(`reproduce: done in ${elapsed()}; everything is under ${rel(out)}/`);
  return failing === 0 ? 0 : 1;
}
