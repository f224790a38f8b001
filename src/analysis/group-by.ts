/**
 * Group receipts by the values of some fields. Returns each group's values and, for every
 * row, the index of its group, so counts can be accumulated in one pass over typed arrays.
 *
 * Keys are built from integer codes, never from per-row strings: a dictionary column gives
 * its codes, a count its (small integer) value, a flag 0/1/null; the codes of the fields are
 * combined column by column into one integer per row and renumbered densely. On the bundled
 * 600k receipts this is what keeps `analyze` from spending seconds hashing strings.
 */
import { RECEIPT_FIELDS, type FieldSpec, type ReceiptFieldName } from "../receipt/fields";
import { sharedRowCodes, type ReceiptTable } from "../io/receipt-table";

export type GroupValues = Record<string, string | number | boolean | null>;
type GroupValue = GroupValues[string];

export interface Grouping {
  readonly by: readonly ReceiptFieldName[];
  /** One entry per group, in order of first appearance (then sorted by `sortGroups`). */
  readonly groups: readonly GroupValues[];
  /** `groupOf[i]` is the group of row i. */
  readonly groupOf: Int32Array;
}

/** One field as dense codes 0..values.length-1 a row, and the value each code stands for. */
interface CodedColumn {
  readonly codes: Int32Array;
  readonly values: readonly GroupValue[];
}

/** Largest combined key space indexed by a plain array; beyond it a Map renumbers the keys. */
const DENSE_LIMIT = 1 << 22;

const SPECS = new Map<string, FieldSpec>((RECEIPT_FIELDS as readonly FieldSpec[]).map((s) => [s.name, s]));

export function groupBy(table: ReceiptTable, by: readonly ReceiptFieldName[]): Grouping {
  // a table (a frozen view) never changes, and analyses group the same tables by the same
  // fields over and over: the groupings and the coded columns are kept per table. Callers get
  // their own copies (they may sort or fill them).
  let cached = cache.get(table);
  if (cached === undefined) cache.set(table, (cached = { columns: new Map(), groupings: new Map(), steps: new Map() }));
  const key = JSON.stringify(by);
  let g = cached.groupings.get(key);
  if (g === undefined) cached.groupings.set(key, (g = group(table, by, cached)));
  return { by: g.by, groups: g.groups.map((v) => ({ ...v })), groupOf: g.groupOf.slice() };
}

interface TableCache {
  readonly columns: Map<ReceiptFieldName, CodedColumn>;
  readonly groupings: Map<string, Grouping>;
  /**
   * The groups of each grouping made, before sorting (numbered by first appearance). Those
   * numbers depend only on the rows and the fields (refine numbers a group at its first row,
   * whatever the numbers of the groups it splits), so a grouping whose fields start with a
   * grouping's made before (model, then model and query_source, ...) refines that one's
   * groups by the fields after, with the codes and order it would have had from nothing.
   */
  readonly steps: Map<string, Renumbered>;
}

const cache = new WeakMap<ReceiptTable, TableCache>();

function group(table: ReceiptTable, by: readonly ReceiptFieldName[], cached: TableCache): Grouping {
  const n = table.numRows;
  const coded = cached.columns;
  const columns = by.map((f) => {
    let c = coded.get(f);
    if (c === undefined) coded.set(f, (c = codedColumn(table, f)));
    return c;
  });
  // all rows in one group until a field splits them; each field refines the groups, numbered
  // in order of first appearance (what the string-keyed version gave), then they are sorted.
  // The longest prefix of the fields grouped before is where the refining starts.
  let from = 0;
  let step: Renumbered = { codes: new Int32Array(0), first: [] };
  for (let j = by.length - 1; j >= 1 && from === 0; j--) {
    const made = cached.steps.get(JSON.stringify(by.slice(0, j)));
    if (made !== undefined) { step = made; from = j; }
  }
  if (from === 0) step = { codes: new Int32Array(n), first: n > 0 ? [0] : [] };
  for (let c = from; c < columns.length; c++) step = refine(step, columns[c]);
  cached.steps.set(JSON.stringify(by), step);
  const { codes: groupOf, first } = step;
  const groups: GroupValues[] = new Array(first.length);
  for (let g = 0; g < first.length; g++) {
    const values: GroupValues = {};
    for (let c = 0; c < by.length; c++) values[by[c]] = columns[c].values[columns[c].codes[first[g]]];
    groups[g] = values;
  }
  // each group's values as ranks (each field's distinct values sorted once), so the sort
  // compares integers, not the groups' objects by field name
  const F = by.length, keys = new Int32Array(first.length * F);
  for (let c = 0; c < F; c++) {
    const rank = valueRanks(columns[c].values), codes = columns[c].codes;
    for (let g = 0; g < first.length; g++) keys[g * F + c] = rank[codes[first[g]]];
  }
  return sortGroups({ by, groups, groupOf }, keys);
}

