import { fitHypothesis, resolveCluster, type CountScale, type Hypothesis } from "../analysis/hypothesis-fit";
import { splitTable } from "../analysis/split";
import { loadReceipts } from "../io/load";
import { FIELD_BY_NAME, type ReceiptFieldName } from "../receipt/fields";
import { parseFieldList } from "./summarize-command";
import { renderRows } from "./render-table";

export interface FitCommandOptions {
  readonly hypothesis: Hypothesis | "all";
  readonly counts?: CountScale;
  readonly by?: string;
  readonly cluster?: string;
  readonly format?: "table" | "json";
}

/** `receipts fit FILE...`: the total, harmful and joint models, per group, as tidy terms and a glance. */
export async function fitCommand(files: string[], options: FitCommandOptions, out = process.stdout): Promise<number> {
  const hypotheses: Hypothesis[] = options.hypothesis === "all" ? ["total", "harmful", "joint"] : [options.hypothesis];
  for (const h of hypotheses) if (!["total", "harmful", "joint", "encompassing"].includes(h)) throw new Error(`unknown hypothesis ${JSON.stringify(h)}; expected total, harmful, joint or all`);
  const counts = options.counts ?? "log1p";
  if (counts !== "log1p" && counts !== "raw") throw new Error(`unknown count scale ${JSON.stringify(counts)}; expected log1p or raw`);
  if (options.cluster !== undefined && options.cluster !== "none" && !FIELD_BY_NAME.has(options.cluster)) throw new Error(`unknown cluster field ${JSON.stringify(options.cluster)}; expected a receipt field such as query_id, or none`);
  const by = parseFieldList(options.by, []);
  const table = await loadReceipts(files, { strict: true });
  // Default: cluster-robust by query_id when the receipts have one; --cluster none opts out.
  const cluster = resolveCluster(table, options.cluster === undefined ? undefined : options.cluster === "none" ? null : (options.cluster as ReceiptFieldName));
  const fits = splitTable(table, by).flatMap((part) => hypotheses.map((hypothesis) => {
    const fit = fitHypothesis(part.table, hypothesis, { counts, cluster });
    const g = fit.glance();
    return {
      group: part.group, hypothesis, counts, cluster, std_error_type: fit.stdErrorType,
      // df: CR2 fits only (Satterthwaite; p_value and the interval use t(df)).
      terms: fit.tidy().map((t) => ({ term: t.term, estimate: t.estimate, std_error: t.std_error, statistic: t.statistic, p_value: t.p_value, conf_low: t.conf_low, conf_high: t.conf_high, ...(t.df === undefined ? {} : { df: t.df }) })),
      glance: { log_lik: g.log_lik, deviance: g.deviance, null_deviance: g.null_deviance, aic: g.aic, bic: g.bic, n_obs: g.n_obs, df_residual: g.df_residual, converged: g.converged, iterations: g.iterations },
      warnings: fit.warnings,
    };
  }));
  if (options.format === "json") {
    out.write(JSON.stringify({ fits }, null, 2) + "\n");
    return 0;
  }
  for (const f of fits) {
    const group = Object.entries(f.group).map(([k, v]) => `${k}=${v}`).join(", ");
    out.write(`\n${f.hypothesis} model (${counts} counts, ${f.std_error_type} standard errors)${group ? ` for ${group}` : ""}\n`);
    out.write(renderRows(f.terms, "table"));
    out.write(`AIC ${f.glance.aic.toFixed(2)}, deviance ${f.glance.deviance.toFixed(2)} on ${f.glance.df_residual} df, n = ${f.glance.n_obs}, ${f.glance.converged ? "converged" : "NOT converged"} in ${f.glance.iterations} iterations\n`);
    for (const w of f.warnings) out.write(`warning: ${w}\n`);
  }
  return 0;
}
