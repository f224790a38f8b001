/**
 * Logistic regression (binomial family, logit link) by iteratively reweighted least squares.
 *
 * Reference: McCullagh & Nelder (1989), Generalized Linear Models, ch. 4; the iteration,
 * starting values and convergence rule follow R's `glm.fit`, so estimates, standard errors,
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
import { checkDesignRank } from "./design-rank";
import { choleskyFactor, choleskyInverse, choleskySolve } from "./linear-algebra";
import { LogisticFitResult, type FitCore } from "./logistic-fit-result";
import { findRowPatterns, type RowPatterns } from "./row-patterns";
import { StatsError } from "./stats-error";

export interface LogisticDesign {
  /** Predictor names; the intercept is added as term "intercept" unless `intercept === false`. */
  terms: string[];
  /** One column per term, each of length n. */
  columns: Float64Array[];
  /** 0/1 outcome per row, or the count of successes per row when `trials` is given. */
  successes: Float64Array;
  /** Grouped rows: trials per row. Same estimates as the expanded 0/1 data. Default: 1 a row. */
  trials?: Float64Array;
  /** Prior (frequency) weights per row. Default: 1 a row. */
  weights?: Float64Array;
  /** Add the term "intercept". Default true. */
  intercept?: boolean;
}

export interface FitOptions {
  /** Maximum IRLS iterations. Default 50. */
  maxIterations?: number;
  /** Convergence: |dev - devOld| / (|dev| + 0.1) < tolerance, R's rule. Default 1e-10. */
  tolerance?: number;
  /** Confidence level of the Wald intervals. Default 0.95. */
  confLevel?: number;
  /**
   * Internal (for tests and benchmarks): iterate on one row a distinct covariate pattern.
   * "auto" (default) compresses when one hashing pass finds fewer than n / 4 patterns;
   * false never compresses; true always does (however many patterns). Every result is the
   * same either way up to rounding (about 1e-13 relative): see "Few distinct rows" above.
   */
  compress?: boolean | "auto";
}

/** One tidy row a term (broom's vocabulary). */
export interface TidyTerm {
  term: string;
  estimate: number;
  std_error: number;
  statistic: number;
  p_value: number;
  conf_low: number;
  conf_high: number;
  /**
   * Present only on fits with a problem: "separation" on the terms whose estimates diverge,
   * "not converged" on every term of a fit that stopped before converging, else null.
   */
  flag?: string | null;
}

export interface TidyOptions {
  /** Report odds ratios: exp() of estimate and interval (std_error stays on the log scale, as broom does). Default false. */
  exponentiate?: boolean;
  /** Default: the fit's confLevel (0.95 unless set in FitOptions). */
  confLevel?: number;
}

/** One row a model (broom's glance). */
export interface GlanceRow {
  log_lik: number;
  null_log_lik: number;
  deviance: number;
  null_deviance: number;
  aic: number;
  bic: number;
  n_obs: number;
  df_residual: number;
  converged: boolean;
  iterations: number;
  vcov_type: "model" | "CR1";
}

export interface CoefficientSummary {
  estimate: number;
  std_error: number;
  statistic: number;
  p_value: number;
  conf_low: number;
  conf_high: number;
}

export interface Separation {
  /** "complete" when every row is predicted perfectly, else "quasi-complete". */
  kind: "complete" | "quasi-complete";
  /** Terms whose estimates diverge. */
  terms: string[];
  /** Rows whose fitted probability is within 1e-6 of their observed 0 or 1. */
  rows: number;
}

