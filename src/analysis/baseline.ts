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
import { flagsOf, numbersOf } from "./view-columns";

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
  const y = flagsOf(table, "complied"), total = numbersOf(table, "n_total");
  const w = table.weights(); // a weighted table's row (a cell) stands for w receipts
  // One pass: each row's condition cell, and each model's baseline compliances and receipts.
  // the models first: the cells' grouping then refines theirs (group-by.ts)
  const { groups: models, groupOf: modelOf } = groupBy(table, by);
  const { groups, groupOf } = groupBy(table, fields);
  const modelOfCell = new Int32Array(groups.length);
  const baseX = new Float64Array(models.length), baseN = new Float64Array(models.length);
  baselineSums(groupOf, modelOf, y, total, w, modelOfCell, baseX, baseN);
  const base = models.map((_, m) => ({ complied: baseX[m], n: baseN[m] }));
  // the paired interval's inputs: each cell's and each model's baseline receipts summed per
  // query, as two weighted rows a query (its compliances, y = 1, and refusals, y = 0), the
  // queries in order of first appearance: pairedClusterDifference on these gives the
  // receipts' CR1/CR2 interval (frequency weights) without a list of row indices a cell
  const cellQueries = codes === null ? null : queryTotals(groupOf, groups.length, codes, y, w, null);
  const baseQueries = codes === null ? null : queryTotals(modelOf, models.length, codes, y, w, total);
  const cells = complianceTable(table, fields, conf); // the same groups, in the same order
  // each model's baseline rows, written once: every condition of the model pairs with them
  const baseRows = baseQueries === null ? null : models.map((_, m) => baseQueries.rowsOf(m));
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
    if (cellQueries !== null && baseRows !== null && cluster !== null) {
      const mine = cellQueries.of(g), theirs = baseRows[modelOfCell[g]];
      const len = mine.rows + theirs.ids.length;
      const ids = new Int32Array(len), yy = new Float64Array(len), arm = new Float64Array(len), ww = new Float64Array(len);
      const m = mine.write(ids, yy, ww, 0);
      arm.fill(1, 0, m);
      ids.set(theirs.ids, m); yy.set(theirs.y, m); ww.set(theirs.weights, m);
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

/**
 * Per group (a cell, or a model's baseline), its judged receipts summed per cluster code:
 * compliances and receipts (weighted), clusters in order of first appearance in the table.
 * `only`: rows where this is 0 (n_total, for the baseline); null: every judged row.
 */
function queryTotals(groupOf: Int32Array, groupCount: number, codes: Int32Array, y: Int8Array, w: Float64Array | null, only: Float64Array | null) {
  const n = groupOf.length;
  let maxCode = 0;
  for (let i = 0; i < n; i++) if (codes[i] > maxCode) maxCode = codes[i];
  const width = maxCode + 1, space = groupCount * width;
  const cap = Math.min(n, space);
  const entGroup = new Int32Array(cap), entCode = new Int32Array(cap), entX = new Float64Array(cap), entN = new Float64Array(cap);
  // the passes in functions of typed arrays (they run cold; see group-by.ts's refine)
  const entries = sumByGroupAndCode(groupOf, codes, y, w, only, width, space <= 1 << 23 ? new Int32Array(space).fill(-1) : null, entGroup, entCode, entX, entN);
  // entries by group, in order of first appearance within each (a stable counting sort)
  const start = new Int32Array(groupCount + 1), order = new Int32Array(entries);
  entriesByGroup(entGroup, entries, groupCount, start, order);
  const totals = {
    /** The group's rows for pairedClusterDifference: how many, and a writer from `at`. */
    of(g: number) {
      let rows = 0;
      for (let k = start[g]; k < start[g + 1]; k++) {
        const e = order[k];
        rows += (entX[e] > 0 ? 1 : 0) + (entX[e] < entN[e] ? 1 : 0);
      }
      return {
        rows,
        write(ids: Int32Array, out: Float64Array, weights: Float64Array, at: number): number {
          let r = at;
          for (let k = start[g]; k < start[g + 1]; k++) {
            const e = order[k];
            if (entX[e] > 0) { ids[r] = entCode[e]; out[r] = 1; weights[r++] = entX[e]; }
            if (entX[e] < entN[e]) { ids[r] = entCode[e]; out[r] = 0; weights[r++] = entN[e] - entX[e]; }
          }
          return r - at;
        },
      };
    },
    /** The group's rows written into arrays of their own. */
    rowsOf(g: number) {
      const { rows, write } = totals.of(g);
      const ids = new Int32Array(rows), y = new Float64Array(rows), weights = new Float64Array(rows);
      write(ids, y, weights, 0);
      return { ids, y, weights };
    },
  };
  return totals;
}

/** Each cell's model, and each model's zero-demonstration compliances and receipts (a pass of its own: it runs cold). */
function baselineSums(
  groupOf: Int32Array, modelOf: Int32Array, y: Int8Array, total: Float64Array, w: Float64Array | null,
  modelOfCell: Int32Array, baseX: Float64Array, baseN: Float64Array,
): void {
  for (let i = 0; i < groupOf.length; i++) {
    modelOfCell[groupOf[i]] = modelOf[i];
    if (y[i] < 0 || total[i] !== 0) continue;
    const wi = w === null ? 1 : w[i];
    baseX[modelOf[i]] += y[i] * wi;
    baseN[modelOf[i]] += wi;
  }
}

function sumByGroupAndCode(
  groupOf: Int32Array, codes: Int32Array, y: Int8Array, w: Float64Array | null, only: Float64Array | null, width: number,
  dense: Int32Array | null, entGroup: Int32Array, entCode: Int32Array, entX: Float64Array, entN: Float64Array,
): number {
  const sparse = dense === null ? new Map<number, number>() : null;
  let entries = 0;
  for (let i = 0; i < groupOf.length; i++) {
    if (y[i] < 0 || (only !== null && only[i] !== 0)) continue;
    const key = groupOf[i] * width + codes[i];
    let e = dense !== null ? dense[key] : sparse!.get(key) ?? -1;
    if (e < 0) {
      e = entries++;
      if (dense !== null) dense[key] = e;
      else sparse!.set(key, e);
      entGroup[e] = groupOf[i];
      entCode[e] = codes[i];
    }
    const wi = w === null ? 1 : w[i];
    entX[e] += y[i] * wi;
    entN[e] += wi;
  }
  return entries;
}

function entriesByGroup(entGroup: Int32Array, entries: number, groupCount: number, start: Int32Array, order: Int32Array): void {
  for (let e = 0; e < entries; e++) start[entGroup[e] + 1]++;
  for (let g = 0; g < groupCount; g++) start[g + 1] += start[g];
  const next = start.slice(0, groupCount);
  for (let e = 0; e < entries; e++) order[next[entGroup[e]]++] = e;
}

/** Degrees of freedom for a label: whole numbers as they are, others to one decimal. */
function formatDf(df: number): string {
  return Number.isInteger(df) ? String(df) : df.toFixed(1);
}
