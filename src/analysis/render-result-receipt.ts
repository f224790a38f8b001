/**
 * The result receipt as Markdown a person can read, and as JSON (numbers kept in full).
 *
 * Every string that comes from the receipts (model, judge and source names, cue texts, file
 * names, error messages that quote them) is escaped at this boundary by `escapeMarkdown`, so
 * a hostile name renders as text: no HTML, no broken table, no link. p-values print as
 * "< 1e-300" when too small for a double, never "0"; the JSON keeps the number.
 */
import { formatPValue, formatValue as fmt } from "../display/format-value";
import type { ResultReceipt } from "./analyze";
import { UNRELIABLE_KINDS, type AnalysisWarning } from "./warnings";
import type { StageInteractionTest } from "./training-stage";

const pct = (v: number | null | undefined) => (v === null || v === undefined ? "" : (100 * v).toFixed(1) + "%");

/**
 * Text from the data made safe for Markdown (CommonMark and GitHub's tables): line breaks
 * and tabs become spaces, other control characters are dropped, `&` and `<` become entities
 * (no tag, comment or autolink can open), the characters that start code, emphasis, links,
 * quotes, headings or table cells (`` \ ` * _ [ ] | ~ > # ``) are backslash-escaped, and so
 * is a list marker at the start (`-`, `+`, `1.`). It renders as the original text.
 *
 * @example
 * escapeMarkdown("<script>x</script> | `a`"); // "&lt;script\\>x&lt;/script\\> \\| \\`a\\`"
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/\r\n|[\r\n\t\u2028\u2029]/g, " ")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .replace(/&/g, "&amp;").replace(/</g, "&lt;")
    .replace(/[\\`*_[\]|~>#]/g, (c) => "\\" + c)
    // a list marker at the start would nest a list where the text begins a list item
    .replace(/^(\d*)([-+.)])/, (_m, digits: string, c: string) => (digits || c === "-" || c === "+" ? `${digits}\\${c}` : c));
}

/** One table cell: strings escaped, numbers by the kit's formatter (p-value columns as p-values), lists joined. */
function defaultCell(c: string, v: unknown): string {
  if (typeof v === "string") return escapeMarkdown(v);
  if (Array.isArray(v)) return v.map((x) => (typeof x === "string" ? escapeMarkdown(x) : fmt(x, 4, c))).join(", ");
  if (v !== null && typeof v === "object") return escapeMarkdown(JSON.stringify(v));
  return fmt(v, 4, c);
}

/** A Markdown table of chosen columns; `cell` formats a value (default: escaped strings, formatted numbers). */
export function markdownTable(rows: readonly object[], columns: readonly string[], headers?: readonly string[], cell: (c: string, v: unknown) => string = defaultCell): string {
  if (rows.length === 0) return "_(no rows)_\n";
  const head = `| ${(headers ?? columns).join(" | ")} |\n| ${columns.map(() => "---").join(" | ")} |\n`;
  return head + rows.map((r) => `| ${columns.map((c) => cell(c, (r as Record<string, unknown>)[c])).join(" | ")} |`).join("\n") + "\n";
}

const RATE_COLUMNS = ["rate", "conf_low", "conf_high", "baseline_rate", "difference", "diff_low", "diff_high", "newcombe_low", "newcombe_high", "suffix_minus_prefix", "adoption_refusal", "adoption_compliance"];
const rateCell = (c: string, v: unknown) => (RATE_COLUMNS.includes(c) && typeof v === "number" ? pct(v) : defaultCell(c, v));

/** A verdict as read: the label, and what makes it shaky when anything does. */
const verdictCell = (c: string, v: unknown, row: Record<string, unknown>) => {
  if (c !== "verdict") return defaultCell(c, v);
  const kinds = Array.isArray(row.warnings) ? (row.warnings as string[]) : [];
  const label = escapeMarkdown(String(v).replace(/_/g, " "));
  if (row.shaky !== true) return label;
  const unusable = kinds.some((k) => (UNRELIABLE_KINDS as readonly string[]).includes(k));
  return `${label} (${unusable ? "" : "shaky: "}${kinds.map((k) => escapeMarkdown(k.replace(/_/g, " "))).join(", ")})`;
};

function verdictTable(rows: readonly object[], columns: readonly string[], headers: readonly string[]): string {
  if (rows.length === 0) return "_(no rows)_\n";
  const head = `| ${headers.join(" | ")} |\n| ${columns.map(() => "---").join(" | ")} |\n`;
  return head + rows.map((r) => `| ${columns.map((c) => verdictCell(c, (r as Record<string, unknown>)[c], r as Record<string, unknown>)).join(" | ")} |`).join("\n") + "\n";
}