export interface LogisticFit {
  readonly terms: readonly string[];
  readonly estimates: Float64Array;
  readonly stdErrors: Float64Array;
  /** Wald z statistics. */
  readonly statistics: Float64Array;
  readonly pValues: Float64Array;
  readonly confLow: Float64Array;
  readonly confHigh: Float64Array;
  readonly confLevel: number;
  readonly vcov: readonly (readonly number[])[];
  readonly vcovType: "model" | "CR1";
  readonly cluster: { name: string; groups: number } | null;
  readonly logLik: number;
  readonly nullLogLik: number;
  readonly deviance: number;
  readonly nullDeviance: number;
  readonly aic: number;
  readonly bic: number;
  /** Individual observations: sum of weights x trials (rows, for plain 0/1 data). */
  readonly nObs: number;
  /** Input rows. */
  readonly nRows: number;
  readonly dfResidual: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly warnings: readonly string[];
  readonly separation: Separation | null;
  /** Fitted probability per input row. */
  readonly fitted: Float64Array;
  /** A cheap hash of the response, trials and weights: fits on different rows differ. */
  readonly rowFingerprint: string;
  tidy(options?: TidyOptions): TidyTerm[];
  glance(): GlanceRow;
  augment(): { fitted: Float64Array };
  coefficient(term: string): CoefficientSummary;
  withClusterRobust(cluster: ArrayLike<string | number>, name?: string): LogisticFit;
  toText(): string;
  toMarkdown(): string;
  toHTML(): string;
  toString(): string;
  display(): void;
  tidyFrame(options?: TidyOptions): import("../io/dataframe").DataFrame;
  glanceFrame(): import("../io/dataframe").DataFrame;
}

const CALLER = "fitLogistic";
/** A Newton step larger than this on the linear predictor, at the end, means divergence. */
const DIVERGING_STEP = 1e-3;
/** Fitted probabilities this close to the observed 0 or 1 count as perfectly predicted. */
const PERFECT_FIT = 1e-6;

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
  const patterns = compress === false
    ? null
    : findRowPatterns(
      predictors, n, compress === true ? Infinity : Math.ceil(n / 4) - 1, compress === "auto",
      trials === undefined && weights === undefined ? successes : undefined,
    );
  const model = patterns === null
    ? rowModel(terms, predictors, intercept, successes, trials, weights)
    : patternModel(terms, patterns, intercept, successes, trials, weights);
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
      beta.set(choleskySolve(factor, k, startRhs));
    } else {
      step = choleskySolve(factor, k, score);
      for (let j = 0; j < k; j++) beta[j] += step[j];
    }
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
    rowFingerprint: fingerprintRows(successes, trials, weights),
    data: { predictors, intercept, successes, trials, weights },
  };
  return new LogisticFitResult(core);
}

interface PassResult {
  logLik: number;
  maxStepEta: number;
  perfectRows: number;
}

/** What the IRLS loop iterates on: the input rows, or one row a covariate pattern. */
interface IrlsModel {
  /** The design columns iterated on, intercept first when there is one. */
  columns: readonly Float64Array[];
  nObs: number;
  totalSuccesses: number;
  /** Input rows with positive weight x trials. */
  activeRows(): number;
  /** One IRLS pass (see accumulatePass). */
  pass(first: boolean, beta: Float64Array, step: Float64Array | null, hessian: Float64Array, score: Float64Array, startRhs: Float64Array): PassResult;
  /** Fitted probability per input row, after the last pass (`atStart`: that pass was the first). */
  fitted(atStart: boolean): Float64Array;
}

/** Iterate on the input rows: the rank check, then one pass over every row an iteration. */
function rowModel(
  terms: readonly string[], predictors: readonly Float64Array[], intercept: boolean, successes: Float64Array,
  trials: Float64Array | undefined, weights: Float64Array | undefined,
): IrlsModel {
  const n = successes.length;
  const columns = intercept ? [new Float64Array(n).fill(1), ...predictors] : [...predictors];
  // sqrt(weight * trials) per row for the rank check (null when every row counts once).
  let rowScale: Float64Array | null = null;
  if (trials !== undefined || weights !== undefined) {
    rowScale = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      rowScale[i] = Math.sqrt((trials === undefined ? 1 : trials[i]) * (weights === undefined ? 1 : weights[i]));
    }
  }
  checkDesignRank(terms, columns, rowScale, CALLER);

  let totalSuccesses = 0;
  let nObs = 0;
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : weights[i];
    nObs += w * (trials === undefined ? 1 : trials[i]);
    totalSuccesses += w * successes[i];
  }
  const scratch = makeScratch();
  const fitted = new Float64Array(n);
  return {
    columns,
    nObs,
    totalSuccesses,
    activeRows: () => countRows(trials, weights, n),
    pass: (first, beta, step, hessian, score, startRhs) =>
      accumulatePass(first, columns, successes, trials, weights, beta, step, hessian, score, startRhs, fitted, scratch),
    fitted: () => fitted,
  };
}

