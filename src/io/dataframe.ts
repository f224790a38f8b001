/**
 * danfo DataFrames at the edges: every tidy result table in the kit is an array of plain
 * row objects, and this is the one place that turns such rows into a DataFrame.
 */
import type * as Danfo from "danfojs-node";

export type DataFrame = Danfo.DataFrame;

/** danfo (with TensorFlow.js behind it) takes most of a second to load: only when a DataFrame is asked for. */
export function danfo(): typeof Danfo {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require("danfojs-node") as typeof Danfo;
}

/** A tidy table: rows of plain values, one key per column. */
export type TidyRow = Record<string, string | number | boolean | null>;

/**
 * Convert tidy rows to a danfo DataFrame. Columns keep the key order of the first row;
 * `columns` fixes the order (and keeps an empty table's columns).
 */
export function rowsToDataFrame(rows: readonly object[], columns?: readonly string[]): DataFrame {
  const dfd = danfo();
  const cols = columns ?? (rows.length > 0 ? Object.keys(rows[0]) : []);
  const data: Record<string, unknown[]> = {};
  for (const c of cols) data[c] = rows.map((r) => {
    const v = (r as Record<string, unknown>)[c];
    return v === undefined ? null : v;
  });
  if (rows.length === 0) return new dfd.DataFrame([], { columns: [...cols] });
  return new dfd.DataFrame(data);
}
