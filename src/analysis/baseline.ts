/**
 * Baseline: compliance with no demonstrations, per model, with a Wilson interval; and every
 * condition's compliance relative to it: the difference with Newcombe's hybrid score interval
 * (`diff_low`, `diff_high`: the two samples as independent) and, when queries are known, a
 * paired query-level interval beside it (`paired_low`, `paired_high`).
 *
 * Why paired: the baseline asks the same queries as the conditions, so a query that is easy
 * to get a compliance from raises both rates, and their difference varies less (or, when
 * queries react to the demonstrations each their own way, more) than Newcombe assumes
 * (docs/inference.md). The paired interval is `pairedClusterDifference` on the condition's
 * and the baseline's receipts, clustered by query: the CR1 sandwich of y ~ [in the condition]
 * with a t(G - 1) reference, or CR2 with a Satterthwaite t below CR2_BELOW_CLUSTERS (42)
 * queries ("auto"), exactly `sandwich::vcovCL(lm(...), type = "HC1")` / clubSandwich's
 * `coef_test` and `conf_int`. `cluster: null` leaves it out.
 */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import { newcombeDifference, pairedClusterDifference, type PairedClusterDifference } from "../stats";
import { complianceCounts, complianceTable, type ComplianceRow } from "./compliance-table";
import { groupBy } from "./group-by";
import { clusterCodesOf, resolveCluster, type ClusterType } from "./hypothesis-fit";
import { zeroDemonstrationRows } from "./subsets";

/** A condition, with the fields figures and tables want beside it (functions of the counts add no groups). */
const RELATIVE_CONDITION_FIELDS: readonly ReceiptFieldName[] = ["training_stage", "n_benign", "n_harmful", "n_total", "harmful_fraction", "schedule", "format_cue"];

export interface BaselineOptions {
  /** Fields that identify a model (default ["model"]). */
  readonly by?: readonly ReceiptFieldName[];
  readonly confLevel?: number;
}

export interface RelativeToBaselineOptions extends BaselineOptions {
  readonly conditionFields?: readonly ReceiptFieldName[];
  /**
   * Field whose values pair the condition's receipts with the baseline's. Default (undefined):
   * "query_id" when the receipts have query ids, else none; null: no paired interval.
   */
  readonly cluster?: ReceiptFieldName | null;
  /** "auto" (default; CR2 + Satterthwaite below 42 clusters, else CR1), "CR1" or "CR2". */
  readonly clusterType?: ClusterType;
}

export type BaselineRow = ComplianceRow;

export type RelativeRow = ComplianceRow & {
  baseline_rate: number | null;
  difference: number | null;
  /** Newcombe's hybrid score interval (independent samples). */
  diff_low: number | null;
  diff_high: number | null;
  /** "Newcombe (independent samples)", or null when there is no difference. */
  diff_interval: string | null;
  /** The paired, query-level interval of the same difference (null without queries or with cluster: null). */
  paired_low: number | null;
  paired_high: number | null;
  paired_std_error: number | null;
  paired_p_value: number | null;
  /** Degrees of freedom of its t reference: G - 1 (CR1) or Satterthwaite's (CR2). */
  paired_df: number | null;
  paired_clusters: number | null;
  /** "paired by query_id (CR1, t with 119 df; 118 of 120 queries in both the condition and the baseline)". */
  paired_interval: string | null;
  /** The paired interval's errors: "CR1 by query_id (120 clusters)", "CR2 + Satterthwaite by ...", or "Newcombe (independent samples)" when there is none. */
  std_error_type: string | null;
  /** Why there is no paired interval when queries are known (too few queries, ...), else null. */
  paired_note: string | null;
};

export function baselineCompliance(table: ReceiptTable, options: BaselineOptions = {}): BaselineRow[] {
  return complianceTable(zeroDemonstrationRows(table), options.by ?? ["model"], options.confLevel);
}

const NO_PAIRED = { paired_low: null, paired_high: null, paired_std_error: null, paired_p_value: null, paired_df: null, paired_clusters: null, paired_interval: null } as const;