/**
 * Iterate on one row a covariate pattern. One pass over the input rows sums, per pattern,
 * the weighted successes and trials (all that the likelihood, score and X'WX need at any
 * estimates), the starting pass's per-row terms (R's starting values are per row, so they
 * cannot be recovered from the sums), and the rows with 0 or all successes (for the
 * separation diagnostic, which counts rows). The rank check runs on the patterns, each
 * scaled by the square root of its weighted trials: the same X'WX as the rows'.
 */
function patternModel(
  terms: readonly string[], patterns: RowPatterns, intercept: boolean, successes: Float64Array,
  trials: Float64Array | undefined, weights: Float64Array | undefined,
): IrlsModel {
  const n = successes.length;
  const { count, patternOf } = patterns;
  const columns = intercept ? [new Float64Array(count).fill(1), ...patterns.values] : patterns.values;
  const sums: PatternSums = {
    successes: new Float64Array(count), trials: new Float64Array(count),
    startWeight: new Float64Array(count), startRhs: new Float64Array(count), startLogLik: new Float64Array(count),
    zeroRows: new Float64Array(count), fullRows: new Float64Array(count), active: new Uint8Array(count),
  };
  const { successes: sumS, trials: sumT, startWeight, startRhs, startLogLik, zeroRows, fullRows, active } = sums;
  // The starting pass's terms of a row depend on (s, t) only: 0/1 rows take them from a table.
  const start0 = startingTerms(0, 1);
  const start1 = startingTerms(1, 1);
  let nObs = 0;
  let totalSuccesses = 0;
  let activeRows = 0;
  // Plain 0/1 rows (the usual case): the hashing pass counted the 0s and 1s a pattern.
  const binary = trials === undefined && weights === undefined ? patterns.outcomeCounts : null;
  if (binary !== null) {
    // Integer counts: every sum below is exact, so equal to rowModel's.
    nObs = n;
    activeRows = n;
    for (let g = 0; g < count; g++) {
      const ones = binary.ones[g];
      const zeros = binary.zeros[g];
      sumS[g] = ones;
      sumT[g] = zeros + ones;
      totalSuccesses += ones;
      active[g] = 1;
      zeroRows[g] = zeros;
      fullRows[g] = ones;
      startWeight[g] = zeros * start0.weight + ones * start1.weight;
      startRhs[g] = zeros * start0.weightEta + ones * start1.weightEta;
      startLogLik[g] = zeros * start0.logLik + ones * start1.logLik;
    }
  }
  let last = start0;
  let lastS = 0;
  let lastT = 1;
  for (let i = 0; i < (binary !== null ? 0 : n); i++) {
    const g = patternOf[i];
    const s = successes[i];
    const t = trials === undefined ? 1 : trials[i];
    const pw = weights === undefined ? 1 : weights[i];
    // The same sums, in the same order, as rowModel's.
    nObs += pw * t;
    totalSuccesses += pw * s;
    sumS[g] += pw * s;
    sumT[g] += pw * t;
    if (pw * t > 0) {
      activeRows++;
      active[g] = 1;
      if (s === 0) zeroRows[g]++;
      else if (s === t) fullRows[g]++;
    }
    let terms0: StartingTerms;
    if (t === 1 && s === 0) terms0 = start0;
    else if (t === 1 && s === 1) terms0 = start1;
    else if (s === lastS && t === lastT) terms0 = last;
    else {
      terms0 = last = startingTerms(s, t);
      lastS = s;
      lastT = t;
    }
    startWeight[g] += pw * terms0.weight;
    startRhs[g] += pw * terms0.weightEta;
    startLogLik[g] += pw * terms0.logLik;
  }
  const rowScale = new Float64Array(count);
  for (let g = 0; g < count; g++) rowScale[g] = Math.sqrt(sumT[g]);
  checkDesignRank(terms, columns, rowScale, CALLER);

  const fittedPatterns = new Float64Array(count);
  return {
    columns,
    nObs,
    totalSuccesses,
    activeRows: () => activeRows,
    pass: (first, beta, step, hessian, score, rhs) =>
      first
        ? startingPassPatterns(columns, sums, hessian, score, rhs)
        : accumulatePatterns(columns, sums, beta, step, hessian, score, fittedPatterns),
    fitted: (atStart) => {
      const fitted = new Float64Array(n);
      if (atStart) {
        for (let i = 0; i < n; i++) fitted[i] = startingTerms(successes[i], trials === undefined ? 1 : trials[i]).mu;
      } else {
        for (let i = 0; i < n; i++) fitted[i] = fittedPatterns[patternOf[i]];
      }
      return fitted;
    },
  };
}

