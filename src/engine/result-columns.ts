/**
 * Numeric columns of a DuckDB result as typed arrays, copied chunk by chunk out of DuckDB's
 * vectors, plus single values read where they are needed. Why not `getRowObjectsJS`: the
 * sufficient statistics have one row per (group, cluster, pattern), 100k to 300k rows for
 * receipt designs, and building an object a row (strings, bigints) cost the engine more than
 * DuckDB's scan of the file.
 *
 * The fast path copies a vector's data array in one `set`. `@duckdb/node-api` keeps that
 * array and the validity mask as (TypeScript-)private fields, so they are checked before use:
 * when either is not what this file expects (another version of the package, a vector with
 * nulls) the column is read value by value through the public `getItem`, nulls as NaN (as -1
 * in an integer column, which no code the engine asks for takes). Only
 * types are imported from the package here, so this file loads nothing.
 */
import type { DuckDBMaterializedResult, DuckDBVector } from "@duckdb/node-api";

export interface ResultColumns {
  readonly rows: number;
  /** Column name -> values, for the columns asked for. */
  readonly numbers: ReadonlyMap<string, Float64Array | Int32Array>;
  /** The value of column `name` at `row` (any type, as `getItem` returns it). */
  valueAt(name: string, row: number): unknown;
}

/** What a numeric column is read into. */
export type NumericKind = "float64" | "int32";

/** Read the named numeric columns of a materialized result. Throws for a column the result lacks. */
export function readResultColumns(result: DuckDBMaterializedResult, numeric: Readonly<Record<string, NumericKind>>): ResultColumns {
  const names = result.columnNames();
  const index = new Map(names.map((n, i) => [n, i]));
  const columnIndex = (name: string): number => {
    const i = index.get(name);
    if (i === undefined) throw new Error(`engine: the result has no column ${JSON.stringify(name)} (columns: ${names.join(", ")})`);
    return i;
  };
  const rows = result.rowCount;
  const chunkCount = result.chunkCount;
  const wanted = Object.entries(numeric).map(([name, kind]) => ({ name, kind, column: columnIndex(name) }));
  const out = wanted.map(({ kind }) => (kind === "float64" ? new Float64Array(rows) : new Int32Array(rows)));
  const starts = new Float64Array(chunkCount + 1);
  let offset = 0;
  for (let c = 0; c < chunkCount; c++) {
    const chunk = result.getChunk(c);
    const size = chunk.rowCount;
    starts[c] = offset;
    wanted.forEach((w, j) => copyVector(chunk.getColumnVector(w.column), size, out[j], offset));
    offset += size;
  }
  starts[chunkCount] = offset;
  if (offset !== rows) throw new Error(`engine: the result's chunks hold ${offset} rows, not ${rows}`);
  return {
    rows,
    numbers: new Map(wanted.map((w, j) => [w.name, out[j]])),
    valueAt(name: string, row: number): unknown {
      if (!(row >= 0 && row < rows)) throw new RangeError(`engine: row ${row} of a result of ${rows}`);
      // chunks are few (a result of 300k rows has about 150): a binary search over their starts
      let lo = 0, hi = chunkCount - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= row) lo = mid; else hi = mid - 1;
      }
      return result.getChunk(lo).getColumnVector(columnIndex(name)).getItem(row - starts[lo]);
    },
  };
}

/** Copy `size` values of a vector into `into` at `offset`. */
function copyVector(vector: DuckDBVector, size: number, into: Float64Array | Int32Array, offset: number): void {
  const inside = vector as unknown as { items?: unknown; validity?: { data?: unknown } };
  const items = inside.items;
  const sameType = into instanceof Float64Array ? items instanceof Float64Array : items instanceof Int32Array;
  if (sameType && (items as Float64Array | Int32Array).length === size && inside.validity !== undefined && inside.validity.data === null) {
    into.set(items as ArrayLike<number>, offset);
    return;
  }
  for (let i = 0; i < size; i++) {
    const v = vector.getItem(i);
    into[offset + i] = v === null || v === undefined ? (into instanceof Float64Array ? NaN : -1) : Number(v);
  }
}
