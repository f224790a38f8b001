/**
 * Paper versus kit: every published figure of the reference study (arXiv:2606.20508) beside
 * the kit's own refit on a receipt table, with the kit's interval, whether the published
 * value falls inside it, and a pass/fail criterion. The published numbers come in as data
 * (`data/calibration/paper-targets.json`, read by `loadPaperTargets`); none is written in
 * this file or in any analysis.
 *
 * Which receipts each comparison uses, and why:
 * - baseline: zero-demonstration receipts; Wilson interval; pass within `tolerance`.
 * - benign coefficient, main models: the study's main sweep cells only (n_total in
 *   `main_sweep.totals` x harmful fraction in `main_sweep.harmful_fractions`, default order,
 *   no cue; no zero-demonstration receipts), so the benign sweep that OLMo-Instruct also ran
 *   does not enter its row. Stage rows: `trainingStage` at n_harmful 8, 16, 32. Both with
 *   CR1 cluster-robust errors by query_id (the kit's default in `analyze`): each query is
 *   evaluated in every cell, and queries differ in how demonstrations move them. Pass: the
 *   verdict (dilution, amplification, none) and the sign agree, and the published estimate
 *   lies inside the 95% interval.
 * - total count: the chi-square test per N on the main sweep cells, Bonferroni over the N
 *   tested; pass when significant-or-not agrees with the published p-value at
 *   alpha / bonferroni_tests.
 * - ordering: suffix minus prefix at the target mix (Newcombe interval), pass within
 *   `tolerance`; suffix the highest schedule where published.
 * - Gemma appendix: the published orders of schedules pass or fail; the levels are shown
 *   with `pass` null (not a target).
 * - format adoption: P(adopted | outcome) at the target mix (Wilson interval), pass within
 *   `tolerance`.
 * Targets marked assumed (no published value) are left out unless `includeAssumed`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ReceiptTable } from "../io/receipt-table";
import { baselineCompliance } from "./baseline";
import { benignEffect, type BenignEffectRow } from "./benign-effect";
import { complianceTable } from "./compliance-table";
import { formatAdoption } from "./format-adoption";
import { ordering } from "./ordering";
import { defaultConditionRows } from "./subsets";
import { totalCountTest } from "./total-count-test";
import { trainingStage } from "./training-stage";
import { benignVerdict, type BenignVerdict } from "./verdicts";

/** A published (or, when `assumed`, chosen) value with its source. */
interface Sourced {
  readonly source?: string;
  readonly note?: string;
  /** No published value: a plausible choice the calibration fits; compare-paper leaves it out by default. */
  readonly assumed?: boolean;
}

/** The contents of `data/calibration/paper-targets.json`. Rates are proportions. */
export interface PaperTargets {
  readonly description?: string;
  readonly alpha: number;
  readonly main_sweep: { readonly totals: readonly number[]; readonly harmful_fractions: readonly number[]; readonly source?: string };
  readonly baseline_rate: { readonly tolerance: number; readonly source?: string; readonly values: readonly (Sourced & { model: string; value: number })[] };
  readonly benign_coefficient: {
    readonly values: readonly (Sourced & { model: string; rows: "main_sweep" | "stage_sweep"; estimate: number; p_value: number; verdict: BenignVerdict })[];
  };
  readonly total_count: {
    readonly n_totals: readonly number[];
    readonly bonferroni_tests: number;
    readonly source?: string;
    readonly p_values: readonly { model: string; values: readonly number[] }[];
  };
  readonly ordering: {
    readonly n_benign: number;
    readonly n_harmful: number;
    readonly tolerance: number;
    readonly source?: string;
    readonly suffix_minus_prefix: readonly (Sourced & { model: string; value: number })[];
    readonly suffix_highest: readonly string[];
  };
  readonly gemma_appendix?: {
    readonly model: string;
    readonly total: number;
    readonly source?: string;
    readonly levels: readonly { harmful_fraction: number; schedule: string; value: number }[];
    readonly orders: readonly ({ harmful_fraction: number; highest: string } | { harmful_fraction: number; higher: string; lower: string })[];
  };
  readonly format_adoption: {
    readonly n_benign: number;
    readonly n_harmful: number;
    readonly tolerance: number;
    readonly values: readonly (Sourced & { model: string; format_cue: string; outcome: "refusal" | "compliance"; value: number })[];
  };
}

/** What is compared. */
export type PaperQuantity =
  | "baseline_rate" | "benign_coefficient" | "total_count_significant" | "suffix_minus_prefix"
  | "suffix_highest" | "appendix_order" | "appendix_level" | "format_adoption";

