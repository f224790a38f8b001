/**
 * Two models on the same queries: pair each receipt of model A with model B's receipt of the
 * same evaluation point (judge, query, condition and sample index) and compare compliance with
 * the clustered McNemar test (`stats/clustered-mcnemar.ts`), clustering by query because the
 * samples of one query share its difficulty. Receipts without a partner and pairs with a parse
 * error are counted, not silently dropped.
 */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import { clusteredMcNemar, type ClusteredMcNemar } from "../stats/clustered-mcnemar";
import { StatsError } from "../stats/stats-error";

export interface PairedModelOptions {
  readonly modelA: string;
  readonly modelB: string;
  /** Field whose values are the clusters (default "query_id", within query_source). */
  readonly cluster?: ReceiptFieldName;
  /** Confidence level of the interval for the difference (default 0.95). */
  readonly confLevel?: number;
}

export interface PairedModelComparison extends ClusteredMcNemar {
  readonly model_a: string;
  readonly model_b: string;
  readonly judge: string;
  /** Receipts of A (of B) with no partner at the same evaluation point. */
  readonly unpaired_a: number;
  readonly unpaired_b: number;
  /** Pairs left out because either label is parse_error. */
  readonly parse_error_pairs: number;
}

/** The fields that make two receipts the same evaluation point, apart from the model and run. */
const POINT: readonly ReceiptFieldName[] = ["judge", "query_source", "query_id", "n_benign", "n_harmful", "schedule", "format_cue", "format_cue_text", "sample_index"];

/**
 * Compare two models' compliance on the evaluation points both answered. Throws StatsError
 * when the table holds more than one judge (filter first: a judge's rate is not another's)
 * or fewer than two clusters of pairs.
 */
export function pairedModelComparison(table: ReceiptTable, options: PairedModelOptions): PairedModelComparison {
  const { modelA, modelB } = options;
  // pairs are receipts of one evaluation point, sample by sample: cells have merged the samples
  if (table.weights() !== null) throw new Error("pairedModelComparison needs one row a receipt (sample_index pairs the receipts); load the receipts instead of weighted cells");
  const judges = table.distinct("judge") as string[];
  if (judges.length !== 1) throw new StatsError(`pairedModelComparison requires receipts of one judge, found ${judges.length} (${judges.join(", ")}); filter with table.where({judge: ...})`);
  const model = table.values("model");
  const complied = table.flags("complied");
  const point = POINT.map((f) => table.values(f));
  const clusterField = options.cluster ?? "query_id";
  const clusterValues = table.values(clusterField);
  const source = table.values("query_source");
  const keyOf = (i: number) => point.map((col) => String(col[i] ?? "")).join("\x1f");
  const rowsB = new Map<string, number>();
  for (let i = 0; i < table.numRows; i++) if (model[i] === modelB) rowsB.set(keyOf(i), i);
  const a: number[] = [], b: number[] = [], cluster: string[] = [];
  let unpairedA = 0, parseErrors = 0, pairedB = 0, nB = 0, nA = 0;
  for (let i = 0; i < table.numRows; i++) {
    if (model[i] === modelB) nB++;
    if (model[i] !== modelA) continue;
    nA++;
    const j = rowsB.get(keyOf(i));
    if (j === undefined) { unpairedA++; continue; }
    pairedB++;
    if (complied[i] < 0 || complied[j] < 0) { parseErrors++; continue; }
    a.push(complied[i]); b.push(complied[j]);
    // query ids are unique within their source, so the cluster is the pair (source, id)
    cluster.push(clusterField === "query_id" ? `${source[i]}\x1f${clusterValues[i]}` : String(clusterValues[i]));
  }
  if (nA === 0 || nB === 0) throw new StatsError(`pairedModelComparison found no receipts of ${nA === 0 ? modelA : modelB}`);
  const test = clusteredMcNemar(a, b, cluster, options.confLevel ?? 0.95);
  return { model_a: modelA, model_b: modelB, judge: judges[0], unpaired_a: unpairedA, unpaired_b: nB - pairedB, parse_error_pairs: parseErrors, ...test };
}
