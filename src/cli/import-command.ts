import { formatFromPath, saveReceipts } from "../io/load";
import { importEvaluations } from "../import/import-evaluations";
import { LabelMapRequiredError } from "../import/imported-rows";
import { parseLabelMap } from "../import/label-map";
import { formatNote, SOURCE_TOOLS, type SourceTool } from "../import/types";

export interface ImportCommandOptions {
  readonly out: string;
  readonly from?: string;
  readonly labelMap?: string;
  readonly runId?: string;
  readonly model?: string;
  readonly behaviors?: string;
}

/**
 * `receipts import FILE... --out OUT`: other tools' logs as validated receipts, in the format
 * OUT's extension names. What was not imported (unscored samples, unevaluated attempts) is
 * printed, counted; a value without a label rule stops the import (exit 1) listing the values.
 */
export async function importCommand(files: string[], options: ImportCommandOptions, err = process.stderr): Promise<number> {
  if (formatFromPath(options.out) === null) {
    err.write(`receipts import: cannot tell the output format of ${options.out}; expected .jsonl, .csv, .arrow or .parquet\n`);
    return 2;
  }
  if (options.from !== undefined && !(SOURCE_TOOLS as readonly string[]).includes(options.from)) {
    err.write(`receipts import: --from ${options.from}: expected one of ${SOURCE_TOOLS.join(", ")}\n`);
    return 2;
  }
  if (options.labelMap !== undefined) {
    try {
      parseLabelMap(options.labelMap);
    } catch (e) {
      err.write(`receipts import: --label-map: ${(e as Error).message}\n`);
      return 2;
    }
  }
  try {
    const table = await importEvaluations(files, {
      from: options.from as SourceTool | undefined,
      labelMap: options.labelMap, runId: options.runId, model: options.model, behaviors: options.behaviors,
      strict: true,
      onNote: (n) => err.write(`note: ${formatNote(n)}\n`),
    });
    await saveReceipts(table, options.out);
    const maps = [...new Set(table.values("label_map").filter((m) => m !== null))];
    err.write(`wrote ${table.numRows} receipts from ${files.length} file${files.length === 1 ? "" : "s"} to ${options.out}${maps.length ? ` (label map ${maps.join("; ")})` : ""}\n`);
    return 0;
  } catch (e) {
    if (e instanceof LabelMapRequiredError) {
      err.write(`receipts import: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
