/**
 * Show tidy rows in a tslab notebook as an HTML table (and as aligned text outside one).
 * Results are data; this is only how they look when a person reads them.
 */
import { renderRows } from "../cli/render-table";
import { formatValue as formatCell } from "./format-value";

export interface ShowTableOptions {
  readonly title?: string;
  /** Digits after the decimal point for non-integers (default 4). */
  readonly digits?: number;
  /** Show at most this many rows (default 50). */
  readonly maxRows?: number;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** HTML for tidy rows: a plain table with right-aligned numbers. */
export function rowsToHtml(rows: readonly object[], options: ShowTableOptions = {}): string {
  const digits = options.digits ?? 4, max = options.maxRows ?? 50;
  const columns = rows.length ? Object.keys(rows[0]) : [];
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows.slice(0, max).map((r) =>
    "<tr>" + columns.map((c) => {
      const v = (r as Record<string, unknown>)[c];
      return `<td style="text-align:${typeof v === "number" ? "right" : "left"}">${escapeHtml(formatCell(v, digits, c))}</td>`;
    }).join("") + "</tr>").join("\n");
  const more = rows.length > max ? `<p><em>${rows.length - max} more rows not shown</em></p>` : "";
  const title = options.title ? `<h4>${escapeHtml(options.title)}</h4>` : "";
  return `${title}<table class="safety-receipts"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>${more}`;
}

/** Display rows in a notebook (HTML) or print them as text elsewhere. */
export function showTable(rows: readonly object[], options: ShowTableOptions = {}): void {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const tslab = require("tslab") as { display: { html(s: string): void } };
    tslab.display.html(rowsToHtml(rows, options));
    return;
  } catch {
    // not in a tslab kernel: fall through to text
  }
  if (options.title) console.log(options.title);
  console.log(renderRows(rows.slice(0, options.maxRows ?? 50), "table", options.digits ?? 4));
}
