/**
 * `analyze(table)`: every analysis the data supports, in one structured result receipt:
 * where the receipts came from, what was run (and what was skipped, with the reason), the
 * tables, and the verdicts. Renders to JSON and Markdown (`render-result-receipt.ts`).
 */
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import { baselineCompliance, relativeToBaseline, type BaselineRow, type RelativeRow } from "./baseline";
import { benignEffect, type BenignEffectRow } from "./benign-effect";
import { benignSweep, type BenignSweepResult } from "./benign-sweep";
import { breakdowns, type BreakdownResult } from "./breakdowns";
import { formatAdoption, type FormatAdoptionResult } from "./format-adoption";
import { ordering, type OrderingResult } from "./ordering";
import { cuedRows, defaultConditionRows, orderedRows, zeroDemonstrationRows } from "./subsets";
import { totalCountTest, type TotalCountResult } from "./total-count-test";
import { familiesWithStages, trainingStage, type TrainingStageResult } from "./training-stage";

export interface AnalyzeOptions {
  /** Cluster field for robust errors in the benign-effect fits (default "query_id" when present; null for none). */
  readonly cluster?: ReceiptFieldName | null;
  readonly alpha?: number;
  /** Fields that identify a model (default ["model"]). */
  readonly by?: readonly ReceiptFieldName[];
}

export interface Provenance {
  readonly kit_version: string;
  readonly schema_version: string;
  readonly created_at: string;
  readonly files: { path: string | null; format: string; sha256: string | null; rows_read: number; rows_kept: number; issues: number }[];
  readonly receipts: number;
  readonly parse_errors: number;
  readonly load_issues: number;
  readonly models: string[];
  readonly judges: string[];
  readonly query_sources: string[];
  readonly harmful_demo_sources: string[];
  readonly benign_demo_sources: string[];
  readonly run_ids: string[];
}

export interface SkippedAnalysis {
  readonly analysis: string;
  readonly reason: string;
}

export interface Verdicts {
  readonly benign_effect: { model: string; verdict: string; estimate: number; conf_low: number; conf_high: number; p_value: number }[];
  readonly total_count: { model: string; verdict: string; n_values_significant: number; n_values_tested: number }[];
  readonly training_stage: { family: string; stage: string; model: string; verdict: string; estimate: number; p_value: number }[];
  readonly format_coupling: { model: string; format_cue: string; verdict: string; odds_ratio: number }[];
}

export interface ResultReceipt {
  readonly kind: "safety-receipts/result-receipt";
  readonly version: 1;
  readonly provenance: Provenance;
  readonly options: { alpha: number; cluster: string | null; counts: "log1p" };
  readonly skipped: SkippedAnalysis[];
  readonly baseline: BaselineRow[] | null;
  readonly relativeToBaseline: RelativeRow[] | null;
  readonly totalCount: TotalCountResult | null;
  readonly benignEffect: BenignEffectRow[] | null;
  readonly benignSweep: BenignSweepResult | null;
  readonly trainingStage: TrainingStageResult[];
  readonly ordering: OrderingResult | null;
  readonly formatAdoption: FormatAdoptionResult | null;
  readonly breakdowns: BreakdownResult;
  readonly verdicts: Verdicts;
}

const distinctStrings = (t: ReceiptTable, f: ReceiptFieldName) => (t.distinct(f) as string[]).map(String).sort();

export function provenanceOf(table: ReceiptTable): Provenance {
  const y = table.flags("complied");
  let parse = 0;
  for (let i = 0; i < y.length; i++) if (y[i] < 0) parse++;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { version } = require("../../package.json") as { version: string };
  return {
    kit_version: version,
    schema_version: "1",
    created_at: new Date().toISOString(),
    files: table.sources.map((s) => ({ path: s.path, format: s.format, sha256: s.sha256, rows_read: s.rowsRead, rows_kept: s.rowsKept, issues: s.issues })),
    receipts: table.numRows,
    parse_errors: parse,
    load_issues: table.issues.length,
    models: distinctStrings(table, "model"),
    judges: distinctStrings(table, "judge"),
    query_sources: distinctStrings(table, "query_source"),
    harmful_demo_sources: distinctStrings(table, "harmful_demo_source"),
    benign_demo_sources: distinctStrings(table, "benign_demo_source"),
    run_ids: distinctStrings(table, "run_id"),
  };
}

