/**
 * Logistic regression (binomial family, logit link) by iteratively reweighted least squares.
 *
 * Reference: McCullagh & Nelder (1989), Generalized Linear Models, ch. 4; the iteration,
 * starting values and convergence rule follow R's `glm.fit` (plus one Newton step after R's
 * rule is met, so that the estimates do not depend on the path taken: 0/1 rows and their
 * grouped counts agree to about 1e-14; see the end of the loop), so estimates, standard errors,
 * deviance, AIC and BIC agree with `glm(..., family = binomial,
 * control = glm.control(epsilon = 1e-14))` to about 1e-10 (see test/stats/fixtures).
 *
 * Cost: one pass over the rows an iteration, O(n k^2) each, with no per-row allocation
 * (X'WX and the score X'(y - mu) are accumulated directly); plus one O(n k^2) rank check.
 * One million rows with three terms fit in about 0.35 s this way.
 *
 * Few distinct rows: receipt designs have a million rows but a few dozen covariate patterns
 * (the (n_harmful, n_benign) cells). One hashing pass over the predictor columns
 * (row-patterns.ts) finds the distinct patterns; when there are fewer than n / 4 (the pass
 * gives up as soon as there are more), the rows of a pattern are summed into one grouped row
 * (weighted successes and weighted trials) and IRLS iterates on those. This is exact: the
 * log-likelihood, score and X'WX at any estimates are linear in weight x successes and
 * weight x trials of rows with equal covariates, so trials and weights need not be equal
 * within a pattern. What is not linear is kept per row: R's starting values (summed per
 * pattern in the same pass), the separation diagnostic's count of perfectly predicted rows
 * (rows with 0 or all successes counted per pattern) and the fitted probabilities (each row
 * gets its pattern's). The rank check runs on the patterns scaled by sqrt(weighted trials),
 * which have the same cross-product matrix as the scaled rows. So estimates, vcov, glance,
 * fitted, separation and warnings equal those of iterating on the rows up to rounding (about
 * 1e-13 relative; test/stats/logistic-fit.test.ts checks 1e-12), and the fit keeps the input
 * rows for withClusterRobust. One million 0/1 rows in 30 cells fit in about 25 ms (validation,
 * the hashing pass and expanding the fitted values; the iterations cost microseconds).
 * FitOptions.compress turns this off (false) or forces it (true), for tests and benchmarks.
 *
 * Choices, where R and statsmodels differ or are silent:
 * - Grouped rows (`trials` given) are the individual 0/1 expansion in every reported figure:
 *   `nObs` is the total number of trials, and logLik, deviance, AIC and BIC are those of the
 *   expanded 0/1 data (R's glm on cbind(s, f) reports a binomial log-likelihood with the
 *   log-binomial coefficients and a grouped deviance instead; differences between nested
 *   models are the same either way). So a grouped fit and its expansion give the same glance.
 * - `weights` are frequency weights: a row with weight 3 counts as three rows (nObs included).
 * - Rank deficiency throws StatsError naming the aliased term and the terms it is a
 *   combination of. Separation does not throw: the fit comes back with `converged: false`,
 *   `separation` naming the diverging terms, a plain-words warning, and tidy() rows flagged.
 *   Separation is diagnosed when the last Newton step has not shrunk (at least 1e-3 on the
 *   linear predictor; at a finite maximum the steps shrink quadratically towards 0) while
 *   rows sit at fitted probabilities within 1e-6 of their observed 0 or 1.
 * - Confidence intervals are Wald intervals, estimate +/- z * std_error (R's
 *   confint.default, statsmodels' conf_int), not broom's profile-likelihood intervals.
 *
 * Throws StatsError for invalid input (naming the term and row) and rank deficiency.
 *
 * @example
 * const fit = fitLogistic({ terms: ["x"], columns: [Float64Array.of(0, 1, 2, 3, 4, 5)],
 *   successes: Float64Array.of(0, 0, 1, 0, 1, 1) });
 * fit.coefficient("x").estimate; // 1.0841 (R: glm(y ~ x, binomial))
 */