/** One published figure beside the kit's refit. */
export interface ComparePaperRow {
  readonly quantity: PaperQuantity;
  readonly model: string;
  /** Which receipts or which cell, e.g. "main sweep", "N = 8", "32 + 32", "comply cue, refusals". */
  readonly condition: string;
  /** The published value (for total_count_significant: the published p-value; for orders: the published difference). */
  readonly published: number | null;
  /** The kit's value on the same rows; null when the table has no such rows. */
  readonly kit: number | null;
  /** The kit's 95% interval, where the quantity has one. */
  readonly kit_low: number | null;
  readonly kit_high: number | null;
  /** Whether the published value lies inside [kit_low, kit_high]; null without an interval. */
  readonly inside: boolean | null;
  /** What `pass` checks, in words. */
  readonly criterion: string;
  /** Whether the criterion holds; null for figures shown but not targeted. */
  readonly pass: boolean | null;
  /** True for a chosen value with no published counterpart (only with `includeAssumed`). */
  readonly assumed: boolean;
}

export interface ComparePaperOptions {
  /** Also compare the assumed targets (default false: published figures only). */
  readonly includeAssumed?: boolean;
  /** Cluster field for the benign coefficient's CR1 errors (default "query_id"; null for model-based). */
  readonly cluster?: "query_id" | null;
  /** Family whose checkpoints the stage rows come from (default "OLMo-3.1-32B"). */
  readonly stageFamily?: string;
  /** Harmful counts the stage regression pools (default [8, 16, 32], as the study's). */
  readonly stageHarmfulCounts?: readonly number[];
}

/** Where the kit's targets live, relative to this file (src/analysis or dist/analysis). */
export const PAPER_TARGETS_PATH = join(__dirname, "..", "..", "data", "calibration", "paper-targets.json");

/** Read the published targets (default: the kit's own file). Throws naming the file when unreadable or incomplete. */
export function loadPaperTargets(path: string = PAPER_TARGETS_PATH): PaperTargets {
  let parsed: PaperTargets;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8")) as PaperTargets;
  } catch (e) {
    throw new Error(`loadPaperTargets: cannot read ${path} (${(e as Error).message})`);
  }
  for (const key of ["main_sweep", "baseline_rate", "benign_coefficient", "total_count", "ordering", "format_adoption"] as const)
    if (typeof parsed[key] !== "object" || parsed[key] === null) throw new Error(`loadPaperTargets: ${path} has no "${key}" block`);
  if (typeof parsed.alpha !== "number") throw new Error(`loadPaperTargets: ${path} needs a numeric "alpha", found ${JSON.stringify(parsed.alpha)}`);
  return parsed;
}

/** The study's main sweep cells (default order, no cue, N and phi as in the targets), zero-demonstration receipts excluded. */
export function paperMainSweepRows(table: ReceiptTable, targets: Pick<PaperTargets, "main_sweep">): ReceiptTable {
  const rows = defaultConditionRows(table);
  const totals = new Set(targets.main_sweep.totals);
  const fractions = targets.main_sweep.harmful_fractions;
  const t = rows.numbers("n_total"), f = rows.numbers("harmful_fraction");
  return rows.filter((i) => totals.has(t[i]) && fractions.some((x) => Math.abs(x - f[i]) < 1e-9));
}

const inInterval = (x: number, lo: number | null, hi: number | null) => (lo === null || hi === null ? null : x >= lo && x <= hi);
const pct = (x: number) => `${+(100 * x).toFixed(2)} points`;

/**
 * Compare every published figure in `targets` with the kit's refit on `table`. Rows come
 * in the order: baselines, benign coefficients (main models, then stages), total-count
 * significance per model and N, ordering, Gemma appendix, format adoption. A model or cell
 * missing from the table gives kit null and pass false.
 *
 * Cost: the kit's analyses once each (about 3 s on the paper preset's 603,720 receipts).
 *
 * @example
 * const rows = comparePaper(await loadReceipts("data/paper-calibrated"), loadPaperTargets());
 * rows.every((r) => r.pass !== false); // true: the bundled data reproduces every target
 */
