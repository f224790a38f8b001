/**
 * Logistic regression on labels from an imperfect judge (a misclassification-adjusted
 * likelihood), so coefficients such as b1 (harmful) and b2 (benign) are those of the true
 * compliance, not of what the judge reports.
 *
 *   p_i = logistic(x_i' b)                          P(the model truly complied)
 *   q_i = Se p_i + (1 - Sp)(1 - p_i)                P(the judge says compliance)
 *
 * A judge that under-reports compliance (Se < 1) shrinks every slope toward 0 in an
 * ordinary fit on its labels; fitting q instead undoes that. Reference: Neuhaus (1999),
 * Biometrika 86(4):843-855; Magder and Hughes (1997), Am. J. Epidemiol. 146(2):195-203.
 *
 * Two ways to know Se and Sp (`accuracy`):
 * - "joint" (default): estimated with b by maximum likelihood, from every row. A row with a
 *   reference label r (the validation subset) contributes P(r, y) =
 *   p^r (1-p)^(1-r) [Se^y (1-Se)^(1-y)]^r [(1-Sp)^y Sp^(1-y)]^(1-r); a row with only the
 *   judge's label y contributes q^y (1-q)^(1-y). The standard errors come from the joint
 *   observed information, so they carry the uncertainty of Se and Sp. Validation rows
 *   must be a subset chosen without looking at the answers (missing at random).
 * - { sensitivity, specificity }: fixed values (e.g. from `judgeAccuracy` on a separate
 *   validation sample); every row contributes q^y (1-q)^(1-y), reference labels are
 *   ignored, and the standard errors treat Se and Sp as known (too narrow by the
 *   uncertainty of the accuracy estimates).
 *
 * Fitting: Newton-Raphson on (b, logit Se, logit Sp) with the analytic observed
 * information, falling back to Fisher scoring (expected information, always positive
 * semi-definite) on a step where the observed information is not positive definite (the
 * likelihood is not concave far from its maximum), and halving a step that lowers the
 * log-likelihood. Converged when no parameter moves by more than `tolerance` (on its own
 * scale). Standard errors: the inverse observed information at the estimate; for Se and
 * Sp, by the delta method from the logit scale, with intervals transformed back from it.
 * With `cluster`, CR1 cluster-robust errors instead (see `MisclassifiedLogisticDesign.cluster`),
 * for receipts that share a query.
 * Checked against R's optim plus Newton steps with numDeriv derivatives on the same
 * likelihood (test/stats/fixtures/misclassification-logistic.R).
 *
 * The estimates run to the boundary (not converged) when the judge's rate in some cell is
 * outside [1 - Sp, Se] by more than noise, or, jointly, when the validation subset shows
 * no errors of one kind (Se or Sp estimated as exactly 1): `converged` is false then.
 *
 * Cost: O(iterations * n * k^2), k = terms + 2.
 * Throws StatsError for mismatched lengths, labels other than 0/1, fixed accuracies outside
 * (0, 1) or with Se + Sp <= 1, or a "joint" fit without validation rows of both classes.
 *
 * @example
 * fitMisclassifiedLogistic({ terms: ["benign"], columns: [x], judged: y, reference: r });
 * // { terms: [{ term: "intercept", ... }, { term: "benign", ... }, { term: "sensitivity", ... }, { term: "specificity", ... }], ... }
 */
import { choleskyFactor, choleskyInverse, choleskySolve, sandwichProduct } from "./linear-algebra";
import { criticalValue, normalTwoSidedP } from "./distributions";
import { StatsError } from "./stats-error";

