/**
 * Turns records from any source into a ReceiptTable: validates each one, computes its
 * receipt key, rejects duplicates (naming where the first copy was), appends the good
 * ones to typed columns and derives n_total, harmful_fraction and complied. Strict mode
 * throws at the first problem; otherwise problems are collected and the good rows kept.
 */
import { Bool, Float64, Int32, makeData, makeVector, Table, vectorFromArray, Utf8, type Vector } from "apache-arrow";
import { INPUT_FIELDS, RECEIPT_FIELDS, type FieldSpec } from "../receipt/fields";
import { ReceiptValidationError, type ValidationIssue } from "../receipt/issues";
import { KEY_FIELDS, receiptKey } from "../receipt/key";
import { INPUT_INDEX, validateRecord, type RecordLocation, type ValidateOptions } from "../receipt/validate";
import { receiptArrowSchema } from "./arrow-schema";
import { columnBuilderFor, type ColumnBuilder } from "./column-builder";
import { ReceiptTable, type ReceiptFormat, type SourceFile } from "./receipt-table";

export interface LoadOptions extends ValidateOptions {
  /** Throw at the first bad record (default true). When false, keep the good rows and list every problem. */
  readonly strict?: boolean;
}

const KEY_INDEX = KEY_FIELDS.map((f) => INPUT_INDEX.get(f)!);
const N_BENIGN = INPUT_INDEX.get("n_benign")!, N_HARMFUL = INPUT_INDEX.get("n_harmful")!, LABEL = INPUT_INDEX.get("judge_label")!;

export class ReceiptAssembler {
  private readonly builders: ColumnBuilder[] = INPUT_FIELDS.map(columnBuilderFor);
  private readonly keys: string[] = [];
  private readonly seen = new Map<string, RecordLocation>();
  private nBenign: number[] = [];
  private nHarmful: number[] = [];
  private labels: string[] = [];
  readonly issues: ValidationIssue[] = [];
  readonly sources: SourceFile[] = [];
  private readonly strict: boolean;

  constructor(private readonly options: LoadOptions = {}) {
    this.strict = options.strict ?? true;
  }

  get rowCount(): number {
    return this.keys.length;
  }

  /** Record a problem that is not about one field of one record (bad JSON, wrong columns). */
  report(issue: ValidationIssue): void {
    if (this.strict) throw new ReceiptValidationError([issue]);
    this.issues.push(issue);
  }

  /** Validate one record and keep it if good. Returns whether it was kept. */
  add(record: unknown, where: RecordLocation): boolean {
    const { values, issues } = validateRecord(record, where, this.options);
    if (values === null) {
      if (this.strict) throw new ReceiptValidationError(issues);
      this.issues.push(...issues);
      return false;
    }
    return this.addValues(values, where);
  }

  /** Keep a record already validated field by field (columnar sources). */
  addValues(values: unknown[], where: RecordLocation): boolean {
    const parts: Record<string, unknown> = {};
    for (let k = 0; k < KEY_FIELDS.length; k++) parts[KEY_FIELDS[k]] = values[KEY_INDEX[k]];
    const key = receiptKey(parts as Parameters<typeof receiptKey>[0]);
    const first = this.seen.get(key);
    if (first !== undefined) {
      this.report({
        file: where.file, line: where.line, field: "receipt_key",
        message: `duplicate receipt ${key}: same run, model, judge, query, condition and sample_index as ${first.file ?? "<input>"}${first.line === null ? "" : ":" + first.line}; expected each evaluation point once`,
      });
      return false;
    }
    this.seen.set(key, where);
    this.keys.push(key);
    for (let i = 0; i < values.length; i++) this.builders[i].append(values[i]);
    this.nBenign.push(values[N_BENIGN] as number);
    this.nHarmful.push(values[N_HARMFUL] as number);
    this.labels.push(values[LABEL] as string);
    return true;
  }

  /** Note where the rows added since the last call came from. */
  closeSource(path: string | null, format: SourceFile["format"], sha256: string | null, rowsRead: number, rowsBefore: number, issuesBefore: number): void {
    this.sources.push({ path, format, sha256, rowsRead, rowsKept: this.rowCount - rowsBefore, issues: this.issues.length - issuesBefore });
  }

  finish(): ReceiptTable {
    const n = this.rowCount;
    const columns: Record<string, Vector> = {};
    const derived = deriveColumns(Int32Array.from(this.nBenign), Int32Array.from(this.nHarmful), this.labels);
    INPUT_FIELDS.forEach((f, i) => (columns[f.name] = this.builders[i].finish()));
    columns.receipt_key = vectorFromArray(this.keys, new Utf8());
    Object.assign(columns, derived);
    const schema = receiptArrowSchema();
    const ordered: Record<string, Vector> = {};
    for (const f of RECEIPT_FIELDS as readonly FieldSpec[]) ordered[f.name] = columns[f.name];
    if (n === 0) return new ReceiptTable(emptyTable(), this.sources, this.issues);
    return new ReceiptTable(new Table(schema, ordered as any), this.sources, this.issues);
  }
}

/** n_total, harmful_fraction (null at zero demonstrations) and complied (null for parse errors). */
export function deriveColumns(nBenign: Int32Array, nHarmful: Int32Array, labels: ArrayLike<string | null>): Record<string, Vector> {
  const n = nBenign.length;
  const total = new Int32Array(n);
  const fraction = new Float64Array(n);
  const fractionValid = new Uint8Array((n + 7) >> 3);
  let fractionNulls = 0;
  const complied = new Uint8Array((n + 7) >> 3);
  const compliedValid = new Uint8Array((n + 7) >> 3);
  let compliedNulls = 0;
  for (let i = 0; i < n; i++) {
    const t = nBenign[i] + nHarmful[i];
    total[i] = t;
    if (t > 0) {
      fraction[i] = nHarmful[i] / t;
      fractionValid[i >> 3] |= 1 << (i & 7);
    } else fractionNulls++;
    const label = labels[i];
    if (label === "parse_error" || label === null) compliedNulls++;
    else {
      compliedValid[i >> 3] |= 1 << (i & 7);
      if (label === "compliance") complied[i >> 3] |= 1 << (i & 7);
    }
  }
  return {
    n_total: makeVector(makeData({ type: new Int32(), length: n, data: total, nullCount: 0 })),
    harmful_fraction: makeVector(makeData({ type: new Float64(), length: n, data: fraction, nullCount: fractionNulls, nullBitmap: fractionNulls ? fractionValid : undefined })),
    complied: makeVector(makeData({ type: new Bool(), length: n, data: complied, nullCount: compliedNulls, nullBitmap: compliedNulls ? compliedValid : undefined })),
  };
}

function emptyTable(): Table {
  const schema = receiptArrowSchema();
  const cols: Record<string, Vector> = {};
  for (const f of schema.fields) cols[f.name] = vectorFromArray([], f.type);
  return new Table(schema, cols as any);
}

export type { ReceiptFormat };
