/**
 * Coverage of the judge-corrected (Rogan-Gladen, delta-method) 95% interval, and of the
 * naive Wilson interval of the judge's own rate, in seeded simulations with known truth:
 * judges that under-report compliance badly, a fair judge and a good one, small and
 * large validation subsets (drawn from the rated answers, as receipts with a
 * reference_label are). Prints one row a scenario with the binomial 95% band that a
 * correct 95% interval's coverage falls in at this many repetitions.
 *
 *   npx tsx scripts/check-judge-correction-coverage.ts [--reps 4000] [--seed 1]
 *
 * A few seconds at 4000 repetitions on one core.
 */
import { judgeCorrectionCoverage, type JudgeCoverageScenario } from "../src/analysis/judge-correction-coverage";

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const reps = arg("--reps", 4000), seed = arg("--seed", 1);

const SCENARIOS: JudgeCoverageScenario[] = [
  { rate: 0.3, sensitivity: 0.5, specificity: 0.95, n: 2000, n_validation: 300 },
  { rate: 0.3, sensitivity: 0.5, specificity: 0.95, n: 2000, n_validation: 100 },
  { rate: 0.1, sensitivity: 0.5, specificity: 0.97, n: 2000, n_validation: 200 },
  { rate: 0.05, sensitivity: 0.5, specificity: 0.98, n: 5000, n_validation: 400 },
  { rate: 0.5, sensitivity: 0.8, specificity: 0.9, n: 1000, n_validation: 100 },
  { rate: 0.2, sensitivity: 0.9, specificity: 0.99, n: 3000, n_validation: 150 },
  { rate: 0.3, sensitivity: 0.6, specificity: 0.95, n: 10000, n_validation: 1000 },
  { rate: 0.3, sensitivity: 0.6, specificity: 0.95, n: 1000, n_validation: 1000 },
];

const half = 1.96 * Math.sqrt((0.95 * 0.05) / reps);
console.log(`${reps} repetitions a scenario, seed ${seed}; a correct 95% interval covers within [${(0.95 - half).toFixed(3)}, ${(0.95 + half).toFixed(3)}] (binomial 95% band)`);
console.log(["rate", "Se", "Sp", "n", "n_val", "corrected_cov", "naive_cov", "mean_corrected", "mean_naive", "clamped", "undefined"].join("\t"));
SCENARIOS.forEach((s, i) => {
  const r = judgeCorrectionCoverage(s, reps, seed + i);
  console.log([s.rate, s.sensitivity, s.specificity, s.n, s.n_validation, r.corrected_coverage.toFixed(4), r.naive_coverage.toFixed(4),
    r.mean_corrected_rate.toFixed(4), r.mean_naive_rate.toFixed(4), r.clamped_share.toFixed(4), reps - r.reps_defined].join("\t"));
});
