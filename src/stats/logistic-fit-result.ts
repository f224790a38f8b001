/**
 * Internal: the frozen results object that fitLogistic returns. Everything is computed at
 * construction; the methods only format or re-derive (tidy at another confidence level,
 * cluster-robust vcov). The typed arrays cannot be frozen by JavaScript: treat them as read-only.
 */
import { fingerprintRows } from "./row-fingerprint";
import type { DataFrame } from "../io/dataframe";
import { clusterCodes, type ClusterLabels } from "./cluster-codes";
import { clusterRobustVcov, CR2_BELOW_CLUSTERS } from "./cluster-robust-vcov";
import { attachCr2Parts, type Cr2Parts } from "./cr2-parts";
import { cr2Vcov } from "./cr2-vcov";
import { criticalValue } from "./distributions";
import { formatFitHTML, formatFitMarkdown, formatFitText } from "./format-fit";
import type {
  ClusterRobustOptions, CoefficientSummary, FitCore, GlanceRow, LogisticFit, Separation, TidyOptions, TidyTerm, VcovType,
} from "./logistic-fit-types";
import { satterthwaiteDf, tCriticalValue } from "./satterthwaite";
import { StatsError } from "./stats-error";
import { waldColumns } from "./wald-columns";

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
  readonly vcovType: VcovType;
  readonly stdErrorType: string;
  readonly cluster: { name: string; groups: number } | null;
  readonly dfs: Float64Array | null;
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
  readonly #core: FitCore;
  #fingerprint: string | null = null;

  constructor(core: FitCore, cr2: Cr2Parts | null = null) {
    this.#core = core;
    if (cr2 !== null) attachCr2Parts(this, cr2);
    this.terms = Object.freeze([...core.terms]);
    this.estimates = core.estimates;
    this.vcov = Object.freeze(core.vcov.map((r) => Object.freeze([...r])));
    const wald = waldColumns(core.estimates, core.vcov, core.confLevel, core.dfs, "fitLogistic");
    this.stdErrors = wald.stdErrors;
    this.statistics = wald.statistics;
    this.pValues = wald.pValues;
    this.confLow = wald.confLow;
    this.confHigh = wald.confHigh;
    this.dfs = core.dfs === null ? null : Float64Array.from(core.dfs);
    this.stdErrorType = describeStdErrors(core.vcovType, core.cluster);
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
    Object.freeze(this);
  }

  /** A cheap hash of the response, trials and weights (row-fingerprint.ts), made when first read. */
  get rowFingerprint(): string {
    const { successes, trials, weights } = this.#core.data;
    return (this.#fingerprint ??= fingerprintRows(successes, trials, weights));
  }

  tidy(options: TidyOptions = {}): TidyTerm[] {
    const exponentiate = options.exponentiate ?? false;
    const level = options.confLevel ?? this.confLevel;
    const z = criticalValue(level, "tidy");
    const flagged = this.separation !== null || !this.converged;
    return this.terms.map((term, j) => {
      const est = this.estimates[j];
      const se = this.stdErrors[j];
      const crit = this.dfs === null ? z : tCriticalValue(level, this.dfs[j]);
      let low = est - crit * se;
      let high = est + crit * se;
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
      if (this.dfs !== null) row.df = this.dfs[j];
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

  withClusterRobust(cluster: ClusterLabels, name = "cluster", options: ClusterRobustOptions = {}): LogisticFit {
    const core = this.#core;
    const requested = options.type ?? "CR1";
    if (requested !== "CR1" && requested !== "CR2" && requested !== "auto") {
      throw new StatsError(`withClusterRobust requires type "CR1", "CR2" or "auto", got ${JSON.stringify(requested)}`);
    }
    const codes = clusterCodes(cluster, core.fitted.length, "withClusterRobust");
    const type = requested === "auto" ? (codes.groups < CR2_BELOW_CLUSTERS ? "CR2" : "CR1") : requested;
    const warnings = core.warnings.filter((w) => !w.startsWith("withClusterRobust"));
    if (type === "CR1") {
      const { vcov, groups } = clusterRobustVcov(core.modelVcov, core.estimates, core.fitted, core.data, core.nObs, codes);
      if (groups < 20) {
        warnings.push(`withClusterRobust: only ${groups} clusters of '${name}'; CR1 standard errors are biased downwards with fewer than about 20 to 50 clusters (use type "CR2" or "auto")`);
      }
      return new LogisticFitResult({ ...core, vcov, vcovType: "CR1", cluster: { name, groups }, dfs: null, warnings });
    }
    const { vcov, groups, parts } = cr2Vcov(core.modelVcov, core.fitted, core.data, codes);
    const dfs = new Float64Array(core.terms.length);
    const unit = new Float64Array(core.terms.length);
    for (let j = 0; j < dfs.length; j++) {
      unit.fill(0);
      unit[j] = 1;
      dfs[j] = satterthwaiteDf(parts, unit);
    }
    if (groups < 10) {
      warnings.push(`withClusterRobust: only ${groups} clusters of '${name}'; CR2 with Satterthwaite degrees of freedom is the best available correction, but tests with fewer than about 10 clusters have little power and rest on the working model`);
    }
    return new LogisticFitResult({ ...core, vcov, vcovType: "CR2", cluster: { name, groups }, dfs, warnings }, parts);
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

/** The fit's standard errors in words (LogisticFit.stdErrorType). */
export function describeStdErrors(type: VcovType, cluster: { name: string; groups: number } | null): string {
  if (type === "model" || cluster === null) return "model-based";
  const by = `by ${cluster.name} (${cluster.groups} clusters)`;
  return type === "CR2" ? `CR2 + Satterthwaite ${by}` : `CR1 ${by}`;
}

/** danfo is heavy to load: only a caller that asks for a DataFrame pays for it. */
function loadDataFrame(): typeof import("../io/dataframe") {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require("../io/dataframe") as typeof import("../io/dataframe");
}
