/**
 * Ordering: at each condition with both kinds of demonstration and several schedules,
 * compliance per schedule (Wilson intervals), the suffix-minus-prefix difference, a test
 * that schedule matters, and the schedules ranked.
 *
 * Every query is asked under every schedule, so the receipts of one condition are not
 * independent samples. When the receipts carry query ids (the default; `cluster: null` opts
 * out):
 * - schedule matters is a joint Wald test of complied ~ factor(schedule) with errors
 *   clustered by query (CR1, or CR2 + HTZ below 42 queries; cluster-factor-test.ts), fields
 *   `cluster_*`; the chi-square of homogeneity (independent receipts) stays beside it,
 *   `statistic`/`df`/`p_value`, for comparison;
 * - suffix minus prefix gets a paired, query-level interval (pairedClusterDifference: CR1
 *   by query with a t(G - 1) reference, or CR2 with Satterthwaite df below 42 queries) in
 *   `diff_low`/`diff_high`; Newcombe's independent-samples
 *   interval stays in `newcombe_low`/`newcombe_high`. `diff_interval` says which is which.
 * Without query ids the chi-square decides and diff_low/diff_high are Newcombe's.
 */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import { chiSquareHomogeneity, newcombeDifference, pairedClusterDifference, type PairedClusterDifference } from "../stats";
import { clusterFactorTest, NO_CLUSTER_TEST, type ClusterFactorTest } from "./cluster-factor-test";
import { complianceTable, type ComplianceRow } from "./compliance-table";
import type { GroupValues } from "./group-by";
import { clusterCodesOf, resolveCluster, type ClusterType } from "./hypothesis-fit";
import { splitTable } from "./split";
import { orderedRows } from "./subsets";
import { flagsOf } from "./view-columns";

export interface OrderingOptions {
  readonly by?: readonly ReceiptFieldName[];
  readonly alpha?: number;
  readonly confLevel?: number;
  /** Cluster field; default (undefined) query_id when the receipts have one; null: independent-receipt tests only. */
  readonly cluster?: ReceiptFieldName | null;
  /** Cluster-robust errors of the schedule test: "auto" (default), "CR1" or "CR2". */
  readonly clusterType?: ClusterType;
}

export type ScheduleRow = ComplianceRow & { rank: number };

export type OrderingTestRow = GroupValues & {
  n_benign: number;
  n_harmful: number;
  harmful_fraction: number;
  schedules: number;
  /** The chi-square test of homogeneity across schedules (receipts as independent). */
  statistic: number;
  df: number;
  p_value: number;
  /** The verdict of the test it rests on: the cluster-robust one when it exists, else the chi-square. */
  schedule_matters: boolean;
  /** The chi-square's verdict, for comparison. */
  schedule_matters_chi_square: boolean;
  suffix_minus_prefix: number | null;
  /** The interval `diff_interval` names: paired by query when queries are known, else Newcombe's. */
  diff_low: number | null;
  diff_high: number | null;
  diff_interval: string | null;
  /** Paired interval only (else null): its standard error, p-value and clusters. */
  diff_std_error: number | null;
  diff_p_value: number | null;
  diff_clusters: number | null;
  /** Newcombe's independent-samples interval (method 10), kept for comparison. */
  newcombe_low: number | null;
  newcombe_high: number | null;
  ranking: string;
} & ClusterFactorTest;

export interface OrderingResult {
  readonly schedules: ScheduleRow[];
  readonly tests: OrderingTestRow[];
}

