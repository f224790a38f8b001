/**
 * fitLogistic iterating on one row a covariate pattern (FitOptions.compress, see the header
 * of src/stats/logistic-fit.ts) gives the fit of iterating on the rows: estimates, SEs,
 * p-values, vcov, glance and fitted to 1e-12 relative, and counts, flags, warnings and the
 * separation diagnostic exactly; on the R fixtures the compressed fits still match R.
 * Also the hashing pass itself (findRowPatterns): patterns, giving up, and odd inputs.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fitLogistic, StatsError, type LogisticDesign, type LogisticFit } from "../../src/stats";
import { findRowPatterns } from "../../src/stats/row-patterns";
import { assertAllClose, assertClose, assertSameFit, checkAgainstR, loadCsv, loadFixture, log1pColumn } from "./helpers";

const SAME = 1e-12;

/** The design fitted three ways: forced compression, the default, and rows only. */
function fitThreeWays(design: LogisticDesign, options: { maxIterations?: number } = {}) {
  return {
    compressed: fitLogistic(design, { ...options, compress: true }),
    auto: fitLogistic(design, options),
    rows: fitLogistic(design, { ...options, compress: false }),
  };
}

function assertAllSame(fits: { compressed: LogisticFit; auto: LogisticFit; rows: LogisticFit }, what: string): void {
  assertSameFit(fits.compressed, fits.rows, SAME, `${what} (compressed vs rows)`);
  assertSameFit(fits.auto, fits.rows, SAME, `${what} (default vs rows)`);
}

/**
 * Separated fits: the diagnostic (kind, terms, rows), warnings, flags and iterations equal;
 * terms that do not diverge to 1e-12. The diverging estimates walk off along a flat
 * likelihood, driven by rounding: rows permuted move them too (1e-8 relative in the complete
 * case below), so they only agree to `diverging` relative, and their SEs and the (near-zero)
 * deviance with them.
 */
function assertSameSeparatedFit(actual: LogisticFit, expected: LogisticFit, diverging: number, what: string): void {
  assert.ok(expected.separation !== null, `${what}: separated`);
  assert.deepEqual(actual.separation, expected.separation, `${what} separation`);
  assert.deepEqual(actual.warnings, expected.warnings, `${what} warnings`);
  assert.deepEqual(actual.tidy().map((r) => r.flag), expected.tidy().map((r) => r.flag), `${what} flags`);
  const a = actual.glance(), e = expected.glance();
  for (const key of ["n_obs", "df_residual", "converged", "iterations", "vcov_type"] as const) {
    assert.equal(a[key], e[key], `${what} glance ${key}`);
  }
  assertClose(a.null_deviance, e.null_deviance, SAME, `${what} null deviance`);
  assertClose(a.deviance, e.deviance, diverging, `${what} deviance`, 1e-9);
  expected.terms.forEach((term, j) => {
    const tol = expected.separation!.terms.includes(term) ? diverging : SAME;
    assertClose(actual.estimates[j], expected.estimates[j], tol, `${what} estimate of ${term}`);
    assertClose(actual.stdErrors[j], expected.stdErrors[j], tol, `${what} std_error of ${term}`);
  });
  assertAllClose(actual.fitted, expected.fitted, diverging, `${what} fitted`, 1e-9);
}

function patternCount(columns: Float64Array[]): number {
  return findRowPatterns(columns, columns[0].length, Infinity, false)!.count;
}

/** Many rows on few cells, with y depending on the cell: a receipts-like design. */
function cellDesign(n: number, seed = 1) {
  let a = seed;
  const random = () => ((a = (Math.imul(a, 1664525) + 1013904223) >>> 0) / 4294967296);
  const harmful = new Float64Array(n), benign = new Float64Array(n), y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const total = [4, 8, 16, 32][Math.floor(random() * 4)];
    const h = total * [0, 0.25, 0.5, 1][Math.floor(random() * 4)];
    harmful[i] = Math.log1p(h);
    benign[i] = Math.log1p(total - h);
    y[i] = random() < 1 / (1 + Math.exp(1.2 - 0.5 * harmful[i] + 0.2 * benign[i])) ? 1 : 0;
  }
  return { harmful, benign, y };
}

