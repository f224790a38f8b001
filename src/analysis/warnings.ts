/**
 * What a result receipt says about how far each verdict can be trusted: a list of warnings
 * per analysis, built from what the fits and tables know. A warning names its subject (the
 * model, or the model and condition), its kind and, in words, what was found.
 *
 * Kinds, and what they do to a verdict (`verdicts.ts`):
 * - `separation`: (quasi-)complete separation (see stats/separation-check.ts); no finite
 *   estimate exists, so a verdict read from the fit is "inconclusive".
 * - `not_converged`: the fit stopped before converging: "inconclusive".
 * - `few_clusters`: fewer than FEW_CLUSTERS clusters behind cluster-robust errors (CR1 is
 *   biased downwards there; the kit then uses CR2). The verdict stands, marked shaky.
 * - `sparse_cells`: some cell's expected count of compliances or refusals is below
 *   MIN_EXPECTED_COUNT (under homogeneity for a chi-square test, under the fit for a
 *   logistic one): the large-sample approximation is doubtful. Shaky.
 * - `small_validation`: a judge's validation subset (receipts with a reference_label) has
 *   fewer than MIN_VALIDATION_PER_CLASS receipts of a reference class, so its sensitivity or
 *   specificity is poorly known. Shaky, for anything corrected with it.
 * - `fit`: any other warning the fit gave (e.g. about its standard errors), passed on as is.
 */
import type { ReceiptTable } from "../io/receipt-table";
import { RECEIPT_FIELDS, type ReceiptFieldName } from "../receipt/fields";
import { CR2_BELOW_CLUSTERS, separationCheck, separationOnOneAxis, type LogisticFit } from "../stats";
import { labelCodes } from "./dictionary-or-null";
import { countData, fitCountModel, transformCounts, type CountScale } from "./hypothesis-fit";

export type AnalysisWarningKind = "separation" | "not_converged" | "few_clusters" | "sparse_cells" | "small_validation" | "fit";

export interface AnalysisWarning {
  /** What it is about: a model label, or model and condition ("Gemma / N = 16"). */
  subject: string;
  kind: AnalysisWarningKind;
  message: string;
}

/** The warnings of every analysis in a result receipt, one list each (empty when all is well). */
export interface ReceiptWarnings {
  baseline: AnalysisWarning[];
  relative_to_baseline: AnalysisWarning[];
  total_count: AnalysisWarning[];
  benign_effect: AnalysisWarning[];
  benign_sweep: AnalysisWarning[];
  training_stage: AnalysisWarning[];
  ordering: AnalysisWarning[];
  format_adoption: AnalysisWarning[];
  judges: AnalysisWarning[];
}

/**
 * Below this many clusters a cluster-robust verdict is marked shaky: the number below which
 * the kit's "auto" errors switch from CR1 to CR2 with Satterthwaite degrees of freedom
 * (CR2_BELOW_CLUSTERS in stats/cluster-robust-vcov.ts, where the choice of 42 is argued), so
 * the warning and the small-sample correction start at the same place.
 */
export const FEW_CLUSTERS = CR2_BELOW_CLUSTERS;
/** Cochran's rule for chi-square approximations: every expected count at least 5. */
export const MIN_EXPECTED_COUNT = 5;
/**
 * A sensitivity or specificity from fewer validation receipts than this has a binomial
 * standard error above about 0.09 at 0.5 (sqrt(0.25 / 30)).
 */
export const MIN_VALIDATION_PER_CLASS = 30;

/** Kinds under which an estimate is not a maximum-likelihood estimate at all. */
export const UNRELIABLE_KINDS: readonly AnalysisWarningKind[] = ["separation", "not_converged"];

export function emptyWarnings(): ReceiptWarnings {
  return { baseline: [], relative_to_baseline: [], total_count: [], benign_effect: [], benign_sweep: [], training_stage: [], ordering: [], format_adoption: [], judges: [] };
}

