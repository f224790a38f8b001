/**
 * Internal: the frozen results object of fitRandomInterceptLogistic. Everything is computed
 * at construction; the methods only format or re-derive (tidy at another confidence level).
 * The typed arrays cannot be frozen by JavaScript: treat them as read-only.
 */
import type { DataFrame } from "../io/dataframe";
import { criticalValue } from "./distributions";
import { num, pValue } from "./format-fit";
import type { RandomEffectRow, RandomInterceptFit, RandomInterceptGlance } from "./glmm-types";
import type { TidyTerm } from "./logistic-fit";
import { StatsError } from "./stats-error";
import { waldColumns } from "./wald-columns";

export interface RandomInterceptCore {
  terms: readonly string[];
  estimates: Float64Array;
  vcov: number[][];
  confLevel: number;
  group: { name: string; groups: number };
  randomEffects: RandomEffectRow[];
  randomCorrelation: number | null;
  theta: Float64Array;
  conditionalModes: { labels: readonly (string | number)[]; intercept: Float64Array; slope: Float64Array | null };
  agq: number;
  logLik: number;
  deviance: number;
  aic: number;
  bic: number;
  nObs: number;
  nRows: number;
  nCells: number;
  dfResidual: number;
  converged: boolean;
  iterations: number;
  warnings: readonly string[];
}

export class RandomInterceptFitResult implements RandomInterceptFit {
  readonly terms: readonly string[];
  readonly estimates: Float64Array;
  readonly stdErrors: Float64Array;
  readonly statistics: Float64Array;
  readonly pValues: Float64Array;
  readonly confLow: Float64Array;
  readonly confHigh: Float64Array;
  readonly confLevel: number;
  readonly vcov: readonly (readonly number[])[];
  readonly group: { readonly name: string; readonly groups: number };
  readonly randomEffects: readonly RandomEffectRow[];
  readonly randomCorrelation: number | null;
  readonly theta: Float64Array;
  readonly conditionalModes: { readonly labels: readonly (string | number)[]; readonly intercept: Float64Array; readonly slope: Float64Array | null };
  readonly agq: number;
  readonly logLik: number;
  readonly deviance: number;
  readonly aic: number;
  readonly bic: number;
  readonly nObs: number;
  readonly nRows: number;
  readonly nCells: number;
  readonly dfResidual: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly warnings: readonly string[];

  constructor(core: RandomInterceptCore) {
    this.terms = Object.freeze([...core.terms]);
    this.estimates = core.estimates;
    this.vcov = Object.freeze(core.vcov.map((r) => Object.freeze([...r])));
    const wald = waldColumns(core.estimates, core.vcov, core.confLevel, null, "fitRandomInterceptLogistic");
    this.stdErrors = wald.stdErrors;
    this.statistics = wald.statistics;
    this.pValues = wald.pValues;
    this.confLow = wald.confLow;
    this.confHigh = wald.confHigh;
    this.confLevel = core.confLevel;
    this.group = Object.freeze({ ...core.group });
    this.randomEffects = Object.freeze(core.randomEffects.map((r) => Object.freeze({ ...r })));
    this.randomCorrelation = core.randomCorrelation;
    this.theta = core.theta;
    this.conditionalModes = Object.freeze({
      labels: Object.freeze([...core.conditionalModes.labels]), intercept: core.conditionalModes.intercept, slope: core.conditionalModes.slope,
    });
    this.agq = core.agq;
    this.logLik = core.logLik;
    this.deviance = core.deviance;
    this.aic = core.aic;
    this.bic = core.bic;
    this.nObs = core.nObs;
    this.nRows = core.nRows;
    this.nCells = core.nCells;
    this.dfResidual = core.dfResidual;
    this.converged = core.converged;
    this.iterations = core.iterations;
    this.warnings = Object.freeze([...core.warnings]);
    Object.freeze(this);
  }

