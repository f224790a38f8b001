/**
 * Every SQL statement of the out-of-core engine, in one place. The statements are portable
 * SQL (SELECT, CASE, COALESCE, SUM, COUNT, GROUP BY, lower-case unquoted column names and
 * single-quoted string literals): they run unchanged on DuckDB, Spark SQL, Trino and
 * BigQuery against any relation named `receipts` with the receipt columns they read (see
 * docs/engine.md). Only `receiptsRelation` is DuckDB's own: its file-reading table functions
 * (`read_parquet`, `read_json`, `read_csv`), isolated here so that on another engine it is
 * replaced by a table name.
 *
 * Sufficient statistics: for a logistic model whose covariates are functions of (n_benign,
 * n_harmful), the likelihood, its derivatives and the CR1 cluster-robust meat depend on the
 * receipts only through the number of compliances and of judged receipts per covariate
 * pattern and cluster. So the engine's result has one row per (group, cluster, n_benign,
 * n_harmful): bounded by patterns x clusters, whatever the number of receipts.
 */
import { FIELD_BY_NAME } from "../receipt/fields";

/** Columns every statement reads, beyond the grouping and cluster fields. */
export const SUFFICIENT_STATISTICS_COLUMNS = ["n_benign", "n_harmful", "judge_label"] as const;

/** A column name as the statements write it: checked against the schema, so nothing else reaches the SQL text. */
function column(name: string): string {
  if (!FIELD_BY_NAME.has(name) || !/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`engine: unknown receipt field ${JSON.stringify(name)}`);
  return name;
}

/** A column with the loader's default for a missing value (format_cue 'none', sample_index 0, ...), named as itself. */
function withDefault(name: string): string {
  const spec = FIELD_BY_NAME.get(column(name))!;
  if (spec.default === undefined || spec.default === null) return name;
  const literal = typeof spec.default === "number" ? String(spec.default) : `'${String(spec.default).replace(/'/g, "''")}'`;
  return `COALESCE(${name}, ${literal}) AS ${name}`;
}

/** The expression of a column in GROUP BY (the same default as in the select list). */
function groupExpression(name: string): string {
  const spec = FIELD_BY_NAME.get(column(name))!;
  if (spec.default === undefined || spec.default === null) return name;
  const literal = typeof spec.default === "number" ? String(spec.default) : `'${String(spec.default).replace(/'/g, "''")}'`;
  return `COALESCE(${name}, ${literal})`;
}

/** The three counts of a group: compliances, judged receipts (trials) and parse errors. */
const COUNTS = [
  "SUM(CASE WHEN judge_label = 'compliance' THEN 1 ELSE 0 END) AS compliances",
  "SUM(CASE WHEN judge_label = 'parse_error' THEN 0 ELSE 1 END) AS trials",
  "SUM(CASE WHEN judge_label = 'parse_error' THEN 1 ELSE 0 END) AS parse_errors",
];

/**
 * Counts per covariate pattern within each group of `by` (and, with a cluster field, per
 * cluster too): what `fromSufficientStatistics` turns into the fit's input.
 */
export function sufficientStatisticsSQL(by: readonly string[], cluster: string | null): string {
  const keys = [...by.map(column), ...(cluster === null ? [] : [column(cluster)])];
  const select = [...by.map(withDefault), ...(cluster === null ? [] : [`${groupExpression(cluster)} AS cluster`]), "n_benign", "n_harmful", ...COUNTS];
  const group = [...keys.map(groupExpression), "n_benign", "n_harmful"];
  return `SELECT ${select.join(", ")}\nFROM receipts\nGROUP BY ${unique(group).join(", ")}`;
}

/** Receipts, compliances and parse errors per group of `by` (`receipts summarize`). */
export function complianceCountsSQL(by: readonly string[]): string {
  const select = [...by.map(withDefault), ...COUNTS];
  return `SELECT ${select.join(", ")}\nFROM receipts${by.length > 0 ? `\nGROUP BY ${by.map(groupExpression).join(", ")}` : ""}`;
}

/** How many receipts have a value in a field (is the default cluster field there at all?). */
export function nonNullCountSQL(field: string): string {
  return `SELECT COUNT(${column(field)}) AS n\nFROM receipts`;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

export type EngineFormat = "parquet" | "jsonl" | "csv";

/**
 * DuckDB only: a relation over receipt files (one format), for `WITH receipts AS (...)`.
 * On Spark, Trino or BigQuery the receipts are a table and this is its name.
 */
export function receiptsRelation(files: readonly string[], format: EngineFormat): string {
  const list = `[${files.map((f) => `'${f.replace(/'/g, "''")}'`).join(", ")}]`;
  if (format === "parquet") return `SELECT * FROM read_parquet(${list}, union_by_name = true)`;
  if (format === "jsonl") return `SELECT * FROM read_json(${list}, format = 'newline_delimited', union_by_name = true)`;
  return `SELECT * FROM read_csv(${list}, header = true, union_by_name = true)`;
}

/** A statement reading `receipts` put over a relation: `WITH receipts AS (relation) statement`. */
export function overRelation(relation: string, statement: string): string {
  return `WITH receipts AS (${relation})\n${statement}`;
}
