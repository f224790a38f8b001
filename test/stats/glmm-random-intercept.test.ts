/**
 * fitRandomInterceptLogistic against lme4::glmer (fixtures/glmm-random-intercept.json,
 * written by fixtures/glmm-random-intercept.R on a simulated 40-query design).
 *
 * Tolerances, and why: glmer's own optimum moves by up to ~2e-7 relative between its tight
 * and tighter settings (bobyqa rhoend 1e-10 / 1e-14), so estimates and SDs are compared to
 * 1e-6 relative. Its standard errors come from a finite-difference Hessian (~1e-5 between
 * settings for Laplace), so SEs to 5e-5 (Laplace) and 5e-6 (quadrature). Its Laplace
 * deviance is ~1.5e-7 above the exact Laplace approximation (its log-determinant lags one
 * PIRLS step); the fixture's exact_laplace, written out in R, is matched to 1e-9.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gaussHermiteRule } from "../../src/stats/gauss-hermite";
import { groupCells } from "../../src/stats/glmm-cells";
import { RandomInterceptDeviance } from "../../src/stats/glmm-intercept-deviance";
import { RandomSlopeDeviance } from "../../src/stats/glmm-slope-deviance";
import { fitRandomInterceptLogistic, StatsError } from "../../src/stats";
import { assertAllClose, assertClose, loadFixture } from "./helpers";

const f = loadFixture("glmm-random-intercept.json");
const arr = (x: number | number[]): number[] => ([] as number[]).concat(x);
const data = {
  query: arr(f.data.query), harmful: Float64Array.from(arr(f.data.harmful)), benign: Float64Array.from(arr(f.data.benign)),
  y: Float64Array.from(arr(f.data.y)), ySlope: Float64Array.from(arr(f.data.y_slope)),
};
const design = { terms: ["harmful", "benign"], columns: [data.harmful, data.benign], successes: data.y, groups: data.query };

describe("gaussHermiteRule", () => {
  it("gives lme4::GHrule's nodes and weights", () => {
    for (const r of f.gauss_hermite) {
      const rule = gaussHermiteRule(r.k);
      assertAllClose(rule.nodes, arr(r.z), 1e-13, `GHrule(${r.k}) z`, 1e-14);
      assertAllClose(rule.weights, arr(r.w), 1e-12, `GHrule(${r.k}) w`);
    }
  });
  it("integrates polynomials up to degree 2K - 1 exactly (E Z^4 = 3, E Z^8 = 105)", () => {
    const rule = gaussHermiteRule(5);
    const moment = (p: number) => rule.nodes.reduce((s, z, i) => s + rule.weights[i] * z ** p, 0);
    assertClose(moment(4), 3, 1e-13, "E Z^4");
    assertClose(moment(8), 105, 1e-12, "E Z^8");
  });
  it("refuses a number of nodes that is not an integer from 1 to 100", () => {
    assert.throws(() => gaussHermiteRule(0), /integer number of nodes from 1 to 100, got 0/);
    assert.throws(() => gaussHermiteRule(2.5), StatsError);
  });
});

for (const entry of f.fits) {
  const K: number = entry.agq;
  const r = entry.tighter;
  describe(`fitRandomInterceptLogistic, agq ${K} (${r.call})`, () => {
    const fit = fitRandomInterceptLogistic(design, { agq: K, group: "query" });
    const seTolerance = K === 1 ? 5e-5 : 5e-6;
    it("matches glmer's fixed effects, random-intercept SD and conditional modes", () => {
      assert.deepEqual([...fit.terms], ["intercept", "harmful", "benign"]);
      assertAllClose(fit.estimates, r.estimate, 1e-6, "estimate");
      assertClose(fit.randomEffects[0].sd, arr(r.sd)[0], 1e-6, "random-intercept SD");
      assert.deepEqual(fit.randomEffects, [{ group: "query", term: "intercept", sd: fit.randomEffects[0].sd }]);
      assertAllClose(fit.conditionalModes.intercept, arr(r.conditional_modes), 1e-5, "conditional modes", 1e-6);
      assert.equal(fit.converged, true);
      assert.deepEqual(fit.warnings, []);
    });
    it("matches glmer's standard errors, z statistics and p-values", () => {
      assertAllClose(fit.stdErrors, r.std_error, seTolerance, "std_error");
      assertAllClose(fit.statistics, r.statistic, seTolerance, "statistic");
      assertAllClose(fit.pValues, r.p_value, 20 * seTolerance, "p_value");
    });
    it("matches glmer's log-likelihood, AIC, BIC, deviance and residual df", () => {
      const abs = K === 1 ? 3e-7 : 1e-8; // glmer's Laplace deviance is 1.5e-7 above the exact one (see the header)
      assertClose(fit.logLik, r.log_lik, 0, "logLik", abs);
      assertClose(fit.aic, r.aic, 0, "AIC", 2 * abs);
      assertClose(fit.bic, r.bic, 0, "BIC", 2 * abs);
      assertClose(fit.deviance, r.deviance, 0, "deviance", 2 * abs);
      assert.equal(fit.nObs, r.n_obs);
      assert.equal(fit.dfResidual, r.df_residual);
      const g = fit.glance();
      assert.equal(g.method, K === 1 ? "Laplace" : "adaptive Gauss-Hermite");
      assert.equal(g.groups, 40);
    });
    it("agrees with glmer's tight settings as closely as glmer's tight and tighter settings agree", () => {
      const t = entry.tight;
      const spread = Math.max(...arr(t.estimate).map((v, i) => Math.abs(v - r.estimate[i]) / Math.abs(r.estimate[i])));
      const ours = Math.max(...arr(t.estimate).map((v, i) => Math.abs(v - fit.estimates[i]) / Math.abs(fit.estimates[i])));
      assert.ok(ours <= 2 * spread + 1e-7, `ours ${ours} against glmer tight; glmer tight vs tighter ${spread}`);
    });
    it("tidy rows carry Wald intervals at the requested level", () => {
      const rows = fit.tidy({ confLevel: 0.9 });
      assert.deepEqual(Object.keys(rows[0]), ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]);
      assertClose(rows[2].conf_high - rows[2].estimate, 1.6448536269514722 * rows[2].std_error, 1e-12, "90% half-width");
    });
  });
}

describe("rendering", () => {
  it("prints the method, the conditional fixed effects and the random-intercept SD; frames hold the tidy rows", () => {
    const fit = fitRandomInterceptLogistic(design, { group: "query_id", agq: 5 });
    const text = fit.toText();
    assert.match(text, /binomial GLMM, adaptive Gauss-Hermite quadrature, 5 points\): 720 observations, 40 groups of 'query_id'/);
    assert.match(text, /Random effects: query_id intercept SD 1\.246/);
    assert.deepEqual(fit.tidyFrame().columns, ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]);
    assert.deepEqual(fit.randomEffectsFrame().values, [["query_id", "intercept", fit.randomEffects[0].sd]]);
  });
});

describe("the deviance function itself", () => {
  const cells = groupCells(design);
  it("equals glmer's adaptive-quadrature deviance at glmer's estimates (1e-9) and the exact Laplace written out in R (1e-9)", () => {
    for (const entry of f.fits) {
      const r = entry.tighter;
      const value = new RandomInterceptDeviance(cells, gaussHermiteRule(entry.agq)).evaluate([...arr(r.estimate), r.theta]).deviance;
      const reference = entry.agq === 1 ? f.exact_laplace.intercept.deviance : -2 * r.log_lik;
      assertClose(value, reference, 0, `deviance, agq ${entry.agq}`, 1e-9);
    }
  });
  it("has the gradient of its central differences (agq 1 and 7, away from the optimum)", () => {
    for (const K of [1, 7]) {
      const objective = new RandomInterceptDeviance(cells, gaussHermiteRule(K));
      const x = [-0.5, 0.3, -0.2, 0.8];
      const exact = objective.evaluate(x).gradient;
      for (let j = 0; j < x.length; j++) {
        const h = 1e-5;
        const up = objective.evaluate(x.map((v, i) => (i === j ? v + h : v))).deviance;
        const down = objective.evaluate(x.map((v, i) => (i === j ? v - h : v))).deviance;
        assertClose(exact[j], (up - down) / (2 * h), 1e-6, `agq ${K} gradient[${j}]`, 1e-6);
      }
    }
  });
});

describe("aggregated counts", () => {
  it("give the 0/1 fit exactly; glmer on cbind(s, n - s) adds only the log binomial coefficients", () => {
    const cells = groupCells(design);
    const starts = cells.start;
    const groups: number[] = [];
    for (let g = 0; g + 1 < starts.length; g++) for (let c = starts[g]; c < starts[g + 1]; c++) groups.push(Number(cells.labels[g]));
    const grouped = fitRandomInterceptLogistic(
      { terms: ["harmful", "benign"], columns: [cells.columns[1], cells.columns[2]], successes: cells.successes, trials: cells.trials, groups },
      { group: "query" },
    );
    const individual = fitRandomInterceptLogistic(design, { group: "query" });
    assertAllClose(grouped.estimates, individual.estimates, 1e-9, "estimates");
    assertAllClose(grouped.stdErrors, individual.stdErrors, 1e-6, "std errors");
    assertClose(grouped.logLik, individual.logLik, 1e-12, "logLik");
    assert.equal(grouped.nObs, individual.nObs);
    const a = f.aggregated;
    assertAllClose(grouped.estimates, arr(a.estimate), 1e-6, "glmer aggregated estimates");
    assertClose(grouped.logLik, a.log_lik - a.log_choose, 0, "glmer aggregated logLik minus log choose", 3e-7);
  });
  it("treat weights as frequency weights (weight 2 = the row twice)", () => {
    const twice = fitRandomInterceptLogistic({
      ...design, columns: design.columns.map((c) => Float64Array.from([...c, ...c])), successes: Float64Array.from([...data.y, ...data.y]),
      groups: [...data.query, ...data.query],
    });
    const weighted = fitRandomInterceptLogistic({ ...design, weights: new Float64Array(data.y.length).fill(2) });
    assertAllClose(weighted.estimates, twice.estimates, 1e-9, "estimates");
    assertClose(weighted.logLik, twice.logLik, 1e-12, "logLik");
  });
});

describe("random slope (1 + benign | query), Laplace", () => {
  const r = f.random_slope.tighter;
  const fit = fitRandomInterceptLogistic({ ...design, successes: data.ySlope }, { randomSlope: "benign", group: "query" });
  it("matches glmer's estimates, SDs, correlation and log-likelihood to 1e-5", () => {
    assertAllClose(fit.estimates, r.estimate, 1e-5, "estimate");
    assertAllClose(fit.randomEffects.map((x) => x.sd), arr(r.sd), 1e-5, "SDs");
    assert.deepEqual(fit.randomEffects.map((x) => x.term), ["intercept", "benign"]);
    assertClose(fit.randomCorrelation!, r.cor, 1e-5, "correlation");
    assertClose(fit.logLik, r.log_lik, 0, "logLik", 5e-6);
    assert.equal(fit.converged, true);
  });
  it("has standard errors of the exact Laplace Hessian (R, numDeriv) to 1e-5, glmer's to 2e-4", () => {
    assertAllClose(fit.stdErrors, f.exact_laplace.slope.std_error, 1e-5, "std_error (exact Laplace in R)");
    assertAllClose(fit.stdErrors, r.std_error, 2e-4, "std_error (glmer)");
  });
  it("has the gradient of its central differences (away from the optimum)", () => {
    const objective = new RandomSlopeDeviance(groupCells({ ...design, successes: data.ySlope }), 2);
    const x = [-0.9, 0.5, -0.4, 0.9, 0.3, 0.6];
    const exact = objective.evaluate(x).gradient;
    for (let j = 0; j < x.length; j++) {
      const h = 1e-5;
      const up = objective.deviance(x.map((v, i) => (i === j ? v + h : v)));
      const down = objective.deviance(x.map((v, i) => (i === j ? v - h : v)));
      assertClose(exact[j], (up - down) / (2 * h), 1e-6, `gradient[${j}]`, 1e-6);
    }
  });
  it("its deviance at glmer's estimates is the exact Laplace written out in R", () => {
    const value = new RandomSlopeDeviance(groupCells({ ...design, successes: data.ySlope }), 2).deviance([...arr(r.estimate), ...arr(r.theta)]);
    assertClose(value, f.exact_laplace.slope.deviance, 0, "deviance", 1e-9);
  });
});

describe("a boundary (singular) fit: every query has the same outcomes", () => {
  const r = f.singular;
  const fit = fitRandomInterceptLogistic(
    { terms: ["x"], columns: [Float64Array.from(arr(r.data.x))], successes: Float64Array.from(arr(r.data.y)), groups: arr(r.data.query) },
    { group: "query" },
  );
  it("puts the SD at 0 and the fixed effects where glmer does, with a warning", () => {
    assert.ok(fit.randomEffects[0].sd < 1e-8, `SD ${fit.randomEffects[0].sd}`);
    assertAllClose(fit.estimates, r.estimate, 1e-6, "estimate");
    assertAllClose(fit.stdErrors, r.std_error, 1e-5, "std_error");
    assertClose(fit.logLik, r.log_lik, 1e-9, "logLik");
    assert.match(fit.warnings.join("\n"), /boundary \(singular\) fit/);
  });
});

describe("bad input", () => {
  it("names the row of a missing group label", () => {
    const groups = [...data.query] as (number | null)[];
    groups[7] = null;
    assert.throws(() => fitRandomInterceptLogistic({ ...design, groups: groups as number[] }), /group label is missing at row 7/);
  });
  it("refuses an invalid agq, a random slope with quadrature, and an unknown slope term", () => {
    assert.throws(() => fitRandomInterceptLogistic(design, { agq: 0 }), /agq to be an integer from 1 \(Laplace\) to 25, got 0/);
    assert.throws(() => fitRandomInterceptLogistic(design, { agq: 5, randomSlope: "benign" }), /Laplace approximation only/);
    assert.throws(() => fitRandomInterceptLogistic(design, { randomSlope: "total" }), /random slope 'total' is not a term/);
  });
  it("names the row of an outcome outside 0..1", () => {
    const y = Float64Array.from(data.y);
    y[3] = 2;
    assert.throws(() => fitRandomInterceptLogistic({ ...design, successes: y }), /0\/1 outcome in every row: 2 at row 3/);
  });
});

describe("fitRandomInterceptLogistic with groups as codes (groupNames)", () => {
  it("is the fit on the labels themselves, bit for bit, and names each code's group", () => {
    // codes numbered in an order of their own (not first appearance), names distinct
    const names = [...new Set(data.query)].sort().reverse();
    const codes = Int32Array.from(data.query, (q) => names.indexOf(q));
    const byLabel = fitRandomInterceptLogistic(design, { group: "query" });
    const byCode = fitRandomInterceptLogistic({ ...design, groups: codes, groupNames: names }, { group: "query" });
    assert.deepEqual(byCode.tidy(), byLabel.tidy());
    assert.equal(byCode.deviance, byLabel.deviance);
    assert.deepEqual(byCode.conditionalModes.labels, byLabel.conditionalModes.labels);
    assert.deepEqual(Array.from(byCode.conditionalModes.intercept), Array.from(byLabel.conditionalModes.intercept));
  });
  it("refuses a code without a name, naming the row, and codes that are not an Int32Array", () => {
    const codes = new Int32Array(data.query.length);
    codes[3] = -1;
    assert.throws(() => fitRandomInterceptLogistic({ ...design, groups: codes, groupNames: ["a"] }), (e: Error) => e instanceof StatsError && /group label is missing at row 3/.test(e.message));
    assert.throws(() => fitRandomInterceptLogistic({ ...design, groupNames: ["a"] }), /Int32Array of codes/);
  });
});