  tidy(options: { confLevel?: number; exponentiate?: boolean } = {}): TidyTerm[] {
    const z = criticalValue(options.confLevel ?? this.confLevel, "tidy");
    const exp = options.exponentiate ?? false;
    return this.terms.map((term, j) => {
      const est = this.estimates[j];
      const se = this.stdErrors[j];
      const low = est - z * se;
      const high = est + z * se;
      const row: TidyTerm = {
        term, estimate: exp ? Math.exp(est) : est, std_error: se, statistic: this.statistics[j], p_value: this.pValues[j],
        conf_low: exp ? Math.exp(low) : low, conf_high: exp ? Math.exp(high) : high,
      };
      if (!this.converged) row.flag = "not converged";
      return row;
    });
  }

  glance(): RandomInterceptGlance {
    return {
      log_lik: this.logLik, deviance: this.deviance, aic: this.aic, bic: this.bic, n_obs: this.nObs,
      df_residual: this.dfResidual, groups: this.group.groups,
      method: this.agq === 1 ? "Laplace" : "adaptive Gauss-Hermite", agq: this.agq,
      converged: this.converged, iterations: this.iterations,
    };
  }

  coefficient(term: string): Omit<TidyTerm, "term" | "flag"> {
    const j = this.terms.indexOf(term);
    if (j < 0) throw new StatsError(`coefficient: no term '${term}' in this fit (terms: ${this.terms.map((t) => `'${t}'`).join(", ")})`);
    return {
      estimate: this.estimates[j], std_error: this.stdErrors[j], statistic: this.statistics[j], p_value: this.pValues[j],
      conf_low: this.confLow[j], conf_high: this.confHigh[j],
    };
  }

  toText(): string {
    const method = this.agq === 1 ? "Laplace approximation" : `adaptive Gauss-Hermite quadrature, ${this.agq} points`;
    const header = ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"];
    const rows = this.tidy().map((r) => [r.term, num(r.estimate), num(r.std_error), num(r.statistic), pValue(r.p_value), num(r.conf_low), num(r.conf_high)]);
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (cells: string[]) => cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join("  ");
    const re = this.randomEffects.map((r) => `${r.group} ${r.term} SD ${num(r.sd)}`).join(", ");
    const cor = this.randomCorrelation === null ? "" : ` (correlation ${num(this.randomCorrelation)})`;
    return [
      `Random-effects logistic regression (binomial GLMM, ${method}): ${this.nObs} observations, ${this.group.groups} groups of '${this.group.name}'`,
      "Fixed effects (conditional on the group's random effect):",
      line(header), ...rows.map(line),
      `Random effects: ${re}${cor}`,
      `log-likelihood ${num(this.logLik)}, AIC ${num(this.aic)}, BIC ${num(this.bic)}; ${this.converged ? "converged" : "NOT converged"} in ${this.iterations} iterations`,
      ...this.warnings.map((w) => `warning: ${w}`),
    ].join("\n");
  }

  toString(): string {
    return this.toText();
  }

  /** In a tslab notebook, the text in a <pre> block; elsewhere on the console. */
  display(): void {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const tslab = require("tslab") as { display: { html(s: string): void } };
      tslab.display.html(`<pre>${this.toText().replace(/&/g, "&amp;").replace(/</g, "&lt;")}</pre>`);
    } catch {
      console.log(this.toText());
    }
  }

  tidyFrame(options: { confLevel?: number; exponentiate?: boolean } = {}): DataFrame {
    return loadDataFrame().rowsToDataFrame(this.tidy(options), ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]);
  }

  randomEffectsFrame(): DataFrame {
    return loadDataFrame().rowsToDataFrame([...this.randomEffects], ["group", "term", "sd"]);
  }
}

/** danfo is heavy to load: only a caller that asks for a DataFrame pays for it. */
function loadDataFrame(): typeof import("../io/dataframe") {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require("../io/dataframe") as typeof import("../io/dataframe");
}

