/** The result receipt as Markdown a person can read, and as JSON (numbers kept in full). */
import { formatValue as fmt } from "../display/format-value";
import type { ResultReceipt } from "./analyze";

const pct = (v: number | null | undefined) => (v === null || v === undefined ? "" : (100 * v).toFixed(1) + "%");

/** A Markdown table of chosen columns. */
export function markdownTable(rows: readonly object[], columns: readonly string[], headers?: readonly string[], cell: (c: string, v: unknown) => string = (_c, v) => fmt(v)): string {
  if (rows.length === 0) return "_(no rows)_\n";
  const head = `| ${(headers ?? columns).join(" | ")} |\n| ${columns.map(() => "---").join(" | ")} |\n`;
  return head + rows.map((r) => `| ${columns.map((c) => cell(c, (r as Record<string, unknown>)[c])).join(" | ")} |`).join("\n") + "\n";
}

const rateCell = (c: string, v: unknown) => (["rate", "conf_low", "conf_high", "baseline_rate", "difference", "diff_low", "diff_high", "suffix_minus_prefix", "adoption_refusal", "adoption_compliance"].includes(c) && typeof v === "number" ? pct(v) : fmt(v));

export function resultReceiptToMarkdown(r: ResultReceipt): string {
  const p = r.provenance;
  const out: string[] = [];
  out.push(`# Result receipt\n`);
  out.push(`Made by safety-receipts ${p.kit_version} (receipt schema v${p.schema_version}) at ${p.created_at}. Alpha ${r.options.alpha}; counts on log(n + 1); benign-effect standard errors ${r.options.cluster ? `cluster-robust (CR1) by ${r.options.cluster}` : "model-based"}.\n`);
  out.push(`## Inputs\n`);
  out.push(`${p.receipts} receipts (${p.parse_errors} judge parse errors, left out of every rate and counted; ${p.load_issues} records rejected on load).\n`);
  out.push(markdownTable(p.files, ["path", "format", "sha256", "rows_read", "rows_kept", "issues"]));
  out.push(`\n- Models: ${p.models.join(", ")}\n- Judges: ${p.judges.join(", ")}\n- Query sources: ${p.query_sources.join(", ")}\n- Harmful demonstration sources: ${p.harmful_demo_sources.join(", ") || "(not recorded)"}\n- Benign demonstration sources: ${p.benign_demo_sources.join(", ") || "(not recorded)"}\n- Runs: ${p.run_ids.join(", ")}\n`);
  out.push(`## Verdicts\n`);
  out.push(markdownTable(r.verdicts.benign_effect, ["model", "verdict", "estimate", "conf_low", "conf_high", "p_value"], ["model", "benign effect", "b2", "95% low", "95% high", "p"]));
  out.push("\n" + markdownTable(r.verdicts.total_count, ["model", "verdict", "n_values_significant", "n_values_tested"], ["model", "total-count hypothesis", "N significant", "N tested"]));
  if (r.verdicts.training_stage.length) out.push("\n" + markdownTable(r.verdicts.training_stage, ["family", "stage", "model", "verdict", "estimate", "p_value"]));
  if (r.verdicts.format_coupling.length) out.push("\n" + markdownTable(r.verdicts.format_coupling, ["model", "format_cue", "verdict", "odds_ratio"]));
  if (r.baseline) {
    out.push(`\n## Zero-demonstration baseline\n`);
    out.push(markdownTable(r.baseline, ["model", "n", "complied", "parse_errors", "rate", "conf_low", "conf_high"], undefined, rateCell));
  }
  if (r.totalCount) {
    out.push(`\n## Total-count hypothesis\n\nAt each total N, a chi-square test of homogeneity across harmful fractions (Bonferroni over the N tested); beside it, the likelihood-ratio test of the total model against the encompassing model.\n`);
    out.push(markdownTable(r.totalCount.perN, ["model", "n_total", "fractions", "statistic", "df", "p_value", "p_adjusted", "significant"]));
    out.push("\n" + markdownTable(r.totalCount.summary, ["model", "n_values_significant", "n_values_tested", "lrt_statistic", "lrt_df", "lrt_p_value", "verdict"]));
  }
  if (r.benignEffect) {
    out.push(`\n## Harmful-count versus joint: the benign coefficient\n\nlogit P(comply) = b0 + b1 log(n_harmful + 1) + b2 log(n_benign + 1); Wald test of b2 = 0.\n`);
    out.push(markdownTable(r.benignEffect, ["label", "estimate", "std_error", "conf_low", "conf_high", "p_value", "verdict", "aic_total", "aic_harmful", "aic_joint", "best_aic", "n_obs", "parse_errors"]));
  }
  if (r.benignSweep) {
    out.push(`\n## Benign sweep at fixed harmful count\n`);
    out.push(markdownTable(r.benignSweep.slopes, ["model", "n_harmful", "benign_values", "estimate", "conf_low", "conf_high", "p_value", "verdict"]));
  }
  for (const s of r.trainingStage) {
    out.push(`\n## Training stage: ${s.family}\n\nHarmful counts pooled: ${s.harmfulCounts.join(", ")}.\n`);
    out.push(markdownTable(s.coefficients, ["model", "training_stage", "estimate", "conf_low", "conf_high", "p_value", "verdict"]));
    if (s.interaction) out.push(`\nStage x log(n_benign + 1) interaction (${s.interaction.stages}): LR ${fmt(s.interaction.statistic)} on ${s.interaction.df} df, p = ${fmt(s.interaction.p_value)}; the benign effect ${s.interaction.differs ? "differs" : "does not differ significantly"} between stages.\n`);
  }
  if (r.ordering) {
    out.push(`\n## Ordering\n`);
    out.push(markdownTable(r.ordering.tests, ["model", "n_benign", "n_harmful", "suffix_minus_prefix", "diff_low", "diff_high", "p_value", "ranking"], undefined, rateCell));
    out.push("\n" + markdownTable(r.ordering.schedules, ["model", "n_benign", "n_harmful", "schedule", "n", "rate", "conf_low", "conf_high", "rank"], undefined, rateCell));
  }
  if (r.formatAdoption) {
    out.push(`\n## Format adoption\n`);
    out.push(markdownTable(r.formatAdoption.adoption, ["model", "format_cue", "format_cue_text", "outcome", "n", "adopted", "rate", "conf_low", "conf_high"], undefined, rateCell));
    out.push("\n" + markdownTable(r.formatAdoption.coupling, ["model", "format_cue", "adoption_refusal", "adoption_compliance", "odds_ratio", "conf_low", "conf_high", "p_value", "verdict"], ["model", "cue", "adoption among refusals", "among compliances", "odds ratio", "OR 95% low", "OR 95% high", "Fisher p", "verdict"],
      (c, v) => (c.startsWith("adoption_") && typeof v === "number" ? pct(v) : fmt(v))));
  }
  out.push(`\n## Breakdowns by query source\n`);
  out.push(markdownTable(r.breakdowns.byQuerySource, ["model", "query_source", "n", "parse_errors", "rate", "conf_low", "conf_high"], undefined, rateCell));
  if (r.skipped.length) {
    out.push(`\n## Skipped\n`);
    out.push(markdownTable(r.skipped, ["analysis", "reason"]));
  }
  return out.join("\n");
}

export function resultReceiptToJSON(r: ResultReceipt): string {
  return JSON.stringify(r, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2) + "\n";
}