export function comparePaper(table: ReceiptTable, targets: PaperTargets, options: ComparePaperOptions = {}): ComparePaperRow[] {
  const keep = <T extends Sourced>(xs: readonly T[]) => xs.filter((x) => options.includeAssumed || !x.assumed);
  const alpha = targets.alpha;
  const cluster = options.cluster === undefined ? "query_id" : options.cluster;
  const out: ComparePaperRow[] = [];

  // Baselines.
  const baselines = new Map(baselineCompliance(table).map((r) => [String(r.model), r]));
  const baseTol = targets.baseline_rate.tolerance;
  for (const t of keep(targets.baseline_rate.values)) {
    const b = baselines.get(t.model);
    const kit = b && b.n > 0 ? (b.rate as number) : null;
    const lo = b?.conf_low ?? null, hi = b?.conf_high ?? null;
    out.push({
      quantity: "baseline_rate", model: t.model, condition: "no demonstrations", published: t.value, kit, kit_low: lo, kit_high: hi,
      inside: inInterval(t.value, lo, hi), criterion: `within ${pct(baseTol)}`, pass: kit !== null && Math.abs(kit - t.value) <= baseTol + 1e-12, assumed: !!t.assumed,
    });
  }

  // Benign coefficient.
  const benignTargets = keep(targets.benign_coefficient.values);
  const mainModels = new Set(benignTargets.filter((t) => t.rows === "main_sweep").map((t) => t.model));
  const mainRows = paperMainSweepRows(table, targets);
  const mainModel = mainRows.values("model");
  const mainFits = new Map<string, BenignEffectRow>();
  if (mainModels.size > 0) {
    const subset = mainRows.filter((i) => mainModels.has(String(mainModel[i])));
    if (subset.numRows > 0) for (const r of benignEffect(subset, { cluster, alpha }).rows) mainFits.set(r.model, r);
  }
  const stageFits = new Map<string, BenignEffectRow>();
  const stageHarmful = options.stageHarmfulCounts ?? [8, 16, 32];
  if (benignTargets.some((t) => t.rows === "stage_sweep")) {
    try {
      const stages = trainingStage(table, options.stageFamily ?? "OLMo-3.1-32B", { harmfulCounts: stageHarmful, cluster, alpha });
      for (const r of stages.coefficients) stageFits.set(r.model, r);
    } catch {
      // no such family in the table: the stage rows report kit null and fail
    }
  }
  for (const t of benignTargets) {
    const fit = (t.rows === "main_sweep" ? mainFits : stageFits).get(t.model);
    const verdict = fit ? benignVerdict(fit.estimate, fit.p_value, alpha) : null;
    const inside = fit ? inInterval(t.estimate, fit.conf_low, fit.conf_high) : null;
    out.push({
      quantity: "benign_coefficient", model: t.model,
      condition: t.rows === "main_sweep" ? "main sweep" : `n_harmful ${stageHarmful.join(", ")}, n_benign varies`,
      published: t.estimate, kit: fit?.estimate ?? null, kit_low: fit?.conf_low ?? null, kit_high: fit?.conf_high ?? null, inside,
      criterion: `verdict ${t.verdict.replace(/_/g, " ")} at alpha ${alpha}, sign ${t.estimate < 0 ? "-" : "+"}, published inside 95% CI (CR1 by query)`,
      pass: fit !== undefined && verdict === t.verdict && Math.sign(fit.estimate) === Math.sign(t.estimate) && inside === true,
      assumed: !!t.assumed,
    });
  }

  // Total count.
  const tc = targets.total_count;
  const bonferroni = alpha / tc.bonferroni_tests;
  const tcModels = new Set(tc.p_values.map((p) => p.model));
  const tcRows = mainRows.filter((i) => tcModels.has(String(mainModel[i])));
  const perN = tcRows.numRows > 0 ? totalCountTest(tcRows, { alpha }).perN : [];
  for (const p of tc.p_values) {
    const tested = perN.filter((r) => r.model === p.model);
    tc.n_totals.forEach((N, j) => {
      const r = tested.find((x) => x.n_total === N);
      const published = p.values[j];
      const want = published < bonferroni;
      const consistent = r !== undefined && tested.length === tc.bonferroni_tests;
      out.push({
        quantity: "total_count_significant", model: p.model, condition: `N = ${N}`, published, kit: r?.p_value ?? null, kit_low: null, kit_high: null, inside: null,
        criterion: `${want ? "significant" : "not significant"} at ${alpha}/${tc.bonferroni_tests}`,
        pass: consistent && (r!.p_value < bonferroni) === want, assumed: false,
      });
    });
  }

  // Ordering at the target mix.
  const ord = ordering(table, { alpha });
  const o = targets.ordering;
  const at = (model: string, b: number, h: number) => ord.tests.find((r) => r.model === model && r.n_benign === b && r.n_harmful === h);
  const mix = `${o.n_benign} + ${o.n_harmful}`;
  for (const t of keep(o.suffix_minus_prefix)) {
    const r = at(t.model, o.n_benign, o.n_harmful);
    const kit = r?.suffix_minus_prefix ?? null;
    const lo = r?.diff_low ?? null, hi = r?.diff_high ?? null;
    out.push({
      quantity: "suffix_minus_prefix", model: t.model, condition: mix, published: t.value, kit, kit_low: lo, kit_high: hi,
      inside: inInterval(t.value, lo, hi), criterion: `within ${pct(o.tolerance)}`, pass: kit !== null && Math.abs(kit - t.value) <= o.tolerance + 1e-12, assumed: !!t.assumed,
    });
  }
  const rateOf = (model: string, b: number, h: number, schedule: string) =>
    ord.schedules.find((s) => s.model === model && s.n_benign === b && s.n_harmful === h && s.schedule === schedule);
  const bestOther = (model: string, b: number, h: number, except: string) => {
    const rates = ord.schedules.filter((s) => s.model === model && s.n_benign === b && s.n_harmful === h && s.schedule !== except).map((s) => s.rate as number);
    return rates.length ? Math.max(...rates) : null;
  };
  for (const model of o.suffix_highest) {
    const s = rateOf(model, o.n_benign, o.n_harmful, "suffix"), other = bestOther(model, o.n_benign, o.n_harmful, "suffix");
    const kit = s && other !== null ? (s.rate as number) - other : null;
    out.push({
      quantity: "suffix_highest", model, condition: `${mix}: suffix minus the best other schedule`, published: null, kit, kit_low: null, kit_high: null, inside: null,
      criterion: "suffix the highest schedule (> 0)", pass: kit !== null && kit > 0, assumed: false,
    });
  }

  // Gemma appendix.
  const g = targets.gemma_appendix;
  if (g) {
    const cell = (phi: number) => ({ h: Math.round(g.total * phi), b: g.total - Math.round(g.total * phi) });
    const levelOf = (phi: number, schedule: string) =>
      g.levels.find((l) => Math.abs(l.harmful_fraction - phi) < 1e-9 && l.schedule === schedule)?.value ?? null;
    for (const ord0 of g.orders) {
      const { b, h } = cell(ord0.harmful_fraction);
      const where = `${b} + ${h} (phi ${ord0.harmful_fraction})`;
      if ("highest" in ord0) {
        const s = rateOf(g.model, b, h, ord0.highest), other = bestOther(g.model, b, h, ord0.highest);
        const kit = s && other !== null ? (s.rate as number) - other : null;
        out.push({
          quantity: "appendix_order", model: g.model, condition: `${where}: ${ord0.highest} minus the best other`, published: null, kit, kit_low: null, kit_high: null, inside: null,
          criterion: `${ord0.highest} the highest schedule (> 0)`, pass: kit !== null && kit > 0, assumed: false,
        });
      } else {
        const hi = rateOf(g.model, b, h, ord0.higher), lo = rateOf(g.model, b, h, ord0.lower);
        const pubHi = levelOf(ord0.harmful_fraction, ord0.higher), pubLo = levelOf(ord0.harmful_fraction, ord0.lower);
        const kit = hi && lo ? (hi.rate as number) - (lo.rate as number) : null;
        out.push({
          quantity: "appendix_order", model: g.model, condition: `${where}: ${ord0.higher} minus ${ord0.lower}`,
          published: pubHi !== null && pubLo !== null ? pubHi - pubLo : null, kit, kit_low: null, kit_high: null, inside: null,
          criterion: `${ord0.higher} above ${ord0.lower} (> 0)`, pass: kit !== null && kit > 0, assumed: false,
        });
      }
    }
    for (const l of g.levels) {
      const { b, h } = cell(l.harmful_fraction);
      const s = rateOf(g.model, b, h, l.schedule);
      const lo = s?.conf_low ?? null, hi = s?.conf_high ?? null;
      out.push({
        quantity: "appendix_level", model: g.model, condition: `${b} + ${h} (phi ${l.harmful_fraction}), ${l.schedule}`, published: l.value,
        kit: (s?.rate as number | null | undefined) ?? null, kit_low: lo, kit_high: hi, inside: inInterval(l.value, lo, hi),
        criterion: "shown, not a target (the smooth model fits differences between schedules, not these levels)", pass: null, assumed: false,
      });
    }
  }

  // Format adoption at the target mix.
  const f = targets.format_adoption;
  const nb = table.numbers("n_benign"), nh = table.numbers("n_harmful");
  const adoption = formatAdoption(table.filter((i) => nb[i] === f.n_benign && nh[i] === f.n_harmful), { alpha }).adoption;
  for (const t of keep(f.values)) {
    const r = adoption.find((a) => a.model === t.model && a.format_cue === t.format_cue && a.outcome === t.outcome);
    const kit = r?.rate ?? null;
    const lo = r?.conf_low ?? null, hi = r?.conf_high ?? null;
    out.push({
      quantity: "format_adoption", model: t.model, condition: `${t.format_cue} cue, ${t.outcome === "refusal" ? "refusals" : "compliances"} (${f.n_benign} + ${f.n_harmful})`,
      published: t.value, kit, kit_low: lo, kit_high: hi, inside: inInterval(t.value, lo, hi),
      criterion: `within ${pct(f.tolerance)}`, pass: kit !== null && Math.abs(kit - t.value) <= f.tolerance + 1e-12, assumed: !!t.assumed,
    });
  }
  return out;
}