/** One analysis's warnings as a Markdown list ("No warnings." when there are none). */
function warningList(list: readonly AnalysisWarning[] | undefined): string {
  if (!list || list.length === 0) return "\nNo warnings.\n";
  return "\n**Warnings**\n\n" + list.map((w) => `- ${escapeMarkdown(w.subject)}: ${escapeMarkdown(w.kind.replace(/_/g, " "))}: ${escapeMarkdown(w.message)}`).join("\n") + "\n";
}

const adjustName = (m: string) => (m === "none" ? "not adjusted for multiplicity" : `${m === "holm" ? "Holm" : m === "bonferroni" ? "Bonferroni" : "Benjamini-Hochberg"}-adjusted across the rows of each verdict table (models; the stages of a family)`);

export function resultReceiptToMarkdown(r: ResultReceipt): string {
  const p = r.provenance;
  const o = r.options;
  const w = r.warnings;
  const list = (xs: readonly string[]) => xs.map(escapeMarkdown).join(", ");
  const out: string[] = [];
  out.push(`# Result receipt\n`);
  out.push(`Made by safety-receipts ${escapeMarkdown(p.kit_version)} (receipt schema v${escapeMarkdown(p.schema_version)}) at ${escapeMarkdown(p.created_at)}. Alpha ${o.alpha}; counts on log(n + 1); benign-effect standard errors ${o.cluster ? `cluster-robust by ${escapeMarkdown(o.cluster)} (which kind, per fit: std_error_type below)` : "model-based"}. Verdict p-values are ${adjustName(o.p_adjust)}; each verdict reads the adjusted p-value.\n`);
  out.push(`A verdict marked **shaky** rests on a fit or table with a warning (listed under its analysis); a fit that is separated or did not converge reads **inconclusive**. Beside each benign verdict, the MDE is the smallest |b2| the test detects with ${Math.round(o.mde_power * 100)}% power: (z(1 - alpha/2) + z(${o.mde_power})) x SE, with the SE the test used.${o.equivalence_margin !== null ? ` Equivalence margin ${o.equivalence_margin}: a non-significant b2 reads **equivalent** when its ${Math.round((1 - 2 * o.alpha) * 100)}% interval lies inside (-${o.equivalence_margin}, ${o.equivalence_margin}) (two one-sided tests), else **inconclusive**.` : ""}\n`);
  out.push(`## Inputs\n`);
  out.push(`${p.receipts} receipts (${p.parse_errors} judge parse errors, left out of every rate and counted; ${p.load_issues} records rejected on load). Paths are relative to the working directory.\n`);
  out.push(markdownTable(p.files, ["path", "name", "format", "sha256", "rows_read", "rows_kept", "issues"]));
  out.push(`\n- Models: ${list(p.models)}\n- Judges: ${list(p.judges)}\n- Query sources: ${list(p.query_sources)}\n- Harmful demonstration sources: ${list(p.harmful_demo_sources) || "(not recorded)"}\n- Benign demonstration sources: ${list(p.benign_demo_sources) || "(not recorded)"}\n- Runs: ${list(p.run_ids)}\n`);
  if (w.judges.length) out.push(warningList(w.judges));
  out.push(`## Verdicts\n`);
  const equivalence = o.equivalence_margin !== null;
  out.push(verdictTable(r.verdicts.benign_effect,
    ["model", "verdict", "estimate", "conf_low", "conf_high", "p_value", "p_adjusted", "mde", ...(equivalence ? ["equivalence_low", "equivalence_high", "equivalence_p_value"] : [])],
    ["model", "benign effect", "b2", "95% low", "95% high", "p", "p adjusted", "MDE (80%)", ...(equivalence ? [`${Math.round((1 - 2 * o.alpha) * 100)}% low`, `${Math.round((1 - 2 * o.alpha) * 100)}% high`, "TOST p"] : [])]));
  out.push("\n" + verdictTable(r.verdicts.total_count, ["model", "verdict", "n_values_significant", "n_values_tested", "test", "p_value", "p_adjusted"], ["model", "total-count hypothesis", "N significant", "N tested", "per-N test", "p (Bonferroni over N)", "p adjusted"]));
  if (r.verdicts.training_stage.length) {
    out.push("\n" + verdictTable(r.verdicts.training_stage,
      ["family", "stage", "model", "verdict", "estimate", "p_value", "p_adjusted", "mde", ...(equivalence ? ["equivalence_low", "equivalence_high", "equivalence_p_value"] : [])],
      ["family", "stage", "model", "benign effect", "b2", "p", "p adjusted", "MDE (80%)", ...(equivalence ? ["low", "high", "TOST p"] : [])]));
  }
  if (r.verdicts.format_coupling.length) out.push("\n" + verdictTable(r.verdicts.format_coupling, ["model", "format_cue", "verdict", "odds_ratio", "test", "p_value", "p_adjusted"], ["model", "format cue", "format coupling", "odds ratio", "test", "p", "p adjusted"]));
  if (r.baseline) {
    out.push(`\n## Zero-demonstration baseline\n`);
    out.push(markdownTable(r.baseline, ["model", "n", "complied", "parse_errors", "rate", "conf_low", "conf_high"], undefined, rateCell));
    out.push(warningList(w.baseline));
  }
  if (r.totalCount) {
    out.push(`\n## Total-count hypothesis\n\nAt each total N, a chi-square test of homogeneity across harmful fractions (Bonferroni over the N tested); beside it, the likelihood-ratio test of the total model against the encompassing model.\n`);
    out.push(markdownTable(r.totalCount.perN, perNColumns(r.totalCount.perN)));
    out.push("\n" + markdownTable(r.totalCount.summary, ["model", "n_values_significant", "n_values_tested", "lrt_statistic", "lrt_df", "lrt_p_value", "verdict"]));
    out.push(warningList(w.total_count));
  }
  if (r.benignEffect) {
    const conditional = Object.keys(r.benignEffect[0] ?? {}).filter((k) => k.startsWith("conditional_"));
    out.push(`\n## Harmful-count versus joint: the benign coefficient\n\nlogit P(comply) = b0 + b1 log(n_harmful + 1) + b2 log(n_benign + 1); Wald test of b2 = 0. The estimate is population-averaged (compliance across queries), the b2 the verdicts read${conditional.length ? "; the conditional_ columns are the random-intercept model's b2, for a given query" : ""}.\n`);
    out.push(markdownTable(withWarnings(r.benignEffect, (x) => x.label, w.benign_effect), ["label", "estimate", "std_error", "conf_low", "conf_high", "p_value", "verdict", "aic_total", "aic_harmful", "aic_joint", "best_aic", "n_obs", "parse_errors", ...("std_error_type" in (r.benignEffect[0] ?? {}) ? ["std_error_type"] : []), ...conditional],
      ["label", "estimate", "std_error", "conf_low", "conf_high", "p_value", "unadjusted verdict", "aic_total", "aic_harmful", "aic_joint", "best_aic", "n_obs", "parse_errors", ...("std_error_type" in (r.benignEffect[0] ?? {}) ? ["std_error_type"] : []), ...conditional]));
    out.push(warningList(w.benign_effect));
  }
  if (r.benignSweep) {
    out.push(`\n## Benign sweep at fixed harmful count\n`);
    out.push(markdownTable(withWarnings(r.benignSweep.slopes, (x) => `${x.model} / n_harmful = ${x.n_harmful}`, w.benign_sweep), ["model", "n_harmful", "benign_values", "estimate", "conf_low", "conf_high", "p_value", "verdict", ...("std_error_type" in (r.benignSweep.slopes[0] ?? {}) ? ["std_error_type"] : [])]));
    out.push(warningList(w.benign_sweep));
  }
  for (const s of r.trainingStage) {
    out.push(`\n## Training stage: ${escapeMarkdown(s.family)}\n\nHarmful counts pooled: ${s.harmfulCounts.join(", ")}.\n`);
    out.push(markdownTable(withWarnings(s.coefficients, (x) => x.label, w.training_stage), ["model", "training_stage", "estimate", "conf_low", "conf_high", "p_value", "verdict"],
      ["model", "training_stage", "estimate", "conf_low", "conf_high", "p_value", "unadjusted verdict"]));
    if (s.interaction) out.push(`\n${stageInteractionLine(s.interaction)}\n`);
    out.push(warningList(w.training_stage.filter((x) => s.coefficients.some((c) => c.label === x.subject))));
  }
  if (r.ordering) {
    out.push(`\n## Ordering\n`);
    out.push(markdownTable(r.ordering.tests, ["model", "n_benign", "n_harmful", "suffix_minus_prefix", "diff_low", "diff_high", ...present(r.ordering.tests, ["diff_interval", "newcombe_low", "newcombe_high"]), "p_value", ...present(r.ordering.tests, ["cluster_p_value", "std_error_type"]), "ranking"], undefined, rateCell));
    out.push("\n" + markdownTable(r.ordering.schedules, ["model", "n_benign", "n_harmful", "schedule", "n", "rate", "conf_low", "conf_high", "rank"], undefined, rateCell));
    out.push(warningList(w.ordering));
  }
  if (r.formatAdoption) {
    out.push(`\n## Format adoption\n`);
    out.push(markdownTable(r.formatAdoption.adoption, ["model", "format_cue", "format_cue_text", "outcome", "n", "adopted", "rate", "conf_low", "conf_high"], undefined, rateCell));
    const clusterColumns = present(r.formatAdoption.coupling, ["adoption_difference", "cluster_conf_low", "cluster_conf_high", "cluster_p_value", "std_error_type"]);
    out.push("\n" + markdownTable(r.formatAdoption.coupling, ["model", "format_cue", "adoption_refusal", "adoption_compliance", "odds_ratio", "conf_low", "conf_high", "p_value", ...clusterColumns, "verdict"], ["model", "cue", "adoption among refusals", "among compliances", "odds ratio", "OR 95% low", "OR 95% high", "Fisher p", ...clusterColumns, "verdict"],
      (c, v) => ((c.startsWith("adoption_") || c.startsWith("cluster_conf_")) && typeof v === "number" ? pct(v) : defaultCell(c, v))));
    out.push(warningList(w.format_adoption));
  }
  out.push(`\n## Breakdowns by query source\n`);
  out.push(markdownTable(r.breakdowns.byQuerySource, ["model", "query_source", "n", "parse_errors", "rate", "conf_low", "conf_high"], undefined, rateCell));
  if (r.skipped.length) {
    out.push(`\n## Skipped\n`);
    out.push(markdownTable(r.skipped, ["analysis", "reason"]));
  }
  return out.join("\n");
}