/** Each condition's compliance minus its model's zero-demonstration compliance. */
export function relativeToBaseline(table: ReceiptTable, options: RelativeToBaselineOptions = {}): RelativeRow[] {
  const by = options.by ?? ["model"];
  const conf = options.confLevel ?? 0.95;
  const fields = [...new Set([...by, ...(options.conditionFields ?? RELATIVE_CONDITION_FIELDS)])];
  const cluster = resolveCluster(table, options.cluster);
  const codes = cluster === null ? null : clusterCodesOf(table, cluster);
  const y = table.flags("complied"), total = table.numbers("n_total");
  const w = table.weights(); // a weighted table's row (a cell) stands for w receipts
  // One pass: each row's condition cell, and the judged baseline rows of each model.
  const { groups, groupOf } = groupBy(table, fields);
  const { groups: models, groupOf: modelOf } = groupBy(table, by);
  const members: number[][] = groups.map(() => []);
  const baseRows: number[][] = models.map(() => []);
  const modelOfCell = new Int32Array(groups.length);
  for (let i = 0; i < groupOf.length; i++) {
    modelOfCell[groupOf[i]] = modelOf[i];
    if (y[i] < 0) continue;
    members[groupOf[i]].push(i);
    if (total[i] === 0) baseRows[modelOf[i]].push(i);
  }
  const base = models.map((_, m) => {
    const rows = baseRows[m];
    let x = 0, n = 0;
    if (w === null) {
      for (const i of rows) x += y[i];
      n = rows.length;
    } else for (const i of rows) {
      x += y[i] * w[i];
      n += w[i];
    }
    return { complied: x, n };
  });
  // each model's baseline cluster codes and outcomes, gathered once for all its cells
  const baseGathered = new Map<number, { ids: Int32Array; y: Float64Array; w: Float64Array | null }>();
  const baseArrays = (model: number, rows: number[]) => {
    let made = baseGathered.get(model);
    if (made === undefined) {
      made = { ids: new Int32Array(rows.length), y: new Float64Array(rows.length), w: w === null ? null : new Float64Array(rows.length) };
      for (let k = 0; k < rows.length; k++) {
        made.ids[k] = codes![rows[k]];
        made.y[k] = y[rows[k]];
      }
      if (made.w !== null) for (let k = 0; k < rows.length; k++) made.w[k] = w![rows[k]];
      baseGathered.set(model, made);
    }
    return made;
  };
  const cells = complianceTable(table, fields, conf); // the same groups, in the same order
  const out: RelativeRow[] = [];
  cells.forEach((c, g) => {
    if ((c.n_benign as number) + (c.n_harmful as number) <= 0) return;
    const b = base[modelOfCell[g]];
    if (b.n === 0 || c.n === 0) {
      out.push({ ...c, baseline_rate: b.n === 0 ? null : complianceCounts(b.complied, b.n, 0).rate, difference: null, diff_low: null, diff_high: null, diff_interval: null, ...NO_PAIRED, std_error_type: null, paired_note: null });
      return;
    }
    const d = newcombeDifference(c.complied, c.n, b.complied, b.n, conf);
    let paired: PairedClusterDifference | null = null, note: string | null = null;
    if (codes !== null && cluster !== null) {
      // the condition's rows then the baseline's, gathered in plain loops (TypedArray.from
      // with a map function costs a call per row, and the baseline rows recur in every cell)
      const inCell = members[g], inBase = baseRows[modelOfCell[g]];
      const m = inCell.length, len = m + inBase.length;
      const ids = new Int32Array(len), yy = new Float64Array(len), arm = new Float64Array(len);
      for (let k = 0; k < m; k++) {
        const i = inCell[k];
        ids[k] = codes[i];
        yy[k] = y[i];
        arm[k] = 1;
      }
      const b0 = baseArrays(modelOfCell[g], inBase);
      ids.set(b0.ids, m);
      yy.set(b0.y, m);
      let ww: Float64Array | undefined;
      if (w !== null) {
        ww = new Float64Array(len);
        for (let k = 0; k < m; k++) ww[k] = w[inCell[k]];
        ww.set(b0.w!, m);
      }
      try {
        paired = pairedClusterDifference(yy, arm, ids, conf, options.clusterType ?? "auto", ww);
      } catch (e) {
        note = `no paired interval: ${(e as Error).message}`;
      }
    }
    out.push({
      ...c, baseline_rate: b.complied / b.n, difference: d.estimate, diff_low: d.conf_low, diff_high: d.conf_high, diff_interval: "Newcombe (independent samples)",
      ...(paired === null ? NO_PAIRED : {
        paired_low: paired.conf_low, paired_high: paired.conf_high, paired_std_error: paired.std_error, paired_p_value: paired.p_value,
        paired_df: paired.df, paired_clusters: paired.clusters,
        paired_interval: `paired by ${cluster} (${paired.vcov_type === "CR2" ? "CR2, Satterthwaite" : "CR1,"} t with ${formatDf(paired.df)} df; ${paired.paired_clusters} of ${paired.clusters} queries in both the condition and the baseline)`,
      }),
      std_error_type: paired === null ? "Newcombe (independent samples)" : `${paired.vcov_type === "CR2" ? "CR2 + Satterthwaite" : "CR1"} by ${cluster} (${paired.clusters} clusters)`,
      paired_note: note,
    });
  });
  return out;
}

/** Degrees of freedom for a label: whole numbers as they are, others to one decimal. */
function formatDf(df: number): string {
  return Number.isInteger(df) ? String(df) : df.toFixed(1);
}
