/**
 * The frame both N-sweep figures share (the main sweep and its baseline-relative twin):
 * rows checked and labelled, one panel per model on a log2 N axis, a line per harmful
 * fraction dodged sideways so neighbouring intervals do not overlap.
 */
import type * as Plotly from "plotly.js";
import { facetGrid, type FacetGrid } from "./facets";
import type { ComplianceCellInput } from "./inputs";
import { assertUniqueRows, distinct, distinctSorted, groupBy, modelStageLabeller, requireRows, selectKeys } from "./rows";

/** Horizontal offset between neighbouring lines, in doublings. */
const DODGE_LOG2 = 0.05;

export interface SweepGrid<R extends ComplianceCellInput> {
  /** Rows with at least one demonstration. */
  readonly swept: R[];
  /** Panel key of a row: the model, or "model (stage)". */
  readonly label: (r: R) => string;
  readonly fractions: number[];
  readonly totals: number[];
  readonly grid: FacetGrid;
  /** Every row of each panel, including the zero-demonstration rows. */
  readonly byPanel: Map<string, R[]>;
  /** Multiply N by this to dodge the i-th fraction's line. */
  dodge(i: number): number;
}

export function sweepGrid<R extends ComplianceCellInput>(
  fn: string,
  rows: readonly R[],
  what: string,
  options: { models?: readonly string[]; columns?: number },
  yTitle: string,
  yaxis: Partial<Plotly.LayoutAxis>,
): SweepGrid<R> {
  requireRows(fn, rows, what);
  const swept = rows.filter((r) => r.n_total > 0 && r.harmful_fraction !== null);
  requireRows(fn, swept, `${what} with n_total > 0`);
  const label = modelStageLabeller(rows);
  assertUniqueRows(
    fn,
    rows,
    (r) => `${label(r)}, harmful_fraction=${r.harmful_fraction}, n_total=${r.n_total}`,
    "filter rows to one schedule and one format cue first",
  );
  const models = selectKeys(fn, "model", distinct(swept.map(label)), options.models);
  const fractions = distinctSorted(swept.map((r) => r.harmful_fraction as number));
  const totals = distinctSorted(swept.map((r) => r.n_total));
  const grid = facetGrid(models, {
    columns: options.columns ?? 2,
    xTitle: "Total demonstrations N (log\u2082 scale)",
    yTitle,
    xaxis: {
      type: "log",
      tickvals: totals,
      ticktext: totals.map(String),
      range: [Math.log10(totals[0]) - 0.12, Math.log10(totals[totals.length - 1]) + 0.12],
    },
    yaxis,
  });
  return {
    swept, label, fractions, totals, grid,
    byPanel: groupBy([...rows], label),
    dodge: (i) => Math.pow(2, (i - (fractions.length - 1) / 2) * DODGE_LOG2),
  };
}
