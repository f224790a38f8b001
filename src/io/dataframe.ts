/**
 * danfo DataFrames at the edges: every tidy result table in the kit is an array of plain
 * row objects, and this is the one place that turns such rows into a DataFrame.
 *
 * danfojs-node is an optional peer dependency, loaded on the first DataFrame asked for:
 * installed as published it pulls an `xlsx` tarball from a host outside the npm registry
 * (and a native TensorFlow binary), so a plain `npm install safety-receipts` must not
 * depend on it. Everything else in the kit works without it.
 */

/**
 * A danfo DataFrame (danfojs-node), typed by the members the kit and its notebooks use.
 * The kit's declarations do not import danfo's own types: they fail to type-check without
 * `skipLibCheck`, and a user who never asks for a DataFrame need not install danfo. The
 * value is a real danfo DataFrame; for the rest of danfo's API cast it:
 *
 * @example
 * import type { DataFrame as DanfoFrame } from "danfojs-node";
 * const df = receipts.toDataFrame() as unknown as DanfoFrame;
 */
export interface DataFrame {
  /** Column names, in order. */
  readonly columns: string[];
  /** [rows, columns]. */
  readonly shape: number[];
  /** Row labels. */
  readonly index: (string | number)[];
  /** The cells, one array a row. */
  readonly values: unknown[];
  /** The first `rows` rows (danfo's default 5). */
  head(rows?: number): DataFrame;
  /** The last `rows` rows (danfo's default 5). */
  tail(rows?: number): DataFrame;
  /** A selection by row position and column name, e.g. `df.loc({ columns: ["model", "rate"] })`. */
  loc(options: { rows?: unknown; columns?: string[] }): DataFrame;
  /** Print the frame as a table (to the notebook output). */
  print(): void;
  toString(): string;
}

interface DanfoModule {
  DataFrame: new (data: unknown, options?: { columns?: string[] }) => DataFrame;
}

/** What to do when danfo is missing: install it, with the overrides it needs. */
export const DANFO_INSTALL_HINT = [
  "danfojs-node is an optional peer dependency of safety-receipts, needed only for DataFrames.",
  "Install it in your project with these overrides in package.json (one of its dependencies, xlsx, is a",
  "tarball outside the npm registry, and @tensorflow/tfjs-node downloads a native binary):",
  '  "overrides": { "xlsx": "npm:@e965/xlsx@0.20.3", "@tensorflow/tfjs-node": "npm:@tensorflow/tfjs@3.21.0" }',
  "then run: npm install danfojs-node",
  "Every other result is available without it as plain rows (e.g. toRows(), tidy()).",
].join("\n");

let cached: DanfoModule | undefined;

/**
 * danfojs-node, loaded once on first use (with TensorFlow.js behind it, it takes most of a
 * second). Throws an error saying how to install it when it is missing; `load` is for tests.
 */
export function danfo(load: (id: string) => unknown = require): DanfoModule {
  if (cached && load === require) return cached;
  let mod: DanfoModule;
  try {
    mod = load("danfojs-node") as DanfoModule;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    // Only danfo itself missing; a broken install underneath it keeps its own error.
    if (err?.code === "MODULE_NOT_FOUND" && /['"]danfojs-node['"]/.test(err.message)) {
      throw Object.assign(new Error(`toDataFrame: danfojs-node is not installed.\n${DANFO_INSTALL_HINT}`), { code: "RECEIPTS_MISSING_TOOL" });
    }
    throw e;
  }
  if (load === require) cached = mod;
  return mod;
}

/** A tidy table: rows of plain values, one key per column. */
export type TidyRow = Record<string, string | number | boolean | null>;

/**
 * Convert tidy rows to a danfo DataFrame. Columns keep the key order of the first row;
 * `columns` fixes the order (and keeps an empty table's columns). Needs danfojs-node.
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
