/**
 * Honest verdicts in the result receipt: minimum detectable effect, equivalence (TOST) and
 * Holm against base R (fixtures/honest-verdicts.R -> honest-verdicts.json), separation
 * checks against what R's glm does on the same cells, and the receipt's reading of a
 * separated fit, few clusters, an equivalence margin and multiplicity.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fromRecords } from "../../src";
import { analyze } from "../../src/analysis/analyze";
import { readBenignEffect } from "../../src/analysis/verdicts";
import { FEW_CLUSTERS } from "../../src/analysis/warnings";
import { resultReceiptToJSON, resultReceiptToMarkdown } from "../../src/analysis/render-result-receipt";
import { adjustPValues, equivalenceTest, fitLogistic, minimumDetectableEffect, separationCheck, separationOnOneAxis } from "../../src/stats";

interface SepCase { n_benign: number[]; successes: number[]; trials: number[]; separated: boolean; numerically_0_or_1: boolean }
const R = JSON.parse(readFileSync(join(__dirname, "fixtures", "honest-verdicts.json"), "utf8")) as {
  mde: { se: number[]; mde: number[]; mde_alpha01_power90: number[] };
  tost: { estimate: number[]; se: number[]; margin: number[]; alpha: number[]; low: number[]; high: number[]; p: number[] };
  holm: { p: (number | null)[]; holm: (number | null)[]; bonferroni: (number | null)[] };
  separation: Record<string, SepCase>;
};

function close(actual: number, expected: number, rel: number, what: string) {
  const err = expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(err <= rel, `${what}: ${actual} vs R ${expected} (relative error ${err.toExponential(2)} > ${rel})`);
}

test("minimum detectable effect: (qnorm(1 - alpha/2) + qnorm(power)) * SE, as R", () => {
  R.mde.se.forEach((se, i) => {
    close(minimumDetectableEffect(se), R.mde.mde[i], 1e-12, `MDE at se ${se}`);
    close(minimumDetectableEffect(se, { alpha: 0.01, power: 0.9 }), R.mde.mde_alpha01_power90[i], 1e-12, `MDE(0.01, 0.9) at se ${se}`);
  });
  assert.throws(() => minimumDetectableEffect(0), /positive, finite standard error, got 0/);
  assert.throws(() => minimumDetectableEffect(0.1, { power: 1 }), /power strictly between 0 and 1, got 1/);
});

test("equivalence by two one-sided tests: (1 - 2 alpha) interval and TOST p, as R", () => {
  R.tost.estimate.forEach((est, i) => {
    const t = equivalenceTest(est, R.tost.se[i], R.tost.margin[i], R.tost.alpha[i]);
    close(t.conf_low, R.tost.low[i], 1e-12, `low ${i}`);
    close(t.conf_high, R.tost.high[i], 1e-12, `high ${i}`);
    close(t.p_value, R.tost.p[i], 1e-9, `TOST p ${i}`);
    assert.equal(t.equivalent, R.tost.p[i] < R.tost.alpha[i], `case ${i}`);
  });
  assert.throws(() => equivalenceTest(0, 0.1, -1), /positive, finite margin, got -1/);
});

test("Holm and Bonferroni with ties, a zero, a value below the smallest normal double and a missing value, as p.adjust", () => {
  const p = R.holm.p.map((v) => (v === null ? NaN : v));
  for (const method of ["holm", "bonferroni"] as const) {
    const got = adjustPValues(p, method);
    R.holm[method].forEach((e, i) => {
      if (e === null) assert.ok(Number.isNaN(got[i]), `${method}[${i}] stays missing`);
      else close(got[i], e, 1e-12, `${method}[${i}]`);
    });
  }
});

test("separation along one predictor: the exact check agrees with R's glm on the same cells", () => {
  for (const [name, c] of Object.entries(R.separation)) {
    const got = separationOnOneAxis(c.n_benign.map(Math.log1p), c.successes, c.trials);
    assert.equal(got.separated, c.separated, `${name}: separated ${got.separated}, R ${c.separated}`);
  }
  assert.equal(separationOnOneAxis([0, 1], [20, 0], [20, 20]).kind, "complete");
  assert.equal(separationOnOneAxis([0, 1, 2], [20, 7, 0], [20, 20, 20]).kind, "quasi-complete");
});

test("separation in a fit: the fit's divergence or fitted probabilities numerically 0 or 1, as R warns", () => {
  const c = R.separation.quasi;
  const fit = fitLogistic({ terms: ["benign"], columns: [Float64Array.from(c.n_benign, Math.log1p)], successes: Float64Array.from(c.successes), trials: Float64Array.from(c.trials) });
  const check = separationCheck(fit);
  assert.equal(check.separated, c.numerically_0_or_1);
  assert.ok(check.evidence.length > 0);
  const o = R.separation.overlap;
  const ok = fitLogistic({ terms: ["benign"], columns: [Float64Array.from(o.n_benign, Math.log1p)], successes: Float64Array.from(o.successes), trials: Float64Array.from(o.trials) });
  assert.equal(separationCheck(ok).separated, false);
});

/** Receipts for one model over a 7-cell design; `comply(b, h, q)` says whether query q complies. */
function design(model: string, queries: number, comply: (b: number, h: number, q: number) => boolean) {
  const out: Record<string, unknown>[] = [];
  for (const [b, h] of [[0, 0], [0, 2], [0, 4], [2, 2], [4, 0], [4, 4], [2, 0]]) {
    for (let q = 0; q < queries; q++) {
      out.push({
        run_id: "r", model, judge: "j", query_source: "s", query_id: `q${q}`, n_benign: b, n_harmful: h,
        schedule: b > 0 && h > 0 ? "suffix" : "none", judge_label: comply(b, h, q) ? "compliance" : "refusal",
      });
    }
  }
  return out;
}

