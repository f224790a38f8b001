/**
 * Random-intercept logistic regression (a binomial generalized linear mixed model): one
 * normal random intercept per group, fitted by maximum likelihood with the Laplace
 * approximation (agq = 1, the default) or adaptive Gauss-Hermite quadrature with K points,
 * matching `lme4::glmer(y ~ x + (1 | group), family = binomial, nAGQ = K)`: fixed effects,
 * their standard errors, the random-intercept SD, log-likelihood, AIC and BIC (see
 * test/stats/fixtures/glmm-random-intercept.R). With `randomSlope` a per-group slope of one
 * term, correlated with the intercept, as `(1 + term | group)` (Laplace only).
 *
 * The fixed effects are *conditional*: the effect of a predictor for a given group (a given
 * query). A population-averaged effect (fitLogistic, GEE) is smaller in magnitude by about
 * 1 / sqrt(1 + 0.346 sd^2) for a random-intercept SD `sd` (Zeger, Liang & Albert 1988).
 *
 * References: Bates, Maechler, Bolker & Walker (2015), Fitting linear mixed-effects models
 * using lme4, J. Stat. Softw. 67(1); Pinheiro & Bates (1995), Approximations to the
 * log-likelihood function in the nonlinear mixed-effects model, JCGS 4(1).
 *
 * How it works: the rows are summed into (group x covariate pattern) cells (exact, see
 * glmm-cells.ts), the deviance and its exact gradient are evaluated per group around the
 * conditional modes (glmm-intercept-deviance.ts), and Newton steps minimise it
 * (glmm-optimize.ts), starting from the ordinary logistic fit and theta = 1 (lme4's start);
 * with K > 1 points, from the Laplace optimum (lme4 starts its nAGQ stage from nAGQ = 0).
 * Standard errors: 2 H^-1 for the Hessian H of the deviance over (beta, theta), the
 * fixed-effect block: glmer's default (vcov.merMod with use.hessian = TRUE), not the
 * beta-given-theta covariance (use.hessian = FALSE), which ignores the estimation of theta.
 * Intervals are Wald intervals, estimate +/- z std_error (confint(method = "Wald")).
 *
 * Choices:
 * - Grouped rows and weights are the individual 0/1 expansion in every reported figure, as
 *   in fitLogistic: the log-likelihood has no log binomial coefficients (glmer on
 *   cbind(s, n - s) adds sum log choose(n, s); estimates and SEs are the same), and `nObs`
 *   is the total number of trials (glmer's nobs of the 0/1 rows).
 * - The SD is |theta|; theta = 0 is a boundary (singular) fit and is reported with a warning
 *   (lme4's isSingular tolerance, 1e-4).
 *
 * Cost: one pass over the rows to form cells, then ~30 evaluations (glmm-optimize.ts), each
 * about two passes over the cells. One model of the paper dataset (~100,000 receipts,
 * 1,404 queries, 43,500 cells) fits in ~40 ms.
 *
 * Throws StatsError on invalid input (naming the row and field) and invalid options.
 *
 * @example
 * const fit = fitRandomInterceptLogistic({ terms: ["x"], columns: [x], successes: y, groups: queryId }, { group: "query_id" });
 * fit.tidy();          // [{ term: "intercept", ... }, { term: "x", estimate, std_error, ... }]
 * fit.randomEffects;   // [{ group: "query_id", term: "intercept", sd: 1.23 }]
 */
import { gaussHermiteRule } from "./gauss-hermite";
import { GLMM_CALLER as CALLER, groupCells, type GroupedCells } from "./glmm-cells";
import { RandomInterceptDeviance } from "./glmm-intercept-deviance";
import { minimizeDeviance, type DevianceObjective, type MinimumFound } from "./glmm-optimize";
import { RandomInterceptFitResult } from "./glmm-result";
import { RandomSlopeDeviance } from "./glmm-slope-deviance";
import type { RandomInterceptDesign, RandomInterceptFit, RandomInterceptOptions } from "./glmm-types";
import { fitLogistic } from "./logistic-fit";
import { StatsError } from "./stats-error";

/** lme4's isSingular tolerance on theta. */
const SINGULAR_TOLERANCE = 1e-4;
/** The most quadrature points allowed: each costs a pass over the cells, and on the fixture 9 points move the estimates only ~2e-4 from 5. */
const MAX_AGQ = 25;

