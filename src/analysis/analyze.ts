/**
 * `analyze(table)`: every analysis the data supports, in one structured result receipt:
 * where the receipts came from, what was run (and what was skipped, with the reason), the
 * tables, the verdicts, and the warnings each analysis's results rest on. Verdicts are read
 * honestly (warnings-and-verdicts.ts, verdicts.ts): multiplicity-adjusted (Holm by default),
 * "inconclusive" from a separated or unconverged fit, shaky with any other warning, with the
 * minimum detectable b2 and, when asked, an equivalence reading. Renders to JSON and
 * Markdown (`render-result-receipt.ts`).
 */
import { basename, relative, resolve, sep } from "node:path";
import type { ReceiptTable } from "../io/receipt-table";
import type { ReceiptFieldName } from "../receipt/fields";
import { baselineCompliance, relativeToBaseline, type BaselineRow, type RelativeRow } from "./baseline";
import { benignEffect, type BenignEffectRow } from "./benign-effect";
import { benignSweep, type BenignSweepResult } from "./benign-sweep";
import { breakdowns, type BreakdownResult } from "./breakdowns";
import { formatAdoption, type FormatAdoptionResult } from "./format-adoption";
import { ordering, type OrderingResult } from "./ordering";
import type { LogisticFit, PAdjustMethod } from "../stats";
import { adjustPValues } from "../stats";
import { cuedRows, defaultConditionRows, orderedRows, zeroDemonstrationRows } from "./subsets";
import { totalCountTest, type TotalCountResult } from "./total-count-test";
import { familiesWithStages, trainingStage, type TrainingStageResult } from "./training-stage";
import type { CouplingVerdict, TotalCountReading, VerdictTrust } from "./verdicts";
import { emptyWarnings, judgeValidationWarnings, type ReceiptWarnings } from "./warnings";
import {
  MDE_POWER, orderingWarnings, readBenignRows, type BenignVerdictRowBase, readCouplingRows, readStageRows, readTotalCountRows, sweepWarnings, type ReadContext,
} from "./warnings-and-verdicts";

export interface AnalyzeOptions {
  /** Cluster field for robust errors in every analysis (default "query_id" when present; null for model-based). */
  readonly cluster?: ReceiptFieldName | null;
  /**
   * Also fit the random-intercept model per model and report the conditional b2 (for a given
   * query) beside the population-averaged one (across queries). Default true; it costs about
   * a second on the bundled 600k receipts.
   */
  readonly conditional?: boolean;
  readonly alpha?: number;
  /** Fields that identify a model (default ["model"]). */
  readonly by?: readonly ReceiptFieldName[];
  /**
   * Multiplicity adjustment of the verdict p-values across the rows of each verdict table
   * (models for the benign effect, total count and format coupling; the stages of a family
   * for the training stage). Default "holm"; "none" reads each raw p-value at alpha.
   */
  readonly pAdjust?: PAdjustMethod | "none";
  /**
   * Equivalence margin M for b2 (logits per unit of log(n_benign + 1)): a non-significant
   * benign effect reads "equivalent" when its (1 - 2 alpha) interval lies inside (-M, M)
   * (TOST), else "inconclusive". Default null: no equivalence reading.
   */
  readonly equivalenceMargin?: number | null;
}