/** Run what the data supports; anything it cannot support is listed in `skipped` with the reason. */
export function analyze(table: ReceiptTable, options: AnalyzeOptions = {}): ResultReceipt {
  const alpha = options.alpha ?? 0.05;
  const by = options.by ?? ["model"];
  const hasQueryIds = table.values("query_id").some((q) => q !== null);
  const cluster = options.cluster === undefined ? (hasQueryIds ? "query_id" : null) : options.cluster;
  const skipped: SkippedAnalysis[] = [];
  const attempt = <T>(name: string, precondition: string | null, run: () => T): T | null => {
    if (precondition !== null) {
      skipped.push({ analysis: name, reason: precondition });
      return null;
    }
    try {
      return run();
    } catch (e) {
      skipped.push({ analysis: name, reason: (e as Error).message });
      return null;
    }
  };
  const zero = zeroDemonstrationRows(table).numRows;
  const main = defaultConditionRows(table);
  const mainHarmful = main.values("n_harmful");
  const conditions = new Set(main.values("n_benign").map((b, i) => `${b}/${mainHarmful[i]}`));
  const baseline = attempt("baseline", zero === 0 ? "no zero-demonstration receipts (n_benign = n_harmful = 0)" : null, () => baselineCompliance(table, { by }));
  const relative = attempt("relative to baseline", zero === 0 ? "no zero-demonstration receipts" : null, () => relativeToBaseline(table, { by }));
  const totalCount = attempt("total-count hypothesis", main.numRows === 0 ? "no receipts in the default condition (no cue, benign-before-harmful order)" : null, () => {
    const r = totalCountTest(table, { by, alpha });
    if (r.perN.length === 0) throw new Error("no total N with two or more harmful fractions");
    return r;
  });
  const benign = attempt("harmful-count versus joint (benign effect)", conditions.size < 3 ? `the default condition has ${conditions.size} distinct (n_benign, n_harmful) cells; the joint model needs at least 3` : null,
    () => benignEffect(table, { by, cluster, alpha }).rows);
  const sweep = attempt("benign sweep at fixed harmful count", null, () => {
    const r = benignSweep(table, { by, alpha });
    if (r.slopes.length === 0) throw new Error("no n_harmful > 0 with two or more n_benign values");
    return r;
  });
  const families = familiesWithStages(table);
  if (families.length === 0) skipped.push({ analysis: "training stage", reason: "no model_family with more than one checkpoint" });
  const stages = families.map((f) => attempt(`training stage (${f})`, null, () => trainingStage(table, f, { alpha, cluster: cluster === "query_id" ? "query_id" : null }))).filter((x): x is TrainingStageResult => x !== null);
  const order = attempt("ordering", orderedRows(table).numRows === 0 ? "no receipts with both kinds of demonstration under an explicit schedule" : null, () => {
    const r = ordering(table, { by, alpha });
    if (r.tests.length === 0) throw new Error("no condition observed under two or more schedules");
    return r;
  });
  const format = attempt("format adoption", cuedRows(table).numRows === 0 ? "no receipts with a format cue and adopted_cue recorded" : null, () => formatAdoption(table, { by, alpha }));
  const verdicts: Verdicts = {
    benign_effect: (benign ?? []).map((r) => ({ model: r.label, verdict: r.verdict, estimate: r.estimate, conf_low: r.conf_low, conf_high: r.conf_high, p_value: r.p_value })),
    total_count: (totalCount?.summary ?? []).map((s) => ({ model: by.map((f) => String(s[f])).join(" / "), verdict: s.verdict, n_values_significant: s.n_values_significant, n_values_tested: s.n_values_tested })),
    training_stage: stages.flatMap((s) => s.coefficients.map((c) => ({ family: s.family, stage: c.training_stage, model: c.model, verdict: c.verdict, estimate: c.estimate, p_value: c.p_value }))),
    format_coupling: (format?.coupling ?? []).map((c) => ({ model: by.map((f) => String(c[f])).join(" / "), format_cue: String(c.format_cue_text ?? c.format_cue), verdict: c.verdict, odds_ratio: c.odds_ratio })),
  };
  return {
    kind: "safety-receipts/result-receipt",
    version: 1,
    provenance: provenanceOf(table),
    options: { alpha, cluster, counts: "log1p" },
    skipped,
    baseline,
    relativeToBaseline: relative,
    totalCount,
    benignEffect: benign,
    benignSweep: sweep,
    trainingStage: stages,
    ordering: order,
    formatAdoption: format,
    breakdowns: breakdowns(table, by),
    verdicts,
  };
}
