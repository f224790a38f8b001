/**
 * Benchmark: fitLogistic on one million receipts-like rows, individually and from grouped
 * counts, against statsmodels' GLM Binomial on the same data. Prints figures; not a test.
 *
 *   node --import tsx bench/fit-logistic.ts [rows]
 *
 * Rows are generated with a seeded generator on the study's design grid (N in 4..128,
 * harmful fraction in {0, .25, .5, .75, 1}), complied ~ Bernoulli(logit^-1(-1.2 + 0.55
 * log1p(n_harmful) - 0.2 log1p(n_benign))). The joint model complied ~ log1p(n_harmful) +
 * log1p(n_benign) is fitted
 *   (1) on the 0/1 rows, as fitLogistic does by default: it finds the 30 distinct covariate
 *       patterns in one hashing pass and iterates on them (see src/stats/logistic-fit.ts);
 *       timed from the design columns (as statsmodels is, from its design matrix) and from
 *       the count columns (log1p of both columns included, as Math.log1p a row or from a
 *       table of the integer counts, bitwise the same columns; statsmodels: numpy's log1p);
 *   (2) on the 0/1 rows with compress: false, the path before compression (every IRLS
 *       iteration a pass over the million rows);
 *   (3) from counts aggregated by the caller in one pass (a grouped fit).
 * statsmodels (bench/statsmodels_fit.py, /usr/bin/python3, its environment untouched) does the
 * same two kinds of work, timed the same way (warm, best of REPEATS from the design matrix):
 * the individual rows (against (2)) and the compressed patterns with freq_weights, compression
 * included (against (1)).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fitLogistic, type LogisticFit } from "../src/stats";
import { random as seededRandom } from "./receipt-generator";

const ROWS = Number(process.argv[2] ?? 1_000_000);
/** Warm repeats of every timed fit, on both sides; the best is reported (and the median). */
const REPEATS = 9;


function generate(n: number): { harmful: Float64Array; benign: Float64Array; complied: Float64Array } {
  const random = seededRandom(20260601);
  const totals = [4, 8, 16, 32, 64, 128];
  const fractions = [0, 0.25, 0.5, 0.75, 1];
  const harmful = new Float64Array(n), benign = new Float64Array(n), complied = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const total = totals[Math.floor(random() * totals.length)];
    const h = total * fractions[Math.floor(random() * fractions.length)];
    harmful[i] = h;
    benign[i] = total - h;
    const eta = -1.2 + 0.55 * Math.log1p(h) - 0.2 * Math.log1p(total - h);
    complied[i] = random() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { harmful, benign, complied };
}

const TERMS = ["log1p(n_harmful)", "log1p(n_benign)"];

function designColumns(harmful: Float64Array, benign: Float64Array): [Float64Array, Float64Array] {
  const n = harmful.length;
  const h = new Float64Array(n), b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    h[i] = Math.log1p(harmful[i]);
    b[i] = Math.log1p(benign[i]);
  }
  return [h, b];
}

/**
 * The same columns (bitwise) from a table of log1p of the integer counts 0..1023: counts are
 * small integers, and one Math.log1p a row is most of the transform's time.
 */
function designColumnsFromTable(harmful: Float64Array, benign: Float64Array): [Float64Array, Float64Array] {
  const table = Float64Array.from({ length: 1024 }, (_, v) => Math.log1p(v));
  const log1p = (v: number) => (v >= 0 && v < 1024 && Number.isInteger(v) ? table[v] : Math.log1p(v));
  const n = harmful.length;
  const h = new Float64Array(n), b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    h[i] = log1p(harmful[i]);
    b[i] = log1p(benign[i]);
  }
  return [h, b];
}

function fitIndividual(columns: Float64Array[], complied: Float64Array, compress: boolean | "auto" = "auto"): LogisticFit {
  return fitLogistic({ terms: TERMS, columns, successes: complied }, { compress });
}

/** One aggregation pass keyed by (n_harmful, n_benign) (counts below 1024), then a grouped fit. */
function fitGrouped(harmful: Float64Array, benign: Float64Array, complied: Float64Array): LogisticFit {
  const slot = new Int32Array(1024 * 1024).fill(-1);
  const h: number[] = [], b: number[] = [], s: number[] = [], t: number[] = [];
  for (let i = 0; i < harmful.length; i++) {
    const key = harmful[i] * 1024 + benign[i];
    let at = slot[key];
    if (at < 0) {
      at = h.length;
      slot[key] = at;
      h.push(Math.log1p(harmful[i]));
      b.push(Math.log1p(benign[i]));
      s.push(0);
      t.push(0);
    }
    s[at] += complied[i];
    t[at] += 1;
  }
  return fitLogistic({
    terms: TERMS, columns: [Float64Array.from(h), Float64Array.from(b)],
    successes: Float64Array.from(s), trials: Float64Array.from(t),
  });
}