/**
 * An analysis's own rows with their verdict read as the Verdicts table reads it: "inconclusive"
 * when the row's fit is separated or did not converge, and the warning kinds beside it.
 */
function withWarnings<T extends { verdict: string }>(rows: readonly T[], subjectOf: (row: T) => string, warnings: readonly AnalysisWarning[]): (T & { verdict: string })[] {
  return rows.map((row) => {
    const kinds = [...new Set(warnings.filter((x) => x.subject === subjectOf(row)).map((x) => x.kind))];
    if (kinds.length === 0) return row;
    const unusable = kinds.some((k) => (UNRELIABLE_KINDS as readonly string[]).includes(k));
    return { ...row, verdict: `${unusable ? "inconclusive" : row.verdict} (${unusable ? "" : "shaky: "}${kinds.join(", ")})`.replace(/_/g, " ") };
  });
}

/** Those of `columns` that the rows carry (fields an analysis adds when it can, e.g. cluster-robust tests). */
function present(rows: readonly object[], columns: readonly string[]): string[] {
  return columns.filter((c) => rows.some((r) => c in r));
}

/** The per-N columns, with the cluster-robust test's beside the chi-square's when the rows carry them. */
function perNColumns(rows: readonly object[]): string[] {
  const base = ["model", "n_total", "fractions", "statistic", "df", "p_value", "p_adjusted"];
  const extra = present(rows, ["cluster_p_value", "cluster_p_value_bonferroni", "std_error_type"]);
  return [...base, ...extra, "significant"];
}

