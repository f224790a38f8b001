import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { analyze } from "../analysis/analyze";
import { resultReceiptToJSON, resultReceiptToMarkdown } from "../analysis/render-result-receipt";
import { loadReceipts } from "../io/load";
import type { ReceiptFieldName } from "../receipt/fields";

export interface AnalyzeCommandOptions {
  readonly out: string;
  readonly cluster?: string;
  readonly alpha?: number;
}

/** `receipts analyze FILE... --out DIR`: result-receipt.json and result-receipt.md. */
export async function analyzeCommand(files: string[], options: AnalyzeCommandOptions, err = process.stderr): Promise<number> {
  const table = await loadReceipts(files, { strict: true });
  const cluster = options.cluster === undefined ? undefined : options.cluster === "none" ? null : (options.cluster as ReceiptFieldName);
  const receipt = analyze(table, { cluster, alpha: options.alpha });
  await mkdir(options.out, { recursive: true });
  await writeFile(join(options.out, "result-receipt.json"), resultReceiptToJSON(receipt));
  await writeFile(join(options.out, "result-receipt.md"), resultReceiptToMarkdown(receipt));
  err.write(`wrote ${join(options.out, "result-receipt.json")} and ${join(options.out, "result-receipt.md")}\n`);
  for (const v of receipt.verdicts.benign_effect) err.write(`  ${v.model}: ${v.verdict.replace(/_/g, " ")} (b2 = ${v.estimate.toFixed(4)}, p = ${v.p_value.toExponential(1)})\n`);
  return 0;
}