interface PatternSums {
  /** Sum of weight x successes. */
  successes: Float64Array;
  /** Sum of weight x trials. */
  trials: Float64Array;
  /** Starting pass: sums of weight x the row's working weight, x its eta, and x its log-likelihood. */
  startWeight: Float64Array;
  startRhs: Float64Array;
  startLogLik: Float64Array;
  /** Rows with positive weight x trials and 0 successes, and with successes = trials. */
  zeroRows: Float64Array;
  fullRows: Float64Array;
  /** 1 when some row of the pattern has positive weight x trials. */
  active: Uint8Array;
}

interface StartingTerms {
  /** Starting fitted probability. */
  mu: number;
  /** t mu (1 - mu): the working weight of the first pass (before the prior weight). */
  weight: number;
  /** weight x starting eta. */
  weightEta: number;
  /** s eta - t log(1 + e^eta): the row's log-likelihood at the start (before the prior weight). */
  logLik: number;
}

/** A row's terms at R's starting values, computed as accumulatePass's first pass does. */
function startingTerms(s: number, t: number): StartingTerms {
  const m = (s + 0.5) / (t + 1);
  const e0 = Math.log(m / (1 - m));
  let mu: number;
  let oneMinusMu: number;
  let softplus: number;
  if (e0 >= 0) {
    const e = Math.exp(-e0);
    mu = 1 / (1 + e);
    oneMinusMu = e / (1 + e);
    softplus = e0 + Math.log1p(e);
  } else {
    const e = Math.exp(e0);
    mu = e / (1 + e);
    oneMinusMu = 1 / (1 + e);
    softplus = Math.log1p(e);
  }
  const weight = t * mu * oneMinusMu;
  return { mu, weight, weightEta: weight * e0, logLik: s * e0 - t * softplus };
}

/** The first pass on patterns: X'WX, X'W eta0 and the log-likelihood from the per-row sums. The score is not needed (left 0). */
function startingPassPatterns(
  columns: readonly Float64Array[], sums: PatternSums, hessian: Float64Array, score: Float64Array, startRhs: Float64Array,
): PassResult {
  const k = columns.length;
  const count = sums.successes.length;
  hessian.fill(0);
  score.fill(0);
  startRhs.fill(0);
  let logLik = 0;
  for (let g = 0; g < count; g++) {
    const w = sums.startWeight[g];
    const rhs = sums.startRhs[g];
    logLik += sums.startLogLik[g];
    for (let j = 0; j < k; j++) {
      const x = columns[j][g];
      startRhs[j] += x * rhs;
      const wx = w * x;
      for (let m = 0; m <= j; m++) hessian[j * k + m] += wx * columns[m][g];
    }
  }
  return { logLik, maxStepEta: 0, perfectRows: 0 };
}