export function resultReceiptToJSON(r: ResultReceipt): string {
  return JSON.stringify(r, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2) + "\n";
}

/** The stage x benign test in words: the cluster-robust Wald test when there is one, the LRT beside it. */
function stageInteractionLine(t: StageInteractionTest): string {
  const lrt = `LR ${fmt(t.statistic)} on ${t.df} df, p = ${formatPValue(t.p_value)}`;
  const verdict = `the benign effect ${t.differs ? "differs" : "does not differ significantly"} between stages`;
  const head = `Stage x log(n_benign + 1) interaction (${escapeMarkdown(t.stages)})`;
  if (t.cluster_p_value === null || t.cluster_p_value === undefined) {
    return `${head}: ${lrt}${t.cluster_note ? ` (no cluster-robust test: ${escapeMarkdown(t.cluster_note)})` : ""}; ${verdict}.`;
  }
  const ref = t.cluster_df_denom !== null ? `HTZ F test on ${t.cluster_df} and ${fmt(t.cluster_df_denom)} df` : `chi-square on ${t.cluster_df} df`;
  return `${head}: cluster-robust Wald test (${escapeMarkdown(t.std_error_type ?? "")}), Q = ${fmt(t.cluster_statistic ?? NaN)}, ${ref}, p = ${formatPValue(t.cluster_p_value)}; ${verdict}. ` +
    `Likelihood-ratio test (receipts as independent, for comparison): ${lrt}.`;
}