test("a separated fit reads inconclusive with a separation warning, never 'dilution' in any table", () => {
  const r = analyze(fromRecords(design("Sep", 30, (b) => b === 0)));
  const [v] = r.verdicts.benign_effect;
  assert.equal(v.verdict, "inconclusive");
  assert.equal(v.shaky, true);
  assert.ok(v.warnings.includes("separation"));
  assert.equal(v.mde, null);
  assert.ok(r.warnings.benign_effect.some((w) => w.kind === "separation" && w.subject === "Sep"));
  assert.ok(r.warnings.benign_sweep.length > 0 && r.warnings.benign_sweep.every((w) => w.kind === "separation"), "each sweep slope is separated too");
  const md = resultReceiptToMarkdown(r);
  assert.match(md, /\| Sep \| inconclusive \(separation[a-z, ]*\) \|/);
  assert.doesNotMatch(md, /\| dilution/);
  assert.match(md, /- Sep: separation: /);
});

test("a p-value of 0 stays the number 0 in the JSON and prints < 1e-300 in the Markdown and tables", () => {
  const r = analyze(fromRecords(design("Zero", 30, (b, h, q) => (q * 7 + b * 3 + h * 5) % 10 < 5)));
  const zeroed = { ...r, verdicts: { ...r.verdicts, benign_effect: r.verdicts.benign_effect.map((v) => ({ ...v, p_value: 0, p_adjusted: 0 })) } };
  assert.equal(JSON.parse(resultReceiptToJSON(zeroed)).verdicts.benign_effect[0].p_value, 0);
  const md = resultReceiptToMarkdown(zeroed);
  assert.match(md, /\| Zero \| [^\n]*\| < 1e-300 \| < 1e-300 \|/);
  assert.doesNotMatch(md.split("## Verdicts")[1].split("\n\n\n")[0], /\| 0 \|/);
});

