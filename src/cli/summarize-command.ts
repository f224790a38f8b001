import { complianceTable, DEFAULT_CONDITION_FIELDS } from "../analysis/compliance-table";
import { judgeErrorSummary } from "../analysis/judge-error-summary";
import { summarizeColumns } from "../analysis/needed-columns";
import { loadReceipts } from "../io/load";
import { FIELD_BY_NAME } from "../receipt/fields";
import { UsageError } from "./exit-codes";
import { parseFieldList } from "./field-list";
import { renderRows, type OutputFormat } from "./render-table";

export interface SummarizeCommandOptions {
  readonly by?: string;
  readonly format?: OutputFormat;
  /**
   * Correct each group's compliance rate for judge error (Rogan-Gladen, delta-method
   * interval) from the receipts that carry a reference_label. Default false; when set,
   * `by` defaults to judge.
   */
  readonly correctJudgeError?: boolean;
  /** "memory" (default) or "duckdb": DuckDB counts the groups from the files (docs/engine.md). */
  readonly engine?: string;
}

/** Parse a comma-separated field list (re-exported: it lives in field-list.ts). */
export { parseFieldList };

/**
 * `receipts summarize FILE...`: receipts, compliances and the compliance rate with a 95%
 * Wilson interval per condition; with `--correct-judge-error`, per judge (by default) the
 * judge's rate, its sensitivity and specificity on the validation subset and the corrected
 * rate with its interval (`judgeErrorSummary`).
 */
export async function summarizeCommand(files: string[], options: SummarizeCommandOptions, out = process.stdout): Promise<number> {
  const correct = options.correctJudgeError ?? false;
  const by = parseFieldList(options.by, correct ? ["judge"] : DEFAULT_CONDITION_FIELDS);
  if (options.engine !== undefined && options.engine !== "memory") {
    const engine = await import("../engine/duckdb");
    engine.parseEngine(options.engine);
    if (correct) throw new UsageError("--correct-judge-error reads the receipts' reference labels; drop --engine duckdb");
    out.write(renderRows(await engine.complianceTableFromFiles(files, by), options.format ?? "table"));
    return 0;
  }
  const table = await loadReceipts(files, { strict: true, columns: correct ? undefined : summarizeColumns(by) });
  if (!correct) {
    out.write(renderRows(complianceTable(table, by), options.format ?? "table"));
    return 0;
  }
  let rows;
  try {
    rows = judgeErrorSummary(table, { by });
  } catch (e) {
    // say which files held no validation subset: the library's message cannot know them
    throw new Error(`${files.join(", ")}: ${(e as Error).message}. Add reference_label to the receipts of a validation subset, or drop --correct-judge-error`);
  }
  out.write(renderRows(rows, options.format ?? "table"));
  return 0;
}
