/**
 * The kit's in-memory receipt table: an Arrow table in the schema declared by
 * `receipt/fields.ts`, with the provenance of the files it came from and the problems
 * found while loading. Analyses read typed columns from it; notebook users get a danfo
 * DataFrame from `toDataFrame()` and can come back with `ReceiptTable.fromDataFrame()`.
 */
import { Table, type Vector } from "apache-arrow";
import type { DataFrame } from "danfojs-node";
import { RECEIPT_FIELDS, type FieldSpec, type ReceiptFieldName } from "../receipt/fields";
import type { ValidationIssue } from "../receipt/issues";
import type { Receipt } from "../receipt/types";
import { rowsToDataFrame } from "./dataframe";
import { columnFlags, columnValues, isValidAt } from "./column-values";
import { takeRows } from "./take";

export type ReceiptFormat = "jsonl" | "csv" | "arrow" | "parquet";

/** Where rows came from: one entry per loaded file (or in-memory input). */
export interface SourceFile {
  readonly path: string | null;
  readonly format: ReceiptFormat | "memory" | "dataframe";
  /** SHA-256 of the file's bytes, for the result receipt's provenance. */
  readonly sha256: string | null;
  readonly rowsRead: number;
  readonly rowsKept: number;
  readonly issues: number;
}

/** Codes of a dictionary-encoded column: `codes[i]` indexes `labels`, -1 for null. */
export interface DictionaryColumn {
  readonly codes: Int32Array;
  readonly labels: readonly string[];
}

export class ReceiptTable {
  readonly arrow: Table;
  readonly sources: readonly SourceFile[];
  readonly issues: readonly ValidationIssue[];

  constructor(arrow: Table, sources: readonly SourceFile[] = [], issues: readonly ValidationIssue[] = []) {
    this.arrow = arrow;
    this.sources = sources;
    this.issues = issues;
    Object.freeze(this);
  }

  get numRows(): number {
    return this.arrow.numRows;
  }

  /** Field names in schema order. */
  get fieldNames(): ReceiptFieldName[] {
    return RECEIPT_FIELDS.map((f) => f.name);
  }

  column(name: ReceiptFieldName): Vector {
    const v = this.arrow.getChild(name);
    if (v === null) throw new Error(`ReceiptTable.column: no column named ${name}`);
    return v;
  }

  /** An integer or number column as float64, NaN where null. */
  numbers(name: ReceiptFieldName): Float64Array {
    const v = this.column(name);
    const out = new Float64Array(v.length);
    let k = 0;
    for (const d of v.data) {
      const vals = d.values as ArrayLike<number>;
      for (let i = 0; i < d.length; i++, k++) out[k] = !isValidAt(d, i) ? NaN : vals[d.offset + i];
    }
    return out;
  }

  /** A boolean column as 1, 0, or -1 for null. */
  flags(name: ReceiptFieldName): Int8Array {
    return columnFlags(this.column(name));
  }

  /** A dictionary-encoded column (run fields, enums, sources) as codes and labels. */
  dictionary(name: ReceiptFieldName): DictionaryColumn {
    const v = this.column(name);
    if (v.data.length === 0) return { codes: new Int32Array(0), labels: [] };
    const labels: string[] = v.data[0].dictionary ? (Array.from(v.data[0].dictionary.toArray()) as string[]) : [];
    const codes = new Int32Array(v.length);
    let k = 0;
    for (const d of v.data) {
      if (d.dictionary !== v.data[0].dictionary) throw new Error(`ReceiptTable.dictionary: column ${name} has several dictionaries; rebuild the table`);
      const vals = d.values as Int32Array;
      for (let i = 0; i < d.length; i++, k++) codes[k] = !isValidAt(d, i) ? -1 : vals[d.offset + i];
    }
    return { codes, labels };
  }

  /** Any column as plain JavaScript values (strings, numbers, booleans, arrays, null). */
  values(name: ReceiptFieldName): unknown[] {
    return columnValues(this.column(name));
  }

  /** Distinct non-null values of a column, in first-seen order. */
  distinct(name: ReceiptFieldName): unknown[] {
    return [...new Set(this.values(name).filter((x) => x !== null))];
  }

  /** Rows at these indices, in this order. */
  take(indices: Int32Array | number[]): ReceiptTable {
    const cols: Record<string, Vector> = {};
    for (const f of this.arrow.schema.fields) cols[f.name] = takeRows(this.arrow.getChild(f.name)!, indices);
    return new ReceiptTable(new Table(this.arrow.schema, cols as any), this.sources, this.issues);
  }

  /** Rows for which the predicate holds; it receives the row index, so it can read typed columns fetched once. */
  filter(predicate: ((row: number) => boolean) | ArrayLike<boolean | number>): ReceiptTable {
    const keep: number[] = [];
    const n = this.numRows;
    if (typeof predicate === "function") {
      for (let i = 0; i < n; i++) if (predicate(i)) keep.push(i);
    } else {
      for (let i = 0; i < n; i++) if (predicate[i]) keep.push(i);
    }
    return this.take(Int32Array.from(keep));
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
    const names = this.arrow.schema.fields.map((f) => f.name);
    const columns = names.map((n) => this.values(n as ReceiptFieldName));
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
    return rowsToDataFrame(rows, this.arrow.schema.fields.map((f) => f.name));
  }

  toString(): string {
    return `ReceiptTable(${this.numRows} receipts, ${this.arrow.schema.fields.length} fields, ${this.issues.length} issues)`;
  }
}


export const FIELD_SPECS: readonly FieldSpec[] = RECEIPT_FIELDS;
