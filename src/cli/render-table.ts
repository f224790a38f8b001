/** Tidy rows as an aligned text table, CSV or JSON: the three output formats of every command. */
import { stringify } from "csv-stringify/sync";
import { formatValue as cell } from "../display/format-value";

export type OutputFormat = "table" | "json" | "csv";

export function renderRows(rows: readonly object[], format: OutputFormat, digits = 4): string {
  if (format === "json") return JSON.stringify(rows, null, 2) + "\n";
  const columns = rows.length ? Object.keys(rows[0]) : [];
  if (format === "csv") return stringify([columns, ...rows.map((r) => columns.map((c) => (r as Record<string, unknown>)[c] ?? null))]);
  const body = rows.map((r) => columns.map((c) => cell((r as Record<string, unknown>)[c], digits)));
  const widths = columns.map((c, j) => Math.max(c.length, ...body.map((b) => b[j].length)));
  const line = (cells: string[]) => cells.map((s, j) => (/^-?[\d.e+-]+$/.test(s) ? s.padStart(widths[j]) : s.padEnd(widths[j]))).join("  ").trimEnd();
  return [line(columns), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n") + "\n";
}
