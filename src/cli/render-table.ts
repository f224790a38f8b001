/** Tidy rows as an aligned text table, CSV or JSON: the three output formats of every command. */
import { stringify } from "csv-stringify/sync";
import { formatValue as cell } from "../display/format-value";
import { neutraliseFormula } from "../io/csv-formula";

/**
 * Control characters shown as escapes in the text table: a model name holding a newline or
 * a terminal escape sequence must not redraw or break the user's terminal.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const visible = (s: string) => s.replace(CONTROL, (c) => (c === "\n" ? "\\n" : c === "\t" ? "\\t" : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`));
const csvCell = (v: unknown) => (typeof v === "string" ? neutraliseFormula(v) : v ?? null);

export type OutputFormat = "table" | "json" | "csv";

export function renderRows(rows: readonly object[], format: OutputFormat, digits = 4): string {
  if (format === "json") return JSON.stringify(rows, null, 2) + "\n";
  const columns = rows.length ? Object.keys(rows[0]) : [];
  // CSV output is opened in spreadsheets: string cells are neutralised (see csv-formula.ts).
  if (format === "csv") return stringify([columns, ...rows.map((r) => columns.map((c) => csvCell((r as Record<string, unknown>)[c])))]);
  const body = rows.map((r) => columns.map((c) => visible(cell((r as Record<string, unknown>)[c], digits, c))));
  const widths = columns.map((c, j) => Math.max(c.length, ...body.map((b) => b[j].length)));
  const line = (cells: string[]) => cells.map((s, j) => (/^-?[\d.e+-]+$/.test(s) ? s.padStart(widths[j]) : s.padEnd(widths[j]))).join("  ").trimEnd();
  return [line(columns), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n") + "\n";
}
