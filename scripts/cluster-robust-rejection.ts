/**
 * Rejection rates and coverage under the null, on seeded simulations, for the tests that the
 * kit now makes cluster-robust by default (docs/inference.md). Not a test: a benchmark-like
 * script whose figures go in the docs.
 *
 *   node --import tsx scripts/cluster-robust-rejection.ts [replicates = 1000] [seed = 1]
 *
 * Designs (every query asked in every cell, as in the study), each under
 * (a) no query effect, (b) a random intercept per query (SD 1.5), (c) query x condition
 * effects (intercept SD 1, per-cell effect SD 1.2):
 * - total count at one N: 30 queries x 5 harmful fractions x 6 samples; chi-square of
 *   homogeneity vs the cluster-robust factor Wald test (CR2 + HTZ, 30 < 42 queries);
 * - suffix minus prefix: 40 queries x 2 schedules x 5 samples; coverage of 0 by Newcombe's
 *   interval vs the paired, query-level interval (CR1, t with G - 1 df);
 * - benign effect: 60 queries in 5 x 4 (n_harmful, n_benign) cells x 2 samples, true b2 = 0
 *   on average (in (c) each query has its own benign slope, SD 0.4, instead of per-cell
 *   effects); the Wald test of b2 with model-based vs CR1 (60 >= 42 queries) errors.
 * Each rate is printed with its 95% binomial (Wilson) interval.
 */
import { clusterFactorTest } from "../src/analysis/cluster-factor-test";
import { chiSquareHomogeneity, fitLogistic, newcombeDifference, pairedClusterDifference, wilsonInterval } from "../src/stats";
import { normal, uniform } from "../test/stats/cluster-robust-simulation";

const reps = Number(process.argv[2] ?? 1000);
const u = uniform(Number(process.argv[3] ?? 1));
const z = normal(u);
const expit = (x: number) => 1 / (1 + Math.exp(-x));
type Scenario = { name: string; interceptSd: number; cellSd: number; slopeSd: number };
const scenarios: Scenario[] = [
  { name: "(a) no query effect", interceptSd: 0, cellSd: 0, slopeSd: 0 },
  { name: "(b) random intercepts", interceptSd: 1.5, cellSd: 0, slopeSd: 0 },
  { name: "(c) query x condition", interceptSd: 1, cellSd: 1.2, slopeSd: 0.4 },
];

function rate(hits: number, of: number): string {
  const ci = wilsonInterval(hits, of);
  return `${(100 * hits / of).toFixed(1)}% [${(100 * ci.conf_low).toFixed(1)}, ${(100 * ci.conf_high).toFixed(1)}]`;
}

function totalCount(s: Scenario): [number, number] {
  const G = 30, L = 5, m = 6, n = G * L * m;
  const level = new Float64Array(n), y = new Float64Array(n), cl = new Int32Array(n);
  const c = new Array<number>(L).fill(0), t = new Array<number>(L).fill(0);
  let i = 0;
  for (let q = 0; q < G; q++) {
    const a = -0.3 + s.interceptSd * z();
    for (let l = 0; l < L; l++) {
      const p = expit(a + s.cellSd * z());
      for (let k = 0; k < m; k++, i++) { level[i] = l; cl[i] = q; y[i] = u() < p ? 1 : 0; c[l] += y[i]; t[l]++; }
    }
  }
  const chi = chiSquareHomogeneity(c, t).p_value;
  const robust = clusterFactorTest(level, y, cl, Int32Array.from({ length: n }, (_, k) => k), "query_id").cluster_p_value;
  return [chi < 0.05 ? 1 : 0, robust !== null && robust < 0.05 ? 1 : 0];
}

function ordering(s: Scenario): [number, number] {
  const G = 40, m = 5, n = G * 2 * m;
  const y = new Float64Array(n), g = new Float64Array(n), cl = new Int32Array(n);
  let i = 0, cs = 0, cp = 0;
  for (let q = 0; q < G; q++) {
    const a = 0.2 + s.interceptSd * z();
    for (const suffix of [0, 1]) {
      const p = expit(a + s.cellSd * z());
      for (let k = 0; k < m; k++, i++) { y[i] = u() < p ? 1 : 0; g[i] = suffix; cl[i] = q; if (suffix) cs += y[i]; else cp += y[i]; }
    }
  }
  const nc = newcombeDifference(cs, G * m, cp, G * m);
  const pd = pairedClusterDifference(y, g, cl);
  return [nc.conf_low <= 0 && 0 <= nc.conf_high ? 1 : 0, pd.conf_low <= 0 && 0 <= pd.conf_high ? 1 : 0];
}

function benign(s: Scenario): [number, number] {
  const G = 60, H = [0, 1, 2, 4, 8], B = [0, 2, 4, 8], m = 2, n = G * H.length * B.length * m;
  const h = new Float64Array(n), b = new Float64Array(n), y = new Float64Array(n), cl = new Int32Array(n);
  let i = 0;
  for (let q = 0; q < G; q++) {
    const a = -0.5 + s.interceptSd * z(), slope = s.slopeSd * z();
    for (const nh of H) for (const nb of B) {
      const eta = a + 0.5 * Math.log1p(nh) + slope * Math.log1p(nb) + (s.slopeSd > 0 ? 0 : s.cellSd * z());
      const p = expit(eta);
      for (let k = 0; k < m; k++, i++) { h[i] = Math.log1p(nh); b[i] = Math.log1p(nb); y[i] = u() < p ? 1 : 0; cl[i] = q; }
    }
  }
  const fit = fitLogistic({ terms: ["harmful", "benign"], columns: [h, b], successes: y });
  const model = fit.coefficient("benign").p_value;
  const robust = fit.withClusterRobust(cl, "query_id", { type: "auto" }).coefficient("benign").p_value;
  return [model < 0.05 ? 1 : 0, robust < 0.05 ? 1 : 0];
}

console.log(`${reps} replicates a cell; 95% Wilson intervals in brackets\n`);
console.log("| scenario | total count: chi-square rejects | cluster-robust rejects | suffix - prefix: Newcombe covers | paired covers | benign b2: model-based rejects | CR1 rejects |");
console.log("|---|---|---|---|---|---|---|");
for (const s of scenarios) {
  const sums = [0, 0, 0, 0, 0, 0];
  for (let r = 0; r < reps; r++) {
    const [a, b] = totalCount(s), [c, d] = ordering(s), [e, f] = benign(s);
    sums[0] += a; sums[1] += b; sums[2] += c; sums[3] += d; sums[4] += e; sums[5] += f;
  }
  console.log(`| ${s.name} | ${sums.map((x) => rate(x, reps)).join(" | ")} |`);
}