import { choleskyFactor, choleskyInverse, choleskySolve } from "./linear-algebra";
import { validateDesign } from "./logistic-design";
import { LogisticFitResult } from "./logistic-fit-result";
import type { FitCore, FitOptions, LogisticDesign, LogisticFit, Separation } from "./logistic-fit-types";
import { FIT_CALLER as CALLER } from "./logistic-irls-model";
import { patternModel } from "./logistic-irls-patterns";
import { rowModel } from "./logistic-irls-rows";
import { describeSeparation, separationWarning } from "./logistic-separation";
import { findRowPatterns } from "./row-patterns";
import { StatsError } from "./stats-error";

export type {
  ClusterRobustOptions, CoefficientSummary, FitOptions, VcovType, GlanceRow, LogisticDesign, LogisticFit, Separation, TidyOptions, TidyTerm,
} from "./logistic-fit-types";

/** A Newton step larger than this on the linear predictor, at the end, means divergence. */
const DIVERGING_STEP = 1e-3;

export function fitLogistic(design: LogisticDesign, options: FitOptions = {}): LogisticFit {
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-10;
  const confLevel = options.confLevel ?? 0.95;
  const compress = options.compress ?? "auto";
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) {
    throw new StatsError(`${CALLER} requires maxIterations to be a positive integer, got ${maxIterations}`);
  }
  if (!(tolerance > 0)) throw new StatsError(`${CALLER} requires a positive tolerance, got ${tolerance}`);
  if (!(confLevel > 0 && confLevel < 1)) {
    throw new StatsError(`${CALLER} requires confLevel strictly between 0 and 1, got ${confLevel}`);
  }
  if (compress !== true && compress !== false && compress !== "auto") {
    throw new StatsError(`${CALLER} requires compress to be true, false or "auto", got ${String(compress)}`);
  }
  const { terms, predictors, intercept, n } = validateDesign(design);
  const { successes, trials, weights } = design;
  const k = terms.length;

  // Few distinct covariate patterns: iterate on one row a pattern (exact, see the header).
  // Trials that are all 1 (receipts as count data) are 0/1 rows: the hashing pass counts their
  // outcomes, and the pattern model needs no second pass over the rows.
  const binaryRows = weights === undefined && (trials === undefined || allOnes(trials));
  const patterns = compress === false
    ? null
    : findRowPatterns(
      predictors, n, compress === true ? Infinity : Math.ceil(n / 4) - 1, compress === "auto",
      binaryRows ? successes : undefined,
    );
  const model = patterns === null
    ? rowModel(terms, predictors, intercept, successes, trials, weights)
    : patternModel(terms, patterns, intercept, successes, binaryRows ? undefined : trials, weights);
  const { nObs, totalSuccesses } = model;
  if (k >= nObs) {
    throw new StatsError(`${CALLER} requires more observations than terms, got ${nObs} observations for ${k} terms`);
  }

  const beta = new Float64Array(k);
  const hessian = new Float64Array(k * k); // X'WX, lower triangle filled during the pass
  const score = new Float64Array(k); // X'(y - mu), weighted
  const startRhs = new Float64Array(k); // X'W eta0, first pass only
  let step: Float64Array | null = null;
  let devOld = NaN;
  let deviance = NaN;
  let maxStepEta = 0;
  let perfectRows = 0;
  let converged = false;
  let iterations = 0;
  let lastPass = 0;
  let factor: Float64Array | null = null;
  const warnings: string[] = [];

  for (let pass = 0; ; pass++) {
    lastPass = pass;
    const result = model.pass(pass === 0, beta, step, hessian, score, startRhs);
    const logLik = result.logLik;
    maxStepEta = result.maxStepEta;
    perfectRows = result.perfectRows;
    deviance = -2 * logLik;
    if (pass > 0) {
      iterations = pass;
      if (Math.abs(deviance - devOld) / (Math.abs(deviance) + 0.1) < tolerance) {
        converged = true;
        factor = choleskyFactor(hessian, k);
        break;
      }
    }
    factor = choleskyFactor(hessian, k);
    if (pass >= maxIterations || factor === null) break;
    devOld = deviance;
    if (pass === 0) {
      // R's first step: weighted least squares of the working response z = eta0 + (y - mu0) / (mu0 (1 - mu0)),
      // so the right-hand side is X'W eta0 plus the score at the start. Without the score a
      // saturated fit would reproduce the starting values and stop there, "converged".
      for (let j = 0; j < k; j++) startRhs[j] += score[j];
      beta.set(choleskySolve(factor, k, startRhs));
    } else {
      step = choleskySolve(factor, k, score);
      for (let j = 0; j < k; j++) beta[j] += step[j];
    }
  }
  // Converged by R's rule, take one more Newton step from there. R's rule stops when the
  // deviance changes by less than `tolerance`, which leaves the estimates about
  // sqrt(tolerance) x (the last step) from the maximum, and where exactly depends on the path:
  // the same receipts as 0/1 rows or as grouped counts (`--engine duckdb`) start IRLS from
  // different values and stopped 1e-9 apart. Newton converges quadratically, so one step from
  // a converged point lands on the maximum to rounding and both paths agree to ~1e-14. The
  // score and X'WX at the estimates are those of the last pass; the extra pass recomputes
  // them (and the likelihood) at the new estimates. `iterations` stays R's count. Skipped
  // for a fit the separation check is about to flag (its estimates diverge; R reports the
  // last iterate).
  if (converged && factor !== null && !(step !== null && maxStepEta > DIVERGING_STEP && perfectRows > 0)) {
    const polish = choleskySolve(factor, k, score);
    for (let j = 0; j < k; j++) beta[j] += polish[j];
    const result = model.pass(false, beta, polish, hessian, score, startRhs);
    deviance = -2 * result.logLik;
    maxStepEta = result.maxStepEta;
    perfectRows = result.perfectRows;
    step = polish;
    lastPass++;
    factor = choleskyFactor(hessian, k);
  }
  const fitted = model.fitted(lastPass === 0);

  let separation: Separation | null = null;
  if (step !== null && maxStepEta > DIVERGING_STEP && perfectRows > 0) {
    separation = describeSeparation(terms, model.columns, step, perfectRows, model.activeRows());
    converged = false;
    warnings.push(separationWarning(separation, n));
  } else if (!converged) {
    warnings.push(
      factor === null
        ? `${CALLER} stopped after ${iterations} iterations: the weighted cross-product matrix X'WX became singular; estimates and standard errors are not reliable`
        : `${CALLER} did not converge in ${maxIterations} iterations (relative change in deviance ${formatShort(Math.abs(deviance - devOld) / (Math.abs(deviance) + 0.1))}, tolerance ${tolerance}); estimates are not reliable: raise maxIterations or check the predictors`,
    );
  }

  let vcov: number[][];
  if (factor === null) {
    vcov = [];
    for (let i = 0; i < k; i++) vcov.push(new Array<number>(k).fill(NaN));
  } else {
    vcov = choleskyInverse(factor, k);
  }

  const logLik = -deviance / 2;
  const nullLogLik = nullLogLikelihood(intercept, totalSuccesses, nObs);
  const core: FitCore = {
    terms,
    estimates: beta,
    vcov,
    modelVcov: vcov,
    vcovType: "model",
    cluster: null,
    dfs: null,
    confLevel,
    logLik,
    nullLogLik,
    deviance,
    nullDeviance: -2 * nullLogLik,
    aic: deviance + 2 * k,
    bic: deviance + k * Math.log(nObs),
    nObs,
    nRows: n,
    dfResidual: nObs - k,
    converged,
    iterations,
    warnings,
    separation,
    fitted,
    data: { predictors, intercept, successes, trials, weights },
  };
  return new LogisticFitResult(core);
}

function allOnes(xs: Float64Array): boolean {
  for (let i = 0; i < xs.length; i++) if (xs[i] !== 1) return false;
  return true;
}

function nullLogLikelihood(intercept: boolean, successes: number, nObs: number): number {
  if (!intercept) return nObs * Math.log(0.5);
  const p = successes / nObs;
  const failures = nObs - successes;
  return (successes > 0 ? successes * Math.log(p) : 0) + (failures > 0 ? failures * Math.log1p(-p) : 0);
}

function formatShort(x: number): string {
  return Number.isFinite(x) ? x.toExponential(2) : String(x);
}
