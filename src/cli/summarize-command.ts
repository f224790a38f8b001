import { complianceTable, DEFAULT_CONDITION_FIELDS } from "../analysis/compliance-table";
import { loadReceipts } from "../io/load";
import { FIELD_BY_NAME, type ReceiptFieldName } from "../receipt/fields";
import { UsageError } from "./exit-codes";
import { renderRows, type OutputFormat } from "./render-table";

export interface SummarizeCommandOptions {
  readonly by?: string;
  readonly format?: OutputFormat;
}

/** Parse a comma-separated field list, naming any field the schema does not have. */
export function parseFieldList(text: string | undefined, fallback: readonly ReceiptFieldName[]): ReceiptFieldName[] {
  if (text === undefined || text.trim() === "") return [...fallback];
  const names = text.split(",").map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!FIELD_BY_NAME.has(n)) throw new UsageError(`unknown field ${JSON.stringify(n)}; expected receipt fields such as model, n_benign, schedule`);
  return names as ReceiptFieldName[];
}

/** `receipts summarize FILE...`: receipts, compliances and the compliance rate with a 95% Wilson interval per condition. */
export async function summarizeCommand(files: string[], options: SummarizeCommandOptions, out = process.stdout): Promise<number> {
  const by = parseFieldList(options.by, DEFAULT_CONDITION_FIELDS);
  const table = await loadReceipts(files, { strict: true });
  out.write(renderRows(complianceTable(table, by), options.format ?? "table"));
  return 0;
}