export interface Provenance {
  readonly kit_version: string;
  readonly schema_version: string;
  readonly created_at: string;
  /** Each input file: `path` relative to the working directory (POSIX separators), its file `name` and content hash. */
  readonly files: { path: string | null; name: string | null; format: string; sha256: string | null; rows_read: number; rows_kept: number; issues: number }[];
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

/** A benign-effect verdict row: the reading of b2 with its trust, MDE and equivalence fields. */
export type BenignVerdictRow = BenignVerdictRowBase;

export interface TotalCountVerdictRow extends VerdictTrust {
  model: string;
  verdict: TotalCountReading;
  n_values_significant: number;
  n_values_tested: number;
  /** Which per-N test the p-values are from: "cluster-robust Wald" when the rows carry cluster_p_value, else "chi-square". */
  test: string;
  /** The model's family-wise p-value: Bonferroni over the N values tested, min(1, m * min p). Null with no N tested. */
  p_value: number | null;
  /** p_value adjusted across models (options.p_adjust); the verdict reads this one. */
  p_adjusted: number | null;
}

export interface TrainingStageVerdictRow extends BenignVerdictRow {
  family: string;
  stage: string;
}

export interface CouplingVerdictRow extends VerdictTrust {
  model: string;
  format_cue: string;
  verdict: CouplingVerdict;
  odds_ratio: number;
  /** Which test p_value is from: "cluster-robust" (by query) when the analysis has it, else "Fisher". */
  test: string;
  p_value: number;
  /** p_value adjusted across rows; coupled requires this one below alpha. */
  p_adjusted: number;
}

export interface Verdicts {
  readonly benign_effect: BenignVerdictRow[];
  readonly total_count: TotalCountVerdictRow[];
  readonly training_stage: TrainingStageVerdictRow[];
  readonly format_coupling: CouplingVerdictRow[];
}

export interface ResultReceipt {
  readonly kind: "safety-receipts/result-receipt";
  readonly version: 1;
  readonly provenance: Provenance;
  readonly options: {
    alpha: number;
    cluster: string | null;
    counts: "log1p";
    /** How verdict p-values are adjusted across the rows of each verdict table. */
    p_adjust: PAdjustMethod | "none";
    /** Power of the minimum detectable effect (mde) reported with benign verdicts. */
    mde_power: number;
    equivalence_margin: number | null;
  };
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
  /** What each analysis's results rest on that a reader should know: separation, few clusters, sparse cells, ... */
  readonly warnings: ReceiptWarnings;
}

/** A dictionary field's codes, or null when its chunks carry different dictionaries (read values then). */
function dictionaryOf(t: ReceiptTable, f: ReceiptFieldName): ReturnType<ReceiptTable["dictionary"]> | null {
  try {
    return t.dictionary(f);
  } catch (e) {
    if (/several dictionaries/.test((e as Error).message)) return null;
    throw e;
  }
}

/** The distinct non-null values of a dictionary field, as sorted strings (from its codes: no per-row strings). */
function distinctStrings(t: ReceiptTable, f: ReceiptFieldName): string[] {
  const dict = dictionaryOf(t, f);
  if (dict === null) return (t.distinct(f) as string[]).map(String).sort();
  const { codes, labels } = dict;
  const used = new Uint8Array(labels.length);
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) used[codes[i]] = 1;
  return [...new Set(labels.filter((_, c) => used[c] === 1))].map(String).sort();
}

/**
 * A path as the result receipt records it: relative to the working directory, so a receipt
 * names no user's home folder and reads the same on another machine.
 */
function relativePath(path: string): string {
  const r = relative(process.cwd(), resolve(path));
  return (r === "" ? "." : r).split(sep).join("/");
}

