/** Where a problem was found and what was expected: every loader error has this shape. */
export interface ValidationIssue {
  /** File path, or null for in-memory input. */
  readonly file: string | null;
  /** 1-based line (JSONL, CSV) or row (Arrow, Parquet) number; null for file-level problems. */
  readonly line: number | null;
  /** Field name, or null when the problem is with the record or file as a whole. */
  readonly field: string | null;
  /** What was expected and what was found. */
  readonly message: string;
}

/** `FILE:LINE: field: message`, the form `receipts validate` prints. */
export function formatIssue(issue: ValidationIssue): string {
  const where = [issue.file ?? "<input>", issue.line === null ? null : String(issue.line)].filter((x) => x !== null).join(":");
  return `${where}: ${issue.field === null ? "" : issue.field + ": "}${issue.message}`;
}

/** Thrown by strict loading at the first bad record; carries the issue. */
export class ReceiptValidationError extends Error {
  readonly issues: readonly ValidationIssue[];
  constructor(issues: readonly ValidationIssue[]) {
    super(issues.length === 1 ? formatIssue(issues[0]) : `${issues.length} problems:\n` + issues.map(formatIssue).join("\n"));
    this.name = "ReceiptValidationError";
    this.issues = issues;
  }
}

/** Show a found value in an error message, shortened. */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "nothing";
  if (typeof v === "string") {
    const s = v.length > 40 ? v.slice(0, 37) + "..." : v;
    return `the string ${JSON.stringify(s)}`;
  }
  if (typeof v === "number") return Number.isNaN(v) ? "NaN" : String(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return `a ${typeof v}`;
}

/** A field name fit to echo in a message: a very long name (a hostile or broken file) is cut, with its length. */
export function shortName(name: string): string {
  return name.length <= 64 ? name : `${name.slice(0, 48)}... (${name.length.toLocaleString("en")} characters)`;
}