export function fitRandomInterceptLogistic(design: RandomInterceptDesign, options: RandomInterceptOptions = {}): RandomInterceptFit {
  const agq = options.agq ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const confLevel = options.confLevel ?? 0.95;
  const groupName = options.group ?? "group";
  const slopeTerm = options.randomSlope ?? null;
  if (!(Number.isInteger(agq) && agq >= 1 && agq <= MAX_AGQ)) {
    throw new StatsError(`${CALLER} requires agq to be an integer from 1 (Laplace) to ${MAX_AGQ}, got ${agq}`);
  }
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) {
    throw new StatsError(`${CALLER} requires maxIterations to be a positive integer, got ${maxIterations}`);
  }
  if (!(confLevel > 0 && confLevel < 1)) throw new StatsError(`${CALLER} requires confLevel strictly between 0 and 1, got ${confLevel}`);
  if (typeof groupName !== "string" || groupName === "") throw new StatsError(`${CALLER} requires group to be a non-empty name, got ${JSON.stringify(groupName)}`);
  if (slopeTerm !== null && agq !== 1) {
    throw new StatsError(`${CALLER}: a random slope is fitted by the Laplace approximation only (agq 1), got agq ${agq}; glmer likewise allows nAGQ > 1 only for a single random intercept`);
  }
  if (slopeTerm !== null && !design.terms.includes(slopeTerm)) {
    throw new StatsError(`${CALLER}: the random slope '${slopeTerm}' is not a term of the design (terms: ${design.terms.map((t) => `'${t}'`).join(", ")})`);
  }

  const cells = groupCells(design);
  const k = cells.terms.length;
  const G = cells.labels.length;
  const nTheta = slopeTerm === null ? 1 : 3;
  if (G < 2) throw new StatsError(`${CALLER} requires at least 2 groups of '${groupName}', got ${G}`);
  if (k + nTheta >= cells.nObs) {
    throw new StatsError(`${CALLER} requires more observations than parameters, got ${cells.nObs} observations for ${k + nTheta} parameters`);
  }

  const objective: DevianceObjective & { modes: Float64Array; modesConverged: boolean } = slopeTerm === null
    ? new RandomInterceptDeviance(cells, gaussHermiteRule(agq))
    : new RandomSlopeDeviance(cells, cells.terms.indexOf(slopeTerm));
  const start = new Float64Array(k + nTheta);
  start.set(startingEstimates(cells));
  // lme4's starting theta: the identity factor (SD 1, no correlation).
  if (slopeTerm === null) start[k] = 1;
  else { start[k] = 1; start[k + 1] = 0; start[k + 2] = 1; }
  let found: MinimumFound;
  if (slopeTerm === null && agq > 1) {
    // Quadrature costs K passes an evaluation; the Laplace optimum is within ~1e-3 of the
    // quadrature one, so Newton from there needs a few quadrature iterations instead of eight.
    const laplace = new RandomInterceptDeviance(cells, gaussHermiteRule(1));
    const first = minimizeDeviance(laplace, start, maxIterations);
    objective.modes.set(laplace.modes);
    const second = minimizeDeviance(objective, first.converged ? first.params : start, maxIterations);
    found = { ...second, iterations: first.iterations + second.iterations };
  } else {
    found = minimizeDeviance(objective, start, maxIterations);
  }
  return buildResult(cells, found, objective, { agq, confLevel, groupName, slopeTerm, k });
}

/**
 * The ordinary logistic fit, glmer's start for the fixed effects too: on the covariate
 * patterns (the cells summed over the groups, the same fit as on the rows), a few dozen rows
 * instead of tens of thousands of cells.
 */
function startingEstimates(cells: GroupedCells): Float64Array {
  const offset = cells.intercept ? 1 : 0;
  const P = cells.patternColumns[0].length;
  const successes = new Float64Array(P), trials = new Float64Array(P);
  for (let c = 0; c < cells.pattern.length; c++) {
    successes[cells.pattern[c]] += cells.successes[c];
    trials[cells.pattern[c]] += cells.trials[c];
  }
  const fit = fitLogistic({
    terms: cells.terms.slice(offset), columns: cells.patternColumns.slice(offset), successes, trials,
    intercept: cells.intercept,
  });
  const out = Float64Array.from(fit.estimates);
  for (let j = 0; j < out.length; j++) if (!Number.isFinite(out[j]) || Math.abs(out[j]) > 30) out[j] = 0;
  return out;
}

