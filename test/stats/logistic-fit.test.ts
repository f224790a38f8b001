/**
 * fitLogistic against R's glm (binomial, epsilon = 1e-14) and sandwich::vcovCL; the fixtures
 * and the R calls behind them are in fixtures/*.json, written by fixtures/make-fixtures.R.
 * Tolerances: estimates, standard errors and the covariance 1e-8 relative; p-values 1e-6
 * relative; logLik, deviance, AIC and BIC 1e-10 relative.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fitLogistic, StatsError } from "../../src/stats";
import { assertAllClose, assertClose, checkAgainstR, loadCsv, loadFixture, log1pColumn } from "./helpers";

const EST = 1e-8;
const PVAL = 1e-6;
const LIK = 1e-10;

describe("fitLogistic: plain 0/1 data (fixtures/plain.json)", () => {
  const d = loadCsv("plain.csv");
  const r = loadFixture("plain.json");
  const full = fitLogistic({ terms: ["x1", "x2", "x3"], columns: [d.x1, d.x2, d.x3], successes: d.y });

  it("matches glm(y ~ x1 + x2 + x3) in estimates, SEs, p-values and glance", () => {
    checkAgainstR(full, r.full, "full");
  });
  it("matches glm(y ~ x1)", () => {
    checkAgainstR(fitLogistic({ terms: ["x1"], columns: [d.x1], successes: d.y }), r.small, "small");
  });
  it("matches glm(y ~ 0 + x1 + x2 + x3) without intercept (null model p = 1/2)", () => {
    const fit = fitLogistic({ terms: ["x1", "x2", "x3"], columns: [d.x1, d.x2, d.x3], successes: d.y, intercept: false });
    checkAgainstR(fit, r.no_intercept, "no intercept");
  });
  it("tidy, glance, coefficient and augment speak broom", () => {
    const rows = full.tidy();
    assert.deepEqual(Object.keys(rows[0]), ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]);
    assert.equal(rows[1].term, "x1");
    assert.equal(rows[1].estimate, full.estimates[1]);
    const odds = full.tidy({ exponentiate: true, confLevel: 0.9 });
    assertClose(odds[1].estimate, Math.exp(r.full.estimate[1]), 1e-10, "odds ratio");
    assertClose(odds[1].conf_low, Math.exp(r.full.estimate[1] - 1.6448536269514722 * r.full.std_error[1]), 1e-8, "90% odds ratio low");
    assert.equal(odds[1].std_error, full.stdErrors[1]);
    const g = full.glance();
    assert.deepEqual(Object.keys(g), [
      "log_lik", "null_log_lik", "deviance", "null_deviance", "aic", "bic", "n_obs", "df_residual", "converged", "iterations", "vcov_type",
    ]);
    assert.equal(g.vcov_type, "model");
    assertClose(g.null_log_lik, -r.full.null_deviance / 2, LIK, "null logLik");
    const c = full.coefficient("x2");
    assertClose(c.p_value, r.full.p_value[2], PVAL, "coefficient('x2').p_value");
    assert.throws(() => full.coefficient("x9"), (e: unknown) => e instanceof StatsError && /no term 'x9'/.test(e.message));
    const aug = full.augment();
    assert.equal(aug.fitted.length, d.y.length);
    aug.fitted[0] = -1;
    assert.notEqual(full.fitted[0], -1, "augment returns a copy");
  });
  it("is frozen and renders as text, Markdown and HTML", () => {
    assert.ok(Object.isFrozen(full));
    assert.ok(Object.isFrozen(full.vcov) && Object.isFrozen(full.vcov[0]));
    assert.throws(() => { "use strict"; Object.defineProperty(full, "deviance", { value: 0 }); }, TypeError);
    assert.match(full.toText(), /^Logistic regression.*\n.*term\s+estimate/);
    assert.equal(String(full), full.toText());
    assert.match(full.toMarkdown(), /\| x1 \| 0\.8370 \|/);
    assert.match(full.toHTML(), /<table>.*<td style="text-align:left">x3<\/td>/);
  });
  it("returns danfo DataFrames from tidyFrame and glanceFrame", () => {
    const tf = full.tidyFrame();
    assert.deepEqual(tf.columns, ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]);
    assert.equal(tf.shape[0], 4);
    assert.deepEqual(full.glanceFrame().shape, [1, 11]);
  });
  it("rejects bad input naming the term and row", () => {
    const x = d.x1.slice();
    x[17] = NaN;
    assert.throws(() => fitLogistic({ terms: ["x1"], columns: [x], successes: d.y }),
      (e: unknown) => e instanceof StatsError && e.message === "fitLogistic: column 'x1' has a missing or non-finite value (NaN) at row 17");
    const y = d.y.slice();
    y[3] = 2;
    assert.throws(() => fitLogistic({ terms: ["x1"], columns: [d.x1], successes: y }), /0\/1 outcome .* 2 at row 3/);
    assert.throws(() => fitLogistic({ terms: ["x1", "x2"], columns: [d.x1], successes: d.y }), /one column per term/);
  });
});

describe("fitLogistic: grouped counts equal the 0/1 expansion (fixtures/grouped.json)", () => {
  const g = loadCsv("grouped.csv");
  const r = loadFixture("grouped.json");
  const design = { terms: ["log1p(n_harmful)", "log1p(n_benign)"], columns: [log1pColumn(g.n_harmful), log1pColumn(g.n_benign)] };
  const grouped = fitLogistic({ ...design, successes: g.successes, trials: g.trials });
  // The expansion: one 0/1 row a trial.
  const total = g.trials.reduce((a, b) => a + b, 0);
  const h = new Float64Array(total), b = new Float64Array(total), y = new Float64Array(total);
  let at = 0;
  for (let i = 0; i < g.trials.length; i++) {
    for (let t = 0; t < g.trials[i]; t++, at++) {
      h[at] = design.columns[0][i];
      b[at] = design.columns[1][i];
      y[at] = t < g.successes[i] ? 1 : 0;
    }
  }
  const individual = fitLogistic({ ...design, columns: [h, b], successes: y });

  it("grouped fit matches R's cbind() fit in estimates, SEs and p-values", () => {
    checkAgainstR(grouped, { ...r.grouped, terms: ["intercept", ...design.terms] }, "grouped", false);
  });
  it("grouped fit reports the glance of the individual expansion (R's 0/1 fit)", () => {
    checkAgainstR(grouped, { ...r.individual, terms: ["intercept", ...design.terms], fitted_head: r.grouped.fitted_head }, "grouped vs individual");
    assert.equal(grouped.nObs, total);
    assert.equal(grouped.nRows, g.trials.length);
  });
  it("the individual fit matches R's 0/1 fit, and grouped = individual", () => {
    checkAgainstR(individual, { ...r.individual, terms: ["intercept", ...design.terms] }, "individual");
    const gg = grouped.glance(), ig = individual.glance();
    for (const key of ["log_lik", "null_log_lik", "deviance", "null_deviance", "aic", "bic"] as const) {
      assertClose(gg[key], ig[key], 1e-10, `glance ${key}`);
    }
    assert.equal(gg.n_obs, ig.n_obs);
    assert.equal(gg.df_residual, ig.df_residual);
  });
  it("frequency weights equal repeated rows", () => {
    const d = loadCsv("plain.csv");
    const n = 300;
    const w = Float64Array.from({ length: n }, (_, i) => 1 + (i % 3));
    const x = d.x1.subarray(0, n), yy = d.y.subarray(0, n);
    const weighted = fitLogistic({ terms: ["x1"], columns: [x], successes: yy, weights: w });
    const rx: number[] = [], ry: number[] = [];
    for (let i = 0; i < n; i++) for (let k = 0; k < w[i]; k++) { rx.push(x[i]); ry.push(yy[i]); }
    const repeated = fitLogistic({ terms: ["x1"], columns: [Float64Array.from(rx)], successes: Float64Array.from(ry) });
    assertAllClose(weighted.estimates, repeated.estimates, 1e-10, "weighted estimate");
    assertAllClose(weighted.stdErrors, repeated.stdErrors, 1e-10, "weighted std_error");
    assertClose(weighted.logLik, repeated.logLik, 1e-12, "weighted logLik");
    assertClose(weighted.bic, repeated.bic, 1e-12, "weighted BIC");
    assert.equal(weighted.nObs, rx.length);
  });
});

describe("fitLogistic: cluster-robust CR1 (fixtures/clustered.json)", () => {
  const c = loadCsv("clustered.csv");
  const r = loadFixture("clustered.json");
  const terms = ["log1p(n_harmful)", "log1p(n_benign)"];
  const columns = [log1pColumn(c.n_harmful), log1pColumn(c.n_benign)];
  const fit = fitLogistic({ terms, columns, successes: c.y });
  const rterms = ["intercept", ...terms];

  it("model-based fit matches glm", () => {
    checkAgainstR(fit, { ...r.model, terms: rterms }, "model");
  });
  it("withClusterRobust matches sandwich::vcovCL(fit, cluster = ~query, type = 'HC1')", () => {
    const robust = fit.withClusterRobust(c.query, "query");
    checkAgainstR(robust, { ...r.cr1, terms: rterms }, "CR1");
    assert.equal(robust.vcovType, "CR1");
    assert.deepEqual(robust.cluster, { name: "query", groups: r.groups });
    assert.equal(robust.glance().vcov_type, "CR1");
    assert.deepEqual([...robust.estimates], [...fit.estimates]);
    assert.equal(fit.vcovType, "model", "the model-based fit is unchanged");
    assert.match(robust.toText(), /cluster-robust \(CR1\) standard errors, 150 clusters of 'query'/);
  });
  it("accepts string labels, and a grouped fit with per-row clusters equals the expansion", () => {
    const robust = fit.withClusterRobust(Array.from(c.query, (q) => `q${q}`), "query");
    assertAllClose(robust.stdErrors, r.cr1.std_error, EST, "string labels");
    // Aggregate to (query, n_harmful, n_benign) rows.
    const key = new Map<string, number>();
    const gq: number[] = [], gh: number[] = [], gb: number[] = [], gs: number[] = [], gt: number[] = [];
    for (let i = 0; i < c.y.length; i++) {
      const k = `${c.query[i]}|${c.n_harmful[i]}|${c.n_benign[i]}`;
      let at = key.get(k);
      if (at === undefined) {
        at = gq.length;
        key.set(k, at);
        gq.push(c.query[i]); gh.push(columns[0][i]); gb.push(columns[1][i]); gs.push(0); gt.push(0);
      }
      gs[at] += c.y[i];
      gt[at] += 1;
    }
    const grouped = fitLogistic({ terms, columns: [Float64Array.from(gh), Float64Array.from(gb)], successes: Float64Array.from(gs), trials: Float64Array.from(gt) })
      .withClusterRobust(gq, "query");
    assert.ok(grouped.nRows < c.y.length);
    assertAllClose(grouped.estimates, r.cr1.estimate, EST, "grouped CR1 estimate");
    assertAllClose(grouped.stdErrors, r.cr1.std_error, EST, "grouped CR1 std_error");
  });
  it("refuses a cluster vector of the wrong length or a single cluster", () => {
    assert.throws(() => fit.withClusterRobust([1, 2, 3]), /one cluster label a row: got 3 labels for 2700 rows/);
    assert.throws(() => fit.withClusterRobust(new Array(c.y.length).fill("a")), /at least 2 clusters, got 1/);
  });
});

describe("fitLogistic: problems reported in plain words", () => {
  it("near separation: large finite estimates match R and are not flagged (fixtures/near-separation.json)", () => {
    const d = loadCsv("near-separation.csv");
    const r = loadFixture("near-separation.json");
    const fit = fitLogistic({ terms: ["x", "z"], columns: [d.x, d.z], successes: d.y });
    checkAgainstR(fit, r.model, "near separation");
    assert.equal(fit.separation, null);
    assert.equal(fit.tidy()[1].flag, undefined);
  });

  it("quasi-complete separation: converged false, the term named, tidy rows flagged", () => {
    // y = 1 whenever g = 1; where g = 0 the outcome is mixed and depends on x.
    const n = 200;
    const g = new Float64Array(n), x = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      g[i] = i % 4 === 0 ? 1 : 0;
      x[i] = Math.sin(i);
      y[i] = g[i] === 1 ? 1 : (Math.cos(3 * i) + 0.5 * x[i] > 0 ? 1 : 0);
    }
    const fit = fitLogistic({ terms: ["x", "g"], columns: [x, g], successes: y });
    assert.equal(fit.converged, false);
    assert.ok(fit.separation !== null);
    assert.equal(fit.separation.kind, "quasi-complete");
    assert.deepEqual(fit.separation.terms, ["g"]);
    assert.equal(fit.separation.rows, 50);
    assert.equal(fit.warnings.length, 1);
    assert.match(fit.warnings[0], /^fitLogistic: quasi-complete separation: 50 of 200 rows are predicted perfectly .* the estimate of 'g' diverges/);
    const rows = fit.tidy();
    assert.deepEqual(rows.map((r) => r.flag), [null, null, "separation"]);
    assert.match(fit.toText(), /g \(separation\)/);
    assert.match(fit.toText(), /warning: fitLogistic: quasi-complete separation/);
  });

  it("complete separation: every row predicted perfectly, diverging terms named", () => {
    const x = Float64Array.from({ length: 40 }, (_, i) => i / 10);
    const y = x.map((v) => (v > 2.05 ? 1 : 0));
    const fit = fitLogistic({ terms: ["dose"], columns: [x], successes: y });
    assert.equal(fit.converged, false);
    assert.equal(fit.separation?.kind, "complete");
    assert.deepEqual(fit.separation?.terms, ["intercept", "dose"]);
    assert.match(fit.warnings[0], /complete separation: 40 of 40 rows .* estimates of 'intercept', 'dose' diverge/);
  });

  it("rank deficiency throws StatsError naming the aliased term and its combination", () => {
    const n = 50;
    const harmful = Float64Array.from({ length: n }, (_, i) => i % 7);
    const benign = Float64Array.from({ length: n }, (_, i) => (i * 3) % 5);
    const total = harmful.map((h, i) => h + benign[i]);
    const unrelated = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
    const y = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    assert.throws(
      () => fitLogistic({ terms: ["harmful", "unrelated", "benign", "total"], columns: [harmful, unrelated, benign, total], successes: y }),
      (e: unknown) => e instanceof StatsError &&
        e.message.startsWith("fitLogistic: term 'total' is a linear combination of 'harmful', 'benign' (the design is rank deficient"),
    );
    const shifted = harmful.map((h) => 2 * h + 3);
    assert.throws(
      () => fitLogistic({ terms: ["harmful", "shifted"], columns: [harmful, shifted], successes: y }),
      /term 'shifted' is a linear combination of 'intercept', 'harmful'/,
    );
    assert.throws(() => fitLogistic({ terms: ["zero"], columns: [new Float64Array(n)], successes: y }), /term 'zero' is zero in every row/);
  });

  it("non-convergence is a warning with converged false, and tidy rows are flagged", () => {
    const d = loadCsv("plain.csv");
    const fit = fitLogistic({ terms: ["x1"], columns: [d.x1], successes: d.y }, { maxIterations: 2 });
    assert.equal(fit.converged, false);
    assert.equal(fit.iterations, 2);
    assert.match(fit.warnings[0], /^fitLogistic did not converge in 2 iterations/);
    assert.deepEqual(fit.tidy().map((r) => r.flag), ["not converged", "not converged"]);
  });
});