export interface MisclassifiedLogisticDesign {
  /** Predictor names; "intercept" is added first unless `intercept === false`. */
  readonly terms: readonly string[];
  /** One column per term, each of length n. */
  readonly columns: readonly Float64Array[];
  /** The judge's label per row: 1 compliance, 0 refusal (parse errors left out beforehand). */
  readonly judged: ArrayLike<number>;
  /** The reference label per row: 1 compliance, 0 refusal, -1 none. Default: none anywhere. */
  readonly reference?: ArrayLike<number>;
  /** Frequency weights (e.g. counts of identical rows). Default 1 a row. */
  readonly weights?: ArrayLike<number>;
  /** Default true. */
  readonly intercept?: boolean;
  /**
   * Cluster of each row (e.g. its query_id): standard errors become CR1 cluster-robust,
   * B M B x G/(G - 1) x (n - 1)/(n - k) with B the inverse observed information and M the
   * sum over clusters of the outer products of their score sums (n the total weight, k the
   * parameters, Se and Sp included). Default: none (model-based errors).
   */
  readonly cluster?: ArrayLike<string | number | null>;
}

export interface MisclassifiedFitOptions {
  /** "joint" (default) or fixed, known accuracies. */
  readonly accuracy?: "joint" | { readonly sensitivity: number; readonly specificity: number };
  /** Default 200. */
  readonly maxIterations?: number;
  /** Largest parameter change at convergence. Default 1e-10. */
  readonly tolerance?: number;
  /** Default 0.95. */
  readonly confLevel?: number;
  /** Name of the cluster field, for `std_error_type`. Default "cluster". */
  readonly clusterName?: string;
}

/** One tidy row a parameter; sensitivity and specificity (joint fits) have no test statistic. */
export interface MisclassifiedTerm {
  readonly term: string;
  readonly estimate: number;
  readonly std_error: number;
  readonly statistic: number | null;
  readonly p_value: number | null;
  readonly conf_low: number;
  readonly conf_high: number;
}

export interface MisclassifiedLogisticFit {
  readonly accuracy: "joint" | "fixed";
  /** The regression terms, then (joint fits) "sensitivity" and "specificity". */
  readonly terms: readonly MisclassifiedTerm[];
  readonly sensitivity: number;
  readonly specificity: number;
  /** Covariance of (b, logit Se, logit Sp) for joint fits, of b for fixed ones: the inverse observed information. */
  readonly vcov: number[][];
  /** Names of vcov's rows: the terms, then "logit_sensitivity", "logit_specificity" when joint. */
  readonly vcov_terms: readonly string[];
  /** The inverse observed information, whichever errors `vcov` holds. */
  readonly model_vcov: number[][];
  readonly vcov_type: "model" | "CR1";
  /** "model-based" or "CR1 by query_id (120 clusters)". */
  readonly std_error_type: string;
  /** Number of clusters, or null without clustering. */
  readonly clusters: number | null;
  readonly log_lik: number;
  /** Total weight of the rows, and of those with a reference label. */
  readonly n_obs: number;
  readonly n_validation: number;
  readonly converged: boolean;
  readonly iterations: number;
}

const expit = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

interface Evaluation {
  logLik: number;
  gradient: Float64Array;
  /** Negative Hessian (observed information), row-major k x k. */
  observed: Float64Array;
  /** Expected information, row-major k x k. */
  expected: Float64Array;
}