function time<T>(f: () => T, repeats: number): { result: T; best: number; median: number } {
  const times: number[] = [];
  let result!: T;
  for (let r = 0; r < repeats; r++) {
    const start = process.hrtime.bigint();
    result = f();
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  times.sort((a, b) => a - b);
  return { result, best: times[0], median: times[Math.floor(times.length / 2)] };
}

function ms(seconds: number, digits = 1): string {
  return `${(seconds * 1e3).toFixed(digits)} ms`;
}

function maxRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  return m;
}

const { harmful, benign, complied } = generate(ROWS);
const design = designColumns(harmful, benign);
const individual = time(() => fitIndividual(design, complied), REPEATS);
const endToEnd = time(() => fitIndividual(designColumns(harmful, benign), complied), REPEATS);
const endToEndTable = time(() => fitIndividual(designColumnsFromTable(harmful, benign), complied), REPEATS);
designColumnsFromTable(harmful, benign).forEach((col, j) => {
  if (col.some((v, i) => !Object.is(v, design[j][i]))) throw new Error("the log1p table gives other columns");
});
const rows = time(() => fitIndividual(design, complied, false), REPEATS);
const grouped = time(() => fitGrouped(harmful, benign, complied), REPEATS);
const fit = individual.result;
console.log(`rows: ${ROWS}; terms: ${fit.terms.join(", ")}`);
console.log(fit.toText());
console.log(`fitLogistic individual (${grouped.result.nRows} covariate patterns found and iterated on): best ${ms(individual.best)}, median ${ms(individual.median)} from the design columns; best ${ms(endToEnd.best)}, median ${ms(endToEnd.median)} with log1p of the count columns (Math.log1p a row); best ${ms(endToEndTable.best)}, median ${ms(endToEndTable.median)} with log1p from a table of the integer counts (${fit.iterations} iterations, ${REPEATS} runs)`);
console.log(`fitLogistic individual, compress: false (every iteration over the rows, the path before): best ${ms(rows.best)}, median ${ms(rows.median)} (${rows.result.iterations} iterations, ${REPEATS} runs)`);
console.log(`fitLogistic grouped (${grouped.result.nRows} rows after the caller's aggregation pass): best ${ms(grouped.best, 2)}, median ${ms(grouped.median, 2)}`);
console.log(`compressed vs rows: max relative difference estimates ${maxRelativeDifference(fit.estimates, rows.result.estimates).toExponential(2)}, std errors ${maxRelativeDifference(fit.stdErrors, rows.result.stdErrors).toExponential(2)}, fitted ${maxRelativeDifference(fit.fitted, rows.result.fitted).toExponential(2)}, deviance ${maxRelativeDifference([fit.deviance], [rows.result.deviance]).toExponential(2)}`);
console.log(`grouped vs individual: max relative difference estimates ${maxRelativeDifference(grouped.result.estimates, fit.estimates).toExponential(2)}, std errors ${maxRelativeDifference(grouped.result.stdErrors, fit.stdErrors).toExponential(2)} (R's starting values differ for grouped rows)`);

const dir = mkdtempSync(join(tmpdir(), "fit-logistic-bench-"));
try {
  const file = join(dir, "rows.bin");
  const buffer = new Float64Array(3 * ROWS);
  buffer.set(harmful, 0);
  buffer.set(benign, ROWS);
  buffer.set(complied, 2 * ROWS);
  writeFileSync(file, new Uint8Array(buffer.buffer));
  // The anchor runs in the environment it is given (nothing set or unset), warm, best of the
  // same number of repeats as the kit's fits below, on the same two kinds of work.
  const sm = JSON.parse(execFileSync("/usr/bin/python3", [join(__dirname, "statsmodels_fit.py"), file, String(ROWS), String(REPEATS)], { encoding: "utf8" }));
  console.log(`statsmodels ${sm.statsmodels} (numpy ${sm.numpy}), warm, best of ${sm.repeats}: rows ${ms(sm.rows.best)} (median ${ms(sm.rows.median)}, ${sm.rows.iterations} iterations); patterns (np.unique + freq_weights) ${ms(sm.patterns.best)} (median ${ms(sm.patterns.median)})`);
  console.log(`equal work, statsmodels / kit: rows with rows ${(sm.rows.best / rows.best).toFixed(2)}x; patterns with patterns ${(sm.patterns.best / individual.best).toFixed(1)}x`);
  console.log(`max relative difference vs statsmodels (rows): estimates ${maxRelativeDifference(fit.estimates, sm.rows.params).toExponential(2)}, std errors ${maxRelativeDifference(fit.stdErrors, sm.rows.bse).toExponential(2)}; (patterns): estimates ${maxRelativeDifference(fit.estimates, sm.patterns.params).toExponential(2)}, std errors ${maxRelativeDifference(fit.stdErrors, sm.patterns.bse).toExponential(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
