/**
 * The records of a CSV file read again by the DuckDB engine, only to place a problem DuckDB
 * found (a duplicate receipt, a bad value) at the line the kit's CSV reader would name: lines
 * counted as it counts them (a record at the line it starts on, the header being line 1).
 */
import { createReadStream } from "node:fs";

/** The records of a CSV file (RFC 4180 quoting) with the line each starts on; `each` returns true to stop. */
export async function csvRecords(file: string, each: (cells: string[], header: string[], line: number) => boolean): Promise<void> {
  let header: string[] | null = null, cells: string[] = [], cell = "", quoted = false, afterQuote = false, line = 1, start = 1, pendingCR = false, stop = false;
  const endRecord = () => {
    cells.push(cell);
    if (header === null) header = cells.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, "") : h));
    else if (!(cells.length === 1 && cells[0] === "")) stop = each(cells, header, start);
    cells = []; cell = ""; afterQuote = false;
  };
  let carry = "";
  const feed = (s: string): void => {
    for (let i = 0; i < s.length && !stop; i++) {
      const ch = s[i];
      if (pendingCR) { pendingCR = false; if (ch === "\n") continue; }
      if (quoted) {
        if (ch === '"') { if (s[i + 1] === '"') { cell += '"'; i++; } else { quoted = false; afterQuote = true; } }
        else { if (ch === "\n" || (ch === "\r" && s[i + 1] !== "\n")) line++; cell += ch; }
      } else if (ch === '"' && cell === "" && !afterQuote) quoted = true;
      else if (ch === ",") { cells.push(cell); cell = ""; afterQuote = false; }
      else if (ch === "\n" || ch === "\r") { endRecord(); line++; start = line; pendingCR = ch === "\r"; }
      else cell += ch;
    }
  };
  for await (const chunk of createReadStream(file, "utf8")) {
    // a quote or CR at a chunk's end is read with the next chunk (a doubled quote, a CRLF)
    let s = carry + (chunk as string);
    carry = "";
    if (s.endsWith('"') || s.endsWith("\r")) { carry = s.slice(-1); s = s.slice(0, -1); }
    feed(s);
    if (stop) return;
  }
  feed(carry);
  if (stop) return;
  if (cell !== "" || cells.length > 0) endRecord();
}
