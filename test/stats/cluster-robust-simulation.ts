/**
 * Shared by the rejection-rate test and scripts/cluster-robust-rejection.ts: a seeded design
 * like the total-count test's at one N (every query asked at every harmful fraction, a few
 * samples each) under the null of no fraction effect, and the two tests of it: the
 * chi-square of homogeneity (receipts as independent) and the cluster-robust factor Wald test.
 */
import { clusterFactorTest } from "../../src/analysis/cluster-factor-test";
import { chiSquareHomogeneity } from "../../src/stats";

/** mulberry32: a small seeded generator, uniform on [0, 1). */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normal(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export interface NullDesign {
  queries: number;
  levels: number;
  samples: number;
  /** SD of the query's random intercept (logit scale). */
  interceptSd: number;
  /** SD of the query x level effect (logit scale): each query reacts to the fraction its own way, on average not at all. */
  interactionSd: number;
}

/** One replicate: the chi-square's and the cluster-robust test's p-values. */
export function nullReplicate(design: NullDesign, rnorm: () => number, u: () => number): { chiSquare: number; cluster: number | null } {
  const { queries, levels, samples, interceptSd, interactionSd } = design;
  const n = queries * levels * samples;
  const level = new Float64Array(n), y = new Float64Array(n), cluster = new Int32Array(n);
  const complied = new Array<number>(levels).fill(0), trials = new Array<number>(levels).fill(0);
  let i = 0;
  for (let q = 0; q < queries; q++) {
    const a = -0.3 + interceptSd * rnorm();
    for (let l = 0; l < levels; l++) {
      const p = 1 / (1 + Math.exp(-(a + interactionSd * rnorm())));
      for (let s = 0; s < samples; s++, i++) {
        level[i] = l;
        cluster[i] = q;
        y[i] = u() < p ? 1 : 0;
        complied[l] += y[i];
        trials[l]++;
      }
    }
  }
  const chiSquare = chiSquareHomogeneity(complied, trials).p_value;
  const rows = new Int32Array(n).map((_, k) => k);
  return { chiSquare, cluster: clusterFactorTest(level, y, cluster, rows, "query_id").cluster_p_value };
}
