/**
 * Ordering: at each condition with both kinds of demonstration and several schedules,
 * compliance per schedule (Wilson intervals), the suffix-minus-prefix difference (Newcombe
 * interval), a chi-square test that schedule matters, and the schedules ranked.
 */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import { chiSquareHomogeneity, newcombeDifference } from "../stats";
import { complianceTable, type ComplianceRow } from "./compliance-table";
import type { GroupValues } from "./group-by";
import { orderedRows } from "./subsets";

export interface OrderingOptions {
  readonly by?: readonly ReceiptFieldName[];
  readonly alpha?: number;
  readonly confLevel?: number;
}

export type ScheduleRow = ComplianceRow & { rank: number };

export type OrderingTestRow = GroupValues & {
  n_benign: number;
  n_harmful: number;
  harmful_fraction: number;
  schedules: number;
  statistic: number;
  df: number;
  p_value: number;
  schedule_matters: boolean;
  suffix_minus_prefix: number | null;
  diff_low: number | null;
  diff_high: number | null;
  ranking: string;
};

export interface OrderingResult {
  readonly schedules: ScheduleRow[];
  readonly tests: OrderingTestRow[];
}

export function ordering(table: ReceiptTable, options: OrderingOptions = {}): OrderingResult {
  const by = options.by ?? ["model"];
  const alpha = options.alpha ?? 0.05;
  const conditionFields: ReceiptFieldName[] = [...by, "n_benign", "n_harmful", "harmful_fraction"];
  const cells = complianceTable(orderedRows(table), [...conditionFields, "schedule"], options.confLevel);
  const groups = new Map<string, ComplianceRow[]>();
  for (const c of cells) {
    if (c.n === 0) continue;
    const key = conditionFields.map((f) => String(c[f])).join("\x1f");
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const schedules: ScheduleRow[] = [];
  const tests: OrderingTestRow[] = [];
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    const ranked = [...list].sort((a, b) => (b.rate as number) - (a.rate as number));
    ranked.forEach((c, r) => schedules.push({ ...c, rank: r + 1 }));
    const test = chiSquareHomogeneity(list.map((c) => c.complied), list.map((c) => c.n));
    const suffix = list.find((c) => c.schedule === "suffix"), prefix = list.find((c) => c.schedule === "prefix");
    const diff = suffix && prefix ? newcombeDifference(suffix.complied, suffix.n, prefix.complied, prefix.n, options.confLevel) : null;
    const first = list[0];
    const group: GroupValues = {};
    for (const f of by) group[f] = first[f];
    tests.push({
      ...group,
      n_benign: first.n_benign as number, n_harmful: first.n_harmful as number, harmful_fraction: first.harmful_fraction as number,
      schedules: list.length, statistic: test.statistic, df: test.df, p_value: test.p_value, schedule_matters: test.p_value < alpha,
      suffix_minus_prefix: diff?.estimate ?? null, diff_low: diff?.conf_low ?? null, diff_high: diff?.conf_high ?? null,
      ranking: ranked.map((c) => c.schedule).join(" > "),
    });
  }
  return { schedules, tests };
}
