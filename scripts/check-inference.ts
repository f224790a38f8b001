/**
 * Seeded simulation check of the verdict tests' false-positive rates and interval coverage
 * when the null hypothesis is true, under three query structures:
 *   (a) no query effects: receipts independent given the condition;
 *   (b) query main effects: a random intercept per query (sd 1.5 logits);
 *   (c) query x condition effects: (b) plus per-query slopes on log(n_benign + 1) and
 *       log(n_harmful + 1) (sd 0.3 each), the per-query slopes of the simulator.
 * Each test is run as the study ran it (chi-square, Newcombe, model-based Wald) and with
 * cluster-robust errors by query, through the kit's public API.
 *
 * The truth. Model "Centred" has every fixed effect 0 at logit 0 (compliance 50%): the
 * random effects are symmetric around 0, so every population-averaged null holds exactly in
 * all three scenarios (total count only, b2 = 0, no schedule effect). Model "Shifted"
 * (baseline -1.5, harmful slope 0.35, benign slope 0) is used for the benign test only;
 * its population-averaged b2 is exactly 0 in (a) and (b), and only about 0 in (c), where the
 * per-query benign slope adds variance that grows with n_benign and so moves the marginal
 * rate towards 50% (a small positive marginal b2). Its (c) row is therefore not a pure null.
 *
 * Design per replicate: Q queries (default 60) x (baseline + the 6 x 5 main sweep + the
 * five schedules at 32 + 32), one sampling, both models. The cluster-robust tests use the
 * kit's "auto" errors (CR2 with Satterthwaite below 42 clusters, CR1 from there). Where the
 * analyses already report a cluster-robust per-N or per-condition p-value
 * (`cluster_p_value`), it is used; otherwise this script fits the same test itself: at each
 * N (or at the ordering condition) a logistic model with the harmful fractions (schedules)
 * as a factor and a joint Wald test of the factor's terms.
 *
 * Usage: npx tsx scripts/check-inference.ts [--reps 400] [--queries 60] [--seed 1] [--cluster-type auto|CR1|CR2] [--markdown]
 * Prints a table of rejection rates (null true) and coverages with 95% Wilson intervals;
 * --markdown prints it as Markdown for docs/inference-checks.md. Not a test: nothing fails.
 */
import { cpus } from "node:os";
import normalQuantile = require("@stdlib/stats-base-dists-normal-quantile");
import {
  BASELINE_CONDITION, benignEffect, defaultConditionRows, fitLogistic, mainSweepConditions, ordering, orderedRows,
  orderingConditions, simulateCustom, totalCountTest, uniqueConditions, waldTest, wilsonInterval,
  type ModelParams, type ReceiptTable, type SimulationDesign,
} from "../src";

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`check-inference: --${name} expects a positive integer, found ${JSON.stringify(args[i + 1])}`);
  return v;
};
const REPS = arg("reps", 400), QUERIES = arg("queries", 60), FIRST_SEED = arg("seed", 1);
const MARKDOWN = args.includes("--markdown");
const typeArg = args.indexOf("--cluster-type");
const CLUSTER_TYPE = (typeArg < 0 ? "auto" : args[typeArg + 1]) as "auto" | "CR1" | "CR2";
if (!["auto", "CR1", "CR2"].includes(CLUSTER_TYPE)) throw new Error(`check-inference: --cluster-type expects auto, CR1 or CR2, found ${JSON.stringify(CLUSTER_TYPE)}`);
/** Passed to every analysis that takes it (spread, so analyses without the option ignore it). */
const clusterOptions = { clusterType: CLUSTER_TYPE };
const ALPHA = 0.05;

interface Scenario { key: string; label: string; query_sd: number; slope_sd: number }
const SCENARIOS: Scenario[] = [
  { key: "a", label: "(a) no query effects", query_sd: 0, slope_sd: 0 },
  { key: "b", label: "(b) query main effects", query_sd: 1.5, slope_sd: 0 },
  { key: "c", label: "(c) query x condition", query_sd: 1.5, slope_sd: 0.3 },
];

function design(s: Scenario): SimulationDesign {
  const conditions = uniqueConditions([BASELINE_CONDITION, ...mainSweepConditions(), ...orderingConditions(32, 32)]);
  const model = (name: string, baseline: number, harmful: number): ModelParams => ({
    model: name, baseline_logit: baseline, query_sd: s.query_sd, harmful_slope: harmful, benign_slope: 0,
    query_benign_slope_sd: s.slope_sd, query_harmful_slope_sd: s.slope_sd,
  });
  return {
    name: `check-inference-${s.key}`,
    run: { run_id: `check-inference-${s.key}`, judge: "simulated" },
    queries: Array.from({ length: QUERIES }, (_, i) => ({ query_source: "sim", query_id: `q${i}` })),
    samplings: 1,
    models: [{ params: model("Centred", 0, 0), conditions }, { params: model("Shifted", -1.5, 0.35), conditions }],
  };
}