describe("fitLogistic compression: the R fixtures' datasets", () => {
  it("plain.csv: the full, small and no-intercept models (2,000 patterns, forced) match R and the row fit", () => {
    const d = loadCsv("plain.csv");
    const r = loadFixture("plain.json");
    const cases = [
      { design: { terms: ["x1", "x2", "x3"], columns: [d.x1, d.x2, d.x3], successes: d.y }, r: r.full, what: "full" },
      { design: { terms: ["x1"], columns: [d.x1], successes: d.y }, r: r.small, what: "small" },
      { design: { terms: ["x1", "x2", "x3"], columns: [d.x1, d.x2, d.x3], successes: d.y, intercept: false }, r: r.no_intercept, what: "no intercept" },
    ];
    for (const c of cases) {
      const fits = fitThreeWays(c.design);
      assertAllSame(fits, c.what);
      checkAgainstR(fits.compressed, c.r, `${c.what} compressed`);
    }
  });

  it("plain.csv on its binary column: 2 patterns, compressed by default", () => {
    const d = loadCsv("plain.csv");
    assert.equal(patternCount([d.x2]), 2);
    assertAllSame(fitThreeWays({ terms: ["x2"], columns: [d.x2], successes: d.y }), "y ~ x2");
    assertAllSame(fitThreeWays({ terms: [], columns: [], successes: d.y }), "y ~ 1");
  });

  it("grouped.csv: the grouped fit and its 0/1 expansion (30 patterns) match R and the row fits", () => {
    const g = loadCsv("grouped.csv");
    const r = loadFixture("grouped.json");
    const terms = ["log1p(n_harmful)", "log1p(n_benign)"];
    const columns = [log1pColumn(g.n_harmful), log1pColumn(g.n_benign)];
    const rterms = ["intercept", ...terms];
    const grouped = fitThreeWays({ terms, columns, successes: g.successes, trials: g.trials });
    assertAllSame(grouped, "grouped");
    checkAgainstR(grouped.compressed, { ...r.grouped, terms: rterms }, "grouped compressed", false);
    checkAgainstR(grouped.compressed, { ...r.individual, terms: rterms, fitted_head: r.grouped.fitted_head }, "grouped compressed glance");

    const total = g.trials.reduce((a, b) => a + b, 0);
    const h = new Float64Array(total), b = new Float64Array(total), y = new Float64Array(total);
    let at = 0;
    for (let i = 0; i < g.trials.length; i++) {
      for (let t = 0; t < g.trials[i]; t++, at++) {
        h[at] = columns[0][i];
        b[at] = columns[1][i];
        y[at] = t < g.successes[i] ? 1 : 0;
      }
    }
    assert.equal(patternCount([h, b]), 30);
    const individual = fitThreeWays({ terms, columns: [h, b], successes: y });
    assertAllSame(individual, "0/1 expansion");
    checkAgainstR(individual.auto, { ...r.individual, terms: rterms }, "0/1 expansion, compressed by default");
    // The two start IRLS from different values (R's per-row starts) and stop by R's rule at
    // different points near the maximum; the Newton step past convergence puts both on it.
    individual.auto.estimates.forEach((e, j) => assertClose(e, grouped.compressed.estimates[j], 1e-13, `estimate ${j}: 0/1 expansion vs grouped`, 0));
  });

  it("grouped rows split unevenly (equal covariates, different trials) give the grouped fit", () => {
    const g = loadCsv("grouped.csv");
    const r = loadFixture("grouped.json");
    const terms = ["log1p(n_harmful)", "log1p(n_benign)"];
    const m = g.trials.length;
    // Each row becomes three: trials split 1 : 2 : rest, successes as evenly as they fit.
    const h = new Float64Array(3 * m), b = new Float64Array(3 * m), s = new Float64Array(3 * m), t = new Float64Array(3 * m);
    for (let i = 0; i < m; i++) {
      const parts = [1, 2, g.trials[i] - 3];
      let left = g.successes[i];
      parts.forEach((p, j) => {
        const row = i + j * m;
        h[row] = Math.log1p(g.n_harmful[i]);
        b[row] = Math.log1p(g.n_benign[i]);
        t[row] = p;
        s[row] = j === 2 ? left : Math.min(p, left);
        left -= s[row];
      });
    }
    const split = fitThreeWays({ terms, columns: [h, b], successes: s, trials: t });
    assertAllSame(split, "split rows");
    checkAgainstR(split.compressed, { ...r.grouped, terms: ["intercept", ...terms] }, "split rows compressed", false);
  });

  it("clustered.csv: compressed by default; model and CR1 vcov match R and the row fit", () => {
    const c = loadCsv("clustered.csv");
    const r = loadFixture("clustered.json");
    const terms = ["log1p(n_harmful)", "log1p(n_benign)"];
    const columns = [log1pColumn(c.n_harmful), log1pColumn(c.n_benign)];
    const rterms = ["intercept", ...terms];
    assert.ok(patternCount(columns) * 4 < c.y.length, "few patterns");
    const fits = fitThreeWays({ terms, columns, successes: c.y });
    assertAllSame(fits, "clustered model");
    checkAgainstR(fits.auto, { ...r.model, terms: rterms }, "clustered model, compressed");
    const robust = {
      compressed: fits.compressed.withClusterRobust(c.query, "query"),
      auto: fits.auto.withClusterRobust(c.query, "query"),
      rows: fits.rows.withClusterRobust(c.query, "query"),
    };
    assertAllSame(robust, "CR1");
    checkAgainstR(robust.auto, { ...r.cr1, terms: rterms }, "CR1, compressed");
    assert.deepEqual(robust.auto.cluster, { name: "query", groups: r.groups });
    const strings = fits.auto.withClusterRobust(Array.from(c.query, (q) => `q${q}`), "query");
    assertAllClose(strings.stdErrors, robust.rows.stdErrors, SAME, "string labels");
  });

  it("near-separation.csv (forced): large finite estimates match R and the row fit", () => {
    const d = loadCsv("near-separation.csv");
    const r = loadFixture("near-separation.json");
    const fits = fitThreeWays({ terms: ["x", "z"], columns: [d.x, d.z], successes: d.y });
    assertAllSame(fits, "near separation");
    checkAgainstR(fits.compressed, r.model, "near separation compressed");
  });
});

