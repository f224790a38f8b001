/**
 * The kit's in-memory receipt table: an Arrow table in the schema declared by
 * `receipt/fields.ts`, with the provenance of the files it came from and the problems
 * found while loading. Analyses read typed columns from it; notebook users get a danfo
 * DataFrame from `toDataFrame()` and can come back with `ReceiptTable.fromDataFrame()`.
 * A table may be weighted (`withRowWeights`): each row then stands for `weights()[i]`
 * identical receipts, a cell, and analyses count it that many times.
 */
import { makeData, RecordBatch, Struct, Table, type Vector } from "apache-arrow";
import { RECEIPT_FIELDS, type FieldSpec, type ReceiptFieldName } from "../receipt/fields";
import type { ValidationIssue } from "../receipt/issues";
import type { Receipt } from "../receipt/types";
import { rowsToDataFrame, type DataFrame } from "./dataframe";
import { columnFlags, columnValues, isValidAt } from "./column-values";
import { takeRows } from "./take";
import type { DictionaryCodes } from "./dictionary-index";

export type ReceiptFormat = "jsonl" | "csv" | "arrow" | "parquet";

/** Where rows came from: one entry per loaded file (or in-memory input). */
export interface SourceFile {
  readonly path: string | null;
  /** The file's format; `import:<tool>` for another tool's log read by `receipts import` (e.g. `import:inspect`). */
  readonly format: ReceiptFormat | "memory" | "dataframe" | `import:${string}`;
  /**
   * SHA-256 of the file's bytes, for the result receipt's provenance. For a file loaded from
   * a path (any format) it is computed when first read (then kept), and reading it throws if
   * the file changed since it was loaded or is a pipe or device; null for in-memory input.
   */
  readonly sha256: string | null;
  readonly rowsRead: number;
  readonly rowsKept: number;
  readonly issues: number;
}

/**
 * Codes of a dictionary-encoded column: `codes[i]` indexes `labels`, -1 for null. Int32
 * whatever index width the table stores the column in (analyses index arrays with them).
 */
export interface DictionaryColumn {
  readonly codes: Int32Array;
  readonly labels: readonly string[];
}

/** Columns of a loaded table that are filled in on first use, and the fields a load read. */
export interface LazyColumns {
  /** Computes the receipt_key column (the loaders hash keys their own, cheaper way). */
  readonly receiptKey?: () => Vector;
  /**
   * Columns computed the first time anything reads them (receipt_key and the derived
   * n_total, harmful_fraction, complied of a load), by field name: the table holds a
   * placeholder for each until then, so a load's resident table is only what it read.
   */
  readonly computed?: Readonly<Record<string, () => Vector>>;
  /** The fields read (`LoadOptions.columns`), or null for all; reading another one throws. */
  readonly loaded?: ReadonlySet<string> | null;
  /**
   * Row weights: row i stands for `weights[i]` identical receipts (a cell of grouped receipts,
   * e.g. from the DuckDB engine's GROUP BY). Omitted: every row is one receipt.
   */
  readonly weights?: Float64Array | null;
}

/**
 * The base table of a loaded table and its columns not computed yet (`LazyColumns.computed`),
 * shared by every cache over it (a reweighted table's too), so each is computed once.
 */
interface BaseTable {
  table: Table;
  readonly pending: Map<string, () => Vector>;
}

/**
 * Full columns decoded once per loaded table and shared by every view of it, so that
 * filtering and splitting (which analyses do a lot) gather from typed arrays instead of
 * re-decoding Arrow buffers. Holds the base table, with its lazy columns (receipt_key,
 * the derived fields of a load) computed when first read.
 */