/** Whether every targeted row passes (rows with pass null are not targets). */
export function everyTargetPasses(rows: readonly ComparePaperRow[]): boolean {
  return rows.every((r) => r.pass !== false);
}

/** How a comparison went, counting targets only: rows with `pass` null are shown, not targets. */
export interface PaperComparisonTally {
  /** Rows with a criterion (`pass` true or false). */
  readonly targets: number;
  readonly passed: number;
  readonly failed: number;
  /** Rows shown beside the targets with `pass` null ("shown, not a target"). */
  readonly shown: number;
  /** The failing rows as "quantity model (condition)". */
  readonly failing: readonly string[];
}

/**
 * Count the targets of a comparison. Every summary line and exit code derives from this,
 * so "48 of 48 targets" in out/paper-vs-kit.md and the command's exit status cannot disagree.
 *
 * @example paperComparisonTally(rows) // { targets: 48, passed: 48, failed: 0, shown: 3, failing: [] }
 */
export function paperComparisonTally(rows: readonly ComparePaperRow[]): PaperComparisonTally {
  const targeted = rows.filter((r) => r.pass !== null);
  const failed = targeted.filter((r) => r.pass === false);
  return {
    targets: targeted.length,
    passed: targeted.length - failed.length,
    failed: failed.length,
    shown: rows.length - targeted.length,
    failing: failed.map((r) => `${r.quantity} ${r.model} (${r.condition})`),
  };
}

