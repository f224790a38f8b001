import { loadReceipts } from "../io/load";
import { formatIssue } from "../receipt/issues";

export interface ValidateCommandOptions {
  readonly json?: boolean;
  readonly unknownFields?: "error" | "ignore";
}

/** `receipts validate FILE...`: every problem as FILE:LINE: field: message; exit 1 when there are any. */
export async function validateCommand(files: string[], options: ValidateCommandOptions, out = process.stdout): Promise<number> {
  const table = await loadReceipts(files, { strict: false, unknownFields: options.unknownFields });
  if (options.json) {
    out.write(JSON.stringify({ valid: table.issues.length === 0, receipts: table.numRows, sources: table.sources, issues: table.issues }, null, 2) + "\n");
  } else {
    for (const issue of table.issues) out.write(formatIssue(issue) + "\n");
    for (const s of table.sources)
      out.write(`${s.path}: ${s.rowsKept} of ${s.rowsRead} receipts valid${s.issues ? `, ${s.issues} problem${s.issues > 1 ? "s" : ""}` : ""}\n`);
  }
  return table.issues.length === 0 ? 0 : 1;
}