export function fitMisclassifiedLogistic(design: MisclassifiedLogisticDesign, options: MisclassifiedFitOptions = {}): MisclassifiedLogisticFit {
  const intercept = design.intercept ?? true;
  const names = [...(intercept ? ["intercept"] : []), ...design.terms];
  const n = design.judged.length;
  if (design.columns.length !== design.terms.length) throw new StatsError(`fitMisclassifiedLogistic: ${design.terms.length} terms but ${design.columns.length} columns`);
  for (let j = 0; j < design.columns.length; j++) {
    if (design.columns[j].length !== n) throw new StatsError(`fitMisclassifiedLogistic: column ${design.terms[j]} has ${design.columns[j].length} rows, judged has ${n}`);
  }
  if (design.reference && design.reference.length !== n) throw new StatsError(`fitMisclassifiedLogistic: reference has ${design.reference.length} rows, judged has ${n}`);
  if (design.weights && design.weights.length !== n) throw new StatsError(`fitMisclassifiedLogistic: weights has ${design.weights.length} rows, judged has ${n}`);
  if (design.cluster && design.cluster.length !== n) throw new StatsError(`fitMisclassifiedLogistic: cluster has ${design.cluster.length} rows, judged has ${n}`);
  let clusterOf: Int32Array | null = null, nClusters = 0;
  if (design.cluster) {
    const codes = new Map<string | number, number>();
    clusterOf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = design.cluster[i];
      if (v === null || v === undefined) throw new StatsError(`fitMisclassifiedLogistic: row ${i} has no ${options.clusterName ?? "cluster"} value`);
      let c = codes.get(v);
      if (c === undefined) { c = codes.size; codes.set(v, c); }
      clusterOf[i] = c;
    }
    nClusters = codes.size;
    if (nClusters < 2) throw new StatsError(`fitMisclassifiedLogistic: cluster-robust errors need at least 2 clusters, found ${nClusters}`);
  }
  const p = names.length;
  const x = (i: number, j: number) => (intercept ? (j === 0 ? 1 : design.columns[j - 1][i]) : design.columns[j][i]);
  const w = (i: number) => (design.weights ? design.weights[i] : 1);
  const ref = (i: number) => (design.reference ? design.reference[i] : -1);

  let nObs = 0, nVal = 0, nPos = 0, nNeg = 0, tp = 0, tn = 0, judgedYes = 0;
  for (let i = 0; i < n; i++) {
    const y = design.judged[i], r = ref(i), wi = w(i);
    if (y !== 0 && y !== 1) throw new StatsError(`fitMisclassifiedLogistic: judged must be 0 or 1, row ${i} has ${y}`);
    if (r !== 0 && r !== 1 && r !== -1) throw new StatsError(`fitMisclassifiedLogistic: reference must be 1, 0 or -1 (none), row ${i} has ${r}`);
    if (!(wi >= 0) || !Number.isFinite(wi)) throw new StatsError(`fitMisclassifiedLogistic: weights must be finite and >= 0, row ${i} has ${wi}`);
    nObs += wi; judgedYes += wi * y;
    if (r >= 0) {
      nVal += wi;
      if (r === 1) { nPos += wi; tp += wi * y; } else { nNeg += wi; tn += wi * (1 - y); }
    }
  }

  const joint = (options.accuracy ?? "joint") === "joint";
  let se0: number, sp0: number;
  if (joint) {
    if (!(nPos > 0) || !(nNeg > 0)) {
      throw new StatsError(`fitMisclassifiedLogistic: a joint fit needs validation rows with reference label compliance and refusal, found ${nPos} and ${nNeg}; pass accuracy: { sensitivity, specificity } to fix them`);
    }
    // smoothed so that a validation class without errors still starts inside (0, 1)
    se0 = (tp + 0.5) / (nPos + 1);
    sp0 = (tn + 0.5) / (nNeg + 1);
  } else {
    const acc = options.accuracy as { sensitivity: number; specificity: number };
    se0 = acc.sensitivity; sp0 = acc.specificity;
    if (!(se0 > 0 && se0 <= 1 && sp0 > 0 && sp0 <= 1)) throw new StatsError(`fitMisclassifiedLogistic: fixed sensitivity and specificity must be in (0, 1], got ${se0} and ${sp0}`);
  }
  if (!(se0 + sp0 > 1)) throw new StatsError(`fitMisclassifiedLogistic: the judge must be better than chance (sensitivity + specificity > 1), got ${se0} + ${sp0}`);

  const k = p + (joint ? 2 : 0);
  const theta = new Float64Array(k);
  if (intercept) {
    const rg = (judgedYes / nObs + sp0 - 1) / (se0 + sp0 - 1);
    theta[0] = logit(Math.min(0.98, Math.max(0.02, rg)));
  }
  if (joint) { theta[p] = logit(se0); theta[p + 1] = logit(sp0); }

  /** clusterScores (G x k): when given, each row's score is also summed into its cluster's row. */
  const evaluate = (t: Float64Array, withDerivatives: boolean, clusterScores: Float64Array | null = null): Evaluation => {
    const se = joint ? expit(t[p]) : se0, sp = joint ? expit(t[p + 1]) : sp0;
    const jd = se + sp - 1;
    const s1 = se * (1 - se), s2 = sp * (1 - sp);
    let ll = 0;
    const g = new Float64Array(k), obs = new Float64Array(k * k), exp = new Float64Array(k * k);
    // per-row gradient of the row's log-likelihood core (dq or the logistic part) in theta
    const dq = new Float64Array(k);
    const xi = new Float64Array(p);
    const rowScore = new Float64Array(k);
    const addRowScore = (i: number) => {
      for (let a = 0; a < k; a++) g[a] += rowScore[a];
      if (clusterScores !== null) { const c = clusterOf![i] * k; for (let a = 0; a < k; a++) clusterScores[c + a] += rowScore[a]; }
    };
    for (let i = 0; i < n; i++) {
      const wi = w(i);
      if (wi === 0) continue;
      let eta = 0;
      for (let j = 0; j < p; j++) { xi[j] = x(i, j); eta += xi[j] * t[j]; }
      const pr = expit(eta), v = pr * (1 - pr);
      const y = design.judged[i], r = joint ? ref(i) : -1;
      if (r >= 0) {
        // validation row: logistic in b, Bernoulli in logit Se (r = 1) or logit Sp (r = 0); separable and concave
        ll += wi * (r === 1 ? Math.log(pr) : Math.log1p(-pr));
        if (r === 1) ll += wi * (y === 1 ? Math.log(se) : Math.log1p(-se));
        else ll += wi * (y === 1 ? Math.log1p(-sp) : Math.log(sp));
        if (!withDerivatives) continue;
        rowScore.fill(0);
        for (let a = 0; a < p; a++) {
          rowScore[a] = wi * (r - pr) * xi[a];
          for (let b = 0; b <= a; b++) { obs[a * k + b] += wi * v * xi[a] * xi[b]; exp[a * k + b] += wi * v * xi[a] * xi[b]; }
        }
        if (r === 1) { rowScore[p] = wi * (y - se); obs[p * k + p] += wi * s1; exp[p * k + p] += wi * s1; }
        else { rowScore[p + 1] = wi * (1 - y - sp); obs[(p + 1) * k + p + 1] += wi * s2; exp[(p + 1) * k + p + 1] += wi * s2; }
        addRowScore(i);
        continue;
      }
      const q = (1 - sp) + jd * pr;
      ll += wi * (y === 1 ? Math.log(q) : Math.log1p(-q));
      if (!withDerivatives) continue;
      // l = y log q + (1 - y) log(1 - q); dl/dq and d2l/dq2
      const lq = y === 1 ? 1 / q : -1 / (1 - q);
      const lqq = y === 1 ? -1 / (q * q) : -1 / ((1 - q) * (1 - q));
      // dq/d(eta, Se, Sp) = (J v, p, -(1 - p)); chained to theta = (b, logit Se, logit Sp)
      const qEta = jd * v;
      for (let a = 0; a < p; a++) dq[a] = qEta * xi[a];
      if (joint) { dq[p] = pr * s1; dq[p + 1] = -(1 - pr) * s2; }
      for (let a = 0; a < k; a++) rowScore[a] = wi * lq * dq[a];
      addRowScore(i);
      const fisher = 1 / (q * (1 - q));
      // second derivatives of q in theta: d2q/deta2 = J v (1 - 2p), d2q/deta dSe = d2q/deta dSp = v,
      // and from the logit links d2Se/da2 = s1 (1 - 2 Se), d2Sp/dc2 = s2 (1 - 2 Sp)
      const qEtaEta = jd * v * (1 - 2 * pr);
      for (let a = 0; a < k; a++) {
        for (let b = 0; b <= a; b++) {
          let d2 = 0;
          if (a < p) d2 = qEtaEta * xi[a] * xi[b];
          else if (a === p) d2 = b < p ? v * s1 * xi[b] : pr * s1 * (1 - 2 * se);
          else d2 = b < p ? v * s2 * xi[b] : b === p ? 0 : -(1 - pr) * s2 * (1 - 2 * sp);
          obs[a * k + b] -= wi * (lqq * dq[a] * dq[b] + lq * d2);
          exp[a * k + b] += wi * fisher * dq[a] * dq[b];
        }
      }
    }
    for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) { obs[b * k + a] = obs[a * k + b]; exp[b * k + a] = exp[a * k + b]; }
    return { logLik: ll, gradient: g, observed: obs, expected: exp };
  };

  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-10;
  let current = evaluate(theta, true);
  let converged = false, iterations = 0;
  for (; iterations < maxIterations && !converged; iterations++) {
    let l = choleskyFactor(current.observed, k, 1e-12);
    if (l === null) l = choleskyFactor(current.expected, k, 1e-12);
    if (l === null) break; // information singular: a term is not identified
    const step = choleskySolve(l, k, current.gradient);
    let scale = 1, next: Float64Array | null = null, nextLl = -Infinity;
    for (let halvings = 0; halvings < 30; halvings++, scale /= 2) {
      const cand = theta.map((v, a) => v + scale * step[a]);
      const ll = evaluate(cand, false).logLik;
      // the tolerance keeps a step at the optimum, where rounding makes ll flat, from halving forever
      if (Number.isFinite(ll) && ll >= current.logLik - 1e-12 * Math.abs(current.logLik)) { next = cand; nextLl = ll; break; }
    }
    if (next === null) break;
    let moved = 0;
    for (let a = 0; a < k; a++) moved = Math.max(moved, Math.abs(next[a] - theta[a]));
    theta.set(next);
    current = evaluate(theta, true);
    if (!Number.isFinite(nextLl)) break;
    if (moved < tolerance) converged = true;
  }

  const lInfo = choleskyFactor(current.observed, k, 1e-12);
  const modelVcov = lInfo === null ? Array.from({ length: k }, () => new Array<number>(k).fill(NaN)) : choleskyInverse(lInfo, k);
  let vcov = modelVcov;
  if (clusterOf !== null) {
    const scores = new Float64Array(nClusters * k);
    evaluate(theta, true, scores);
    const meat: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let c = 0; c < nClusters; c++) {
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) meat[a][b] += scores[c * k + a] * scores[c * k + b];
    }
    const adjust = (nClusters / (nClusters - 1)) * ((nObs - 1) / (nObs - k));
    vcov = sandwichProduct(modelVcov, meat).map((row) => row.map((v) => v * adjust));
  }
  const z = criticalValue(options.confLevel ?? 0.95, "fitMisclassifiedLogistic");
  const terms: MisclassifiedTerm[] = names.map((term, j) => {
    const est = theta[j], sd = Math.sqrt(vcov[j][j]);
    return { term, estimate: est, std_error: sd, statistic: est / sd, p_value: normalTwoSidedP(est / sd), conf_low: est - z * sd, conf_high: est + z * sd };
  });
  const se = joint ? expit(theta[p]) : se0, sp = joint ? expit(theta[p + 1]) : sp0;
  if (joint) {
    for (const [term, j, est] of [["sensitivity", p, se], ["specificity", p + 1, sp]] as const) {
      const sdLogit = Math.sqrt(vcov[j][j]);
      terms.push({ term, estimate: est, std_error: est * (1 - est) * sdLogit, statistic: null, p_value: null,
        conf_low: expit(theta[j] - z * sdLogit), conf_high: expit(theta[j] + z * sdLogit) });
    }
  }
  return {
    accuracy: joint ? "joint" : "fixed",
    terms,
    sensitivity: se,
    specificity: sp,
    vcov,
    vcov_terms: joint ? [...names, "logit_sensitivity", "logit_specificity"] : names,
    model_vcov: modelVcov,
    vcov_type: clusterOf === null ? "model" : "CR1",
    std_error_type: clusterOf === null ? "model-based" : `CR1 by ${options.clusterName ?? "cluster"} (${nClusters} clusters)`,
    clusters: clusterOf === null ? null : nClusters,
    log_lik: current.logLik,
    n_obs: nObs,
    n_validation: nVal,
    converged,
    iterations,
  };
}
