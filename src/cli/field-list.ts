/**
 * `--by a,b,c`: a comma-separated list of receipt fields, checked against the schema. In a
 * file of its own so that `receipts fit` gets it without loading `summarize`'s modules.
 */
import { FIELD_BY_NAME, type ReceiptFieldName } from "../receipt/fields";
import { UsageError } from "./exit-codes";

export function parseFieldList(text: string | undefined, fallback: readonly ReceiptFieldName[]): ReceiptFieldName[] {
  if (text === undefined || text.trim() === "") return [...fallback];
  const names = text.split(",").map((s) => s.trim()).filter(Boolean);
  for (const n of names) if (!FIELD_BY_NAME.has(n)) throw new UsageError(`unknown field ${JSON.stringify(n)}; expected receipt fields such as model, n_benign, schedule`);
  return names as ReceiptFieldName[];
}