/**
 * The population-averaged b2 the joint model estimates as queries grow, for one model of a
 * scenario: the model's marginal compliance per main-sweep cell (the conditional model
 * integrated over the query effects on a product grid of normal quantile midpoints, 40 a
 * dimension), fitted by the joint model with every cell weighted alike (each has Q queries).
 * 0 exactly when there are no per-query slopes, or at logit 0 with no fixed slopes.
 */
function populationB2(params: ModelParams, s: Scenario): number {
  if (s.slope_sd === 0) return 0;
  const K = 40;
  const z = Array.from({ length: K }, (_, k) => normalQuantile((k + 0.5) / K, 0, 1));
  const cells = uniqueConditions([BASELINE_CONDITION, ...mainSweepConditions()]);
  const rate = cells.map((c) => {
    const lb = Math.log1p(c.n_benign), lh = Math.log1p(c.n_harmful);
    const fixed = params.baseline_logit + params.harmful_slope * lh + params.benign_slope * lb;
    let sum = 0;
    for (const u of z) for (const vb of z) for (const vh of z) sum += 1 / (1 + Math.exp(-(fixed + s.query_sd * u + s.slope_sd * (vb * lb + vh * lh))));
    return sum / K ** 3;
  });
  const W = 1e6;
  const fit = fitLogistic({
    terms: ["harmful", "benign"],
    columns: [Float64Array.from(cells, (c) => Math.log1p(c.n_harmful)), Float64Array.from(cells, (c) => Math.log1p(c.n_benign))],
    successes: Float64Array.from(rate, (p) => p * W), trials: new Float64Array(cells.length).fill(W),
  });
  return fit.coefficient("benign").estimate;
}

/** Joint cluster-robust Wald test that a factor's levels do not matter, on the given receipts. */
function factorTest(rows: ReceiptTable, factor: "harmful_fraction" | "schedule"): number {
  const y = rows.flags("complied"), q = rows.values("query_id"), f = rows.values(factor);
  const keep: number[] = [];
  for (let i = 0; i < y.length; i++) if (y[i] >= 0) keep.push(i);
  const levels = [...new Set(keep.map((i) => String(f[i])))].sort();
  const terms = levels.slice(1).map((l) => `${factor}:${l}`);
  const columns = levels.slice(1).map((l) => Float64Array.from(keep, (i) => (String(f[i]) === l ? 1 : 0)));
  const fit = fitLogistic({ terms, columns, successes: Float64Array.from(keep, (i) => y[i]) })
    .withClusterRobust(keep.map((i) => String(q[i])), "query_id", { type: CLUSTER_TYPE });
  const k = fit.terms.length;
  const contrasts = terms.map((t) => Array.from({ length: k }, (_, j) => (fit.terms[j] === t ? 1 : 0)));
  return waldTest(fit, contrasts).p_value;
}

const optionalP = (row: object) => {
  const v = (row as Record<string, unknown>).cluster_p_value;
  return typeof v === "number" ? v : null;
};

type Tally = Record<string, { hits: number; n: number }>;
const tally: Record<string, Tally> = {};
const count = (scenario: string, what: string, hit: boolean) => {
  const t = (tally[scenario] ??= {});
  const c = (t[what] ??= { hits: 0, n: 0 });
  c.n++;
  if (hit) c.hits++;
};
let usedOwnTotalCount = false, usedOwnOrdering = false;