const num = (v: number | null, quantity: PaperQuantity) => {
  if (v === null) return "";
  if (quantity === "total_count_significant") return v === 0 ? "0" : v.toExponential(1);
  if (quantity === "benign_coefficient") return v.toFixed(4);
  return `${(100 * v).toFixed(1)}%`;
};

/**
 * The comparison as a Markdown document (for `out/paper-vs-kit.md`): a summary line, then
 * one table with the published value, the kit's value and interval, and the verdict.
 * Rates and spreads in percent, benign coefficients to 4 decimals, p-values in exponent form.
 */
export function paperVsKitMarkdown(rows: readonly ComparePaperRow[]): string {
  const tally = paperComparisonTally(rows);
  const lines = [
    "# Paper versus kit",
    "",
    "Every published figure of arXiv:2606.20508 (from `data/calibration/paper-targets.json`) beside the kit's refit on the receipts. " +
      "Rates and differences are in percent; benign coefficients are b2 on log(n + 1) with 95% CR1 (by query) intervals; total-count rows show p-values.",
    "",
    `${tally.passed} of ${tally.targets} targets pass${tally.shown > 0 ? `; ${tally.shown} figures are shown but not targeted` : ""}.`,
    "",
    "| quantity | model | condition | published | kit | kit 95% CI | inside | criterion | pass |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of rows) {
    const ci = r.kit_low !== null && r.kit_high !== null ? `${num(r.kit_low, r.quantity)} to ${num(r.kit_high, r.quantity)}` : "";
    const inside = r.inside === null ? "" : r.inside ? "yes" : "no";
    const pass = r.pass === null ? "(not a target)" : r.pass ? "pass" : "**FAIL**";
    lines.push(`| ${r.quantity}${r.assumed ? " (assumed)" : ""} | ${r.model} | ${r.condition} | ${num(r.published, r.quantity)} | ${num(r.kit, r.quantity)} | ${ci} | ${inside} | ${r.criterion} | ${pass} |`);
  }
  return lines.join("\n") + "\n";
}
