/** Compliance broken down by query source, query category and benign demonstration source, per model. */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import { complianceTable, type ComplianceRow } from "./compliance-table";
import { defaultConditionRows } from "./subsets";

export interface BreakdownResult {
  readonly byQuerySource: ComplianceRow[];
  readonly byQueryCategory: ComplianceRow[];
  readonly byBenignSource: ComplianceRow[];
}

export function breakdowns(table: ReceiptTable, by: readonly ReceiptFieldName[] = ["model"]): BreakdownResult {
  const rows = defaultConditionRows(table);
  return {
    byQuerySource: complianceTable(rows, [...by, "query_source"]),
    byQueryCategory: complianceTable(rows, [...by, "query_source", "query_category"]),
    byBenignSource: complianceTable(table, [...by, "benign_demo_source"]),
  };
}
