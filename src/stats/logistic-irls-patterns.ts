/**
 * Internal: IRLS on one row a distinct covariate pattern (see "Few distinct rows" in
 * logistic-fit.ts): exact, since the likelihood, score and X'WX are linear in the weighted
 * successes and trials of rows with equal covariates.
 */
import { checkDesignRank } from "./design-rank";
import { FIT_CALLER as CALLER, PERFECT_FIT, type IrlsModel, type PassResult } from "./logistic-irls-model";
import type { RowPatterns } from "./row-patterns";

/**
 * Iterate on one row a covariate pattern. One pass over the input rows sums, per pattern,
 * the weighted successes and trials (all that the likelihood, score and X'WX need at any
 * estimates), the starting pass's per-row terms (R's starting values are per row, so they
 * cannot be recovered from the sums), and the rows with 0 or all successes (for the
 * separation diagnostic, which counts rows). The rank check runs on the patterns, each
 * scaled by the square root of its weighted trials: the same X'WX as the rows'.
 */
export function patternModel(
  terms: readonly string[], patterns: RowPatterns, intercept: boolean, successes: Float64Array,
  trials: Float64Array | undefined, weights: Float64Array | undefined,
): IrlsModel {
  const n = successes.length;
  const { count, patternOf } = patterns;
  const columns = intercept ? [new Float64Array(count).fill(1), ...patterns.values] : patterns.values;
  const sums: PatternSums = {
    successes: new Float64Array(count), trials: new Float64Array(count),
    startWeight: new Float64Array(count), startRhs: new Float64Array(count), startLogLik: new Float64Array(count), startResidual: new Float64Array(count),
    zeroRows: new Float64Array(count), fullRows: new Float64Array(count), active: new Uint8Array(count),
  };
  const { successes: sumS, trials: sumT, startWeight, startRhs, startLogLik, startResidual, zeroRows, fullRows, active } = sums;
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
      startResidual[g] = zeros * start0.residual + ones * start1.residual;
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
    startResidual[g] += pw * terms0.residual;
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
  /** Starting pass: sum of weight x (s - t mu0), the score's terms at the start. */
  startResidual: Float64Array;
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
  /** s - t mu: the row's score term at the start (before the prior weight). */
  residual: number;
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
  return { mu, weight, weightEta: weight * e0, logLik: s * e0 - t * softplus, residual: s - t * mu };
}

/** The first pass on patterns: X'WX, X'W eta0, the score and the log-likelihood from the per-row sums. */
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
    const residual = sums.startResidual[g];
    logLik += sums.startLogLik[g];
    for (let j = 0; j < k; j++) {
      const x = columns[j][g];
      startRhs[j] += x * rhs;
      score[j] += x * residual;
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
