import { loadReceipts, saveReceipts, formatFromPath } from "../io/load";

/** `receipts convert IN OUT`: formats from the extensions; strict, so nothing is silently dropped. */
export async function convertCommand(input: string, output: string, err = process.stderr): Promise<number> {
  if (formatFromPath(output) === null) {
    err.write(`receipts convert: cannot tell the output format of ${output}; expected .jsonl, .csv, .arrow or .parquet\n`);
    return 2;
  }
  const table = await loadReceipts(input, { strict: true });
  await saveReceipts(table, output);
  err.write(`wrote ${table.numRows} receipts to ${output}\n`);
  return 0;
}
