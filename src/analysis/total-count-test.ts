/**
 * Is compliance a function of the total number of demonstrations only? Two tests, side by side:
 * - the study's: at each total N, a chi-square test of homogeneity of compliance across
 *   harmful fractions, Bonferroni over the N values tested (alpha / number of N);
 * - a likelihood-ratio test of the total model against the smallest model containing it and
 *   the joint model (see hypothesis-fit.ts), on the same receipts.
 * Uses receipts with at least one demonstration, no format cue and the default order.
 */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import { adjustPValues, chiSquareHomogeneity, likelihoodRatioTest } from "../stats";
import { complianceTable } from "./compliance-table";
import type { GroupValues } from "./group-by";
import { countData, fitCountModel, type CountScale } from "./hypothesis-fit";
import { splitTable } from "./split";
import { defaultConditionRows } from "./subsets";
import type { TotalCountVerdict } from "./verdicts";

export interface TotalCountOptions {
  readonly by?: readonly ReceiptFieldName[];
  readonly alpha?: number;
  readonly counts?: CountScale;
}

export type TotalCountPerN = GroupValues & {
  n_total: number;
  fractions: number;
  n: number;
  statistic: number;
  df: number;
  p_value: number;
  p_adjusted: number;
  significant: boolean;
};

export type TotalCountSummary = GroupValues & {
  n_values_tested: number;
  n_values_significant: number;
  alpha: number;
  bonferroni_alpha: number;
  lrt_statistic: number | null;
  lrt_df: number | null;
  lrt_p_value: number | null;
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
  for (const part of splitTable(defaultConditionRows(table), options.by ?? ["model"])) {
    const t = part.table.numbers("n_total");
    const rows = part.table.filter((i) => t[i] > 0);
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
    tests.forEach((x, j) =>
      perN.push({
        ...part.group, n_total: x.N, fractions: x.list.length, n: x.list.reduce((s, c) => s + c.n, 0),
        statistic: x.test.statistic, df: x.test.df, p_value: x.test.p_value, p_adjusted: adjusted[j],
        significant: x.test.p_value < bonferroniAlpha,
      }));
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
    const significant = tests.filter((x) => x.test.p_value < bonferroniAlpha).length;
    summary.push({
      ...part.group, n_values_tested: tests.length, n_values_significant: significant, alpha, bonferroni_alpha: bonferroniAlpha,
      lrt_statistic: lrt?.statistic ?? null, lrt_df: lrt?.df ?? null, lrt_p_value: lrt?.p_value ?? null,
      verdict: significant > 0 ? "total_count_rejected" : "total_count_not_rejected",
      parse_errors: data.parseErrors,
    });
  }
  return { perN, summary };
}
