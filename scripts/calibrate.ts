/**
 * Calibrate the paper preset to the published figures, with the kit's own analyses.
 *
 *   npx tsx scripts/calibrate.ts               # search the seed, fit, write everything
 *   npx tsx scripts/calibrate.ts --seed 17     # fit at one seed (no search)
 *   npx tsx scripts/calibrate.ts --check       # fit and report only; write nothing
 *   npx tsx scripts/calibrate.ts --rewrite-data
 *       # no fitting: rewrite the Parquet from paper-params.json at the recorded seed (after
 *       # the schema gains a field, say) and record its size and SHA-256 in paper-fit.json
 *
 * Reads data/calibration/paper-targets.json and the starting parameters in
 * data/calibration/paper-first-guesses.json (never written, so a rerun retraces the same fit);
 * writes the fitted parameters to data/calibration/paper-params.json (the preset's),
 * the achieved values beside the targets to data/calibration/paper-fit.json, the bundled
 * dataset to data/paper-calibrated/receipts.parquet and the comparison to out/paper-vs-kit.md.
 *
 * Each iteration simulates the whole preset (same seed), refits with `comparePaper` (the
 * kit's baselineCompliance, benignEffect with CR1 errors by query, trainingStage,
 * totalCountTest, ordering and formatAdoption) and moves every parameter against its error:
 * - baseline_logit by the logit error of the zero-demonstration rate, divided by the
 *   attenuation of a conditional effect under the query effect (marginal.ts);
 * - harmful_slope (b1 is not published) so that the total-count test's median -log10 p over N
 *   is the published table's; GPT-OSS-20B's is held (HELD_HARMFUL_SLOPE, below);
 * - benign_slope by the error of the refitted b2, divided by the same attenuation, or by a
 *   secant step; a main model follows its main-sweep row (OLMo-Instruct included), the SFT and
 *   DPO checkpoints their stage rows;
 * - query_benign_slope_sd (first SD_ITERATIONS iterations only) so that the refit's CR1
 *   standard error of b2 is the one the published estimate and p-value imply,
 *   |b2| / z(1 - p/2): SE^2 = SE0^2 + c sd^2, with SE0 measured at sd 0 in the first
 *   iteration and c from the current one; capped for GPT-OSS-20B (SD_CAP, below);
 * - prefix and middle offsets by the error of suffix minus prefix over p(1 - p) at the
 *   prefix rate; random and interleave keep their ratio to prefix;
 * - Gemma's interleave offset at phi 0.75 by the error of interleave minus suffix there;
 * - format adoption rates by their error, directly.
 * query_sd, cue effects, GPT-OSS-20B's harmful slope and its one condition offset, and the
 * rest of Gemma's schedule interactions stay as in the first guesses.
 *
 * The seed: a smooth model makes the total-count test more significant as N grows, but the
 * published GPT-OSS-20B pattern is not significant at N = 4, significant at 8, not at 16,
 * significant again from 32 (at 0.05 / 6). The first guesses give GPT-OSS-20B one condition
 * offset (+0.25 logits at 0 benign + 8 harmful) for N = 8 and a held harmful slope that keeps
 * N = 4 well below significance; whether N = 16 lands below and N = 32 above the line is left
 * to the draw. Seeds are tried in order 1, 2, 3, ...: a seed is a candidate when
 * GPT-OSS-20B's pattern holds under the parameters fitted at seed 1 (a cheap check on that
 * model alone: receipts are keyed by content, so one model's receipts are the same in any
 * design), and is taken when, after fitting at that seed, every published target passes.
 * Deterministic: the same files give the same seed, parameters and bytes.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  comparePaper, everyTargetPasses, loadPaperTargets, paperMainSweepRows, paperVsKitMarkdown, PAPER_TARGETS_PATH,
  type ComparePaperRow, type PaperTargets,
} from "../src/analysis/compare-paper";
import { totalCountTest } from "../src/analysis/total-count-test";
import { renderRows } from "../src/cli/render-table";
import { toParquet } from "../src/io/parquet";
import { logit, marginalAttenuation, paperConditions, paperDesign, PAPER_PARAMS_PATH, simulateCustom, type ModelParams, type PaperParams } from "../src/simulate";
import { normalQuantile, normalTwoSidedP } from "../src/stats/distributions";

const ROOT = join(__dirname, "..");
const FIT_PATH = join(ROOT, "data", "calibration", "paper-fit.json");
/** The starting point, never overwritten, so a rerun retraces the same fit. */
const START_PATH = join(ROOT, "data", "calibration", "paper-first-guesses.json");
const PARQUET_PATH = join(ROOT, "data", "paper-calibrated", "receipts.parquet");
const MARKDOWN_PATH = join(ROOT, "out", "paper-vs-kit.md");
const Z975 = normalQuantile(0.975);

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const FIXED_SEED = option("--seed") === undefined ? null : Number(option("--seed"));
const MAX_SEED = Number(option("--max-seed") ?? 100);
const FIRST_ITERATIONS = 14;
const SEED_ITERATIONS = 6;
/** Iterations in which query_benign_slope_sd moves (the first at sd 0 measures SE0). */
const SD_ITERATIONS = 4;