function replicate(s: Scenario, seed: number) {
  const table = simulateCustom(design(s), seed);
  // total-count hypothesis, model Centred: the study's Bonferroni chi-square, and cluster-robust
  const centred = table.where({ model: "Centred" });
  const tc = totalCountTest(centred, { ...clusterOptions });
  const m = tc.perN.length;
  count(s.key, "total count: chi-square (study)", tc.perN.some((r) => r.p_value < ALPHA / m));
  const main = defaultConditionRows(centred);
  const t = main.numbers("n_total");
  const clusterPs = tc.perN.map((r) => {
    const p = optionalP(r);
    if (p !== null) return p;
    usedOwnTotalCount = true;
    return factorTest(main.filter((i) => t[i] === r.n_total), "harmful_fraction");
  });
  count(s.key, "total count: cluster-robust Wald", clusterPs.some((p) => p < ALPHA / clusterPs.length));
  // benign effect, both models: model-based and cluster-robust
  for (const [errors, cluster] of [["model-based", null], ["cluster-robust", "query_id"]] as const) {
    for (const row of benignEffect(table, { cluster, ...clusterOptions }).rows) {
      const truth = truths[s.key][row.model];
      count(s.key, `benign b2 (${row.model}): ${errors} rejects b2 = 0`, row.p_value < ALPHA);
      count(s.key, `benign b2 (${row.model}): ${errors} 95% CI covers the population b2`, row.conf_low <= truth && truth <= row.conf_high);
    }
  }
  // ordering at 32 + 32, model Centred: chi-square across schedules, Newcombe interval, cluster-robust
  const [test] = ordering(centred, { ...clusterOptions }).tests;
  count(s.key, "ordering: chi-square (study)", test.p_value < ALPHA);
  // Newcombe's interval treats the schedules' receipts as independent; the paired one (when the analysis has it) pairs them by query.
  const o = test as unknown as Record<string, number | string | null>;
  const hasNewcombe = "newcombe_low" in o;
  const [nLow, nHigh] = hasNewcombe ? [o.newcombe_low, o.newcombe_high] : [test.diff_low, test.diff_high];
  count(s.key, "ordering: Newcombe suffix - prefix covers 0", typeof nLow === "number" && typeof nHigh === "number" && nLow <= 0 && 0 <= nHigh);
  if (hasNewcombe && typeof o.diff_interval === "string" && test.diff_low !== null) {
    count(s.key, "ordering: paired (by query) suffix - prefix covers 0", test.diff_low <= 0 && 0 <= test.diff_high!);
  }
  let p = optionalP(test);
  if (p === null) {
    usedOwnOrdering = true;
    p = factorTest(orderedRows(centred), "schedule");
  }
  count(s.key, "ordering: cluster-robust Wald", p < ALPHA);
}

/** Population-averaged b2 of each model in each scenario (the coverage target). */
const truths: Record<string, Record<string, number>> = {};
for (const s of SCENARIOS) truths[s.key] = Object.fromEntries(design(s).models.map((m) => [m.params.model, populationB2(m.params, s)]));

const started = Date.now();
for (const s of SCENARIOS) for (let r = 0; r < REPS; r++) replicate(s, FIRST_SEED + r);
const seconds = (Date.now() - started) / 1000;

const rows: string[][] = [];
const whats = [...new Set(SCENARIOS.flatMap((sc) => Object.keys(tally[sc.key])))];
for (const what of whats) {
  const row = [what];
  for (const s of SCENARIOS) {
    const c = tally[s.key][what] ?? { hits: 0, n: 0 };
    if (c.n === 0) { row.push(""); continue; }
    const ci = wilsonInterval(c.hits, c.n);
    const target = what.includes("covers") ? 0.95 : ALPHA;
    // Shifted in (c): b2 = 0 is false in the population (see populationB2), so its rejection rate is not a false-positive rate.
    const pureNull = !(what.includes("Shifted") && what.includes("rejects") && truths[s.key].Shifted !== 0);
    const inside = !pureNull || (ci.conf_low <= target && target <= ci.conf_high);
    row.push(`${(100 * c.hits / c.n).toFixed(1)}% [${(100 * ci.conf_low).toFixed(1)}, ${(100 * ci.conf_high).toFixed(1)}]${inside ? "" : " *"}`);
  }
  rows.push(row);
}
const header = ["test (null true)", ...SCENARIOS.map((s) => s.label)];
const notes = [
  `${REPS} replicates per scenario (seeds ${FIRST_SEED}..${FIRST_SEED + REPS - 1}), ${QUERIES} queries, cluster-robust errors ${CLUSTER_TYPE === "auto" ? "auto (CR2 + Satterthwaite/HTZ below 42 clusters, else CR1)" : CLUSTER_TYPE}, alpha ${ALPHA}; rate [95% Wilson interval]; * = the nominal ${100 * ALPHA}% (or 95% coverage) lies outside the interval.`,
  `cluster-robust per-N total-count test: ${usedOwnTotalCount ? "fitted by this script where the analysis row carries no cluster_p_value" : "the analysis's cluster_p_value"}; ordering: ${usedOwnOrdering ? "fitted by this script (the analysis rows carry no cluster_p_value)" : "the analysis's cluster_p_value"}. Both at alpha, the total count's Bonferroni over its ${6} N values.`,
  `Population-averaged b2 (the coverage target): ${SCENARIOS.map((s) => `${s.key} ${Object.entries(truths[s.key]).map(([m, v]) => `${m} ${Math.abs(v) < 1e-12 ? "0" : v.toPrecision(3)}`).join(", ")}`).join("; ")}. Where it is not 0 (Shifted in (c)), "rejects b2 = 0" is power against that small true effect, not a false-positive rate, and is not starred.`,
  `${seconds.toFixed(0)} s on ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}.`,
];
if (MARKDOWN) {
  console.log(`| ${header.join(" | ")} |\n| ${header.map(() => "---").join(" | ")} |`);
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
  console.log("\n" + notes.map((n) => `- ${n}`).join("\n"));
} else {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => c.padEnd(widths[j])).join("  ");
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log("\n" + notes.join("\n"));
}