class ColumnCache {
  readonly numbers = new Map<string, Float64Array>();
  readonly flags = new Map<string, Int8Array>();
  readonly dictionaries = new Map<string, DictionaryColumn>();
  readonly values = new Map<string, unknown[]>();
  /** Values derived from full columns by `sharedRowCodes`, by key. */
  readonly derived = new Map<string, { codes: Int32Array } | null>();
  /** The whole loaded table as a ReceiptTable (what `sharedRowCodes` derives from). */
  full: ReceiptTable | null = null;
  private readonly base_: BaseTable;
  readonly loaded: ReadonlySet<string> | null;
  /** Receipts a row stands for, or null when every row is one receipt. */
  readonly weights: Float64Array | null;
  constructor(arrow: Table, lazy: LazyColumns = {}, shared?: BaseTable) {
    if (shared !== undefined) this.base_ = shared;
    else {
      const pending = new Map<string, () => Vector>(Object.entries(lazy.computed ?? {}));
      if (lazy.receiptKey !== undefined) pending.set("receipt_key", lazy.receiptKey);
      this.base_ = { table: arrow, pending };
    }
    this.loaded = lazy.loaded ?? null;
    const w = lazy.weights ?? null;
    if (w !== null) {
      if (w.length !== arrow.numRows) throw new Error(`ReceiptTable: ${w.length} weights for ${arrow.numRows} rows`);
      for (let i = 0; i < w.length; i++) {
        if (!(w[i] > 0 && Number.isFinite(w[i]))) throw new Error(`ReceiptTable: the weight of row ${i + 1} is ${w[i]}; a row stands for a positive number of receipts`);
      }
    }
    this.weights = w;
  }
  /** The same base table and lazy columns with other row weights (null: one receipt a row). */
  reweighted(weights: Float64Array | null): ColumnCache {
    return new ColumnCache(this.base_.table, { loaded: this.loaded, weights }, this.base_);
  }
  /** The base table with the lazy columns `names` filled in (all of them when omitted). */
  private filled(names?: readonly string[]): Table {
    const { pending } = this.base_;
    const todo = (names ?? [...pending.keys()]).filter((n) => pending.has(n));
    if (todo.length === 0) return this.base_.table;
    const made = new Map<string, Vector>();
    for (const name of todo) {
      made.set(name, pending.get(name)!());
      pending.delete(name);
    }
    const t = this.base_.table, schema = t.schema;
    const children = schema.fields.map((f) => (made.get(f.name) ?? t.getChild(f.name)!).data[0]);
    this.base_.table = new Table([new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: t.numRows, nullCount: 0, children }))]);
    return this.base_.table;
  }
  /** The base table with every column filled in. */
  get arrow(): Table {
    return this.filled();
  }
  /** The base table as it is (lazy columns possibly not filled in yet). */
  get base(): Table {
    return this.base_.table;
  }
  get numRows(): number {
    return this.base_.table.numRows;
  }
  /** One base column (a field not loaded throws, naming the option). */
  child(name: string): Vector | null {
    if (this.loaded !== null && !this.loaded.has(name) && this.base_.table.schema.fields.some((f) => f.name === name)) {
      throw new Error(`ReceiptTable: the field ${name} was not loaded (loadReceipts read only ${[...this.loaded].join(", ")}); add it to the columns option`);
    }
    return this.filled([name]).getChild(name);
  }
}

/**
 * A ReceiptTable is a view: a base Arrow table plus an optional selection of its rows.
 * `take`, `filter` and `where` compose selections without copying columns; the Arrow table
 * of a view is materialised only when asked for (`arrow`, `column`, the writers).
 */
export class ReceiptTable {
  readonly sources: readonly SourceFile[];
  readonly issues: readonly ValidationIssue[];
  private readonly cache: ColumnCache;
  private readonly selection: Int32Array | null;
  private readonly materialised: { table?: Table } = {};

  constructor(arrow: Table, sources: readonly SourceFile[] = [], issues: readonly ValidationIssue[] = [], view?: { cache: ColumnCache; selection: Int32Array | null }, lazy?: LazyColumns) {
    this.sources = sources;
    this.issues = issues;
    this.cache = view?.cache ?? new ColumnCache(arrow, lazy);
    this.selection = view?.selection ?? null;
    views.set(this, { cache: this.cache, selection: this.selection });
    Object.freeze(this);
  }

