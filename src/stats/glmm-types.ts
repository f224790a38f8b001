/**
 * The public shapes of the random-intercept logistic model (binomial GLMM): its design,
 * options, tidy rows and results object. Declared apart from the fit so that the fit, the
 * results class and the CLI can share them without importing each other.
 */
import type { TidyTerm } from "./logistic-fit";

export interface RandomInterceptDesign {
  /** Predictor names; the intercept is added as term "intercept" unless `intercept === false`. */
  terms: string[];
  /** One column per term, each of length n. */
  columns: Float64Array[];
  /** 0/1 outcome per row, or the count of successes per row when `trials` is given. */
  successes: Float64Array;
  /** Grouped rows: trials per row. Default 1 a row. */
  trials?: Float64Array;
  /** Frequency weights per row (a row of weight 3 counts as three rows). Default 1 a row. */
  weights?: Float64Array;
  /** The grouping factor, one label a row (e.g. each receipt's query_id): one random intercept a distinct label. */
  groups: ArrayLike<string | number>;
  /**
   * With `groups` an Int32Array of codes: each code's label (codes index it), the label the
   * fit reports for the group. The labels must be distinct (two codes are two groups). Saves
   * a string a row and a Map lookup a run of rows. Default: `groups` are the labels themselves.
   */
  groupNames?: readonly (string | number)[];
  /** Add the term "intercept". Default true. */
  intercept?: boolean;
}

export interface RandomInterceptOptions {
  /** Name of the grouping factor, shown in `random_effects` rows. Default "group". */
  group?: string;
  /**
   * Quadrature points per group: 1 is the Laplace approximation (glmer's default nAGQ = 1),
   * K > 1 adaptive Gauss-Hermite quadrature with K points (glmer's nAGQ = K). Default 1.
   * Ignored (must be 1) with `randomSlope`, as in glmer, which allows nAGQ > 1 only for a
   * single scalar random effect.
   */
  agq?: number;
  /**
   * A term given a per-group random slope, correlated with the random intercept, as glmer's
   * `(1 + term | group)`. Laplace only. Default none.
   */
  randomSlope?: string | null;
  /** Maximum Newton iterations of the outer optimisation. Default 100. */
  maxIterations?: number;
  /** Confidence level of the Wald intervals. Default 0.95. */
  confLevel?: number;
}

/** One random-effect standard deviation (lme4's VarCorr, as rows). */
export interface RandomEffectRow {
  /** The grouping factor, e.g. "query_id". */
  group: string;
  /** "intercept", or the random slope's term. */
  term: string;
  sd: number;
}

/** One row a model: the GLMM's counterpart of broom.mixed's glance. */
export interface RandomInterceptGlance {
  log_lik: number;
  /** -2 log-likelihood, the "deviance" of glmer's summary table. */
  deviance: number;
  aic: number;
  bic: number;
  n_obs: number;
  df_residual: number;
  groups: number;
  method: "Laplace" | "adaptive Gauss-Hermite";
  agq: number;
  converged: boolean;
  iterations: number;
}

export interface RandomInterceptFit {
  readonly terms: readonly string[];
  readonly estimates: Float64Array;
  readonly stdErrors: Float64Array;
  /** Wald z statistics. */
  readonly statistics: Float64Array;
  readonly pValues: Float64Array;
  readonly confLow: Float64Array;
  readonly confHigh: Float64Array;
  readonly confLevel: number;
  /** Covariance of the fixed effects: 2 H^-1 (fixed-effect block), H the Hessian of the deviance over (theta, beta), as glmer. */
  readonly vcov: readonly (readonly number[])[];
  readonly group: { readonly name: string; readonly groups: number };
  readonly randomEffects: readonly RandomEffectRow[];
  /** Correlation of the random intercept and slope, null without a random slope. */
  readonly randomCorrelation: number | null;
  /** lme4's theta: the lower-triangular factor of the random-effect covariance, column-wise (for one intercept: its SD). */
  readonly theta: Float64Array;
  /** Conditional modes of the random effects (lme4's ranef), one label a group, and for a random slope a second column. */
  readonly conditionalModes: { readonly labels: readonly (string | number)[]; readonly intercept: Float64Array; readonly slope: Float64Array | null };
  /** Laplace (1) or quadrature points per group. */
  readonly agq: number;
  readonly logLik: number;
  readonly deviance: number;
  readonly aic: number;
  readonly bic: number;
  /** Individual observations: sum of weights x trials. */
  readonly nObs: number;
  /** Input rows. */
  readonly nRows: number;
  /** (group x covariate pattern) cells the deviance is summed over. */
  readonly nCells: number;
  readonly dfResidual: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly warnings: readonly string[];
  tidy(options?: { confLevel?: number; exponentiate?: boolean }): TidyTerm[];
  glance(): RandomInterceptGlance;
  coefficient(term: string): Omit<TidyTerm, "term" | "flag">;
  toText(): string;
  toString(): string;
  /** In a tslab notebook, the text table; elsewhere on the console. */
  display(): void;
  /** tidy() as a danfo DataFrame. */
  tidyFrame(options?: { confLevel?: number; exponentiate?: boolean }): import("../io/dataframe").DataFrame;
  /** randomEffects as a danfo DataFrame. */
  randomEffectsFrame(): import("../io/dataframe").DataFrame;
}
