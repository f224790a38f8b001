/**
 * Benign sweep at fixed harmful count: compliance against n_benign for each n_harmful
 * with at least two benign counts, with Wilson intervals, and the slope of
 * complied ~ log(n_benign + 1) within each n_harmful (Wald test).
 *
 * The slope's standard error is cluster-robust by query by default, as in every analysis
 * (docs/inference.md): each query is asked at every n_benign, so its receipts are not
 * independent, and model-based errors are too small when queries react to n_benign each their
 * own way. `cluster` undefined means "query_id" when the receipts carry query ids; null opts
 * out. Errors are "auto": CR1 (`sandwich::vcovCL(type = "HC1")`) from CR2_BELOW_CLUSTERS (42)
 * clusters on, CR2 with a Satterthwaite t below (clubSandwich). The model-based standard
 * error and p-value stay beside it (`model_std_error`, `model_p_value`) for comparison.
 */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import { fitLogistic, type LogisticFit } from "../stats";
import { complianceTable, type ComplianceRow } from "./compliance-table";
import type { GroupValues } from "./group-by";
import { clusteredCellData, resolveCluster, transformCounts, type ClusterType, type CountScale } from "./hypothesis-fit";
import { splitTable } from "./split";
import { defaultConditionRows } from "./subsets";
import { benignVerdict, type BenignVerdict } from "./verdicts";

export interface BenignSweepOptions {
  readonly by?: readonly ReceiptFieldName[];
  readonly counts?: CountScale;
  readonly alpha?: number;
  /**
   * Field whose values are clusters for robust errors. Default (undefined): "query_id" when the
   * receipts have query ids, else none; null: model-based errors.
   */
  readonly cluster?: ReceiptFieldName | null;
  /** Which cluster-robust errors: "auto" (default; CR2 below 42 clusters, else CR1), "CR1" or "CR2". */
  readonly clusterType?: ClusterType;
}

export type BenignSlopeRow = GroupValues & {
  n_harmful: number;
  benign_values: number;
  estimate: number;
  /** The standard error `std_error_type` names (cluster-robust when queries are known). */
  std_error: number;
  p_value: number;
  conf_low: number;
  conf_high: number;
  /** Verdict from `p_value`. */
  verdict: BenignVerdict;
  /** "CR1 by query_id (120 clusters)", "CR2 + Satterthwaite by query_id (12 clusters)", "model-based". */
  std_error_type: string;
  vcov_type: string;
  clusters: number | null;
  /** Degrees of freedom of the t reference (CR2 only), else null (normal reference). */
  df: number | null;
  /** Model-based (receipts as independent) standard error and p-value, for comparison. */
  model_std_error: number;
  model_p_value: number;
};

export interface BenignSweepResult {
  readonly cells: ComplianceRow[];
  readonly slopes: BenignSlopeRow[];
}

export function benignSweep(table: ReceiptTable, options: BenignSweepOptions = {}): BenignSweepResult {
  const by = options.by ?? ["model"];
  const alpha = options.alpha ?? 0.05;
  const scale = options.counts ?? "log1p";
  const main = defaultConditionRows(table);
  const cluster = resolveCluster(main, options.cluster);
  // split first: the cells' grouping then refines the parts' (group-by.ts)
  const parts = splitTable(main, [...by, "n_harmful"]);
  const cells = complianceTable(main, [...by, "n_harmful", "n_benign"]);
  const slopes: BenignSlopeRow[] = [];
  const kept: ComplianceRow[] = [];
  for (const part of parts) {
    const mine = cells.filter((c) => [...by, "n_harmful"].every((f) => c[f] === part.group[f]) && c.n > 0);
    if (mine.length < 2 || (part.group.n_harmful as number) === 0) continue;
    kept.push(...mine);
    // With a cluster the fit runs on the receipts summed into (query, n_benign) cells (the same
    // estimates and errors as one 0/1 row a receipt), else on the grouped cells: the same
    // likelihood, so the same estimate and model-based error.
    const data = cluster === null
      ? { nBenign: Float64Array.from(mine, (c) => c.n_benign as number), successes: Float64Array.from(mine, (c) => c.complied), trials: Float64Array.from(mine, (c) => c.n), cluster: null }
      : clusteredCellData(part.table, cluster);
    const weights = "weights" in data ? data.weights : null; // a weighted table's cells
    const model = fitLogistic({ terms: ["benign"], columns: [transformCounts(data.nBenign, scale)], successes: data.successes, trials: data.trials, ...(weights ? { weights } : {}) });
    const fit: LogisticFit = data.cluster === null ? model : model.withClusterRobust(data.cluster, cluster ?? "cluster", { type: options.clusterType ?? "auto" });
    const b = fit.coefficient("benign"), m = model.coefficient("benign");
    const df = fit.dfs !== null ? fit.dfs[fit.terms.indexOf("benign")] : null;
    slopes.push({
      ...part.group, n_harmful: part.group.n_harmful as number, benign_values: mine.length,
      estimate: b.estimate, std_error: b.std_error, p_value: b.p_value, conf_low: b.conf_low, conf_high: b.conf_high,
      verdict: benignVerdict(b.estimate, b.p_value, alpha),
      std_error_type: fit.stdErrorType, vcov_type: fit.vcovType, clusters: fit.cluster?.groups ?? null, df,
      model_std_error: m.std_error, model_p_value: m.p_value,
    });
  }
  return { cells: kept, slopes };
}