/**
 * Models whose harmful slope stays at its first guess instead of following the total-count table's median -log10 p.
 * GPT-OSS-20B's published table (0.41, 5.4e-4, 0.035, 8.7e-4, 6.3e-6, 6.6e-34) is not monotone in N: the median rule
 * pushed its slope up until N = 4 and N = 16 turned significant. Its first guess (paper-first-guesses.json, with the
 * one-cell offset at 0 + 8 noted there) is chosen to make the published pattern likely; the seed search does the rest.
 */
const HELD_HARMFUL_SLOPE: ReadonlySet<string> = new Set(["GPT-OSS-20B"]);
/**
 * Upper bounds on query_benign_slope_sd. GPT-OSS-20B's implied standard error (0.0319 / z(1 - 0.011/2) = 0.0126) needs
 * sd about 0.7 at its 10% rates; at that size the random slope dominates its population-averaged b2 (the conditional
 * slope went to -0.34 for a b2 of +0.03) and the refit swings by 0.03 between iterations. Capped at 0.35, the kit's CR1
 * interval is narrower than the published one (documented in paper-fit.json) but contains 0.0319, and the verdict is
 * amplification as published.
 */
const SD_CAP: Readonly<Record<string, number>> = { "GPT-OSS-20B": 0.35 };

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
type Params = Mutable<ModelParams>;

const round = (x: number, digits = 6) => Number(x.toFixed(digits));
const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

/** Standard error of b2 that a published estimate and two-sided p-value imply. */
const impliedSE = (estimate: number, p: number) => Math.abs(estimate) / zOfTwoSidedP(p);