/** A later pass on patterns: accumulatePass's arithmetic with a pattern's sums in place of a row. */
function accumulatePatterns(
  columns: readonly Float64Array[], sums: PatternSums, beta: Float64Array, step: Float64Array | null,
  hessian: Float64Array, score: Float64Array, fitted: Float64Array,
): PassResult {
  const k = columns.length;
  const count = sums.successes.length;
  hessian.fill(0);
  score.fill(0);
  let logLik = 0;
  let maxStepEta = 0;
  let perfectRows = 0;
  for (let g = 0; g < count; g++) {
    let e0 = 0;
    for (let j = 0; j < k; j++) e0 += beta[j] * columns[j][g];
    // mu, 1 - mu, log(1 + e^eta) and log(1 + e^-eta), without cancellation.
    let mu: number;
    let oneMinusMu: number;
    let softplus: number;
    let softplusNeg: number;
    if (e0 >= 0) {
      const e = Math.exp(-e0);
      mu = 1 / (1 + e);
      oneMinusMu = e / (1 + e);
      softplusNeg = Math.log1p(e);
      softplus = e0 + softplusNeg;
    } else {
      const e = Math.exp(e0);
      mu = e / (1 + e);
      oneMinusMu = 1 / (1 + e);
      softplus = Math.log1p(e);
      softplusNeg = softplus - e0;
    }
    fitted[g] = mu;
    const s = sums.successes[g];
    const t = sums.trials[g];
    if (sums.active[g] === 1) {
      if (mu < PERFECT_FIT) perfectRows += sums.zeroRows[g];
      if (oneMinusMu < PERFECT_FIT) perfectRows += sums.fullRows[g];
      if (step !== null) {
        let d = 0;
        for (let j = 0; j < k; j++) d += step[j] * columns[j][g];
        d = Math.abs(d);
        if (d > maxStepEta) maxStepEta = d;
      }
    }
    // s eta - t softplus and s - t mu, as a sum of two terms of one sign each: a pattern has
    // many rows, and s and t mu (s eta and t softplus) can be large and nearly equal.
    const failures = t - s;
    logLik -= s * softplusNeg + failures * softplus;
    const w = t * mu * oneMinusMu;
    const r = s * oneMinusMu - failures * mu;
    for (let j = 0; j < k; j++) {
      const x = columns[j][g];
      score[j] += x * r;
      const wx = w * x;
      for (let m = 0; m <= j; m++) hessian[j * k + m] += wx * columns[m][g];
    }
  }
  return { logLik, maxStepEta, perfectRows };
}

const BLOCK = 2048;

interface Scratch {
  eta: Float64Array;
  deltaEta: Float64Array;
  w: Float64Array;
  r: Float64Array;
  wx: Float64Array;
}

function makeScratch(): Scratch {
  return {
    eta: new Float64Array(BLOCK), deltaEta: new Float64Array(BLOCK), w: new Float64Array(BLOCK),
    r: new Float64Array(BLOCK), wx: new Float64Array(BLOCK),
  };
}

/**
 * One IRLS pass: at the current estimates (or R's starting values on the first pass) fill
 * X'WX (lower triangle), the score X'(y - mu) and, on the first pass, X'W eta; write the
 * fitted probabilities; return the log-likelihood, the largest change of the linear
 * predictor made by the last step, and the count of perfectly predicted rows.
 * Rows go in blocks so that the products run as tight loops over contiguous columns.
 */
