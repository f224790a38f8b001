/**
 * A dictionary field's codes and labels, or null when its chunks carry different
 * dictionaries (the caller then reads the values). Analyses count by codes instead of
 * values(): values() builds a JavaScript string a row of the whole loaded column (~70 ms on
 * the bundled 600k receipts) and gathers them for each view.
 */
import type { DictionaryColumn, ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";

export function dictionaryOrNull(table: ReceiptTable, field: ReceiptFieldName): DictionaryColumn | null {
  try {
    return table.dictionary(field);
  } catch (e) {
    if (/several dictionaries/.test((e as Error).message)) return null;
    throw e;
  }
}

/**
 * Each row's value as a small integer: equal labels (a dictionary may repeat one) share a
 * code, null is -1; with `names[c]` the label of code c. From the values when the field has
 * no single dictionary (values keyed by String(value)).
 */
export function labelCodes(table: ReceiptTable, field: ReceiptFieldName): { codes: Int32Array; names: string[] } {
  const dict = dictionaryOrNull(table, field);
  const names: string[] = [];
  const index = new Map<string, number>();
  const codeOf = (label: unknown): number => {
    if (label === null || label === undefined) return -1;
    const key = String(label);
    let c = index.get(key);
    if (c === undefined) index.set(key, (c = names.push(key) - 1));
    return c;
  };
  if (dict === null) {
    const values = table.values(field);
    const codes = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) codes[i] = codeOf(values[i]);
    return { codes, names };
  }
  const local = Int32Array.from(dict.labels, codeOf);
  const raw = dict.codes, codes = new Int32Array(raw.length); // raw is read only: the table may share it
  for (let i = 0; i < raw.length; i++) codes[i] = raw[i] < 0 ? -1 : local[raw[i]];
  return { codes, names };
}