/** The same order as sortGroups' comparison of two values (nulls first, numbers numerically, else as text). */
function compareValues(x: GroupValue, y: GroupValue): number {
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  if (typeof x === "number" && typeof y === "number") return x - y;
  return String(x) < String(y) ? -1 : 1;
}

/** Rank of each code's value among the field's distinct values (equal values, equal rank). */
function valueRanks(values: readonly GroupValue[]): Int32Array {
  const order = values.map((_, i) => i).sort((a, b) => compareValues(values[a], values[b]));
  const rank = new Int32Array(values.length);
  for (let r = 0, k = 0; k < order.length; k++) {
    if (k > 0 && compareValues(values[order[k - 1]], values[order[k]]) !== 0) r++;
    rank[order[k]] = r;
  }
  return rank;
}

/** Dense group codes in order of first appearance, and the first row of each group. */
interface Renumbered {
  readonly codes: Int32Array;
  readonly first: number[];
}

/** The groups of `prev` split by one more field: key (group, code) renumbered densely. */
function refine(prev: Renumbered, column: CodedColumn): Renumbered {
  const n = prev.codes.length, k = column.values.length, space = prev.first.length * k;
  // a field that is a function of the groups so far (n_total or harmful_fraction after the
  // counts, training_stage after model) splits nothing: the groups stay as they are, numbered
  // the same; a read-only pass that stops at the first split tells
  if (!splits(prev.codes, column.codes, new Int32Array(prev.first.length).fill(-1))) return prev;
  const codes = new Int32Array(n);
  const first: number[] = [];
  // the passes are functions of typed arrays and numbers only: they run cold, and a loop
  // compiled on the spot (OSR) inside a function that also reads the columns' objects (whose
  // shapes differ from field to field) is thrown away at the next call
  if (space <= DENSE_LIMIT) refineDense(prev.codes, column.codes, k, new Int32Array(space).fill(-1), codes, first);
  else refineSparse(prev.codes, column.codes, k, codes, first);
  return { codes, first };
}

/** Whether some group so far holds two different codes of the field. */
function splits(groupCodes: Int32Array, fieldCodes: Int32Array, codeOfGroup: Int32Array): boolean {
  for (let i = 0; i < groupCodes.length; i++) {
    const g = groupCodes[i], c = codeOfGroup[g];
    if (c < 0) codeOfGroup[g] = fieldCodes[i];
    else if (c !== fieldCodes[i]) return true;
  }
  return false;
}

function refineDense(groupCodes: Int32Array, fieldCodes: Int32Array, k: number, slot: Int32Array, codes: Int32Array, first: number[]): void {
  const n = groupCodes.length;
  for (let i = 0; i < n; i++) {
    const key = groupCodes[i] * k + fieldCodes[i];
    let g = slot[key];
    if (g < 0) {
      g = slot[key] = first.length;
      first.push(i);
    }
    codes[i] = g;
  }
}

function refineSparse(groupCodes: Int32Array, fieldCodes: Int32Array, k: number, codes: Int32Array, first: number[]): void {
  const n = groupCodes.length;
  const slot = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const key = groupCodes[i] * k + fieldCodes[i]; // below n * n: exact as a double
    let g = slot.get(key);
    if (g === undefined) {
      g = first.length;
      slot.set(key, g);
      first.push(i);
    }
    codes[i] = g;
  }
}

/**
 * A field's codes. Dictionary, boolean and small-integer fields are coded once on the whole
 * loaded table and gathered for a view: their codes stand for exactly the same values in any
 * subset (groups are numbered by first appearance of a row, not by code, so the grouping is
 * the same). Other fields are coded on the view itself.
 */
function codedColumn(table: ReceiptTable, field: ReceiptFieldName): CodedColumn {
  const shared = sharedRowCodes(table, `groupBy:${field}`, (full) => {
    const c = directCodedColumn(full, field);
    return c.exact ? c : null;
  });
  return shared ?? directCodedColumn(table, field);
}

/** Codes and whether they are exact for any subset (true unless coded by value through a Map). */
function directCodedColumn(table: ReceiptTable, field: ReceiptFieldName): CodedColumn & { exact: boolean } {
  const spec = SPECS.get(field);
  if (spec?.dictionary || spec?.kind === "enum") {
    let dict: ReturnType<ReceiptTable["dictionary"]> | null = null;
    try {
      dict = table.dictionary(field);
    } catch (e) {
      if (!/several dictionaries/.test((e as Error).message)) throw e;
    }
    if (dict !== null) return { ...dictionaryCodes(dict.codes, dict.labels), exact: true };
  } else if (spec?.kind === "integer" || spec?.kind === "number") return numberCodes(table.numbers(field));
  else if (spec?.kind === "boolean") {
    const flags = table.flags(field), codes = new Int32Array(flags.length);
    for (let i = 0; i < flags.length; i++) codes[i] = flags[i] + 1;
    return { codes, values: [null, false, true], exact: true };
  }
  return { ...valueCodes(table.values(field)), exact: false };
}