  /** The fields this table holds: all of them, or those a load with `columns` read. */
  get loadedFields(): ReceiptFieldName[] {
    const loaded = this.cache.loaded;
    return this.fieldNames.filter((f) => loaded === null || loaded.has(f));
  }

  /**
   * The rows as an Arrow table in the receipt schema (built on first use for a filtered
   * view). Fields a load with `columns` did not read are all null here.
   */
  get arrow(): Table {
    if (this.selection === null) return this.cache.arrow;
    if (this.materialised.table === undefined) {
      const base = this.cache.arrow, sel = this.selection!;
      // one record batch from the gathered columns, so the schema (nullability, metadata) is
      // exactly the base table's even for an empty selection
      const children = base.schema.fields.map((f) => takeRows(base.getChild(f.name)!, sel).data[0]);
      const batch = new RecordBatch(base.schema, makeData({ type: new Struct(base.schema.fields), length: sel.length, nullCount: 0, children }));
      this.materialised.table = new Table([batch]);
    }
    return this.materialised.table;
  }

  /** Rows of the table: receipts, or cells of receipts when the table is weighted (`weights()`). */
  get numRows(): number {
    return this.selection === null ? this.cache.numRows : this.selection.length;
  }

  /**
   * How many receipts each row stands for, or null when every row is one receipt (tables
   * loaded from receipt files). A weighted row is a cell: `w` receipts identical in every
   * field the analyses read; analyses count it `w` times (see `receiptCount`). The writers,
   * `toRows()` and `toDataFrame()` give the rows (cells), without their weights.
   */
  weights(): Float64Array | null {
    const full = this.cache.weights;
    if (full === null) return null;
    return this.selection === null ? full.slice() : gatherFloat64(full, this.selection);
  }

  /** Receipts the table stands for: the sum of the row weights (numRows when unweighted). */
  get receiptCount(): number {
    const full = this.cache.weights;
    if (full === null) return this.numRows;
    let s = 0;
    if (this.selection === null) for (let i = 0; i < full.length; i++) s += full[i];
    else for (let k = 0; k < this.selection.length; k++) s += full[this.selection[k]];
    return s;
  }

  /** Field names in schema order. */
  get fieldNames(): ReceiptFieldName[] {
    return RECEIPT_FIELDS.map((f) => f.name);
  }

  column(name: ReceiptFieldName): Vector {
    this.cache.child(name); // throws for a field not loaded
    const v = this.arrow.getChild(name);
    if (v === null) throw new Error(`ReceiptTable.column: no column named ${name}`);
    return v;
  }

  private baseColumn(name: ReceiptFieldName): Vector {
    const v = this.cache.child(name);
    if (v === null) throw new Error(`ReceiptTable: no column named ${name}`);
    return v;
  }

  private gather<T extends { length: number; [i: number]: unknown }>(full: T, make: (n: number) => T): T {
    const sel = this.selection;
    if (sel === null) return full;
    const out = make(sel.length);
    for (let k = 0; k < sel.length; k++) out[k] = full[sel[k]];
    return out;
  }

  /** An integer or number column as float64, NaN where null. */
  numbers(name: ReceiptFieldName): Float64Array {
    let full = this.cache.numbers.get(name);
    if (full === undefined) {
      const v = this.baseColumn(name);
      full = new Float64Array(v.length);
      let k = 0;
      for (const d of v.data) {
        const vals = d.values as ArrayLike<number>;
        // no nulls (the usual case): no validity test a row
        if (d.nullCount === 0) for (let i = 0; i < d.length; i++, k++) full[k] = vals[i];
        else for (let i = 0; i < d.length; i++, k++) full[k] = !isValidAt(d, i) ? NaN : vals[i];
      }
      this.cache.numbers.set(name, full);
    }
    return this.selection === null ? full.slice() : gatherFloat64(full, this.selection);
  }

