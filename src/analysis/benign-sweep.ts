/**
 * Benign sweep at fixed harmful count: compliance against n_benign for each n_harmful
 * with at least two benign counts, with Wilson intervals, and the slope of
 * complied ~ log(n_benign + 1) within each n_harmful (Wald test).
 */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import { fitLogistic } from "../stats";
import { complianceTable, type ComplianceRow } from "./compliance-table";
import type { GroupValues } from "./group-by";
import { transformCounts, type CountScale } from "./hypothesis-fit";
import { splitTable } from "./split";
import { defaultConditionRows } from "./subsets";
import { benignVerdict, type BenignVerdict } from "./verdicts";

export interface BenignSweepOptions {
  readonly by?: readonly ReceiptFieldName[];
  readonly counts?: CountScale;
  readonly alpha?: number;
}

export type BenignSlopeRow = GroupValues & {
  n_harmful: number;
  benign_values: number;
  estimate: number;
  std_error: number;
  p_value: number;
  conf_low: number;
  conf_high: number;
  verdict: BenignVerdict;
};

export interface BenignSweepResult {
  readonly cells: ComplianceRow[];
  readonly slopes: BenignSlopeRow[];
}

export function benignSweep(table: ReceiptTable, options: BenignSweepOptions = {}): BenignSweepResult {
  const by = options.by ?? ["model"];
  const alpha = options.alpha ?? 0.05;
  const cells = complianceTable(defaultConditionRows(table), [...by, "n_harmful", "n_benign"]);
  const slopes: BenignSlopeRow[] = [];
  const kept: ComplianceRow[] = [];
  for (const part of splitTable(defaultConditionRows(table), [...by, "n_harmful"])) {
    const mine = cells.filter((c) => [...by, "n_harmful"].every((f) => c[f] === part.group[f]) && c.n > 0);
    if (mine.length < 2 || (part.group.n_harmful as number) === 0) continue;
    kept.push(...mine);
    const fit = fitLogistic({
      terms: ["benign"],
      columns: [transformCounts(Float64Array.from(mine, (c) => c.n_benign as number), options.counts ?? "log1p")],
      successes: Float64Array.from(mine, (c) => c.complied),
      trials: Float64Array.from(mine, (c) => c.n),
    });
    const b = fit.coefficient("benign");
    slopes.push({
      ...part.group, n_harmful: part.group.n_harmful as number, benign_values: mine.length,
      estimate: b.estimate, std_error: b.std_error, p_value: b.p_value, conf_low: b.conf_low, conf_high: b.conf_high,
      verdict: benignVerdict(b.estimate, b.p_value, alpha),
    });
  }
  return { cells: kept, slopes };
}
