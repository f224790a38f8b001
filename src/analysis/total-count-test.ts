/**
 * Is compliance a function of the total number of demonstrations only? Tests side by side:
 * - cluster-robust, when the receipts carry query ids (the default; `cluster: null` opts
 *   out): at each total N, the fit complied ~ factor(harmful fraction) on the receipts and a
 *   joint Wald test of the fraction terms with errors clustered by query (CR1, or CR2 + HTZ
 *   below 42 queries; cluster-factor-test.ts), `cluster_p_value` and its Bonferroni value
 *   `cluster_p_value_bonferroni` on each perN row. The verdict uses this test when it exists
 *   at every N tested, since every query is asked at every fraction and the chi-square's
 *   independence assumption fails (docs/inference.md);
 * - the study's: at each total N, a chi-square test of homogeneity of compliance across
 *   harmful fractions, Bonferroni over the N values tested (alpha / number of N), kept for
 *   comparison (and the verdict when queries are unknown);
 * - a likelihood-ratio test of the total model against the smallest model containing it and
 *   the joint model (see hypothesis-fit.ts), on the same receipts (receipts as independent);
 *   with query ids also the cluster-robust Wald test of the same restriction in the larger
 *   model (`wald_cluster_*`: harmful = benign = 0 in the encompassing model on log counts,
 *   harmful = benign in the joint model on raw counts).
 * Uses receipts with at least one demonstration, no format cue and the default order.
 */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import { adjustPValues, chiSquareHomogeneity, likelihoodRatioTest, waldTest } from "../stats";
import { clusterFactorTest, NO_CLUSTER_TEST, type ClusterFactorTest } from "./cluster-factor-test";
import { complianceTable } from "./compliance-table";
import type { GroupValues } from "./group-by";
import { clusterCodesOf, clusteredCellData, countData, fitCountModel, resolveCluster, type ClusterType, type CountScale } from "./hypothesis-fit";
import { splitTable } from "./split";
import { defaultConditionRows, demonstrationRows } from "./subsets";
import type { TotalCountVerdict } from "./verdicts";
import { flagsOf, numbersOf } from "./view-columns";

export interface TotalCountOptions {
  readonly by?: readonly ReceiptFieldName[];
  readonly alpha?: number;
  readonly counts?: CountScale;
  /** Cluster field; default (undefined) query_id when the receipts have one; null: no cluster-robust test. */
  readonly cluster?: ReceiptFieldName | null;
  /** Cluster-robust errors: "auto" (default: CR2 + HTZ below 42 clusters, else CR1), "CR1" or "CR2". */
  readonly clusterType?: ClusterType;
}

export type TotalCountPerN = GroupValues & {
  n_total: number;
  fractions: number;
  n: number;
  statistic: number;
  df: number;
  p_value: number;
  p_adjusted: number;
  /** The chi-square's verdict at this N (p below alpha / number of N). */
  significant: boolean;
  /** min(1, cluster_p_value x number of N tested); null without a cluster-robust test. */
  cluster_p_value_bonferroni: number | null;
  /** The cluster-robust test's verdict at this N; null without one. */
  cluster_significant: boolean | null;
} & ClusterFactorTest;

export type TotalCountSummary = GroupValues & {
  n_values_tested: number;
  /** N values where the test the verdict uses (`test`) rejects. */
  n_values_significant: number;
  /** N values where the chi-square rejects (the study's test), for comparison. */
  n_values_significant_chi_square: number;
  /** The per-N test the verdict rests on. */
  test: "cluster-robust Wald" | "chi-square";
  alpha: number;
  bonferroni_alpha: number;
  lrt_statistic: number | null;
  lrt_df: number | null;
  lrt_p_value: number | null;
  /** Cluster-robust Wald test of the total model inside the larger one; null without query ids. */
  wald_cluster_statistic: number | null;
  wald_cluster_df: number | null;
  wald_cluster_p_value: number | null;
  wald_std_error_type: string | null;
  verdict: TotalCountVerdict;
  parse_errors: number;
};

export interface TotalCountResult {
  readonly perN: TotalCountPerN[];
  readonly summary: TotalCountSummary[];
}