  /** A boolean column as 1, 0, or -1 for null. */
  flags(name: ReceiptFieldName): Int8Array {
    let full = this.cache.flags.get(name);
    if (full === undefined) {
      full = columnFlags(this.baseColumn(name));
      this.cache.flags.set(name, full);
    }
    return this.selection === null ? full.slice() : gatherInt8(full, this.selection);
  }

  /** A dictionary-encoded column (run fields, enums, sources) as codes and labels. */
  dictionary(name: ReceiptFieldName): DictionaryColumn {
    let full = this.cache.dictionaries.get(name);
    if (full === undefined) {
      const v = this.baseColumn(name);
      if (v.data.length === 0) full = { codes: new Int32Array(0), labels: [] };
      else {
        const labels: string[] = v.data[0].dictionary ? (Array.from(v.data[0].dictionary.toArray()) as string[]) : [];
        // Int32 codes whatever the column's index width (Int8, Int16 or Int32: see
        // dictionary-index.ts), widened once here and shared by every view of the table
        const codes = new Int32Array(v.length);
        let k = 0;
        for (const d of v.data) {
          if (d.dictionary !== v.data[0].dictionary) throw new Error(`ReceiptTable.dictionary: column ${name} has several dictionaries; rebuild the table`);
          const vals = d.values as DictionaryCodes;
          if (d.nullCount === 0) { codes.set(vals.subarray(0, d.length), k); k += d.length; }
          else for (let i = 0; i < d.length; i++, k++) codes[k] = !isValidAt(d, i) ? -1 : vals[i];
        }
        full = { codes, labels };
      }
      this.cache.dictionaries.set(name, full);
    }
    return { codes: this.selection === null ? full.codes.slice() : gatherInt32(full.codes, this.selection), labels: full.labels };
  }

  /** Any column as plain JavaScript values (strings, numbers, booleans, arrays, null). */
  values(name: ReceiptFieldName): unknown[] {
    let full = this.cache.values.get(name);
    if (full === undefined) {
      full = columnValues(this.baseColumn(name));
      this.cache.values.set(name, full);
    }
    return this.selection === null ? full.slice() : this.gather(full, (n) => new Array(n));
  }

  /** Distinct non-null values of a column, in first-seen order. */
  distinct(name: ReceiptFieldName): unknown[] {
    return [...new Set(this.values(name).filter((x) => x !== null))];
  }

  /** Rows at these indices, in this order (a view: no column is copied). */
  take(indices: Int32Array | number[]): ReceiptTable {
    const sel = this.selection;
    // a plain loop: TypedArray.from with a map function costs a call per row
    const composed = new Int32Array(indices.length);
    if (sel === null) composed.set(indices);
    else for (let k = 0; k < indices.length; k++) composed[k] = sel[indices[k]];
    return new ReceiptTable(this.cache.base, this.sources, this.issues, { cache: this.cache, selection: composed });
  }

  /** Rows for which the predicate holds; it receives the row index, so it can read typed columns fetched once. */
  filter(predicate: ((row: number) => boolean) | ArrayLike<boolean | number>): ReceiptTable {
    // kept rows written into one Int32Array (no growing list of boxed numbers to copy)
    const n = this.numRows;
    const keep = new Int32Array(n);
    let m = 0;
    if (typeof predicate === "function") {
      for (let i = 0; i < n; i++) if (predicate(i)) keep[m++] = i;
    } else {
      for (let i = 0; i < n; i++) if (predicate[i]) keep[m++] = i;
    }
    return this.take(keep.subarray(0, m));
  }

  /** Rows where each named field equals the given value, e.g. `{model: "Llama-3.1-8B-Instruct"}`. */
  where(match: Partial<Record<ReceiptFieldName, string | number | boolean | null>>): ReceiptTable {
    const tests = Object.entries(match).map(([name, want]) => {
      const vals = this.values(name as ReceiptFieldName);
      return (i: number) => vals[i] === want;
    });
    return this.filter((i) => tests.every((t) => t(i)));
  }

