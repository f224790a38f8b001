/**
 * A power-law curve of compliance against demonstration count, per group (default per
 * model): rate = a * x^b, fitted by least squares on log(rate) ~ log(x) with ml-regression's
 * PowerRegression, so `log(a)` and `b` are exactly R's `coef(lm(log(rate) ~ log(x)))` and
 * `r2` its `summary(...)$r.squared` (the log-log R^2, the squared correlation of log x and
 * log rate, from simple-statistics).
 *
 * x is `n_harmful` on receipts with no benign demonstrations (default), or `n_total` on
 * every receipt; both in the default condition (no format cue, default order; subsets.ts).
 * The fit is descriptive (unweighted, one point per count): it says how steeply compliance
 * grows with the count, not how sure that is; the count models (hypothesis-fit.ts) test it.
 *
 * Points with x = 0 or a rate of 0 have no logarithm and are skipped; `note` says how many.
 */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import { sampleCorrelation } from "simple-statistics";
import { complianceTable } from "./compliance-table";
import type { GroupValues } from "./group-by";
import { defaultConditionRows } from "./subsets";

// ml-regression ships no type declarations: the one class used here, typed by hand
const { PowerRegression } = require("ml-regression") as {
  PowerRegression: new (x: number[], y: number[]) => { readonly A: number; readonly B: number; predict(x: number): number };
};

export type PowerLawX = "n_total" | "n_harmful";

export interface PowerLawOptions {
  /** Fields that identify a curve (default ["model"]). */
  readonly by?: readonly ReceiptFieldName[];
  /** The count on the x axis (default "n_harmful", on receipts with n_benign = 0). */
  readonly x?: PowerLawX;
}

export interface PowerLawFit {
  /** Scale: the fitted rate at x = 1; null with fewer than two distinct counts. */
  a: number | null;
  /** Exponent: the slope of log(rate) on log(x); null with fewer than two distinct counts. */
  b: number | null;
  /** R^2 of the log-log fit; null when undefined (fewer than two distinct counts, or all rates equal). */
  r2: number | null;
  /** Points the curve was fitted to (x > 0, rate > 0). */
  n_points: number;
}

export type PowerLawRow = GroupValues & PowerLawFit;

export interface PowerLawPointFields {
  /** The count (the value of `x` named in the options). */
  x: number;
  /** Judged receipts (parse errors excluded) and compliances at this count. */
  n: number;
  complied: number;
  rate: number;
  /** a * x^b; null when the group has no fit. */
  fitted: number | null;
}

export type PowerLawPoint = GroupValues & PowerLawPointFields;

export interface PowerLawCurve {
  readonly x: PowerLawX;
  readonly by: readonly ReceiptFieldName[];
  /** One row per group. */
  readonly rows: PowerLawRow[];
  /** The points used, with their fitted rates. */
  readonly points: PowerLawPoint[];
  /** What was left out, and why. */
  readonly note: string;
}

/**
 * @example powerLawCurve(table).rows // [{ model: "A", a: 0.21, b: 0.48, r2: 0.97, n_points: 5 }, ...]
 */
export function powerLawCurve(table: ReceiptTable, options: PowerLawOptions = {}): PowerLawCurve {
  const by = options.by ?? ["model"];
  const x = options.x ?? "n_harmful";
  if (x !== "n_harmful" && x !== "n_total") throw new Error(`powerLawCurve: option x must be "n_harmful" or "n_total"; found ${JSON.stringify(x)}`);
  if (by.includes(x)) throw new Error(`powerLawCurve: option by must not contain the x field "${x}"`);
  let rows = defaultConditionRows(table);
  if (x === "n_harmful") {
    const benign = rows.numbers("n_benign");
    rows = rows.filter((i) => benign[i] === 0);
  }
  const cells = complianceTable(rows, [...by, x]);
  const key = (g: GroupValues) => JSON.stringify(by.map((f) => g[f]));
  const groups = new Map<string, { values: GroupValues; points: PowerLawPoint[] }>();
  let zeroX = 0, zeroRate = 0, unjudged = 0;
  for (const cell of cells) {
    const k = key(cell);
    let group = groups.get(k);
    if (group === undefined) {
      const values: GroupValues = {};
      for (const f of by) values[f] = cell[f];
      groups.set(k, (group = { values, points: [] }));
    }
    const count = cell[x] as number | null;
    if (cell.rate === null) unjudged++;
    else if (count === null || !(count > 0)) zeroX++;
    else if (cell.rate === 0) zeroRate++;
    else group.points.push({ ...group.values, x: count, n: cell.n, complied: cell.complied, rate: cell.rate, fitted: null });
  }
  const out: PowerLawRow[] = [], points: PowerLawPoint[] = [];
  for (const { values, points: ps } of groups.values()) {
    const fit = fitPowerLaw(ps);
    out.push({ ...values, ...fit });
    for (const p of ps) points.push({ ...p, fitted: fit.a === null ? null : fit.a * p.x ** (fit.b as number) });
  }
  const condition = x === "n_harmful" ? "receipts with n_benign = 0 in the default condition" : "receipts in the default condition";
  const skipped = [
    `${zeroX} with ${x} = 0`,
    `${zeroRate} with a compliance rate of 0`,
    ...(unjudged ? [`${unjudged} with no judged receipt`] : []),
  ];
  const note = `power law fitted on log(rate) ~ log(${x}) over ${condition}, one point per ${x}; skipped points (no logarithm): ${skipped.join(", ")}`;
  return { x, by, rows: out, points, note };
}

function fitPowerLaw(points: readonly PowerLawPointFields[]): PowerLawFit {
  const n_points = points.length;
  if (new Set(points.map((p) => p.x)).size < 2) return { a: null, b: null, r2: null, n_points };
  const xs = points.map((p) => p.x), ys = points.map((p) => p.rate);
  const fit = new PowerRegression(xs, ys);
  const lx = xs.map(Math.log), ly = ys.map(Math.log);
  const r2 = ly.every((v) => v === ly[0]) ? null : sampleCorrelation(lx, ly) ** 2;
  return { a: fit.A, b: fit.B, r2, n_points };
}