/** |z| whose two-sided normal p-value is p, by bisection on log p (the tail is exact down to 1e-300; 1 - p/2 is not). */
function zOfTwoSidedP(p: number): number {
  let lo = 0, hi = 40;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (Math.log(normalTwoSidedP(mid)) > Math.log(p)) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** -log10 p, capped where the kit's and the study's p-values underflow. */
const strength = (p: number) => Math.min(300, -Math.log10(Math.max(p, 1e-300)));
const seOf = (r: ComparePaperRow) => (r.kit_high! - r.kit_low!) / (2 * Z975);

interface State {
  readonly models: Params[];
  /** Per model: the benign slope and the mean refitted b2 of the previous iteration, for a secant step. */
  readonly previous: Map<string, { slope: number; sd: number; b2: number }>;
  /** CR1 standard error of b2 per (model, rows) at query_benign_slope_sd 0, measured once. */
  readonly se0: Map<string, number>;
}

const rowKey = (model: string, condition: string) => `${model}\x1f${condition}`;

function paramsFile(models: readonly Params[], base: PaperParams): PaperParams {
  return { ...base, models };
}

function simulate(models: readonly Params[], base: PaperParams, seed: number) {
  return simulateCustom(paperDesign(paramsFile(models, base)), seed);
}

/** One calibration step: refit, then move each parameter against its error. Returns the rows of the refit. */
function step(state: State, base: PaperParams, targets: PaperTargets, seed: number, iteration: number): ComparePaperRow[] {
  const table = simulate(state.models, base, seed);
  const rows = comparePaper(table, targets, { includeAssumed: true });
  const byModel = new Map(state.models.map((m) => [m.model, m]));
  const att = (m: Params) => marginalAttenuation(m.query_sd);

  // Harmful slope (b1 is not published): the total-count test's median -log10 p over N matches the published table's
  // (the median, not the mean: GPT-OSS-20B's table runs from 0.41 to 6.6e-34, which no smooth model follows).
  // The chi-square statistic grows with the square of the gap between harmful and benign slopes.
  for (const t of targets.total_count.p_values) {
    const kit = rows.filter((x) => x.quantity === "total_count_significant" && x.model === t.model && x.kit !== null);
    if (kit.length !== t.values.length) continue;
    const m = byModel.get(t.model)!;
    if (HELD_HARMFUL_SLOPE.has(m.model)) continue;
    const ratio = median(t.values.map(strength)) / Math.max(1e-3, median(kit.map((r) => strength(r.kit!))));
    const gap = m.harmful_slope - m.benign_slope;
    m.harmful_slope = round(m.benign_slope + gap * clip(Math.sqrt(ratio), 0.8, 1.25));
  }

  for (const r of rows.filter((x) => x.quantity === "baseline_rate" && x.kit !== null)) {
    const m = byModel.get(r.model)!;
    m.baseline_logit = round(m.baseline_logit + (logit(r.published!) - logit(r.kit!)) / att(m));
  }

  const benign = rows.filter((x) => x.quantity === "benign_coefficient" && x.kit !== null);
  const targetOf = (r: ComparePaperRow) => targets.benign_coefficient.values.find((t) => t.model === r.model && (t.rows === "main_sweep") === (r.condition === "main sweep"))!;
  for (const m of state.models) {
    // A main model's slope follows its main-sweep row alone (OLMo-3.1-32B-Instruct also has a stage row: fitting the
    // mean of both left the main row at -0.0145, where the verdict flips with the draw; at -0.0118 the main row reads
    // p = 0.11 as published and the stage row, a little closer to 0, stays inside its interval). Stage-only models
    // follow their stage row.
    const all = benign.filter((r) => r.model === m.model);
    const main = all.filter((r) => r.condition === "main sweep");
    const mine = main.length > 0 ? main : all;
    if (mine.length === 0) continue;
    const b2 = mine.reduce((s, r) => s + r.kit!, 0) / mine.length;
    const error = mine.reduce((s, r) => s + (r.published! - r.kit!), 0) / mine.length;
    // Secant slope of refitted b2 against benign_slope when only the slope moved last time; else the attenuation.
    const prev = state.previous.get(m.model);
    const sd = m.query_benign_slope_sd ?? 0;
    let gain = att(m);
    if (prev && prev.sd === sd && Math.abs(m.benign_slope - prev.slope) > 1e-4) gain = clip((b2 - prev.b2) / (m.benign_slope - prev.slope), 0.2 * att(m), 1.2 * att(m));
    state.previous.set(m.model, { slope: m.benign_slope, sd, b2 });
    m.benign_slope = round(m.benign_slope + error / gain);
    // Random benign slope: SE^2 = SE0^2 + c sd^2, pooled over the model's rows; fitted in the first iterations, then held
    // so the slope converges (a random slope moves the population-averaged b2 too).
    if (iteration > SD_ITERATIONS) continue;
    if (sd === 0) {
      for (const r of all) state.se0.set(rowKey(r.model, r.condition), seOf(r));
      m.query_benign_slope_sd = 0.3;
      continue;
    }
    let need = 0, c = 0;
    for (const r of all) {
      const t = targetOf(r);
      const se0 = state.se0.get(rowKey(r.model, r.condition)) ?? 0;
      need += Math.max(0, impliedSE(t.estimate, t.p_value) ** 2 - se0 ** 2);
      c += Math.max(1e-8, (seOf(r) ** 2 - se0 ** 2) / sd ** 2);
    }
    m.query_benign_slope_sd = round(clip(Math.sqrt(need / c), 0.01, SD_CAP[m.model] ?? 2), 4);
  }

  for (const r of rows.filter((x) => x.quantity === "suffix_minus_prefix" && x.kit !== null)) {
    const m = byModel.get(r.model)!;
    const off = (m.schedule_offsets ??= {});
    const prefix = off.prefix ?? 0;
    const ratio = prefix !== 0 ? (off.random ?? 0) / prefix : 0.5;
    // d rate / d logit is p (1 - p) times the attenuation, about 0.2 at these rates; the loop corrects the rest
    const next = prefix - (r.published! - r.kit!) / 0.2;
    off.prefix = round(prefix + clip(next - prefix, -1, 1), 4);
    off.middle = off.prefix;
    off.random = round(off.prefix * ratio, 4);
    off.interleave = off.random;
  }

  // Gemma's appendix: an order with a published difference (interleave above suffix at phi 0.75) is fitted by that
  // schedule's interaction offset at that fraction.
  const g = targets.gemma_appendix;
  for (const r of rows.filter((x) => x.quantity === "appendix_order" && x.published !== null && x.kit !== null)) {
    const order = g!.orders.find((o) => "higher" in o && r.condition.includes(`${o.higher} minus ${o.lower}`)) as { harmful_fraction: number; higher: string } | undefined;
    if (!order) continue;
    const m = byModel.get(r.model)!;
    const list = (m.schedule_interactions ??= []) as { harmful_fraction: number; offsets: Record<string, number> }[];
    let entry = list.find((i) => Math.abs(i.harmful_fraction - order.harmful_fraction) < 1e-9);
    if (!entry) list.push((entry = { harmful_fraction: order.harmful_fraction, offsets: {} }));
    entry.offsets[order.higher] = round((entry.offsets[order.higher] ?? 0) + clip((r.published! - r.kit!) / 0.2, -1, 1), 4);
  }

  for (const r of rows.filter((x) => x.quantity === "format_adoption" && x.kit !== null)) {
    const m = byModel.get(r.model)!;
    const t = targets.format_adoption.values.find((v) => v.model === r.model && r.condition.startsWith(`${v.format_cue} cue, ${v.outcome === "refusal" ? "refusals" : "compliances"}`))!;
    const a = m.format_adoption![t.format_cue as "neutral" | "comply"]! as { given_refusal: number; given_compliance: number };
    const key = t.outcome === "refusal" ? "given_refusal" : "given_compliance";
    a[key] = round(clip(a[key] + (t.value - r.kit!), 0.0002, 0.9998), 4);
  }
  const failing = rows.filter((r) => r.pass === false && !r.assumed).length;
  console.log(`  seed ${seed} iteration ${iteration}: ${failing} published target(s) failing`);
  if (process.env.CALIBRATE_DEBUG) for (const r of benign) console.log(`    ${r.model} ${r.condition}: b2 ${r.kit!.toFixed(4)} se ${seOf(r).toFixed(4)} -> slope ${byModel.get(r.model)!.benign_slope} sd ${byModel.get(r.model)!.query_benign_slope_sd}`);
  return rows;
}

/** GPT-OSS-20B's total-count pattern at this seed: simulated alone (its receipts are the same as in the full design). */
function gptOssPatternHolds(models: readonly Params[], base: PaperParams, targets: PaperTargets, seed: number): boolean {
  const model = "GPT-OSS-20B";
  const params = models.find((m) => m.model === model)!;
  const full = paperDesign(paramsFile(models, base));
  const design = { ...full, models: [{ params, conditions: paperConditions(model).filter((c) => (c.schedule ?? "suffix") === "suffix" && !c.format_cue) }] };
  const table = paperMainSweepRows(simulateCustom(design, seed), targets);
  const published = targets.total_count.p_values.find((p) => p.model === model)!;
  const bonferroni = targets.alpha / targets.total_count.bonferroni_tests;
  const perN = totalCountTest(table, { alpha: targets.alpha }).perN;
  return targets.total_count.n_totals.every((N, j) => {
    const r = perN.find((x) => x.n_total === N);
    return r !== undefined && (r.p_value < bonferroni) === (published.values[j] < bonferroni);
  });
}

/** `iterations` steps numbered from `first` (numbers above SD_ITERATIONS hold query_benign_slope_sd). */
function fit(state: State, base: PaperParams, targets: PaperTargets, seed: number, iterations: number, first = 1): ComparePaperRow[] {
  for (let i = first; i < first + iterations; i++) step(state, base, targets, seed, i);
  // Parameters moved after the last refit: refit once more so the reported rows are those of the written parameters.
  return comparePaper(simulate(state.models, base, seed), targets, { includeAssumed: true });
}

function main(): void {
  const t0 = performance.now();
  const base = JSON.parse(readFileSync(START_PATH, "utf8")) as PaperParams;
  const targets = loadPaperTargets(PAPER_TARGETS_PATH);
  const start = JSON.parse(JSON.stringify(base.models)) as Params[];
  // Start from the first guesses without a random slope, so SE0 is measured at sd 0.
  for (const m of start) delete m.query_benign_slope_sd;
  const state: State = { models: start, se0: new Map(), previous: new Map() };

  console.log(`calibrating at seed ${FIXED_SEED ?? 1} (${FIRST_ITERATIONS} iterations)`);
  let seed = FIXED_SEED ?? 1;
  let rows = fit(state, base, targets, seed, FIRST_ITERATIONS);
  const tried: { seed: number; gpt_oss_pattern: boolean; all_targets: boolean | null }[] = [];
  const firstFit = JSON.parse(JSON.stringify(state.models)) as Params[];
  if (FIXED_SEED === null) {
    let found = false;
    for (let s = 1; s <= MAX_SEED && !found; s++) {
      const pattern = gptOssPatternHolds(firstFit, base, targets, s);
      if (!pattern) {
        tried.push({ seed: s, gpt_oss_pattern: false, all_targets: null });
        continue;
      }
      console.log(`seed ${s}: GPT-OSS-20B's total-count pattern holds; fitting`);
      const trial: State = { models: JSON.parse(JSON.stringify(firstFit)) as Params[], se0: state.se0, previous: new Map() };
      const r = s === 1 ? rows : fit(trial, base, targets, s, SEED_ITERATIONS, SD_ITERATIONS + 1);
      const ok = everyTargetPasses(r.filter((x) => !x.assumed));
      tried.push({ seed: s, gpt_oss_pattern: true, all_targets: ok });
      if (ok) {
        found = true;
        seed = s;
        rows = r;
        if (s !== 1) state.models.splice(0, state.models.length, ...trial.models);
      } else console.log(`seed ${s}: failing ${r.filter((x) => x.pass === false && !x.assumed).map((x) => `${x.quantity} ${x.model} ${x.condition}`).join("; ")}`);
    }
    if (!found) throw new Error(`calibrate: no seed up to ${MAX_SEED} reproduces every published target`);
  }

  const published = rows.filter((r) => !r.assumed);
  console.log(renderRows(published, "table"));
  console.log(`seed ${seed}: ${published.filter((r) => r.pass === true).length} of ${published.filter((r) => r.pass !== null).length} published targets pass; ${seconds(t0)} s`);
  if (flag("--check")) return;

  // paper-params.json: the fitted parameters, provenance notes updated.
  for (const m of state.models) {
    const notes = { ...(m.notes ?? {}) };
    notes.calibration = `calibrated by scripts/calibrate.ts at seed ${seed}; achieved values in paper-fit.json`;
    notes.query_benign_slope_sd = SD_CAP[m.model] !== undefined && (m.query_benign_slope_sd ?? 0) >= SD_CAP[m.model] - 1e-9
      ? `calibrated as for the other models but capped at ${SD_CAP[m.model]}: the published standard error would need about twice that, at which the random slope dominates the population-averaged b2 and the fit does not settle; the kit's CR1 interval is narrower than the published one (paper-fit.json)`
      : "calibrated: the refit's CR1 (by query) standard error of b2 equals the one the published estimate and p-value imply, |b2| / z(1 - p/2)";
    if (!HELD_HARMFUL_SLOPE.has(m.model) && targets.total_count.p_values.some((t) => t.model === m.model))
      notes.harmful_slope = "calibrated (b1 is not published): the total-count test's median -log10 p over N equals the published table's median";
    if (targets.baseline_rate.values.some((t) => t.model === m.model)) notes.baseline_logit = `calibrated to the zero-demonstration rate in paper-targets.json${targets.baseline_rate.values.find((t) => t.model === m.model)!.assumed ? " (assumed there)" : ""}`;
    notes.benign_slope = "calibrated: the kit's refit of b2 equals the published b2 (main-sweep row for the main models, OLMo-Instruct included; stage rows for the SFT and DPO checkpoints)";
    if (m.schedule_offsets) notes.schedule_offsets = "suffix is the reference; prefix and middle calibrated to the published suffix-minus-prefix spread at 32 + 32; random and interleave keep half of prefix's logit offset (assumed)";
    if (m.format_adoption) notes.format_adoption = "calibrated to the rates in paper-targets.json (published where it says so, otherwise assumed there)";
    m.notes = notes;
  }
  const out: Record<string, unknown> = {
    description: "Parameters of the paper preset's generative model (every field is documented in src/simulate/design.ts): logit scale, conditional on the query effect. Fitted by scripts/calibrate.ts to the published figures in paper-targets.json; the fit is in paper-fit.json. To try other values, pass another file to `receipts simulate --preset paper --params FILE` or to `paperDesign(loadPaperParams(FILE))`.",
    status: `calibrated (seed ${seed}); see paper-fit.json`,
    derivation: [
      "First guesses (data/calibration/paper-first-guesses.json, the calibration's fixed starting point): baseline_logit solved by quadrature (conditionalLogitForRate) from the published baselines; slopes the published population-averaged b2 divided by the Zeger-Liang-Albert attenuation 1 / sqrt(1 + 0.346 query_sd^2) (marginal.ts); schedule offsets solved at 32 + 32.",
      "Then scripts/calibrate.ts moved baseline_logit, benign_slope, query_benign_slope_sd, the harmful slopes of Llama, OLMo-Instruct and Gemma, the schedule offsets, Gemma's interleave offset at phi 0.75 and the format adoption rates until the kit's own refit on the simulated preset reproduces paper-targets.json; the seed was searched (paper-fit.json).",
      "query_benign_slope_sd: queries differ in how benign demonstrations move them. It makes the CR1 (by query) standard error of b2 as large as the published estimates and p-values imply (about twice the binomial one), so the published verdicts (OLMo-Instruct and DPO not significant) follow from the same rows and test. GPT-OSS-20B's is capped at 0.35 (its notes).",
      "GPT-OSS-20B: harmful_slope held at the first guess and one condition offset (+0.25 logits at 0 benign + 8 harmful) reproduce its non-monotone total-count pattern together with the searched seed; see its notes and paper-fit.json calibration_choices.",
      "query_sd, the SFT and DPO harmful slopes and cue effects are assumed (see each model's notes); Gemma's schedule_interactions reproduce the appendix's differences between schedules at harmful fractions 0.25 and 0.75 (N = 64), not its levels.",
    ],
    judge_error: base.judge_error,
    judge_error_note: base.judge_error_note,
    models: state.models,
  };
  writeFileSync(PAPER_PARAMS_PATH, JSON.stringify(out, null, 2) + "\n");

  // The bundled dataset.
  const t1 = performance.now();
  const table = simulateCustom(paperDesign(loadFresh()), seed);
  const bytes = toParquet(table);
  mkdirSync(join(ROOT, "data", "paper-calibrated"), { recursive: true });
  writeFileSync(PARQUET_PATH, bytes);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  console.log(`wrote ${PARQUET_PATH}: ${table.numRows} receipts, ${bytes.length} bytes, sha256 ${sha256} (${seconds(t1)} s)`);
  const check = comparePaper(table, targets, { includeAssumed: true });
  if (JSON.stringify(check) !== JSON.stringify(rows)) throw new Error("calibrate: the written parameters do not reproduce the fitted rows");

  const seSummary = targets.benign_coefficient.values.map((t) => {
    const r = rows.find((x) => x.quantity === "benign_coefficient" && x.model === t.model && (x.condition === "main sweep") === (t.rows === "main_sweep"))!;
    return { model: t.model, rows: t.rows, implied_std_error: round(impliedSE(t.estimate, t.p_value), 5), kit_std_error: round(seOf(r), 5), std_error_at_sd_0: round(state.se0.get(rowKey(r.model, r.condition)) ?? NaN, 5) };
  });
  const fitFile = {
    description: "The paper preset's calibration: the kit's refit on the bundled dataset (data/paper-calibrated/receipts.parquet = `receipts simulate --preset paper --seed SEED`) beside every target of paper-targets.json. Written by scripts/calibrate.ts; `receipts compare-paper` prints the published rows.",
    seed,
    seed_choice: FIXED_SEED !== null
      ? "given on the command line"
      : "searched: seeds tried in order from 1; a seed is a candidate when GPT-OSS-20B's published total-count pattern (significant at N = 8, 32, 64, 128; not at 4, 16; alpha 0.05 / 6) holds under the parameters fitted at seed 1, and is taken when, refitted at that seed, every published target passes. A smooth log-count model makes significance grow with N, so the published non-monotone pattern is reproduced by one documented condition offset (GPT-OSS-20B, 0 benign + 8 harmful, +0.25 logits: N = 8 significant) and by the draw (N = 16 not significant while N = 32 is); the seed is the dataset's identity.",
    calibration_choices: [
      "GPT-OSS-20B harmful_slope held at its first guess 0.14 (not fitted to the total-count table's median -log10 p as the other main models' are): its published p-values are not monotone in N and the median rule made N = 4 and N = 16 significant.",
      "GPT-OSS-20B condition_offsets: +0.25 logits at 0 benign + 8 harmful, a per-cell idiosyncrasy with no published counterpart, so that N = 8 is significant as published while the smooth part of the model leaves N = 16 near the line.",
      `GPT-OSS-20B query_benign_slope_sd capped at ${SD_CAP["GPT-OSS-20B"]}: the published standard error of b2 (0.0126) would need about 0.7, at which the random slope dominates the population-averaged b2 and the fit oscillates. The kit's CR1 interval is narrower than the published one (see benign_coefficient_std_errors) but contains 0.0319, and the verdict is amplification (p < 0.05) as published.`,
      "OLMo-3.1-32B-Instruct benign_slope follows its main-sweep b2 only (its stage-sweep row is checked, not fitted): fitting the mean of both rows left the main-sweep b2 at -0.0145, on the edge of significance.",
    ],
    seeds_tried: tried,
    preset: "paper",
    receipts: table.numRows,
    parquet: { path: "data/paper-calibrated/receipts.parquet", bytes: bytes.length, sha256, compression: "zstd", dictionary: true },
    node: process.version,
    benign_coefficient_std_errors: seSummary,
    targets_passing: `${rows.filter((r) => !r.assumed && r.pass === true).length} of ${rows.filter((r) => !r.assumed && r.pass !== null).length} published`,
    rows,
  };
  writeFileSync(FIT_PATH, JSON.stringify(fitFile, null, 2) + "\n");
  mkdirSync(join(ROOT, "out"), { recursive: true });
  writeFileSync(MARKDOWN_PATH, paperVsKitMarkdown(published));
  console.log(`wrote ${PAPER_PARAMS_PATH}, ${FIT_PATH} and ${MARKDOWN_PATH}; ${seconds(t0)} s in all`);
}

function loadFresh(): PaperParams {
  return JSON.parse(readFileSync(PAPER_PARAMS_PATH, "utf8")) as PaperParams;
}

/**
 * Rewrite the bundled Parquet from the committed parameters and seed, without refitting:
 * the receipts are the same draws; only the file's bytes change (new schema columns, a new
 * writer). test/calibration checks that the refit on the rewritten file still reproduces
 * every target recorded in paper-fit.json.
 */
function rewriteData(): void {
  const fitFile = JSON.parse(readFileSync(FIT_PATH, "utf8")) as { seed: number; parquet: { bytes: number; sha256: string }; rows?: unknown };
  const table = simulateCustom(paperDesign(loadFresh()), fitFile.seed);
  const bytes = toParquet(table);
  writeFileSync(PARQUET_PATH, bytes);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  fitFile.parquet = { ...fitFile.parquet, bytes: bytes.length, sha256 };
  writeFileSync(FIT_PATH, JSON.stringify(fitFile, null, 2) + "\n");
  console.log(`wrote ${PARQUET_PATH}: ${table.numRows} receipts, ${bytes.length} bytes, sha256 ${sha256}; paper-fit.json updated`);
}

if (flag("--rewrite-data")) rewriteData();
else main();
