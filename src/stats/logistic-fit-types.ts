/**
 * The types of a logistic fit: its design and options (what fitLogistic takes), its tidy and
 * glance rows and the results object (what it returns), and the internal core a results
 * object is built from. Types only: every file of the fit imports them from here, so no file
 * of the fit imports another back.
 */

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
  /**
   * Present only on CR2 fits: the Satterthwaite degrees of freedom of the term's t test
   * (p_value and the interval then use t(df), as clubSandwich's coef_test and conf_int).
   */
  df?: number;
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
  vcov_type: VcovType;
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
  readonly vcovType: VcovType;
  /**
   * Which standard errors, in words: "model-based", "CR1 by query_id (120 clusters)" or
   * "CR2 + Satterthwaite by query_id (12 clusters)". Results that carry a fit's errors
   * print this (field `std_error_type`).
   */
  readonly stdErrorType: string;
  readonly cluster: { name: string; groups: number } | null;
  /** CR2 fits: Satterthwaite degrees of freedom a term (p-values and intervals use t); else null (normal). */
  readonly dfs: Float64Array | null;
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
  /**
   * The same fit with cluster-robust standard errors: CR1 (default, sandwich::vcovCL HC1),
   * CR2 with Satterthwaite t tests (clubSandwich), or "auto": CR2 below
   * CR2_BELOW_CLUSTERS (42) clusters, CR1 from there on. Labels may be strings, numbers or
   * integer codes (an Int32Array of dictionary codes is fastest).
   */
  withClusterRobust(cluster: ArrayLike<string | number> | Int32Array, name?: string, options?: ClusterRobustOptions): LogisticFit;
  toText(): string;
  toMarkdown(): string;
  toHTML(): string;
  toString(): string;
  display(): void;
  tidyFrame(options?: TidyOptions): import("../io/dataframe").DataFrame;
  glanceFrame(): import("../io/dataframe").DataFrame;
}

/** "model": (X'WX)^-1; "CR1": sandwich::vcovCL(type = "HC1"); "CR2": clubSandwich::vcovCR(type = "CR2"). */
export type VcovType = "model" | "CR1" | "CR2";

export interface ClusterRobustOptions {
  /** "CR1" (default), "CR2", or "auto" (CR2 below CR2_BELOW_CLUSTERS clusters, else CR1). */
  type?: "CR1" | "CR2" | "auto";
}

/** The rows a fit was computed from (kept by reference, for the cluster-robust vcov). */
export interface FitData {
  /** The predictor columns as given (no intercept column: `intercept` says whether there is one, first). */
  predictors: readonly Float64Array[];
  intercept: boolean;
  successes: Float64Array;
  trials?: Float64Array;
  weights?: Float64Array;
}

/** Internal: what LogisticFitResult is built from (everything computed by the fit). */
export interface FitCore {
  terms: readonly string[];
  estimates: Float64Array;
  vcov: number[][];
  modelVcov: number[][];
  vcovType: VcovType;
  cluster: { name: string; groups: number } | null;
  /** CR2: Satterthwaite df a term; else null. */
  dfs: Float64Array | null;
  confLevel: number;
  logLik: number;
  nullLogLik: number;
  deviance: number;
  nullDeviance: number;
  aic: number;
  bic: number;
  nObs: number;
  nRows: number;
  dfResidual: number;
  converged: boolean;
  iterations: number;
  warnings: readonly string[];
  separation: Separation | null;
  fitted: Float64Array;
  data: FitData;
}