/** Dictionary codes with repeated labels merged (a key is the value, not the code) and null last. */
function dictionaryCodes(raw: Int32Array, labels: readonly string[]): CodedColumn {
  const local = new Int32Array(labels.length);
  const seen = new Map<string, number>();
  const values: GroupValue[] = [];
  labels.forEach((label, j) => {
    if (label === null || label === undefined) {
      local[j] = -1; // a null dictionary entry groups with the nulls
      return;
    }
    let c = seen.get(label);
    if (c === undefined) {
      c = values.length;
      seen.set(label, c);
      values.push(label);
    }
    local[j] = c;
  });
  const nullCode = values.length;
  values.push(null);
  const codes = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) codes[i] = raw[i] < 0 || local[raw[i]] < 0 ? nullCode : local[raw[i]];
  return { codes, values };
}

/** A number column (NaN is null): small non-negative integers index an array directly, anything else goes through a Map. */
function numberCodes(x: Float64Array): CodedColumn & { exact: boolean } {
  // a pass a function (see refine)
  const max = integralMax(x);
  const codes = new Int32Array(x.length);
  const values: GroupValue[] = [null]; // code 0 is null
  if (max >= 0) {
    denseNumberCodes(x, new Int32Array(max + 1).fill(-1), codes, values);
    return { codes, values, exact: true };
  }
  // the Map keeps the first value seen of each key (0 or -0): with both in the column that
  // depends on the rows, so the codes are exact for any subset only without a -0
  const negativeZero = mapNumberCodes(x, codes, values);
  return { codes, values, exact: !negativeZero };
}

/** The largest value when every non-NaN value is an integer in 0 .. DENSE_LIMIT (no -0), else -1. */
function integralMax(x: Float64Array): number {
  let max = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) continue;
    if (!(v >= 0 && v <= DENSE_LIMIT && Math.floor(v) === v) || Object.is(v, -0)) return -1;
    if (v > max) max = v;
  }
  return max;
}

function denseNumberCodes(x: Float64Array, slot: Int32Array, codes: Int32Array, values: GroupValue[]): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) continue;
    let c = slot[v];
    if (c < 0) {
      c = slot[v] = values.length;
      values.push(v);
    }
    codes[i] = c;
  }
}

/** Codes through a Map; returns whether a -0 was seen. */
function mapNumberCodes(x: Float64Array, codes: Int32Array, values: GroupValue[]): boolean {
  // rows in table order often repeat the value before (a condition's receipts are adjacent):
  // those need no Map lookup
  const slot = new Map<number, number>();
  let last = NaN, lastCode = 0, negativeZero = false;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== v) continue;
    if (v === last && (v !== 0 || Object.is(v, last))) {
      codes[i] = lastCode;
      continue;
    }
    if (Object.is(v, -0)) negativeZero = true;
    let c = slot.get(v);
    if (c === undefined) {
      c = values.length;
      slot.set(v, c);
      values.push(v);
    }
    codes[i] = c;
    last = v;
    lastCode = c;
  }
  return negativeZero;
}

/** Any other column (plain strings, lists): keyed by the value, lists by their text. */
function valueCodes(column: readonly unknown[]): CodedColumn {
  const codes = new Int32Array(column.length);
  const values: GroupValue[] = [];
  const slot = new Map<unknown, number>();
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    const key = v !== null && typeof v === "object" ? "\x1e" + String(v) : v;
    let c = slot.get(key);
    if (c === undefined) {
      c = values.length;
      slot.set(key, c);
      values.push(v as GroupValue);
    }
    codes[i] = c;
  }
  return { codes, values };
}

/** Order groups by their values (numbers numerically, nulls first; `keys`: their ranks, F a group), so tables read in a stable order. */
function sortGroups(g: Grouping, keys: Int32Array): Grouping {
  const F = g.by.length;
  const order = g.groups.map((_, i) => i).sort((a, b) => {
    for (let c = 0; c < F; c++) {
      const d = keys[a * F + c] - keys[b * F + c];
      if (d !== 0) return d;
    }
    return 0;
  });
  const rank = new Int32Array(order.length);
  let moved = false;
  order.forEach((old, i) => {
    rank[old] = i;
    if (old !== i) moved = true;
  });
  if (!moved) return { by: g.by, groups: g.groups, groupOf: g.groupOf };
  return { by: g.by, groups: order.map((i) => g.groups[i]), groupOf: renumberRows(g.groupOf, rank) };
}

/** Each row's group through `rank`: a pass of its own (it runs cold; see refine). */
function renumberRows(groupOf: Int32Array, rank: Int32Array): Int32Array {
  const out = new Int32Array(groupOf.length);
  for (let i = 0; i < out.length; i++) out[i] = rank[groupOf[i]];
  return out;
}
