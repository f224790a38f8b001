/**
 * Internal: text, Markdown and HTML renderings of a logistic fit, for the console, reports
 * and tslab notebooks. Numbers are shown to 4 significant digits; p-values in exponent form.
 */
import { SMALLEST_PRINTED_P } from "../display/format-value";
import type { LogisticFit } from "./logistic-fit-types";

const HEADER = ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"];

/** An estimate in a fit's text table: 4 significant digits, exponent form outside [1e-3, 1e6). Shared with the GLMM's tables. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e6 ? x.toPrecision(4) : x.toExponential(3);
}

/** A p-value in a fit's text table; "< 1e-300" below what a double keeps, as every table of the kit prints it. */
export function pValue(p: number): string {
  if (!Number.isFinite(p)) return String(p);
  if (p < SMALLEST_PRINTED_P) return "< 1e-300";
  return p >= 1e-3 ? p.toPrecision(3) : p.toExponential(2);
}

function cells(fit: LogisticFit): string[][] {
  return fit.tidy().map((r) => [
    r.term + (r.flag ? ` (${r.flag})` : ""),
    num(r.estimate), num(r.std_error), num(r.statistic), pValue(r.p_value), num(r.conf_low), num(r.conf_high),
  ]);
}

function title(fit: LogisticFit): string {
  const vc = fit.cluster === null
    ? "model-based standard errors"
    : `cluster-robust (${fit.vcovType === "CR2" ? "CR2, Satterthwaite df" : fit.vcovType}) standard errors, ${fit.cluster.groups} clusters of '${fit.cluster.name}'`;
  return `Logistic regression (binomial, logit link): ${fit.nObs} observations in ${fit.nRows} rows, ${vc}`;
}

function summary(fit: LogisticFit): string {
  const state = fit.converged ? `converged in ${fit.iterations} iterations` : `NOT converged after ${fit.iterations} iterations`;
  return (
    `log-likelihood ${num(fit.logLik)} (null ${num(fit.nullLogLik)}), deviance ${num(fit.deviance)} on ${fit.dfResidual} df ` +
    `(null ${num(fit.nullDeviance)}), AIC ${num(fit.aic)}, BIC ${num(fit.bic)}; ${state}; ` +
    `${Math.round(fit.confLevel * 1000) / 10}% Wald intervals`
  );
}

export function formatFitText(fit: LogisticFit): string {
  const rows = [HEADER, ...cells(fit)];
  const widths = HEADER.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join("  "));
  const out = [title(fit), ...lines, summary(fit)];
  for (const w of fit.warnings) out.push(`warning: ${w}`);
  return out.join("\n");
}

export function formatFitMarkdown(fit: LogisticFit): string {
  const out = [`**${title(fit)}**`, "", `| ${HEADER.join(" | ")} |`, `|${HEADER.map((_, c) => (c === 0 ? ":---" : "---:")).join("|")}|`];
  for (const r of cells(fit)) out.push(`| ${r.map((v) => v.replace(/\|/g, "\\|")).join(" | ")} |`);
  out.push("", summary(fit));
  for (const w of fit.warnings) out.push("", `> **Warning:** ${w}`);
  return out.join("\n");
}

function escapeHTML(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function formatFitHTML(fit: LogisticFit): string {
  const head = HEADER.map((h) => `<th>${h}</th>`).join("");
  const body = cells(fit)
    .map((r) => `<tr>${r.map((v, c) => `<td style="text-align:${c === 0 ? "left" : "right"}">${escapeHTML(v)}</td>`).join("")}</tr>`)
    .join("");
  const warnings = fit.warnings.map((w) => `<p style="color:#b00"><strong>Warning:</strong> ${escapeHTML(w)}</p>`).join("");
  return (
    `<div class="logistic-fit"><p><strong>${escapeHTML(title(fit))}</strong></p>` +
    `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>` +
    `<p>${escapeHTML(summary(fit))}</p>${warnings}</div>`
  );
}