/** A cluster-robust fit with too few clusters; `vcovType` says which correction was applied ("CR2" or "CR1"). */
export function clusterWarning(subject: string, clusters: number | null, name = "query_id", vcovType: string | null = null): AnalysisWarning[] {
  if (clusters === null || clusters >= FEW_CLUSTERS) return [];
  const consequence = vcovType === "CR2"
    ? "the errors are CR2 with Satterthwaite degrees of freedom, which hold up better, but the verdict rests on that small-sample correction"
    : "CR1 standard errors are too small there, so p-values are likely too low";
  return [{ subject, kind: "few_clusters", message: `only ${clusters} clusters of ${name} behind the cluster-robust standard errors (fewer than ${FEW_CLUSTERS}): ${consequence}` }];
}

/** Cells whose expected counts (of one outcome or the other) fall below MIN_EXPECTED_COUNT. */
export function sparseCellWarning(subject: string, expected: readonly number[], what: string): AnalysisWarning[] {
  const sparse = expected.filter((e) => e < MIN_EXPECTED_COUNT).length;
  if (sparse === 0) return [];
  const smallest = Math.min(...expected);
  return [{ subject, kind: "sparse_cells", message: `${sparse} of ${expected.length} expected counts ${what} are below ${MIN_EXPECTED_COUNT} (smallest ${smallest.toFixed(2)}): the large-sample approximation is doubtful` }];
}

/** Expected counts of both outcomes under homogeneity (the chi-square test's) for cells with x of n. */
export function homogeneityExpectedCounts(complied: readonly number[], n: readonly number[]): number[] {
  const total = n.reduce((s, v) => s + v, 0), yes = complied.reduce((s, v) => s + v, 0);
  if (total === 0) return [];
  const p = yes / total;
  return n.flatMap((m) => [m * p, m * (1 - p)]);
}

/**
 * Warnings of one joint (benign-effect) fit: refits the grouped joint model on the part's
 * receipts (the same maximum-likelihood estimates as a cluster-robust fit on the receipts,
 * and cheap), checks it for separation and sparse cells, and adds what the reported fit
 * says: convergence, clusters, and its own warnings when given.
 */
export function jointFitWarnings(
  subject: string, part: ReceiptTable,
  reported: { converged: boolean; clusters: number | null; vcov_type?: string }, counts: CountScale = "log1p", fit?: LogisticFit,
): AnalysisWarning[] {
  const out: AnalysisWarning[] = [];
  const data = countData(part);
  let grouped: LogisticFit | null = null;
  try {
    grouped = fitCountModel(data, "joint", { counts });
  } catch (e) {
    out.push({ subject, kind: "not_converged", message: `the joint model cannot be fitted on these receipts: ${(e as Error).message}` });
  }
  const separation = grouped ? separationCheck(grouped) : null;
  if (separation?.separated) out.push({ subject, kind: "separation", message: `${separation.evidence.join("; ")}: no finite estimate of b2 exists, so its standard error and p-value mean nothing` });
  else if (!reported.converged || (grouped !== null && !grouped.converged)) out.push({ subject, kind: "not_converged", message: "the fit did not converge: its estimates and p-values are not reliable" });
  out.push(...clusterWarning(subject, reported.clusters, "query_id", reported.vcov_type ?? null));
  if (grouped !== null && !separation?.separated) {
    const expected: number[] = [];
    for (let i = 0; i < data.trials.length; i++) expected.push(data.trials[i] * grouped.fitted[i], data.trials[i] * (1 - grouped.fitted[i]));
    out.push(...sparseCellWarning(subject, expected, "(compliances and refusals in each (n_benign, n_harmful) cell, under the fit)"));
  }
  if (fit) out.push(...otherFitWarnings(subject, fit));
  return out;
}

/** The fit's own warnings that the kinds above do not already say. */
export function otherFitWarnings(subject: string, fit: LogisticFit): AnalysisWarning[] {
  return fit.warnings
    .filter((w) => !/separation|converge|singular/.test(w) && !/only \d+ clusters/.test(w))
    .map((message) => ({ subject, kind: "fit" as const, message }));
}