test("few clusters and sparse cells leave the label but mark it shaky; every analysis has a warnings list", () => {
  // 6 queries (clusters), compliance rising with harmful count and falling with benign count, noisy by query
  const r = analyze(fromRecords(design("Few", 6, (b, h, q) => (q * 7 + b * 3 + h * 5) % 6 < 3 + h / 2 - b / 2)));
  const [v] = r.verdicts.benign_effect;
  assert.notEqual(v.verdict, "inconclusive");
  assert.equal(v.shaky, true);
  assert.ok(v.warnings.includes("few_clusters"), `warnings: ${v.warnings}`);
  assert.ok(r.warnings.benign_effect.some((w) => w.kind === "few_clusters" && w.message.includes(`only 6 clusters`) && w.message.includes(`fewer than ${FEW_CLUSTERS}`) && FEW_CLUSTERS === 42));
  assert.deepEqual(Object.keys(r.warnings).sort(), ["baseline", "benign_effect", "benign_sweep", "format_adoption", "judges", "ordering", "relative_to_baseline", "total_count", "training_stage"]);
  assert.match(resultReceiptToMarkdown(r), /\| Few \| [a-z ]+ \(shaky: [a-z, ]*few clusters/);
});

test("equivalence margin: a non-rejection becomes equivalent only when the 90% interval lies inside the margin, else inconclusive", () => {
  const base = { estimate: -0.0049, std_error: 0.0066, p_adjusted: 0.46, alpha: 0.05, warnings: [] };
  const wide = readBenignEffect({ ...base, equivalenceMargin: 0.01 });
  assert.equal(wide.verdict, "inconclusive");
  const narrow = readBenignEffect({ ...base, equivalenceMargin: 0.02 });
  assert.equal(narrow.verdict, "equivalent");
  close(narrow.equivalence_p_value!, R.tost.p[1], 1e-9, "TOST p");
  close(narrow.mde!, minimumDetectableEffect(0.0066), 1e-15, "MDE");
  assert.equal(readBenignEffect(base).verdict, "no_significant_effect");
  // a significant effect keeps its label whatever the margin
  assert.equal(readBenignEffect({ ...base, estimate: -0.3, std_error: 0.01, p_adjusted: 1e-100, equivalenceMargin: 0.5 }).verdict, "dilution");
  const r = analyze(fromRecords(design("Few", 6, (b, h, q) => (q + b + h) % 3 === 0)), { equivalenceMargin: 0.05 });
  assert.equal(r.options.equivalence_margin, 0.05);
  assert.ok(["equivalent", "inconclusive", "dilution", "amplification"].includes(r.verdicts.benign_effect[0].verdict));
  assert.throws(() => analyze(fromRecords(design("Few", 6, () => true)), { equivalenceMargin: 0 }), /equivalenceMargin must be a positive number, found 0/);
});

test("Holm across models: the verdict reads the adjusted p-value, stated in the options and the Markdown", () => {
  const records = [...design("A", 30, (b, h, q) => (q * 13 + b * 5 + h * 7) % 10 < 5), ...design("B", 30, (b, h, q) => (q * 11 + b * 3 + h * 9) % 10 < 4)];
  const r = analyze(fromRecords(records));
  assert.equal(r.options.p_adjust, "holm");
  const ps = r.verdicts.benign_effect.map((v) => v.p_value);
  const holm = adjustPValues(ps, "holm");
  r.verdicts.benign_effect.forEach((v, i) => assert.equal(v.p_adjusted, holm[i]));
  const none = analyze(fromRecords(records), { pAdjust: "none" });
  none.verdicts.benign_effect.forEach((v) => assert.equal(v.p_adjusted, v.p_value));
  assert.match(resultReceiptToMarkdown(r), /Holm-adjusted across the rows of each verdict table/);
  assert.match(resultReceiptToMarkdown(none), /not adjusted for multiplicity/);
});

test("a fit that did not converge reads inconclusive; other warnings leave the label and mark it shaky", () => {
  const base = { estimate: -0.4, std_error: 0.1, p_adjusted: 1e-4, alpha: 0.05 };
  const stopped = readBenignEffect({ ...base, warnings: [{ subject: "m", kind: "not_converged", message: "did not converge" }] });
  assert.equal(stopped.verdict, "inconclusive");
  assert.deepEqual(stopped.warnings, ["not_converged"]);
  const sparse = readBenignEffect({ ...base, warnings: [{ subject: "m", kind: "sparse_cells", message: "2 of 12" }] });
  assert.equal(sparse.verdict, "dilution");
  assert.equal(sparse.shaky, true);
  assert.equal(readBenignEffect({ ...base, warnings: [] }).shaky, false);
});

test("a judge's small validation subset (reference_label) is a warning of the receipt's judges", () => {
  // wildguard: 40 validated receipts of each reference class; keyword: 10 of each
  const quota: Record<string, number> = { wildguard: 40, keyword: 10 };
  const used: Record<string, number> = {};
  const records = design("V", 30, (b, h, q) => (q + b + h) % 2 === 0).map((r, i) => {
    const judge = i % 3 === 0 ? "keyword" : "wildguard";
    const key = `${judge}/${r.judge_label}`;
    used[key] = (used[key] ?? 0) + 1;
    return { ...r, judge, reference_label: used[key] <= quota[judge] ? r.judge_label : null };
  });
  const r = analyze(fromRecords(records));
  const subjects = r.warnings.judges.map((w) => w.subject);
  assert.deepEqual(subjects, ["keyword"], JSON.stringify(r.warnings.judges));
  assert.equal(r.warnings.judges[0].kind, "small_validation");
  assert.match(r.warnings.judges[0].message, /10 reference compliances and 10 reference refusals/);
  assert.match(resultReceiptToMarkdown(r), /- keyword: small validation: /);
});
