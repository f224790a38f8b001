/**
 * `receipts compare-paper [DIR]`: every published figure of the reference study beside the
 * kit's refit on the bundled data (or any receipts), and whether each target passes.
 */
import { mkdir } from "node:fs/promises";
import { writeFileAtomic } from "../io/write-atomic";
import { dirname, join } from "node:path";
import { comparePaper, loadPaperTargets, paperComparisonTally, paperVsKitMarkdown, PAPER_TARGETS_PATH } from "../analysis/compare-paper";
import { loadReceipts } from "../io/load";
import { EXIT_DATA, EXIT_OK, EXIT_USAGE } from "./exit-codes";
import { renderRows } from "./render-table";

/** Where the bundled, calibrated receipts live, relative to this file (src/cli or dist/cli). */
export const PAPER_CALIBRATED_DIR = join(__dirname, "..", "..", "data", "paper-calibrated");

export interface ComparePaperCommandOptions {
  /** Receipt files or folder to refit. Default: the bundled data/paper-calibrated. */
  readonly dir?: string;
  /** Output: an aligned text table, Markdown, or JSON rows. Default "table". */
  readonly format?: "table" | "markdown" | "json";
  /** Published targets file. Default: data/calibration/paper-targets.json. */
  readonly targets?: string;
  /** Also write the Markdown comparison to this path (e.g. out/paper-vs-kit.md). Default: none. */
  readonly markdownOut?: string;
  /** Where the output goes. Default: process.stdout. */
  readonly out?: { write(text: string): unknown };
  /** Where errors go. Default: process.stderr. */
  readonly err?: { write(text: string): unknown };
}

/**
 * Refit the receipts and compare them with the published figures. Returns the exit code:
 * 0 when every target passes, 1 when any fails or the receipts or targets cannot be read,
 * 2 when the format is unknown.
 */
export async function comparePaperCommand(options: ComparePaperCommandOptions = {}): Promise<number> {
  const out = options.out ?? process.stdout, err = options.err ?? process.stderr;
  const format = options.format ?? "table";
  if (!["table", "markdown", "json"].includes(format)) {
    err.write(`receipts compare-paper: --format must be table, markdown or json, found ${JSON.stringify(format)}\n`);
    return EXIT_USAGE;
  }
  const dir = options.dir ?? PAPER_CALIBRATED_DIR;
  let rows;
  try {
    const targets = loadPaperTargets(options.targets ?? PAPER_TARGETS_PATH);
    const table = await loadReceipts(dir, { strict: true });
    rows = comparePaper(table, targets);
  } catch (e) {
    err.write(`receipts compare-paper: ${(e as Error).message}\n`);
    return EXIT_DATA;
  }
  const markdown = paperVsKitMarkdown(rows);
  if (format === "json") out.write(JSON.stringify(rows, null, 2) + "\n");
  else if (format === "markdown") out.write(markdown);
  else out.write(renderRows(rows.map((r) => ({ ...r, criterion: r.criterion })), "table"));
  if (options.markdownOut) {
    await mkdir(dirname(options.markdownOut), { recursive: true });
    await writeFileAtomic(options.markdownOut, markdown);
  }
  const tally = paperComparisonTally(rows);
  err.write(`${tally.passed} of ${tally.targets} published targets pass${tally.failed ? `; failing: ${tally.failing.join("; ")}` : ""}\n`);
  return tally.failed === 0 ? EXIT_OK : EXIT_DATA;
}
