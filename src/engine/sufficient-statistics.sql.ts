/**
 * Every SQL statement of the out-of-core engine, in one place. The statements are portable
 * SQL (SELECT, CASE, COALESCE, SUM, COUNT, GROUP BY, lower-case unquoted column names and
 * single-quoted string literals): they run unchanged on DuckDB, Spark SQL, Trino and
 * BigQuery against any relation named `receipts` with the receipt columns they read (see
 * docs/engine.md). What is DuckDB's own (the file-reading table functions, the typing of CSV
 * text, the duplicate check) is in receipt-relation.ts; on another engine the receipts are a
 * table and only its name is needed.
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

/**
 * The sufficient statistics as the kit reads them back from DuckDB: the same rows as
 * `sufficientStatisticsSQL`, with each group and each cluster label replaced by an integer
 * code, and every number a DOUBLE (exact for counts below 2^53). Why: the result has one row
 * per (group, cluster, pattern), which for receipt designs is a large fraction of the
 * receipts (257k rows for the bundled 604k), and turning every row's label strings into
 * JavaScript strings cost more than DuckDB's whole scan. With codes, the reader copies
 * numbers out of the result vectors and reads a group's labels once, at the first row of its
 * code (`group_code` comes first, the `by` fields after it, the counts last). The codes number
 * the distinct values in no particular order; cluster codes are renumbered per group later.
 * A row whose cluster is null has `cluster_code` -1 (an error when the row is fitted); no
 * column has nulls, so the reader never meets a validity mask.
 * Portable too (DISTINCT, ROW_NUMBER, LEFT JOIN, IS NOT DISTINCT FROM, CAST), but it is the
 * plain statement above that docs/engine.md gives for other engines.
 */
export function codedSufficientStatisticsSQL(by: readonly string[], cluster: string | null): string {
  by.forEach(column);
  const ctes = [`counts AS (\n${sufficientStatisticsSQL(by, cluster)}\n)`];
  const joins: string[] = [];
  const select: string[] = [by.length === 0 ? "CAST(0 AS INTEGER) AS group_code" : "group_codes.group_code"];
  if (by.length > 0) {
    const fields = by.join(", ");
    ctes.push(`group_codes AS (SELECT ${fields}, CAST(ROW_NUMBER() OVER () AS INTEGER) AS group_code FROM (SELECT DISTINCT ${fields} FROM counts) AS distinct_groups)`);
    joins.push(`JOIN group_codes ON ${by.map((f) => `counts.${f} IS NOT DISTINCT FROM group_codes.${f}`).join(" AND ")}`);
    select.push(...by.map((f) => `group_codes.${f} AS ${f}`));
  }
  if (cluster !== null) {
    ctes.push("cluster_codes AS (SELECT cluster, CAST(ROW_NUMBER() OVER () AS INTEGER) AS cluster_code FROM (SELECT DISTINCT cluster FROM counts WHERE cluster IS NOT NULL) AS distinct_clusters)");
    joins.push("LEFT JOIN cluster_codes ON counts.cluster = cluster_codes.cluster");
    select.push("COALESCE(cluster_codes.cluster_code, -1) AS cluster_code");
  }
  select.push(...["n_benign", "n_harmful", "compliances", "trials", "parse_errors"].map((c) => `CAST(counts.${c} AS DOUBLE) AS ${c}`));
  return `WITH ${ctes.join(",\n")}\nSELECT ${select.join(", ")}\nFROM counts${joins.map((j) => `\n${j}`).join("")}`;
}

/** Receipts, compliances and parse errors per group of `by` (`receipts summarize`). */
export function complianceCountsSQL(by: readonly string[]): string {
  const select = [...by.map(withDefault), ...COUNTS];
  return `SELECT ${select.join(", ")}\nFROM receipts${by.length > 0 ? `\nGROUP BY ${by.map(groupExpression).join(", ")}` : ""}`;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

/**
 * A statement reading `receipts` put over a relation: `WITH receipts AS (relation) statement`;
 * a statement with its own WITH list gets `receipts` prepended to it.
 */
export function overRelation(relation: string, statement: string): string {
  const own = /^WITH\s+/i.exec(statement);
  return own === null ? `WITH receipts AS (${relation})\n${statement}` : `WITH receipts AS (${relation}),\n${statement.slice(own[0].length)}`;
}