function accumulatePass(
  first: boolean, columns: readonly Float64Array[], successes: Float64Array, trials: Float64Array | undefined,
  weights: Float64Array | undefined, beta: Float64Array, step: Float64Array | null, hessian: Float64Array,
  score: Float64Array, startRhs: Float64Array, fitted: Float64Array, scratch: Scratch,
): PassResult {
  const k = columns.length;
  const n = successes.length;
  const { eta, deltaEta, w: wBlock, r: rBlock, wx } = scratch;
  hessian.fill(0);
  score.fill(0);
  startRhs.fill(0);
  let logLik = 0;
  let maxStepEta = 0;
  let perfectRows = 0;
  for (let from = 0; from < n; from += BLOCK) {
    const len = Math.min(BLOCK, n - from);
    if (first) {
      for (let i = 0; i < len; i++) {
        // R's binomial mustart: (t * y + 0.5) / (t + 1), on the proportion scale y = s / t.
        const t = trials === undefined ? 1 : trials[from + i];
        const m = (successes[from + i] + 0.5) / (t + 1);
        eta[i] = Math.log(m / (1 - m));
      }
    } else {
      eta.fill(0, 0, len);
      for (let j = 0; j < k; j++) {
        const col = columns[j];
        const b = beta[j];
        for (let i = 0; i < len; i++) eta[i] += b * col[from + i];
      }
      if (step !== null) {
        deltaEta.fill(0, 0, len);
        for (let j = 0; j < k; j++) {
          const col = columns[j];
          const d = step[j];
          for (let i = 0; i < len; i++) deltaEta[i] += d * col[from + i];
        }
      }
    }
    for (let i = 0; i < len; i++) {
      const row = from + i;
      const t = trials === undefined ? 1 : trials[row];
      const s = successes[row];
      const pw = weights === undefined ? 1 : weights[row];
      const e0 = eta[i];
      // mu and 1 - mu without cancellation, and softplus(eta) = log(1 + e^eta). Written out
      // here and in startingTerms/accumulatePatterns on purpose: a shared helper writing into
      // a scratch array measured 1.8x slower on this per-row loop (340 ms -> 615 ms a million rows).
      let mu: number;
      let oneMinusMu: number;
      let softplus: number;
      if (e0 >= 0) {
        const e = Math.exp(-e0);
        mu = 1 / (1 + e);
        oneMinusMu = e / (1 + e);
        softplus = e0 + Math.log1p(e);
      } else {
        const e = Math.exp(e0);
        mu = e / (1 + e);
        oneMinusMu = 1 / (1 + e);
        softplus = Math.log1p(e);
      }
      fitted[row] = mu;
      const active = pw * t > 0;
      if (active) {
        if ((s === 0 && mu < PERFECT_FIT) || (s === t && oneMinusMu < PERFECT_FIT)) perfectRows++;
        if (step !== null) {
          const d = Math.abs(deltaEta[i]);
          if (d > maxStepEta) maxStepEta = d;
        }
      }
      logLik += pw * (s * e0 - t * softplus);
      wBlock[i] = pw * t * mu * oneMinusMu;
      rBlock[i] = pw * (s - t * mu);
    }
    for (let j = 0; j < k; j++) {
      const cj = columns[j];
      let sc = 0;
      for (let i = 0; i < len; i++) {
        const x = cj[from + i];
        sc += x * rBlock[i];
        wx[i] = wBlock[i] * x;
      }
      score[j] += sc;
      if (first) {
        let sr = 0;
        for (let i = 0; i < len; i++) sr += wx[i] * eta[i];
        startRhs[j] += sr;
      }
      for (let m = 0; m <= j; m++) {
        const cm = columns[m];
        let h = 0;
        for (let i = 0; i < len; i++) h += wx[i] * cm[from + i];
        hessian[j * k + m] += h;
      }
    }
  }
  return { logLik, maxStepEta, perfectRows };
}

