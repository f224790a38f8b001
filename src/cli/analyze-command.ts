import { mkdir } from "node:fs/promises";
import { writeFilesAtomic } from "../io/write-atomic";
import { join } from "node:path";
import { InvalidArgumentError } from "commander";
import { analyze } from "../analysis/analyze";
import { resultReceiptToJSON, resultReceiptToMarkdown } from "../analysis/render-result-receipt";
import { formatPValue } from "../display/format-value";
import { stepProgress } from "../display/progress";
import { analysisTable } from "../engine/analyze-files";
import { parseEngine, type Engine } from "../engine/duckdb";
import { FIELD_BY_NAME, type ReceiptFieldName } from "../receipt/fields";
import type { PAdjustMethod } from "../stats";

export interface AnalyzeCommandOptions {
  readonly out: string;
  readonly cluster?: string;
  readonly alpha?: number;
  /** holm (default), bonferroni, BH or none. */
  readonly pAdjust?: string;
  /** A positive number, as typed. */
  readonly equivalenceMargin?: string | number;
  /** Fit the random-intercept model for the conditional b2 (default true; `--no-conditional`). */
  readonly conditional?: boolean;
  /** "memory" (default) or "duckdb": DuckDB groups the receipts into weighted cells out of core (docs/engine.md). */
  readonly engine?: string;
  /** With engine duckdb: the files hold cells (another engine's result of the cells statement), each standing for this column's receipts. */
  readonly weightColumn?: string;
}

const P_ADJUST = ["holm", "bonferroni", "BH", "none"] as const;

/** Options checked before any file is read; a bad one is a usage error (commander's exit code). */
function checkOptions(options: AnalyzeCommandOptions): { pAdjust: PAdjustMethod | "none"; margin: number | null } {
  const pAdjust = options.pAdjust ?? "holm";
  if (!(P_ADJUST as readonly string[]).includes(pAdjust)) throw new InvalidArgumentError(`--p-adjust: expected one of ${P_ADJUST.join(", ")}, found ${JSON.stringify(pAdjust)}`);
  if (options.alpha !== undefined && !(options.alpha > 0 && options.alpha < 0.5)) throw new InvalidArgumentError(`--alpha: expected a number between 0 and 0.5, found ${options.alpha}`);
  let margin: number | null = null;
  if (options.equivalenceMargin !== undefined) {
    margin = Number(options.equivalenceMargin);
    if (!(margin > 0 && Number.isFinite(margin))) throw new InvalidArgumentError(`--equivalence-margin: expected a positive number (logits per unit of log(n_benign + 1)), found ${JSON.stringify(options.equivalenceMargin)}`);
  }
  return { pAdjust: pAdjust as PAdjustMethod | "none", margin };
}

/** `receipts analyze FILE... --out DIR`: result-receipt.json and result-receipt.md. */
export async function analyzeCommand(files: string[], options: AnalyzeCommandOptions, err: { write(text: string): unknown } = process.stderr): Promise<number> {
  const { pAdjust, margin } = checkOptions(options);
  let engine: Engine;
  try {
    engine = parseEngine(options.engine);
  } catch (e) {
    throw new InvalidArgumentError(`--engine: ${(e as Error).message}`);
  }
  if (options.weightColumn !== undefined && engine !== "duckdb") throw new InvalidArgumentError("--weight-column reads files of cells, which needs --engine duckdb");
  const cluster = options.cluster === undefined ? undefined : options.cluster === "none" ? null : (options.cluster as ReceiptFieldName);
  if (cluster && !FIELD_BY_NAME.has(cluster)) throw new InvalidArgumentError(`--cluster: unknown field ${JSON.stringify(cluster)}; expected a receipt field such as query_id, or none`);
  const progress = stepProgress("receipts analyze", engine === "duckdb" ? "grouping receipts into cells with DuckDB" : "loading receipts");
  const table = await analysisTable(files, { engine, cluster, weightColumn: options.weightColumn });
  const cells = table.weights() === null ? "" : ` in ${table.numRows.toLocaleString("en-US")} cells`;
  progress.phase(`analyzing ${table.receiptCount.toLocaleString("en-US")} receipts${cells}`);
  const receipt = analyze(table, { cluster, alpha: options.alpha, pAdjust, equivalenceMargin: margin, conditional: options.conditional ?? true });
  await mkdir(options.out, { recursive: true });
  // Both files or neither: a full disk leaves the previous JSON and Markdown as they were.
  await writeFilesAtomic([
    { path: join(options.out, "result-receipt.json"), data: resultReceiptToJSON(receipt) },
    { path: join(options.out, "result-receipt.md"), data: resultReceiptToMarkdown(receipt) },
  ]);
  progress.done();
  err.write(`wrote ${join(options.out, "result-receipt.json")} and ${join(options.out, "result-receipt.md")}\n`);
  const adjusted = pAdjust === "none" ? "" : `, ${pAdjust}-adjusted p = `;
  for (const v of receipt.verdicts.benign_effect) {
    const flag = v.shaky ? ` [shaky: ${v.warnings.join(", ").replace(/_/g, " ")}]` : "";
    const mde = v.mde !== null && v.verdict !== "dilution" && v.verdict !== "amplification" ? `, detectable |b2| >= ${v.mde.toFixed(4)} at 80% power` : "";
    err.write(`  ${JSON.stringify(v.model).slice(1, -1)}: ${v.verdict.replace(/_/g, " ")}${flag} (b2 = ${v.estimate.toFixed(4)}, p = ${formatPValue(v.p_value)}${adjusted ? adjusted + formatPValue(v.p_adjusted) : ""}${mde})\n`);
  }
  return 0;
}