export function provenanceOf(table: ReceiptTable): Provenance {
  const y = table.flags("complied"), w = table.weights();
  let parse = 0;
  // a weighted row (a cell of identical receipts) counts as its weight
  if (w === null) for (let i = 0; i < y.length; i++) { if (y[i] < 0) parse++; }
  else for (let i = 0; i < y.length; i++) if (y[i] < 0) parse += w[i];
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { version } = require("../../package.json") as { version: string };
  return {
    kit_version: version,
    schema_version: "1",
    created_at: new Date().toISOString(),
    files: table.sources.map((s) => ({ path: s.path === null ? null : relativePath(s.path), name: s.path === null ? null : basename(s.path), format: s.format, sha256: s.sha256, rows_read: s.rowsRead, rows_kept: s.rowsKept, issues: s.issues })),
    receipts: table.receiptCount,
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

/** The distinct (a, b) pairs (counts; NaN is null), without a string per row. */
function distinctPairs(a: Float64Array, b: Float64Array): Set<string> {
  const seen = new Set<string>();
  const last = new Map<number, number>(); // the last b seen with each a: most rows repeat it and need no string
  for (let i = 0; i < a.length; i++) {
    // a condition's receipts are adjacent: a row like the one before needs no lookup
    if (i > 0 && a[i] === a[i - 1] && b[i] === b[i - 1]) continue;
    if (last.get(a[i]) === b[i]) continue;
    last.set(a[i], b[i]);
    seen.add(`${a[i]}/${b[i]}`);
  }
  return seen;
}

/** Run what the data supports; anything it cannot support is listed in `skipped` with the reason. */
export function analyze(table: ReceiptTable, options: AnalyzeOptions = {}): ResultReceipt {
  const alpha = options.alpha ?? 0.05;
  const by = options.by ?? ["model"];
  const queryIds = dictionaryOf(table, "query_id");
  const hasQueryIds = queryIds === null ? table.values("query_id").some((q) => q !== null) : queryIds.codes.some((c) => c >= 0);
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
  const conditions = distinctPairs(main.numbers("n_benign"), main.numbers("n_harmful"));
  const baseline = attempt("baseline", zero === 0 ? "no zero-demonstration receipts (n_benign = n_harmful = 0)" : null, () => baselineCompliance(table, { by }));
  const relative = attempt("relative to baseline", zero === 0 ? "no zero-demonstration receipts" : null, () => relativeToBaseline(table, { by, cluster }));
  const totalCount = attempt("total-count hypothesis", main.numRows === 0 ? "no receipts in the default condition (no cue, benign-before-harmful order)" : null, () => {
    const r = totalCountTest(table, { by, alpha, cluster });
    if (r.perN.length === 0) throw new Error("no total N with two or more harmful fractions");
    return r;
  });
  let benignFits: readonly LogisticFit[] = [];
  const benign = attempt("harmful-count versus joint (benign effect)", conditions.size < 3 ? `the default condition has ${conditions.size} distinct (n_benign, n_harmful) cells; the joint model needs at least 3` : null,
    () => {
      const r = benignEffect(table, { by, cluster, alpha, conditional: options.conditional ?? true });
      benignFits = r.fits;
      return r.rows;
    });
  const sweep = attempt("benign sweep at fixed harmful count", null, () => {
    const r = benignSweep(table, { by, alpha, cluster });
    if (r.slopes.length === 0) throw new Error("no n_harmful > 0 with two or more n_benign values");
    return r;
  });
  const families = familiesWithStages(table);
  if (families.length === 0) skipped.push({ analysis: "training stage", reason: "no model_family with more than one checkpoint" });
  const stages = families.map((f) => attempt(`training stage (${f})`, null, () => trainingStage(table, f, { alpha, cluster }))).filter((x): x is TrainingStageResult => x !== null);
  const order = attempt("ordering", orderedRows(table).numRows === 0 ? "no receipts with both kinds of demonstration under an explicit schedule" : null, () => {
    const r = ordering(table, { by, alpha, cluster });
    if (r.tests.length === 0) throw new Error("no condition observed under two or more schedules");
    return r;
  });
  const format = attempt("format adoption", cuedRows(table).numRows === 0 ? "no receipts with a format cue and adopted_cue recorded" : null, () => formatAdoption(table, { by, alpha, cluster }));
  const margin = options.equivalenceMargin ?? null;
  if (margin !== null && !(margin > 0 && Number.isFinite(margin))) throw new Error(`analyze: equivalenceMargin must be a positive number, found ${margin}`);
  const pAdjust = options.pAdjust ?? "holm";
  const adjust = (p: readonly number[]): number[] => (pAdjust === "none" ? [...p] : Array.from(adjustPValues(p.map((v) => (Number.isNaN(v) ? NaN : v)), pAdjust)));
  const warnings = emptyWarnings();
  const context: ReadContext = { table, by, alpha, margin, adjust };
  const benignRows = readBenignRows(context, benign ?? [], benignFits, warnings.benign_effect);
  const stageRows = stages.flatMap((s) => readStageRows(context, s, warnings.training_stage));
  const verdicts: Verdicts = {
    benign_effect: benignRows,
    total_count: totalCount ? readTotalCountRows(context, totalCount, warnings.total_count) : [],
    training_stage: stageRows,
    format_coupling: format ? readCouplingRows(context, format, warnings.format_adoption) : [],
  };
  if (sweep) warnings.benign_sweep.push(...sweepWarnings(sweep, by));
  if (order) warnings.ordering.push(...orderingWarnings(order, by));
  warnings.judges.push(...judgeValidationWarnings(table));
  return {
    kind: "safety-receipts/result-receipt",
    version: 1,
    provenance: provenanceOf(table),
    options: { alpha, cluster, counts: "log1p", p_adjust: pAdjust, mde_power: MDE_POWER, equivalence_margin: margin },
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
    warnings,
  };
}
