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
 * One million rows with three terms fit in about 0.2 s.
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
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1)) {
    throw new StatsError(`${CALLER} requires maxIterations to be a positive integer, got ${maxIterations}`);
  }
  if (!(tolerance > 0)) throw new StatsError(`${CALLER} requires a positive tolerance, got ${tolerance}`);
  if (!(confLevel > 0 && confLevel < 1)) {
    throw new StatsError(`${CALLER} requires confLevel strictly between 0 and 1, got ${confLevel}`);
  }
  const { terms, columns, n } = validateDesign(design);
  const { successes, trials, weights } = design;
  const k = terms.length;

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
  if (k >= nObs) {
    throw new StatsError(`${CALLER} requires more observations than terms, got ${nObs} observations for ${k} terms`);
  }

  const beta = new Float64Array(k);
  const hessian = new Float64Array(k * k); // X'WX, lower triangle filled during the pass
  const score = new Float64Array(k); // X'(y - mu), weighted
  const startRhs = new Float64Array(k); // X'W eta0, first pass only
  const scratch = makeScratch();
  const fitted = new Float64Array(n);
  let step: Float64Array | null = null;
  let devOld = NaN;
  let deviance = NaN;
  let maxStepEta = 0;
  let perfectRows = 0;
  let converged = false;
  let iterations = 0;
  let factor: Float64Array | null = null;
  const warnings: string[] = [];

  for (let pass = 0; ; pass++) {
    const result = accumulatePass(pass === 0, columns, successes, trials, weights, beta, step, hessian, score, startRhs, fitted, scratch);
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

  let separation: Separation | null = null;
  if (step !== null && maxStepEta > DIVERGING_STEP && perfectRows > 0) {
    separation = describeSeparation(terms, columns, step, perfectRows, countRows(trials, weights, n));
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
  const nullLogLik = nullLogLikelihood(design.intercept !== false, totalSuccesses, nObs);
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
    data: { columns, successes, trials, weights },
  };
  return new LogisticFitResult(core);
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
): { logLik: number; maxStepEta: number; perfectRows: number } {
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
      // mu and 1 - mu without cancellation, and softplus(eta) = log(1 + e^eta).
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

function validateDesign(design: LogisticDesign): { terms: string[]; columns: Float64Array[]; n: number } {
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
  const columns = intercept ? [new Float64Array(n).fill(1), ...design.columns] : [...design.columns];
  if (terms.length === 0) throw new StatsError(`${CALLER} requires at least one term (no predictors and intercept: false)`);
  return { terms, columns, n };
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
