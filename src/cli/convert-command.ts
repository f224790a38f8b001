import { stepProgress } from "../display/progress";
import { loadReceipts, saveReceipts, formatFromPath } from "../io/load";

/** `receipts convert IN OUT`: formats from the extensions; strict, so nothing is silently dropped. */
export async function convertCommand(input: string, output: string, err = process.stderr): Promise<number> {
  if (formatFromPath(output) === null) {
    err.write(`receipts convert: cannot tell the output format of ${output}; expected .jsonl, .csv, .arrow or .parquet\n`);
    return 2;
  }
  const progress = stepProgress("receipts convert", `reading ${input}`);
  const table = await loadReceipts(input, { strict: true });
  progress.phase(`writing ${table.numRows.toLocaleString("en-US")} receipts to ${output}`);
  await saveReceipts(table, output);
  progress.done();
  err.write(`wrote ${table.numRows} receipts to ${output}\n`);
  return 0;
}