export function ordering(table: ReceiptTable, options: OrderingOptions = {}): OrderingResult {
  const by = options.by ?? ["model"];
  const alpha = options.alpha ?? 0.05;
  const conditionFields: ReceiptFieldName[] = [...by, "n_benign", "n_harmful", "harmful_fraction"];
  const rows = orderedRows(table);
  const cluster = resolveCluster(rows, options.cluster);
  // the conditions first: the schedules' grouping then refines theirs (group-by.ts)
  const split = cluster === null ? null : splitTable(rows, conditionFields);
  const cells = complianceTable(rows, [...conditionFields, "schedule"], options.confLevel);
  const keyOf = (g: GroupValues) => conditionFields.map((f) => String(g[f])).join("\x1f");
  const groups = new Map<string, ComplianceRow[]>();
  for (const c of cells) {
    if (c.n === 0) continue;
    const key = keyOf(c);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const parts = split === null ? null : new Map(split.map((p) => [keyOf(p.group), p.table]));
  const schedules: ScheduleRow[] = [];
  const tests: OrderingTestRow[] = [];
  for (const [key, list] of groups) {
    if (list.length < 2) continue;
    const ranked = [...list].sort((a, b) => (b.rate as number) - (a.rate as number));
    ranked.forEach((c, r) => schedules.push({ ...c, rank: r + 1 }));
    const test = chiSquareHomogeneity(list.map((c) => c.complied), list.map((c) => c.n));
    const suffix = list.find((c) => c.schedule === "suffix"), prefix = list.find((c) => c.schedule === "prefix");
    const newcombe = suffix && prefix ? newcombeDifference(suffix.complied, suffix.n, prefix.complied, prefix.n, options.confLevel) : null;
    const part = parts?.get(key);
    const clustered = part === undefined || cluster === null ? null : clusterTests(part, cluster, options.clusterType ?? "auto", options.confLevel);
    const ct = clustered?.factor ?? NO_CLUSTER_TEST;
    const paired = clustered?.paired ?? null;
    const first = list[0];
    const group: GroupValues = {};
    for (const f of by) group[f] = first[f];
    const chiSquareMatters = test.p_value < alpha;
    tests.push({
      ...group,
      n_benign: first.n_benign as number, n_harmful: first.n_harmful as number, harmful_fraction: first.harmful_fraction as number,
      schedules: list.length, statistic: test.statistic, df: test.df, p_value: test.p_value,
      schedule_matters: ct.cluster_p_value !== null ? ct.cluster_p_value < alpha : chiSquareMatters,
      schedule_matters_chi_square: chiSquareMatters,
      suffix_minus_prefix: newcombe?.estimate ?? null,
      diff_low: paired?.conf_low ?? newcombe?.conf_low ?? null,
      diff_high: paired?.conf_high ?? newcombe?.conf_high ?? null,
      diff_interval: paired !== null
        ? `paired by ${cluster} (${paired.vcov_type === "CR2" ? "CR2, Satterthwaite" : "CR1,"} t with ${formatDf(paired.df)} df; ${paired.paired_clusters} of ${paired.clusters} queries in both schedules)`
        : newcombe !== null ? "Newcombe (independent samples)" : null,
      diff_std_error: paired?.std_error ?? null, diff_p_value: paired?.p_value ?? null, diff_clusters: paired?.clusters ?? null,
      newcombe_low: newcombe?.conf_low ?? null, newcombe_high: newcombe?.conf_high ?? null,
      ranking: ranked.map((c) => c.schedule).join(" > "),
      ...ct,
    });
  }
  return { schedules, tests };
}

/** One condition's cluster-aware tests: schedule as a factor, and the paired suffix - prefix interval. */
function clusterTests(
  part: ReceiptTable, cluster: ReceiptFieldName, type: ClusterType, confLevel: number | undefined,
): { factor: ClusterFactorTest; paired: PairedClusterDifference | null } {
  const codes = clusterCodesOf(part, cluster);
  const y = flagsOf(part, "complied"), w = part.weights();
  const sched = part.dictionary("schedule");
  const level = Float64Array.from(sched.codes);
  const keep: number[] = [];
  for (let i = 0; i < y.length; i++) if (y[i] >= 0 && sched.codes[i] >= 0) keep.push(i);
  const factor = clusterFactorTest(level, y, codes, Int32Array.from(keep), cluster, type, w);
  const suffix = sched.labels.indexOf("suffix"), prefix = sched.labels.indexOf("prefix");
  const both = keep.filter((i) => sched.codes[i] === suffix || sched.codes[i] === prefix);
  let paired: PairedClusterDifference | null = null;
  let receipts = both.length;
  if (w !== null) {
    receipts = 0;
    for (const i of both) receipts += w[i];
  }
  if (suffix >= 0 && prefix >= 0 && receipts > 2) {
    const ids = Int32Array.from(both, (i) => codes[i]);
    if (new Set(ids).size >= 2) {
      paired = pairedClusterDifference(
        Float64Array.from(both, (i) => y[i]), Float64Array.from(both, (i) => (sched.codes[i] === suffix ? 1 : 0)), ids, confLevel ?? 0.95,
        "auto", w === null ? undefined : Float64Array.from(both, (i) => w[i]),
      );
    }
  }
  return { factor, paired };
}

/** Degrees of freedom for a label: whole numbers as they are, others to one decimal. */
function formatDf(df: number): string {
  return Number.isInteger(df) ? String(df) : df.toFixed(1);
}