describe("fitLogistic compression: weights, fractional outcomes, problems", () => {
  it("frequency weights that differ within a pattern, zero weights and zero trials", () => {
    const { harmful, benign, y } = cellDesign(5000, 7);
    const w = Float64Array.from(y, (_, i) => [1, 2, 0.5, 3, 0][i % 5]);
    const fits = fitThreeWays({ terms: ["h", "b"], columns: [harmful, benign], successes: y, weights: w });
    assertAllSame(fits, "weighted");
    // A weighted fit equals repeating rows (here by doubling the weights: twice the rows).
    const t = Float64Array.from(y, (_, i) => (i % 7 === 0 ? 0 : 1));
    const s = Float64Array.from(y, (v, i) => (t[i] === 0 ? 0 : v));
    assertAllSame(fitThreeWays({ terms: ["h", "b"], columns: [harmful, benign], successes: s, trials: t, weights: w }), "weighted, zero trials");
  });

  it("fractional 0..1 outcomes in individual mode take the general per-row path", () => {
    const { harmful, benign, y } = cellDesign(4000, 3);
    const frac = Float64Array.from(y, (v, i) => (i % 11 === 0 ? 0.25 + 0.5 * v : v));
    assertAllSame(fitThreeWays({ terms: ["h", "b"], columns: [harmful, benign], successes: frac }), "fractional y");
  });

  it("a million-row-like design: 16 cells in 20,000 rows, compressed by default", () => {
    const { harmful, benign, y } = cellDesign(20000, 11);
    assert.ok(patternCount([harmful, benign]) <= 16);
    const fits = fitThreeWays({ terms: ["h", "b"], columns: [harmful, benign], successes: y });
    assertAllSame(fits, "cells");
    const cluster = Array.from(y, (_, i) => i % 97);
    assertAllSame({
      compressed: fits.compressed.withClusterRobust(cluster, "q"),
      auto: fits.auto.withClusterRobust(cluster, "q"),
      rows: fits.rows.withClusterRobust(cluster, "q"),
    }, "cells CR1");
  });

  it("quasi-complete separation on few patterns: same flags, warning, rows and estimates", () => {
    const n = 400;
    const g = new Float64Array(n), x = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      g[i] = i % 4 === 0 ? 1 : 0;
      x[i] = (i % 5) - 2;
      y[i] = g[i] === 1 ? 1 : (Math.cos(3 * i) + 0.3 * x[i] > 0 ? 1 : 0);
    }
    const fits = fitThreeWays({ terms: ["x", "g"], columns: [x, g], successes: y });
    assert.ok(fits.auto.separation !== null);
    assert.equal(fits.auto.separation.kind, "quasi-complete");
    assert.deepEqual(fits.auto.separation.terms, ["g"]);
    assert.equal(fits.auto.separation.rows, 100);
    assert.match(fits.auto.warnings[0], /quasi-complete separation: 100 of 400 rows are predicted perfectly/);
    assertSameSeparatedFit(fits.compressed, fits.rows, 1e-7, "quasi-complete (compressed vs rows)");
    assertSameSeparatedFit(fits.auto, fits.rows, 1e-7, "quasi-complete (default vs rows)");
  });

  it("complete separation on few patterns", () => {
    const x = Float64Array.from({ length: 400 }, (_, i) => i % 8);
    const y = x.map((v) => (v >= 4 ? 1 : 0));
    const fits = fitThreeWays({ terms: ["dose"], columns: [x], successes: y });
    assert.equal(fits.auto.separation?.kind, "complete");
    assert.deepEqual(fits.auto.separation?.terms, ["intercept", "dose"]);
    assert.match(fits.auto.warnings[0], /complete separation: 400 of 400 rows/);
    assertSameSeparatedFit(fits.compressed, fits.rows, 1e-3, "complete (compressed vs rows)");
    assertSameSeparatedFit(fits.auto, fits.rows, 1e-3, "complete (default vs rows)");
  });

  it("non-convergence: same iterations, warning and flags", () => {
    const { harmful, benign, y } = cellDesign(3000, 5);
    const fits = fitThreeWays({ terms: ["h", "b"], columns: [harmful, benign], successes: y }, { maxIterations: 2 });
    assert.equal(fits.auto.converged, false);
    assert.equal(fits.auto.iterations, 2);
    assert.match(fits.auto.warnings[0], /^fitLogistic did not converge in 2 iterations/);
    assertAllSame(fits, "non-convergence");
  });

  it("a fit that stops at the starting values (X'WX overflows) reports the rows' starting fitted values", () => {
    const n = 40;
    const x = Float64Array.from({ length: n }, (_, i) => i % 4);
    const y = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const design = { terms: ["x"], columns: [x], successes: y, weights: new Float64Array(n).fill(1e307) };
    const compressed = fitLogistic(design, { compress: true });
    const rows = fitLogistic(design, { compress: false });
    assert.equal(rows.iterations, 0);
    assert.match(rows.warnings[0], /stopped after 0 iterations: the weighted cross-product matrix X'WX became singular/);
    assert.deepEqual(compressed.warnings, rows.warnings);
    assert.equal(compressed.iterations, 0);
    assert.equal(compressed.converged, false);
    assert.deepEqual([...compressed.estimates], [...rows.estimates]);
    assert.ok(compressed.stdErrors.every(Number.isNaN));
    // R's starting values are per row, (y + 1/2) / 2: 3/4 and 1/4, not the pattern's mean.
    assert.deepEqual([...compressed.fitted], [...rows.fitted]);
    assertAllClose(compressed.fitted, Array.from(y, (v) => (v === 1 ? 0.75 : 0.25)), 1e-15, "starting fitted");
  });

  it("a coefficient that is truly 0 agrees on the scale of its standard error", () => {
    const n = 1200;
    const x = Float64Array.from({ length: n }, (_, i) => i % 4);
    const y = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)); // independent of x
    const fits = fitThreeWays({ terms: ["x"], columns: [x], successes: y });
    assert.ok(Math.abs(fits.rows.estimates[1]) < 1e-14);
    assertAllSame(fits, "zero effect");
  });

  it("rank deficiency and invalid rows throw the same StatsError, compressed or not", () => {
    const n = 60;
    const harmful = Float64Array.from({ length: n }, (_, i) => i % 7);
    const benign = Float64Array.from({ length: n }, (_, i) => (i * 3) % 5);
    const total = harmful.map((h, i) => h + benign[i]);
    const shifted = harmful.map((h) => 2 * h + 3);
    const y = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const messageOf = (design: LogisticDesign, compress: boolean | "auto"): string => {
      try {
        fitLogistic(design, { compress });
      } catch (e) {
        assert.ok(e instanceof StatsError);
        return e.message;
      }
      assert.fail("no StatsError");
    };
    const bad = y.slice();
    bad[3] = 2;
    const grouped = { successes: Float64Array.from(y, (v) => v * 2.5), trials: new Float64Array(n).fill(2) };
    const designs: [LogisticDesign, RegExp][] = [
      [{ terms: ["harmful", "benign", "total"], columns: [harmful, benign, total], successes: y }, /term 'total' is a linear combination of 'harmful', 'benign'/],
      [{ terms: ["harmful", "shifted"], columns: [harmful, shifted], successes: y }, /term 'shifted' is a linear combination of 'intercept', 'harmful'/],
      [{ terms: ["zero"], columns: [new Float64Array(n)], successes: y }, /term 'zero' is zero in every row/],
      [{ terms: ["harmful"], columns: [harmful], successes: y, weights: Float64Array.from(harmful, (h) => (h === 0 ? 1 : 0)) }, /term 'harmful' is zero in every row with positive weight/],
      [{ terms: ["harmful"], columns: [harmful], successes: bad }, /0\/1 outcome .* 2 at row 3/],
      [{ terms: ["harmful"], columns: [harmful], ...grouped }, /0 <= successes <= trials in every row: 2\.5 successes of 2 trials at row 0/],
      [{ terms: ["harmful"], columns: [harmful], successes: y, weights: new Float64Array(n).fill(-1) }, /weights to be finite and non-negative: -1 at row 0/],
      [{ terms: ["harmful", "benign"], columns: [harmful, benign], successes: y.subarray(0, 2) }, /one value a row/],
    ];
    for (const [design, pattern] of designs) {
      const rows = messageOf(design, false);
      assert.match(rows, pattern);
      assert.equal(messageOf(design, true), rows);
      assert.equal(messageOf(design, "auto"), rows);
    }
    assert.throws(() => fitLogistic({ terms: ["harmful"], columns: [harmful], successes: y }, { compress: "yes" as never }), /compress to be true, false or "auto"/);
  });

  it("too few observations is reported the same way", () => {
    const x = Float64Array.of(0, 1, 0, 1);
    const fit = (compress: boolean) => () => fitLogistic({ terms: ["x"], columns: [x], successes: Float64Array.of(0, 1, 0, 1), weights: Float64Array.of(0.5, 0.5, 0, 0) }, { compress });
    assert.throws(fit(true), /more observations than terms, got 1 observations for 2 terms/);
    assert.throws(fit(false), /more observations than terms, got 1 observations for 2 terms/);
  });
});