export function totalCountTest(table: ReceiptTable, options: TotalCountOptions = {}): TotalCountResult {
  const alpha = options.alpha ?? 0.05;
  const perN: TotalCountPerN[] = [];
  const summary: TotalCountSummary[] = [];
  const main = defaultConditionRows(table);
  const cluster = resolveCluster(main, options.cluster);
  for (const part of splitTable(main, options.by ?? ["model"])) {
    const rows = demonstrationRows(part.table);
    const clusterTests = cluster === null ? null : clusterTestsByN(rows, cluster, options.clusterType ?? "auto");
    const cells = complianceTable(rows, ["n_total", "harmful_fraction"]);
    const byN = new Map<number, typeof cells>();
    for (const c of cells) {
      if (c.n === 0) continue;
      const list = byN.get(c.n_total as number) ?? [];
      list.push(c);
      byN.set(c.n_total as number, list);
    }
    const tested = [...byN.entries()].filter(([, list]) => list.length >= 2).sort((a, b) => a[0] - b[0]);
    const tests = tested.map(([N, list]) => ({ N, list, test: chiSquareHomogeneity(list.map((c) => c.complied), list.map((c) => c.n)) }));
    const adjusted = adjustPValues(tests.map((x) => x.test.p_value), "bonferroni");
    const bonferroniAlpha = tests.length ? alpha / tests.length : alpha;
    const rowsOfPart: TotalCountPerN[] = tests.map((x, j) => {
      const ct = clusterTests?.(x.N) ?? NO_CLUSTER_TEST;
      const p = ct.cluster_p_value;
      return {
        ...part.group, n_total: x.N, fractions: x.list.length, n: x.list.reduce((s, c) => s + c.n, 0),
        statistic: x.test.statistic, df: x.test.df, p_value: x.test.p_value, p_adjusted: adjusted[j],
        significant: x.test.p_value < bonferroniAlpha,
        ...ct,
        cluster_p_value_bonferroni: p === null ? null : Math.min(1, p * tests.length),
        cluster_significant: p === null ? null : p < bonferroniAlpha,
      };
    });
    perN.push(...rowsOfPart);
    const clustered = rowsOfPart.length > 0 && rowsOfPart.every((r) => r.cluster_p_value !== null);
    let lrt: { statistic: number; df: number; p_value: number } | null = null;
    const data = countData(rows);
    if (tests.length > 0) {
      try {
        const counts = options.counts ?? "log1p";
        const small = fitCountModel(data, "total", { counts });
        const large = fitCountModel(data, counts === "raw" ? "joint" : "encompassing", { counts });
        lrt = likelihoodRatioTest(small, large);
      } catch {
        lrt = null; // the design cannot separate the models (e.g. one fraction only)
      }
    }
    let wald: { statistic: number; df: number; p_value: number; type: string } | null = null;
    if (tests.length > 0 && cluster !== null) {
      try {
        const counts = options.counts ?? "log1p";
        const large = fitCountModel(clusteredCellData(rows, cluster), counts === "raw" ? "joint" : "encompassing", { counts, cluster, clusterType: options.clusterType });
        const w = counts === "raw" ? waldTest(large, { harmful: 1, benign: -1 }) : waldTest(large, [{ harmful: 1 }, { benign: 1 }]);
        if (large.converged) wald = { statistic: w.statistic, df: w.df, p_value: w.p_value, type: large.stdErrorType };
      } catch {
        wald = null; // as for the LRT: the design cannot separate the models
      }
    }
    const significantChiSquare = tests.filter((x) => x.test.p_value < bonferroniAlpha).length;
    const significant = clustered ? rowsOfPart.filter((r) => r.cluster_significant === true).length : significantChiSquare;
    summary.push({
      ...part.group, n_values_tested: tests.length, n_values_significant: significant,
      n_values_significant_chi_square: significantChiSquare, test: clustered ? "cluster-robust Wald" : "chi-square",
      alpha, bonferroni_alpha: bonferroniAlpha,
      lrt_statistic: lrt?.statistic ?? null, lrt_df: lrt?.df ?? null, lrt_p_value: lrt?.p_value ?? null,
      wald_cluster_statistic: wald?.statistic ?? null, wald_cluster_df: wald?.df ?? null, wald_cluster_p_value: wald?.p_value ?? null,
      wald_std_error_type: wald?.type ?? null,
      verdict: significant > 0 ? "total_count_rejected" : "total_count_not_rejected",
      parse_errors: data.parseErrors,
    });
  }
  return { perN, summary };
}

/** The cluster-robust factor test at each N, on the part's receipts with a parsed outcome. */
function clusterTestsByN(rows: ReceiptTable, cluster: ReceiptFieldName, type: ClusterType): (N: number) => ClusterFactorTest {
  const codes = clusterCodesOf(rows, cluster);
  const total = numbersOf(rows, "n_total"), fraction = rows.numbers("harmful_fraction"), y = flagsOf(rows, "complied"), w = rows.weights();
  const byN = new Map<number, number[]>();
  // a condition's receipts are adjacent: the list of the row before is most often this row's
  let last: number[] | undefined, lastN = NaN;
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0) continue;
    if (total[i] !== lastN) {
      lastN = total[i];
      last = byN.get(lastN);
      if (last === undefined) byN.set(lastN, (last = []));
    }
    last!.push(i);
  }
  return (N) => clusterFactorTest(fraction, y, codes, Int32Array.from(byN.get(N) ?? []), cluster, type, w);
}
