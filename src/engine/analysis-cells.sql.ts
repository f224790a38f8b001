/**
 * The statement behind `receipts analyze --engine duckdb`: the receipts grouped into cells,
 * one row per distinct combination of the fields `analyze` reads, with the number of
 * receipts in it as `weight`. A table of these cells, each row weighted by its receipts
 * (`withRowWeights`), gives `analyze()` exactly the result of the receipts themselves
 * (test/analysis/weighted-cells.test.ts): every analysis only counts receipts per value of
 * these fields, or sums per-receipt terms that are equal within a cell.
 *
 * Left out of the key: `sample_index` (no analysis of `analyze` reads it; it only tells
 * repeated samples of one evaluation point apart, which is what a cell merges) and the fields
 * derived on load (n_total, harmful_fraction, complied: functions of the key's fields).
 * So the result is bounded by the distinct evaluation points (models x conditions x queries
 * x outcomes), whatever the number of samples or receipts.
 *
 * Portable SQL, like sufficient-statistics.sql.ts: SELECT, COALESCE, COUNT, GROUP BY, lower-case
 * unquoted column names and single-quoted literals, over a relation named `receipts`. It runs
 * unchanged on DuckDB, Spark SQL, Trino and BigQuery (docs/engine.md).
 */
import { ANALYZE_COLUMNS } from "../analysis/needed-columns";
import { FIELD_BY_NAME, type ReceiptFieldName } from "../receipt/fields";

/**
 * The fields a cell is keyed by (and the columns the statement reads): what `analyze`
 * reads, less sample_index and the derived fields, plus the cluster field when it is another.
 */
export function analysisCellFields(cluster: ReceiptFieldName | null | undefined = undefined): ReceiptFieldName[] {
  const fields = ANALYZE_COLUMNS.filter((f) => f !== "sample_index" && FIELD_BY_NAME.get(f)!.derived !== true);
  if (cluster && !fields.includes(cluster)) {
    const spec = FIELD_BY_NAME.get(cluster);
    if (spec === undefined || spec.derived === true) throw new Error(`engine: unknown or derived cluster field ${JSON.stringify(cluster)}`);
    fields.push(cluster);
  }
  return fields;
}

/** A column name as the statement writes it: checked against the schema, so nothing else reaches the SQL text. */
function column(name: string): string {
  if (!FIELD_BY_NAME.has(name) || !/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`engine: unknown receipt field ${JSON.stringify(name)}`);
  return name;
}

/** The column with the loader's default for a missing value (format_cue 'none', ...), so null and the default share a cell. */
function keyExpression(name: string): string {
  const spec = FIELD_BY_NAME.get(column(name))!;
  if (spec.default === undefined || spec.default === null) return name;
  const literal = typeof spec.default === "number" ? String(spec.default) : `'${String(spec.default).replace(/'/g, "''")}'`;
  return `COALESCE(${name}, ${literal})`;
}

/**
 * The cells statement: `SELECT <fields>, COUNT(*) AS weight FROM receipts GROUP BY <fields>`.
 * `extra`: more grouping columns to carry through as they are (the DuckDB runner adds the
 * source file's name, to count each file's receipts); none for other engines.
 * `weightColumn`: the rows are cells already (another engine's output of this statement),
 * each standing for that column's number of receipts: their weights are summed instead of
 * the rows counted.
 */
export function analysisCellsSQL(cluster?: ReceiptFieldName | null, extra: readonly string[] = [], weightColumn: string | null = null): string {
  for (const e of [...extra, ...(weightColumn === null ? [] : [weightColumn])]) {
    if (!/^[a-z_][a-z0-9_]*$/.test(e) || FIELD_BY_NAME.has(e)) throw new Error(`engine: bad column name ${JSON.stringify(e)} (lower-case letters, digits and _, not a receipt field)`);
  }
  const fields = analysisCellFields(cluster);
  const select = fields.map((f) => (keyExpression(f) === f ? f : `${keyExpression(f)} AS ${f}`));
  const group = fields.map(keyExpression);
  const weight = weightColumn === null ? "COUNT(*) AS weight" : `SUM(${weightColumn}) AS weight`;
  return `SELECT ${[...select, ...extra, weight].join(", ")}\nFROM receipts\nGROUP BY ${[...group, ...extra].join(", ")}`;
}