describe("findRowPatterns: the hashing pass", () => {
  it("numbers patterns in order of first appearance and maps every row", () => {
    const a = Float64Array.of(1, 2, 1, 1, 3, 2, 0, -0);
    const b = Float64Array.of(5, 5, 5, 6, 5, 5, 7, 7);
    const p = findRowPatterns([a, b], a.length, Infinity)!;
    assert.equal(p.count, 5);
    assert.deepEqual([...p.patternOf], [0, 1, 0, 2, 3, 1, 4, 4]);
    assert.deepEqual([...p.values[0]], [1, 2, 1, 3, 0]);
    assert.deepEqual([...p.values[1]], [5, 5, 6, 5, 7]);
    // 0 and -0 are === and may share a pattern (their products with any coefficient are equal).
    for (let i = 0; i < a.length; i++) {
      assert.ok(p.values[0][p.patternOf[i]] === a[i]);
      assert.ok(p.values[1][p.patternOf[i]] === b[i]);
    }
  });

  it("counts the 0 and 1 outcomes a pattern when asked, and gives none for other outcomes", () => {
    const a = Float64Array.of(1, 2, 1, 1, 3, 2);
    const p = findRowPatterns([a], a.length, Infinity, true, Float64Array.of(0, 1, 1, 1, 0, -0))!;
    assert.deepEqual([...p.outcomeCounts!.zeros], [1, 1, 1]);
    assert.deepEqual([...p.outcomeCounts!.ones], [2, 1, 0]);
    assert.equal(findRowPatterns([a], a.length, Infinity, true, Float64Array.of(0, 1, 0.5, 1, 0, 0))!.outcomeCounts, null);
    assert.equal(findRowPatterns([a], a.length, Infinity)!.outcomeCounts, null);
    assert.deepEqual([...findRowPatterns([], 3, Infinity, true, Float64Array.of(1, 0, 1))!.outcomeCounts!.ones], [2]);
  });

  it("one, two and many columns, and none (one pattern), with the table growing", () => {
    const n = 50000;
    const cols = [0, 1, 2, 3].map((j) => Float64Array.from({ length: n }, (_, i) => Math.log1p(((i * (7 + 2 * j)) % (13 + j)) % (3 + j))));
    for (let kc = 0; kc <= 4; kc++) {
      const columns = cols.slice(0, kc);
      const p = findRowPatterns(columns, n, Infinity)!;
      const keys = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const key = columns.map((c) => c[i]).join(",");
        if (!keys.has(key)) keys.set(key, keys.size);
        assert.equal(p.patternOf[i], keys.get(key));
      }
      assert.equal(p.count, kc === 0 ? 1 : keys.size, `${kc} columns`);
    }
    const wide = Float64Array.from({ length: n }, (_, i) => i % 5000);
    const p = findRowPatterns([wide, wide, wide], n, Infinity, false)!;
    assert.equal(p.count, 5000);
    assert.equal(p.patternOf[n - 1], 4999);
  });

  it("gives up past maxPatterns, and early on continuous columns", () => {
    const n = 100000;
    const continuous = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    assert.equal(findRowPatterns([continuous], n, n / 4), null);
    assert.equal(findRowPatterns([continuous, continuous], n, Infinity), null, "more than half the rows new");
    assert.equal(findRowPatterns([continuous], n, Infinity, false)?.count, n, "forced");
    const cells = Float64Array.from({ length: n }, (_, i) => i % 40);
    assert.equal(findRowPatterns([cells], n, 39), null);
    assert.equal(findRowPatterns([cells], n, 40)?.count, 40);
    // Unique rows at first, then few: the default fit still gives the row fit.
    const { harmful, benign, y } = cellDesign(8000, 9);
    const first = harmful.map((h, i) => (i < 3000 ? h + i * 1e-3 : h));
    assertAllSame(fitThreeWays({ terms: ["h", "b"], columns: [first, benign], successes: y }), "unique then few");
  });

  it("a design with many unique rows falls back to the rows (same fit as compress: false)", () => {
    const d = loadCsv("plain.csv");
    assert.equal(findRowPatterns([d.x1, d.x2, d.x3], d.y.length, Math.ceil(d.y.length / 4) - 1), null);
    const design = { terms: ["x1", "x2", "x3"], columns: [d.x1, d.x2, d.x3], successes: d.y };
    const auto = fitLogistic(design);
    const rows = fitLogistic(design, { compress: false });
    assert.deepEqual([...auto.estimates], [...rows.estimates], "identical: the same row fit");
    assert.deepEqual([...auto.fitted], [...rows.fitted]);
  });
});