/** Warnings of a slope fitted on grouped cells along one predictor (the benign sweep). */
export function oneAxisSlopeWarnings(subject: string, x: readonly number[], complied: readonly number[], n: readonly number[], counts: CountScale = "log1p"): AnalysisWarning[] {
  const out: AnalysisWarning[] = [];
  const sep = separationOnOneAxis(transformCounts(Float64Array.from(x), counts), complied, n);
  if (sep.separated) out.push({ subject, kind: "separation", message: `${sep.evidence.join("; ")} (x = log(n_benign + 1)): no finite slope exists, so its estimate and p-value mean nothing` });
  else out.push(...sparseCellWarning(subject, homogeneityExpectedCounts(complied, n), "(compliances and refusals per n_benign, under no slope)"));
  return out;
}

/**
 * Validation subsets per judge: receipts that carry a reference_label (when the schema has
 * the field and any receipt uses it), warned about when a reference class has fewer than
 * MIN_VALIDATION_PER_CLASS receipts.
 */
export function judgeValidationWarnings(table: ReceiptTable): AnalysisWarning[] {
  if (!(RECEIPT_FIELDS as readonly { name: string }[]).some((f) => f.name === "reference_label")) return [];
  // counted by label codes (no string a row; see dictionary-or-null.ts)
  const reference = labelCodes(table, "reference_label" as ReceiptFieldName), judge = labelCodes(table, "judge"), label = labelCodes(table, "judge_label");
  const w = table.weights(); // a weighted row stands for w receipts
  const compliance = reference.names.indexOf("compliance"), refusal = reference.names.indexOf("refusal"), parseError = label.names.indexOf("parse_error");
  // per judge code (null judges, code -1, last): compliances, refusals, and whether any row counted
  const J = judge.names.length + 1;
  const sums = new Float64Array(2 * J), used = new Uint8Array(J);
  validationSums(reference.codes, judge.codes, label.codes, w, compliance, refusal, parseError, J - 1, sums, used);
  const counts = new Map<string, { compliance: number; refusal: number }>();
  for (let j = 0; j < J; j++) {
    if (!used[j]) continue;
    const name = j === J - 1 ? "null" : judge.names[j]; // String(null), as a judge's name reads
    const c = counts.get(name) ?? { compliance: 0, refusal: 0 };
    c.compliance += sums[2 * j];
    c.refusal += sums[2 * j + 1];
    counts.set(name, c);
  }
  const out: AnalysisWarning[] = [];
  for (const [j, c] of [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const small = (["compliance", "refusal"] as const).filter((k) => c[k] < MIN_VALIDATION_PER_CLASS);
    if (small.length === 0) continue;
    out.push({
      subject: j, kind: "small_validation",
      message: `the validation subset has ${c.compliance} reference compliances and ${c.refusal} reference refusals (fewer than ${MIN_VALIDATION_PER_CLASS} ${small.join(" and ")}): ` +
        `the judge's ${small.map((k) => (k === "compliance" ? "sensitivity" : "specificity")).join(" and ")} ${small.length > 1 ? "are" : "is"} poorly known, and so is any rate corrected with ${small.length > 1 ? "them" : "it"}`,
    });
  }
  return out;
}

/** Per judge code, the validation receipts of each reference class (a pass of its own over typed arrays: it runs cold). */
function validationSums(
  reference: Int32Array, judge: Int32Array, label: Int32Array, w: Float64Array | null,
  compliance: number, refusal: number, parseError: number, nullJudge: number, sums: Float64Array, used: Uint8Array,
): void {
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i];
    if (r < 0 || (r !== compliance && r !== refusal)) continue;
    if (label[i] === parseError && parseError >= 0) continue;
    const j = judge[i] < 0 ? nullJudge : judge[i];
    sums[2 * j + (r === compliance ? 0 : 1)] += w === null ? 1 : w[i];
    used[j] = 1;
  }
}