function validateDesign(design: LogisticDesign): { terms: string[]; predictors: Float64Array[]; intercept: boolean; n: number } {
  const { successes, trials, weights } = design;
  if (!(successes instanceof Float64Array)) {
    throw new StatsError(`${CALLER} requires successes to be a Float64Array`);
  }
  const n = successes.length;
  if (!Array.isArray(design.terms) || !Array.isArray(design.columns) || design.terms.length !== design.columns.length) {
    throw new StatsError(`${CALLER} requires one column per term, got ${design.terms?.length} terms and ${design.columns?.length} columns`);
  }
  const seen = new Set<string>();
  for (const term of design.terms) {
    if (seen.has(term)) throw new StatsError(`${CALLER} requires distinct term names, got '${term}' twice`);
    seen.add(term);
  }
  const intercept = design.intercept !== false;
  if (intercept && seen.has("intercept")) {
    throw new StatsError(`${CALLER}: the term name 'intercept' is reserved for the intercept; rename the predictor or pass intercept: false`);
  }
  design.columns.forEach((col, j) => {
    const term = design.terms[j];
    if (!(col instanceof Float64Array)) throw new StatsError(`${CALLER} requires column '${term}' to be a Float64Array`);
    if (col.length !== n) {
      throw new StatsError(`${CALLER} requires every column to have one value a row: column '${term}' has ${col.length} values, successes has ${n}`);
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(col[i])) throw new StatsError(`${CALLER}: column '${term}' has a missing or non-finite value (${col[i]}) at row ${i}`);
    }
  });
  for (const [name, arr] of [["trials", trials], ["weights", weights]] as const) {
    if (arr === undefined) continue;
    if (!(arr instanceof Float64Array)) throw new StatsError(`${CALLER} requires ${name} to be a Float64Array`);
    if (arr.length !== n) throw new StatsError(`${CALLER} requires ${name} to have one value a row: ${arr.length} values, successes has ${n}`);
    for (let i = 0; i < n; i++) {
      if (!(arr[i] >= 0) || !Number.isFinite(arr[i])) {
        throw new StatsError(`${CALLER} requires ${name} to be finite and non-negative: ${arr[i]} at row ${i}`);
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const s = successes[i];
    const t = trials === undefined ? 1 : trials[i];
    if (!(s >= 0 && s <= t)) {
      throw new StatsError(
        trials === undefined
          ? `${CALLER} requires a 0/1 outcome (successes between 0 and 1) in every row: ${s} at row ${i}`
          : `${CALLER} requires 0 <= successes <= trials in every row: ${s} successes of ${t} trials at row ${i}`,
      );
    }
  }
  if (n === 0) throw new StatsError(`${CALLER} requires at least one row`);
  const terms = intercept ? ["intercept", ...design.terms] : [...design.terms];
  if (terms.length === 0) throw new StatsError(`${CALLER} requires at least one term (no predictors and intercept: false)`);
  return { terms, predictors: [...design.columns], intercept, n };
}

function countRows(trials: Float64Array | undefined, weights: Float64Array | undefined, n: number): number {
  let count = 0;
  for (let i = 0; i < n; i++) if ((trials === undefined ? 1 : trials[i]) * (weights === undefined ? 1 : weights[i]) > 0) count++;
  return count;
}

/** The diverging terms are those that carry the last Newton step, on the scale of their column. */
function describeSeparation(
  terms: readonly string[], columns: readonly Float64Array[], step: Float64Array, perfectRows: number, activeRows: number,
): Separation {
  const k = terms.length;
  const size = new Float64Array(k);
  let largest = 0;
  for (let j = 0; j < k; j++) {
    let maxAbs = 0;
    const col = columns[j];
    for (let i = 0; i < col.length; i++) maxAbs = Math.max(maxAbs, Math.abs(col[i]));
    size[j] = Math.abs(step[j]) * maxAbs;
    largest = Math.max(largest, size[j]);
  }
  const diverging: string[] = [];
  for (let j = 0; j < k; j++) if (size[j] > 1e-2 * largest) diverging.push(terms[j]);
  return { kind: perfectRows >= activeRows ? "complete" : "quasi-complete", terms: diverging, rows: perfectRows };
}

function separationWarning(sep: Separation, n: number): string {
  const names = sep.terms.map((t) => `'${t}'`).join(", ");
  const plural = sep.terms.length === 1 ? "estimate of" : "estimates of";
  return (
    `${CALLER}: ${sep.kind} separation: ${sep.rows} of ${n} rows are predicted perfectly (fitted probability at 0 or 1) ` +
    `and the ${plural} ${names} diverge${sep.terms.length === 1 ? "s" : ""} with every iteration, so no finite maximum-likelihood ` +
    `estimate exists; their estimates, standard errors and p-values are meaningless. Merge or drop the predictor, or use a penalised (Firth) fit`
  );
}

function nullLogLikelihood(intercept: boolean, successes: number, nObs: number): number {
  if (!intercept) return nObs * Math.log(0.5);
  const p = successes / nObs;
  const failures = nObs - successes;
  return (successes > 0 ? successes * Math.log(p) : 0) + (failures > 0 ? failures * Math.log1p(-p) : 0);
}

/** FNV-1a over the bits of the response, trials and weights, plus the row count. */
function fingerprintRows(successes: Float64Array, trials?: Float64Array, weights?: Float64Array): string {
  let h = 0x811c9dc5;
  for (const arr of [successes, trials, weights]) {
    if (arr === undefined) {
      h = Math.imul(h ^ 0xff, 0x01000193);
      continue;
    }
    const words = new Uint32Array(arr.buffer, arr.byteOffset, arr.length * 2);
    for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  }
  return `${successes.length}:${(h >>> 0).toString(16).padStart(8, "0")}`;
}

function formatShort(x: number): string {
  return Number.isFinite(x) ? x.toExponential(2) : String(x);
}
