/**
 * CSV with a header row of field names. Cells are typed by the field they belong to; an
 * empty unquoted cell is null and a quoted empty cell `""` is the empty string, so nulls
 * survive a round trip. Lists (`demo_ids`) are written as JSON arrays.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { FIELD_BY_NAME, RECEIPT_FIELDS, type FieldSpec } from "../receipt/fields";
import { ReceiptAssembler, type LoadOptions } from "./assemble";
import { ReceiptTable } from "./receipt-table";
import { rowsForWriting } from "./rows-for-writing";
import { writeFileAtomic } from "./write-atomic";

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

interface Cell { value: string; quoted: boolean }

/** Turn a CSV cell into the value its field expects; leave it as text when it does not parse, so validation can say what was found. */
function typedCell(spec: FieldSpec | undefined, cell: Cell): unknown {
  const { value, quoted } = cell;
  if (value === "" && !quoted) return null;
  if (spec === undefined) return value;
  switch (spec.kind) {
    case "integer":
    case "number":
      if (NUMBER.test(value.trim())) return Number(value);
      if (/^(nan|[+-]?inf(inity)?)$/i.test(value.trim())) return value.trim().toLowerCase() === "nan" ? NaN : value.trim().startsWith("-") ? -Infinity : Infinity;
      return value;
    case "boolean":
      if (/^true$/i.test(value)) return true;
      if (/^false$/i.test(value)) return false;
      return value;
    case "string_list":
      try {
        const parsed = JSON.parse(value);
        return Array.isArray(parsed) ? parsed : value;
      } catch {
        return value;
      }
    default:
      return value;
  }
}

export function feedCSV(asm: ReceiptAssembler, text: string, file: string | null, options: LoadOptions): number {
  let records: { record: Cell[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      cast: (value: string, context: { quoting: boolean }) => ({ value, quoted: context.quoting }),
    }) as unknown as { record: Cell[]; info: { lines: number } }[];
  } catch (e) {
    const err = e as Error & { lines?: number };
    asm.report({ file, line: err.lines ?? null, field: null, message: `bad CSV: ${err.message}` });
    return 0;
  }
  if (records.length === 0) {
    asm.report({ file, line: null, field: null, message: "empty file: expected a header row of field names and one receipt per row, found nothing" });
    return 0;
  }
  const header = records[0].record.map((c) => c.value.trim());
  const specs = header.map((h) => FIELD_BY_NAME.get(h));
  const keep = header.map(() => true);
  header.forEach((h, i) => {
    if (specs[i] === undefined && options.unknownFields !== "ignore") {
      asm.report({ file, line: 1, field: h, message: `unknown column; expected one of the schema's field names (see data/README.md)` });
      keep[i] = false;
    } else if (specs[i] === undefined) keep[i] = false;
  });
  const missing = (RECEIPT_FIELDS as readonly FieldSpec[]).filter((f) => f.required && !header.includes(f.name));
  if (missing.length > 0) {
    asm.report({ file, line: 1, field: missing[0].name, message: `missing required column${missing.length > 1 ? "s" : ""} ${missing.map((f) => f.name).join(", ")}; found columns ${header.join(", ")}` });
    return records.length - 1;
  }
  if (records.length === 1) asm.report({ file, line: null, field: null, message: "empty file: a header row but no receipts" });
  for (let r = 1; r < records.length; r++) {
    const { record, info } = records[r];
    if (record.length !== header.length) {
      asm.report({ file, line: info.lines, field: null, message: `expected ${header.length} cells as in the header, found ${record.length}` });
      continue;
    }
    const obj: Record<string, unknown> = {};
    for (let c = 0; c < header.length; c++) if (keep[c]) obj[header[c]] = typedCell(specs[c], record[c]);
    asm.add(obj, { file, line: info.lines });
  }
  return records.length - 1;
}

export function fromCSV(text: string, options: LoadOptions & { file?: string } = {}): ReceiptTable {
  const asm = new ReceiptAssembler(options);
  const read = feedCSV(asm, text, options.file ?? null, options);
  asm.closeSource(options.file ?? null, "memory", null, read, 0, 0);
  return asm.finish();
}

export async function readCSVInto(asm: ReceiptAssembler, path: string, options: LoadOptions): Promise<{ records: number; sha256: string }> {
  const bytes = await readFile(path);
  const records = feedCSV(asm, bytes.toString("utf8"), path, options);
  return { records, sha256: createHash("sha256").update(bytes).digest("hex") };
}

export function toCSV(table: ReceiptTable): string {
  const fields = (RECEIPT_FIELDS as readonly FieldSpec[]).map((f) => f.name);
  const rows = rowsForWriting(table).map((row) =>
    fields.map((f) => {
      const v = row[f];
      if (v === null || v === undefined) return null;
      if (Array.isArray(v)) return JSON.stringify(v);
      return v;
    }),
  );
  return stringify([fields, ...rows], {
    cast: {
      boolean: (b: boolean) => (b ? "true" : "false"),
      // Null is written as a bare empty cell; the empty string is quoted so it reads back as "".
      string: (s: string) => (s === "" ? { value: "", quoted_empty: true } : s),
    },
  });
}

export async function writeCSV(table: ReceiptTable, path: string): Promise<void> {
  await writeFileAtomic(path, toCSV(table));
}