function buildResult(
  cells: GroupedCells, found: MinimumFound, objective: { modes: Float64Array; modesConverged: boolean },
  o: { agq: number; confLevel: number; groupName: string; slopeTerm: string | null; k: number },
): RandomInterceptFit {
  const { k } = o;
  const nTheta = found.params.length - k;
  const warnings: string[] = [];
  const beta = found.params.slice(0, k);
  // Theta with lme4's sign convention (diagonal of the factor non-negative): the deviance is
  // unchanged by flipping the sign of a column of the factor and of the matching modes.
  const theta = found.params.slice(k);
  const modes = objective.modes;
  const G = cells.labels.length;
  const intercept = new Float64Array(G);
  let slope: Float64Array | null = null;
  if (nTheta === 1) {
    for (let g = 0; g < G; g++) intercept[g] = theta[0] * modes[g];
    theta[0] = Math.abs(theta[0]);
  } else {
    slope = new Float64Array(G);
    for (let g = 0; g < G; g++) {
      intercept[g] = theta[0] * modes[2 * g];
      slope[g] = theta[1] * modes[2 * g] + theta[2] * modes[2 * g + 1];
    }
    if (theta[0] < 0) { theta[0] = -theta[0]; theta[1] = -theta[1]; }
    if (theta[2] < 0) theta[2] = -theta[2];
  }
  let vcov: number[][];
  if (found.hessianInverse === null) {
    vcov = Array.from({ length: k }, () => new Array<number>(k).fill(NaN));
    warnings.push(`${CALLER}: the Hessian of the deviance is not positive definite at the estimates; standard errors are not available`);
  } else {
    vcov = [];
    for (let i = 0; i < k; i++) vcov.push(found.hessianInverse[i].slice(0, k).map((v) => 2 * v));
  }
  if (!found.converged) warnings.push(`${CALLER} ${found.reason}; estimates are not reliable`);
  if (!objective.modesConverged) warnings.push(`${CALLER}: the conditional mode of some group did not converge; a predictor may separate the outcome within groups`);
  const sds = nTheta === 1 ? [theta[0]] : [theta[0], Math.hypot(theta[1], theta[2])];
  const correlation = nTheta === 1 ? null : (sds[1] === 0 ? NaN : theta[1] / sds[1]);
  const singular = nTheta === 1 ? theta[0] < SINGULAR_TOLERANCE : theta[0] < SINGULAR_TOLERANCE || theta[2] < SINGULAR_TOLERANCE;
  if (singular) {
    warnings.push(`${CALLER}: boundary (singular) fit: the random-effect covariance of '${o.groupName}' is estimated at the edge of its range (theta ${Array.from(theta, (t) => t.toExponential(2)).join(", ")}); the data show no (or not this much) variation between groups, and the Wald standard errors at the boundary are not reliable`);
  }
  if (G < 10) warnings.push(`${CALLER}: only ${G} groups of '${o.groupName}': the random-effect SD is poorly determined with so few groups`);
  const nParams = k + nTheta;
  const logLik = -found.deviance / 2;
  const randomEffects = [{ group: o.groupName, term: "intercept", sd: sds[0] }];
  if (o.slopeTerm !== null) randomEffects.push({ group: o.groupName, term: o.slopeTerm, sd: sds[1] });
  return new RandomInterceptFitResult({
    terms: cells.terms, estimates: beta, vcov, confLevel: o.confLevel,
    group: { name: o.groupName, groups: G }, randomEffects, randomCorrelation: correlation, theta,
    conditionalModes: { labels: cells.labels, intercept, slope },
    agq: o.agq, logLik, deviance: found.deviance,
    aic: found.deviance + 2 * nParams, bic: found.deviance + Math.log(cells.nObs) * nParams,
    nObs: cells.nObs, nRows: cells.nRows, nCells: cells.successes.length, dfResidual: cells.nObs - nParams,
    converged: found.converged && objective.modesConverged, iterations: found.iterations, warnings,
  });
}
