// Only what every path needs is imported here; each path imports its own modules when it runs
// (the DuckDB path never loads the receipt table, Arrow or the GLMM, the in-memory path never
// loads DuckDB), since module loading is a visible part of a fit's wall time.
import type { CountScale, Hypothesis } from "../analysis/hypothesis-fit";
import type { LogisticFit } from "../stats";
import { stepProgress } from "../display/progress";
import { FIELD_BY_NAME, type ReceiptFieldName } from "../receipt/fields";
import { parseFieldList } from "./field-list";

export interface FitCommandOptions {
  readonly hypothesis: Hypothesis | "all";
  readonly counts?: CountScale;
  readonly by?: string;
  /** Cluster field for robust errors; default query_id when the receipts have one; "none": model-based. */
  readonly cluster?: string;
  readonly format?: "table" | "json";
  /** Fit a random intercept per value of this field (a binomial GLMM, as lme4::glmer) instead of the GLM. */
  readonly randomIntercept?: string;
  /** With randomIntercept: quadrature points, 1 = Laplace (default). */
  readonly agq?: string | number;
  /** With randomIntercept: a correlated random slope of this count term (Laplace). */
  readonly randomSlope?: string;
  /** "memory" (default) or "duckdb": DuckDB computes the fit's sufficient statistics from the files (docs/engine.md). */
  readonly engine?: string;
}

/** `receipts fit FILE...`: the total, harmful and joint models, per group, as tidy terms and a glance. */
export async function fitCommand(files: string[], options: FitCommandOptions, out = process.stdout): Promise<number> {
  const hypotheses: Hypothesis[] = options.hypothesis === "all" ? ["total", "harmful", "joint"] : [options.hypothesis];
  for (const h of hypotheses) if (!["total", "harmful", "joint", "encompassing"].includes(h)) throw new Error(`unknown hypothesis ${JSON.stringify(h)}; expected total, harmful, joint or all`);
  const counts = options.counts ?? "log1p";
  if (counts !== "log1p" && counts !== "raw") throw new Error(`unknown count scale ${JSON.stringify(counts)}; expected log1p or raw`);
  if (options.cluster !== undefined && options.cluster !== "none" && !FIELD_BY_NAME.has(options.cluster)) throw new Error(`unknown cluster field ${JSON.stringify(options.cluster)}; expected a receipt field such as query_id, or none`);
  const by = parseFieldList(options.by, []);
  const glmm = randomEffectsOptions(options);
  const progress = stepProgress("receipts fit", "loading receipts");
  const askedCluster = options.cluster === undefined ? undefined : options.cluster === "none" ? null : (options.cluster as ReceiptFieldName);
  if (options.engine !== undefined && options.engine !== "memory") {
    const engine = await import("../engine/duckdb");
    engine.parseEngine(options.engine);
    if (glmm !== null) throw new Error("--engine duckdb fits the GLM from grouped counts; a random-intercept model needs the receipts (drop --engine)");
    // the fit's modules load while DuckDB scans the files (module loading is synchronous);
    // an unasked cluster (query_id when present) is decided from the same scan
    let fitCountModel: typeof import("../analysis/hypothesis-fit").fitCountModel | undefined;
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const loadFit = () => { fitCountModel ??= (require("../analysis/hypothesis-fit") as typeof import("../analysis/hypothesis-fit")).fitCountModel; };
    const counted = await engine.countDataByGroup(files, by, askedCluster, { whileQuerying: loadFit });
    loadFit();
    const fit = fitCountModel!;
    const engineCluster = counted[0]?.data.clusterName ?? null;
    progress.phase("fitting from DuckDB's grouped counts");
    return writeFits(counted.flatMap((part) => hypotheses.map((hypothesis) => glmRow(part.group, fit(part.data, hypothesis, { counts, cluster: engineCluster as ReceiptFieldName | null }), hypothesis, counts, engineCluster))), counts, options, out, progress);
  }
  const [{ loadReceipts }, { fitColumns }, { splitTable }, { fitHypothesis, resolveCluster }] = await Promise.all([
    import("../io/load"), import("../analysis/needed-columns"), import("../analysis/split"), import("../analysis/hypothesis-fit"),
  ]);
  const fitConditionalHypothesis = glmm === null ? null : (await import("../analysis/conditional-benign-effect")).fitConditionalHypothesis;
  const table = await loadReceipts(files, { strict: true, columns: [...fitColumns(by, askedCluster ?? null), "query_id", ...(glmm === null ? [] : [glmm.group])] });
  progress.phase(`fitting ${table.numRows.toLocaleString("en-US")} receipts`);
  // Default: cluster-robust by query_id when the receipts have one; --cluster none opts out.
  const cluster = resolveCluster(table, askedCluster);
  const fits = splitTable(table, by).flatMap((part) => hypotheses.map((hypothesis) => {
    if (glmm !== null && fitConditionalHypothesis !== null) {
      const fit = fitConditionalHypothesis(part.table, hypothesis, { counts, ...glmm });
      return {
        group: part.group, hypothesis, counts, cluster: null, std_error_type: "model-based (GLMM)",
        terms: fit.tidy().map((t) => ({ term: t.term, estimate: t.estimate, std_error: t.std_error, statistic: t.statistic, p_value: t.p_value, conf_low: t.conf_low, conf_high: t.conf_high })),
        random_effects: fit.randomEffects.map((r) => ({ group: r.group, term: r.term, sd: r.sd })),
        glance: fit.glance(),
        warnings: fit.warnings,
      };
    }
    return glmRow(part.group, fitHypothesis(part.table, hypothesis, { counts, cluster }), hypothesis, counts, cluster);
  }));
  return writeFits(fits, counts, options, out, progress);
}