  /** One plain object per receipt, every field present (null where absent). */
  toRows(): Receipt[] {
    const names = this.loadedFields;
    const columns = names.map((n) => this.values(n));
    const rows: Receipt[] = new Array(this.numRows);
    for (let i = 0; i < this.numRows; i++) {
      const row: Record<string, unknown> = {};
      for (let c = 0; c < names.length; c++) row[names[c]] = columns[c][i];
      rows[i] = row as Receipt;
    }
    return rows;
  }

  /**
   * A danfo DataFrame with one column per field. List fields (`demo_ids`) become
   * JSON text, since danfo columns hold scalars.
   */
  toDataFrame(): DataFrame {
    const rows = this.toRows().map((r) => {
      const o: Record<string, unknown> = { ...r };
      if (Array.isArray(o.demo_ids)) o.demo_ids = JSON.stringify(o.demo_ids);
      return o;
    });
    return rowsToDataFrame(rows, this.loadedFields);
  }

  toString(): string {
    const rows = this.cache.weights === null ? `${this.numRows} receipts` : `${this.receiptCount} receipts in ${this.numRows} weighted rows`;
    return `ReceiptTable(${rows}, ${this.loadedFields.length} fields, ${this.issues.length} issues)`;
  }
}

/**
 * The table's rows (all of them: it must not be a selection) with row weights: row i then
 * stands for `weights[i]` identical receipts. Columns, the lazy receipt_key and the loaded
 * fields are shared with `table`; `sources` default to the table's.
 */
export function withRowWeights(table: ReceiptTable, weights: Float64Array | null, sources: readonly SourceFile[] = table.sources): ReceiptTable {
  const { cache, selection } = views.get(table)!;
  if (selection !== null) throw new Error("withRowWeights: give a whole table, not a selection of one");
  return new ReceiptTable(cache.base, sources, table.issues, { cache: cache.reweighted(weights), selection: null });
}

/** Each table's column cache and selection, for `sharedRowCodes` (the fields are private). */
const views = new WeakMap<ReceiptTable, { cache: ColumnCache; selection: Int32Array | null }>();

/**
 * Internal (analysis/group-by.ts): per-row codes derived once from the whole loaded table
 * and shared by every view of it, gathered for this table's rows; the other fields of what
 * `make` returns are shared as they are. `make` receives the whole table and returns null
 * when its codes cannot stand for a view's (then this returns null). Why: analyses group
 * dozens of views of the same 600k receipts by the same fields, and coding a field once
 * beats gathering and re-coding it a view at a time.
 */
export function sharedRowCodes<T extends { codes: Int32Array }>(table: ReceiptTable, key: string, make: (full: ReceiptTable) => T | null): T | null {
  const { cache, selection } = views.get(table)!;
  let made = cache.derived.get(key) as T | null | undefined;
  if (made === undefined) {
    if (cache.full === null) cache.full = selection === null ? table : new ReceiptTable(cache.base, table.sources, table.issues, { cache, selection: null });
    made = make(cache.full);
    cache.derived.set(key, made);
  }
  if (made === null) return null;
  return selection === null ? made : { ...made, codes: gatherInt32(made.codes, selection) };
}

// One gather a typed-array type: a generic loop sees several array kinds and runs
// polymorphic (several times slower on the 600k-row columns analyses gather per view).
function gatherFloat64(full: Float64Array, sel: Int32Array): Float64Array {
  const out = new Float64Array(sel.length);
  for (let k = 0; k < sel.length; k++) out[k] = full[sel[k]];
  return out;
}
function gatherInt8(full: Int8Array, sel: Int32Array): Int8Array {
  const out = new Int8Array(sel.length);
  for (let k = 0; k < sel.length; k++) out[k] = full[sel[k]];
  return out;
}
function gatherInt32(full: Int32Array, sel: Int32Array): Int32Array {
  const out = new Int32Array(sel.length);
  for (let k = 0; k < sel.length; k++) out[k] = full[sel[k]];
  return out;
}

export const FIELD_SPECS: readonly FieldSpec[] = RECEIPT_FIELDS;
