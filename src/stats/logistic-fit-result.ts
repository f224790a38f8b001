/**
 * Internal: the frozen results object that fitLogistic returns. Everything is computed at
 * construction; the methods only format or re-derive (tidy at another confidence level,
 * cluster-robust vcov). The typed arrays cannot be frozen by JavaScript: treat them as read-only.
 */
import type { DataFrame } from "../io/dataframe";
import { clusterRobustVcov } from "./cluster-robust-vcov";
import { criticalValue, normalTwoSidedP } from "./distributions";
import { formatFitHTML, formatFitMarkdown, formatFitText } from "./format-fit";
import type {
  CoefficientSummary, FitCore, GlanceRow, LogisticFit, Separation, TidyOptions, TidyTerm,
} from "./logistic-fit-types";
import { StatsError } from "./stats-error";

export const TIDY_COLUMNS = ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"] as const;
export const GLANCE_COLUMNS = [
  "log_lik", "null_log_lik", "deviance", "null_deviance", "aic", "bic", "n_obs", "df_residual",
  "converged", "iterations", "vcov_type",
] as const;

export class LogisticFitResult implements LogisticFit {
  readonly terms: readonly string[];
  readonly estimates: Float64Array;
  readonly stdErrors: Float64Array;
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
  readonly nObs: number;
  readonly nRows: number;
  readonly dfResidual: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly warnings: readonly string[];
  readonly separation: Separation | null;
  readonly fitted: Float64Array;
  readonly rowFingerprint: string;
  readonly #core: FitCore;

  constructor(core: FitCore) {
    this.#core = core;
    const k = core.terms.length;
    this.terms = Object.freeze([...core.terms]);
    this.estimates = core.estimates;
    this.vcov = Object.freeze(core.vcov.map((r) => Object.freeze([...r])));
    this.stdErrors = new Float64Array(k);
    this.statistics = new Float64Array(k);
    this.pValues = new Float64Array(k);
    this.confLow = new Float64Array(k);
    this.confHigh = new Float64Array(k);
    const z = criticalValue(core.confLevel, "fitLogistic");
    for (let j = 0; j < k; j++) {
      const v = core.vcov[j][j];
      const se = v >= 0 ? Math.sqrt(v) : NaN;
      this.stdErrors[j] = se;
      this.statistics[j] = core.estimates[j] / se;
      this.pValues[j] = normalTwoSidedP(this.statistics[j]);
      this.confLow[j] = core.estimates[j] - z * se;
      this.confHigh[j] = core.estimates[j] + z * se;
    }
    this.confLevel = core.confLevel;
    this.vcovType = core.vcovType;
    this.cluster = core.cluster === null ? null : Object.freeze({ ...core.cluster });
    this.logLik = core.logLik;
    this.nullLogLik = core.nullLogLik;
    this.deviance = core.deviance;
    this.nullDeviance = core.nullDeviance;
    this.aic = core.aic;
    this.bic = core.bic;
    this.nObs = core.nObs;
    this.nRows = core.nRows;
    this.dfResidual = core.dfResidual;
    this.converged = core.converged;
    this.iterations = core.iterations;
    this.warnings = Object.freeze([...core.warnings]);
    this.separation = core.separation === null
      ? null
      : Object.freeze({ ...core.separation, terms: Object.freeze([...core.separation.terms]) as string[] });
    this.fitted = core.fitted;
    this.rowFingerprint = core.rowFingerprint;
    Object.freeze(this);
  }

  tidy(options: TidyOptions = {}): TidyTerm[] {
    const exponentiate = options.exponentiate ?? false;
    const level = options.confLevel ?? this.confLevel;
    const z = criticalValue(level, "tidy");
    const flagged = this.separation !== null || !this.converged;
    return this.terms.map((term, j) => {
      const est = this.estimates[j];
      const se = this.stdErrors[j];
      let low = est - z * se;
      let high = est + z * se;
      let estimate = est;
      if (exponentiate) {
        estimate = Math.exp(est);
        low = Math.exp(low);
        high = Math.exp(high);
      }
      const row: TidyTerm = {
        term, estimate, std_error: se, statistic: this.statistics[j], p_value: this.pValues[j], conf_low: low, conf_high: high,
      };
      if (flagged) row.flag = this.flagFor(term);
      return row;
    });
  }

  private flagFor(term: string): string | null {
    if (this.separation !== null) return this.separation.terms.includes(term) ? "separation" : null;
    return this.converged ? null : "not converged";
  }

  glance(): GlanceRow {
    return {
      log_lik: this.logLik,
      null_log_lik: this.nullLogLik,
      deviance: this.deviance,
      null_deviance: this.nullDeviance,
      aic: this.aic,
      bic: this.bic,
      n_obs: this.nObs,
      df_residual: this.dfResidual,
      converged: this.converged,
      iterations: this.iterations,
      vcov_type: this.vcovType,
    };
  }

  augment(): { fitted: Float64Array } {
    return { fitted: this.fitted.slice() };
  }

  coefficient(term: string): CoefficientSummary {
    const j = this.terms.indexOf(term);
    if (j < 0) {
      throw new StatsError(`coefficient: no term '${term}' in this fit (terms: ${this.terms.map((t) => `'${t}'`).join(", ")})`);
    }
    return {
      estimate: this.estimates[j],
      std_error: this.stdErrors[j],
      statistic: this.statistics[j],
      p_value: this.pValues[j],
      conf_low: this.confLow[j],
      conf_high: this.confHigh[j],
    };
  }

  withClusterRobust(cluster: ArrayLike<string | number>, name = "cluster"): LogisticFit {
    const core = this.#core;
    const { vcov, groups } = clusterRobustVcov(core.modelVcov, core.estimates, core.fitted, core.data, core.nObs, cluster);
    const warnings = core.warnings.filter((w) => !w.startsWith("withClusterRobust"));
    if (groups < 20) {
      warnings.push(`withClusterRobust: only ${groups} clusters of '${name}'; CR1 standard errors are biased downwards with fewer than about 20 to 50 clusters`);
    }
    return new LogisticFitResult({ ...core, vcov, vcovType: "CR1", cluster: { name, groups }, warnings });
  }

  toText(): string {
    return formatFitText(this);
  }

  toMarkdown(): string {
    return formatFitMarkdown(this);
  }

  toHTML(): string {
    return formatFitHTML(this);
  }

  toString(): string {
    return this.toText();
  }

  /** In a tslab notebook, an HTML table; elsewhere the text table on the console. */
  display(): void {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const tslab = require("tslab") as { display: { html(s: string): void } };
      tslab.display.html(this.toHTML());
    } catch {
      console.log(this.toText());
    }
  }

  tidyFrame(options: TidyOptions = {}): DataFrame {
    const rows = this.tidy(options);
    const columns: string[] = [...TIDY_COLUMNS];
    if (rows.some((r) => r.flag !== undefined)) columns.push("flag");
    return loadDataFrame().rowsToDataFrame(rows, columns);
  }

  glanceFrame(): DataFrame {
    return loadDataFrame().rowsToDataFrame([this.glance()], GLANCE_COLUMNS);
  }
}

/** danfo is heavy to load: only a caller that asks for a DataFrame pays for it. */
function loadDataFrame(): typeof import("../io/dataframe") {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require("../io/dataframe") as typeof import("../io/dataframe");
}