/** One GLM fit as the command prints it. */
function glmRow(group: Record<string, unknown>, fit: LogisticFit, hypothesis: Hypothesis, counts: CountScale, cluster: string | null) {
  const g = fit.glance();
  return {
    group, hypothesis, counts, cluster, std_error_type: fit.stdErrorType,
    // df: CR2 fits only (Satterthwaite; p_value and the interval use t(df)).
    terms: fit.tidy().map((t) => ({ term: t.term, estimate: t.estimate, std_error: t.std_error, statistic: t.statistic, p_value: t.p_value, conf_low: t.conf_low, conf_high: t.conf_high, ...(t.df === undefined ? {} : { df: t.df }) })),
    glance: { log_lik: g.log_lik, deviance: g.deviance, null_deviance: g.null_deviance, aic: g.aic, bic: g.bic, n_obs: g.n_obs, df_residual: g.df_residual, converged: g.converged, iterations: g.iterations },
    warnings: fit.warnings,
    random_effects: undefined as { group: string; term: string; sd: number }[] | undefined,
  };
}

type FitRow = ReturnType<typeof glmRow> | { group: Record<string, unknown>; hypothesis: Hypothesis; counts: CountScale; cluster: null; std_error_type: string; terms: object[]; random_effects: { group: string; term: string; sd: number }[]; glance: { log_lik: number; aic: number; deviance: number; df_residual: number; n_obs: number; converged: boolean; iterations: number }; warnings: readonly string[] };

async function writeFits(fits: FitRow[], counts: CountScale, options: FitCommandOptions, out: NodeJS.WritableStream, progress: { done(): void }): Promise<number> {
  progress.done();
  if (options.format === "json") {
    out.write(JSON.stringify({ fits }, null, 2) + "\n");
    return 0;
  }
  const { renderRows } = await import("./render-table");
  for (const f of fits) {
    const group = Object.entries(f.group).map(([k, v]) => `${k}=${v}`).join(", ");
    out.write(`\n${f.hypothesis} model (${counts} counts, ${f.std_error_type} standard errors)${group ? ` for ${group}` : ""}\n`);
    out.write(renderRows(f.terms, "table"));
    if (f.random_effects !== undefined) out.write(`random effects: ${f.random_effects.map((r) => `${r.group} ${r.term} SD ${r.sd.toFixed(4)}`).join(", ")} (${"method" in f.glance ? f.glance.method : ""}, log-likelihood ${f.glance.log_lik.toFixed(2)})\n`);
    out.write(`AIC ${f.glance.aic.toFixed(2)}, deviance ${f.glance.deviance.toFixed(2)} on ${f.glance.df_residual} df, n = ${f.glance.n_obs}, ${f.glance.converged ? "converged" : "NOT converged"} in ${f.glance.iterations} iterations\n`);
    for (const w of f.warnings) out.write(`warning: ${w}\n`);
  }
  return 0;
}

/** --random-intercept FIELD [--agq K] [--random-slope TERM], checked before any data is read. */
function randomEffectsOptions(options: FitCommandOptions): { group: ReceiptFieldName; agq: number; randomSlope: "benign" | "harmful" | "total" | null } | null {
  if (options.randomIntercept === undefined) {
    if (options.agq !== undefined || options.randomSlope !== undefined) throw new Error("--agq and --random-slope need --random-intercept FIELD (e.g. --random-intercept query_id)");
    return null;
  }
  if (!FIELD_BY_NAME.has(options.randomIntercept)) throw new Error(`unknown random-intercept field ${JSON.stringify(options.randomIntercept)}; expected a receipt field such as query_id`);
  if (options.cluster !== undefined && options.cluster !== "none") throw new Error("--cluster and --random-intercept cannot be combined: the random intercept already models the clustering");
  const agq = options.agq === undefined ? 1 : Number(options.agq);
  if (!(Number.isInteger(agq) && agq >= 1 && agq <= 25)) throw new Error(`--agq must be an integer from 1 (Laplace) to 25, got ${JSON.stringify(options.agq)}`);
  const slope = options.randomSlope ?? null;
  if (slope !== null && slope !== "benign" && slope !== "harmful" && slope !== "total") throw new Error(`--random-slope must be benign, harmful or total, got ${JSON.stringify(slope)}`);
  if (slope !== null && agq !== 1) throw new Error("--random-slope is fitted by the Laplace approximation only: drop --agq or use --agq 1");
  return { group: options.randomIntercept as ReceiptFieldName, agq, randomSlope: slope };
}
