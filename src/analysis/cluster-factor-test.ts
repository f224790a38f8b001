/**
 * A cluster-robust test that compliance does not differ between the levels of a factor
 * (harmful fractions at one N, schedules at one condition): the logistic fit
 * complied ~ factor(level) on the receipts, and a joint Wald test that every level's
 * coefficient is 0, with standard errors clustered by query. The chi-square test of
 * homogeneity asks the same question but treats the receipts as independent; every query is
 * asked at every level, so they are not (docs/inference.md).
 *
 * Errors are "auto" by default: CR1 (sandwich::vcovCL HC1) and a chi-square reference with
 * CR2_BELOW_CLUSTERS (42) clusters or more; CR2 with clubSandwich's HTZ F test below.
 * R: glm(complied ~ factor(level), binomial); vcovCL(fit, ~query_id, type = "HC1") and
 * t(b) %*% solve(V) %*% b on the level terms, or clubSandwich::Wald_test(fit,
 * constrain_zero(2:k), vcov = "CR2", test = "HTZ") (test/stats/fixtures/cluster-robust-cr2.R).
 * A fit that separates (a level where every receipt complied or none did) or does not
 * converge has no test: the row's p-value is null and `cluster_note` says why.
 * Cost: O(n) to sum the receipts into (cluster, level) cells, and one fit on the cells.
 */
import { fitLogistic, waldTest, type LogisticFit } from "../stats";
import { clusterPatternCells } from "../stats/cluster-pattern-cells";
import type { ClusterType } from "./hypothesis-fit";

export interface ClusterFactorTest {
  /** The Wald statistic Q (chi-square scale), or null when no test could be made. */
  cluster_statistic: number | null;
  cluster_df: number | null;
  /** HTZ (CR2) only: the F test's denominator degrees of freedom; else null. */
  cluster_df_denom: number | null;
  cluster_p_value: number | null;
  /** "CR1 by query_id (120 clusters)", "CR2 + Satterthwaite by query_id (12 clusters)". */
  std_error_type: string | null;
  vcov_type: "CR1" | "CR2" | null;
  clusters: number | null;
  /** Why there is no cluster-robust test (separation, non-convergence, fewer than 2 clusters), else null. */
  cluster_note: string | null;
}

export const NO_CLUSTER_TEST: ClusterFactorTest = {
  cluster_statistic: null, cluster_df: null, cluster_df_denom: null, cluster_p_value: null,
  std_error_type: null, vcov_type: null, clusters: null, cluster_note: null,
};

/**
 * @param level the factor's level of each receipt (a number: fraction, or a schedule's code)
 * @param complied 0/1 a receipt
 * @param cluster the receipt's cluster code (Int32Array)
 * @param rows the receipts to use (indices into the three arrays)
 * @param weights receipts each row stands for (a weighted table's cells), indexed like the arrays; null: one a row
 */
export function clusterFactorTest(
  level: ArrayLike<number>, complied: ArrayLike<number>, cluster: Int32Array, rows: Int32Array,
  clusterName: string, type: ClusterType = "auto", weights: ArrayLike<number> | null = null,
): ClusterFactorTest {
  const n = rows.length;
  // plain loops over the row indices (no per-row closures or iterators): this runs once per N
  // and per condition on tens of thousands of receipts
  const seen = new Set<number>();
  // receipts of a level come in runs: a row with the level of the one before adds nothing
  for (let r = 0, previous = NaN; r < n; r++) {
    const l = level[rows[r]];
    if (l === previous) continue;
    seen.add(l);
    previous = l;
  }
  const levels = [...seen].sort((a, b) => a - b);
  if (levels.length < 2) return { ...NO_CLUSTER_TEST, cluster_note: "one level only" };
  const others = levels.slice(1);
  // each row's level as a pattern code: 0 the reference (and NaN, which equals no level),
  // j + 1 the j-th other level; the rows are then summed into (cluster, level) cells, and the
  // fit runs on the cells (clusterPatternCells: the same estimates and CR1/CR2 as the rows)
  const index = new Map<number, number>(others.map((l, j) => [l, j + 1]));
  const pattern = new Int32Array(level.length);
  let last = NaN, lastCode = 0;
  for (let r = 0; r < n; r++) {
    const i = rows[r], l = level[i];
    if (l !== last) {
      last = l;
      lastCode = l === l ? index.get(l) ?? 0 : 0;
    }
    pattern[i] = lastCode;
  }
  // the cells' passes take one array type each (the analyses' flags and weights already are)
  const y8 = complied instanceof Int8Array ? complied : Int8Array.from(complied);
  const w64 = weights === null || weights instanceof Float64Array ? weights : Float64Array.from(weights);
  const cells = clusterPatternCells(rows, pattern, levels.length, cluster, y8, w64);
  const groups = cells.groups;
  if (groups < 2) return { ...NO_CLUSTER_TEST, clusters: groups, cluster_note: `${groups} cluster of ${clusterName}: no cluster-robust test` };
  const m = cells.first.length;
  const columns = others.map(() => new Float64Array(m));
  for (let c = 0; c < m; c++) {
    const p = pattern[cells.first[c]];
    if (p > 0) columns[p - 1][c] = 1;
  }
  const receipts = cells.receipts;
  let fit: LogisticFit;
  try {
    fit = fitLogistic({ terms: others.map((l) => `level_${l}`), columns, successes: cells.successes, weights: cells.weights });
  } catch (e) {
    return { ...NO_CLUSTER_TEST, clusters: groups, cluster_note: `the factor fit failed: ${(e as Error).message}` };
  }
  if (!fit.converged) {
    const why = fit.separation !== null
      ? `separation (a level where all or none of the ${receipts} receipts complied): no finite estimate, no Wald test`
      : "the factor fit did not converge";
    return { ...NO_CLUSTER_TEST, clusters: groups, cluster_note: why };
  }
  const robust = fit.withClusterRobust(cells.cluster, clusterName, { type });
  const contrasts = others.map((_, j) => robust.terms.map((_t, m) => (m === j + 1 ? 1 : 0)));
  const w = waldTest(robust, contrasts);
  return {
    cluster_statistic: w.statistic, cluster_df: w.df, cluster_df_denom: w.df_denom, cluster_p_value: w.p_value,
    std_error_type: robust.stdErrorType, vcov_type: robust.vcovType === "CR2" ? "CR2" : "CR1", clusters: groups, cluster_note: null,
  };
}
