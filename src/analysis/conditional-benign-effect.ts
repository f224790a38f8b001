/**
 * The study's count models with a random intercept per query (a binomial GLMM), and the
 * conditional benign coefficient b2 that benignEffect reports beside the population-averaged one.
 *
 * Two different b2s, both correct for their question:
 * - population-averaged (fitLogistic, the study's b2): how the compliance rate *across
 *   queries* changes with log(n_benign + 1). Queries differ a lot in how often they are
 *   complied with; averaging the logistic curves of many queries flattens them, so this b2
 *   is smaller in magnitude, by about 1 / sqrt(1 + 0.346 sd^2) for a query SD `sd`.
 * - conditional (this file, glmer's b2): how the log-odds *of a given query* change. This is
 *   what the simulator's benign_slope means (classroom preset: -0.45) and what a model of a
 *   single query's behaviour needs.
 *
 * Receipts with a parse error are left out (as in countData). The GLMM sums the receipts
 * into (query x cell) counts itself, so 600,000 receipts fit in about a second.
 */
import type { ReceiptTable } from "../io/receipt-table";
import { FIELD_BY_NAME, type ReceiptFieldName } from "../receipt/fields";
import { fitRandomInterceptLogistic, type RandomInterceptFit } from "../stats";
import { dictionaryOrNull } from "./dictionary-or-null";
import { HYPOTHESIS_TERMS, transformCounts, type CountScale, type Hypothesis } from "./hypothesis-fit";
import { flagsOf, numbersOf } from "./view-columns";

export interface ConditionalFitOptions {
  /** Field whose values get a random intercept each, e.g. "query_id". */
  readonly group: ReceiptFieldName;
  /** Count scale: log(n + 1) (default) or raw. */
  readonly counts?: CountScale;
  /** Quadrature points: 1 = Laplace (default), K > 1 adaptive Gauss-Hermite (glmer's nAGQ). */
  readonly agq?: number;
  /** A count term with a per-query random slope, correlated with the intercept (Laplace only). Default none. */
  readonly randomSlope?: "benign" | "harmful" | "total" | null;
  readonly confLevel?: number;
}

/** Fit one hypothesis' model (terms total, harmful, benign as in fitCountModel) with a random intercept per group. */
export function fitConditionalHypothesis(table: ReceiptTable, hypothesis: Hypothesis, options: ConditionalFitOptions): RandomInterceptFit {
  const scale = options.counts ?? "log1p";
  const nb = numbersOf(table, "n_benign"), nh = numbersOf(table, "n_harmful"), y = flagsOf(table, "complied");
  const w = table.weights(); // a weighted table's row stands for w receipts: a frequency weight
  const coded = groupCodes(table, options.group);
  const labels = coded === null ? groupLabels(table, options.group) : null;
  const keep = coded === null ? labelledRows(y, labels!, options.group) : codedRows(y, coded, options.group);
  // gathered in plain loops (TypedArray.from / map with a function cost a call per receipt),
  // a function each: they run cold, and a loop compiled on the spot inside a function with
  // more loops after it is thrown away when the next one is reached
  const m = keep.length;
  const benign = gather(nb, keep), harmful = gather(nh, keep), successes = gatherFlags(y, keep);
  const weights = w === null ? null : gather(w, keep);
  const groups = coded === null ? gatherLabels(labels!, keep) : gatherCodes(coded.codes, keep);
  const totals = () => {
    const t = new Float64Array(m);
    for (let k = 0; k < m; k++) t[k] = benign[k] + harmful[k];
    return t;
  };
  const columnsByTerm = {
    total: () => transformCounts(totals(), scale),
    harmful: () => transformCounts(harmful, scale),
    benign: () => transformCounts(benign, scale),
  };
  const terms = [...HYPOTHESIS_TERMS[hypothesis]];
  const slope = options.randomSlope ?? null;
  if (slope !== null && !(terms as string[]).includes(slope)) {
    throw new Error(`the ${hypothesis} model has no term '${slope}' for a random slope (terms: ${terms.join(", ")})`);
  }
  return fitRandomInterceptLogistic(
    {
      terms, columns: terms.map((t) => columnsByTerm[t]()), successes, groups, ...(coded === null ? {} : { groupNames: coded.names }), ...(weights === null ? {} : { weights }),
    },
    { group: options.group, agq: options.agq, randomSlope: slope, confLevel: options.confLevel },
  );
}

/** The conditional b2 fields that benignEffect adds to a row when asked (`conditional`). */
export interface ConditionalBenignFields {
  /** b2 for a given query: the joint model with a random intercept per query. */
  conditional_estimate: number;
  conditional_std_error: number;
  conditional_p_value: number;
  conditional_conf_low: number;
  conditional_conf_high: number;
  /** SD of the random intercept (between-query spread of log-odds). */
  query_sd: number;
  /** "Laplace" or "adaptive Gauss-Hermite (K points)". */
  conditional_method: string;
  conditional_converged: boolean;
  /** Which b2 is which, in words, with both values. */
  effect_reading: string;
}

export interface ConditionalBenignOptions {
  /** The query field (default "query_id"). */
  readonly group?: ReceiptFieldName;
  readonly agq?: number;
  readonly counts?: CountScale;
  readonly confLevel?: number;
}

/**
 * The conditional b2 of one part (one model), beside the population-averaged `estimate`
 * the caller already has.
 */
export function conditionalBenignFields(
  table: ReceiptTable, populationAveraged: number, options: ConditionalBenignOptions = {},
): { fields: ConditionalBenignFields; fit: RandomInterceptFit } {
  const group = options.group ?? "query_id";
  const fit = fitConditionalHypothesis(table, "joint", { group, agq: options.agq, counts: options.counts, confLevel: options.confLevel });
  const b = fit.coefficient("benign");
  const sd = fit.randomEffects[0].sd;
  const method = fit.agq === 1 ? "Laplace" : `adaptive Gauss-Hermite (${fit.agq} points)`;
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));
  const level = Math.round(fit.confLevel * 100);
  const effect_reading =
    `conditional b2 = ${f(b.estimate)} (${level}% CI ${f(b.conf_low)} to ${f(b.conf_high)}): the benign effect for a given query ` +
    `(random intercept per ${group}, SD ${f(sd)}, ${method}); population-averaged b2 = ${f(populationAveraged)}: ` +
    `the effect on the compliance rate across queries, smaller in magnitude because queries differ`;
  const fields: ConditionalBenignFields = {
    conditional_estimate: b.estimate, conditional_std_error: b.std_error, conditional_p_value: b.p_value,
    conditional_conf_low: b.conf_low, conditional_conf_high: b.conf_high, query_sd: sd,
    conditional_method: method, conditional_converged: fit.converged, effect_reading,
  };
  return { fields, fit };
}

/**
 * A dictionary field as codes of its distinct labels (equal labels one code; null, missing
 * and "" labels -1), and those labels: the GLMM then groups by integer code, with no string
 * a row (groupLabels). Null when the field has no single dictionary.
 */
function groupCodes(table: ReceiptTable, field: ReceiptFieldName): { codes: Int32Array; names: string[] } | null {
  if (FIELD_BY_NAME.get(field)?.dictionary !== true) return null;
  const dict = dictionaryOrNull(table, field);
  if (dict === null) return null;
  const names: string[] = [];
  const index = new Map<string, number>();
  const local = Int32Array.from(dict.labels, (label) => {
    if (label === null || label === undefined || label === "") return -1;
    let c = index.get(label);
    if (c === undefined) index.set(label, (c = names.push(label) - 1));
    return c;
  });
  const raw = dict.codes, codes = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) codes[i] = raw[i] < 0 ? -1 : local[raw[i]];
  return { codes, names };
}

/** labelledRows for codes (-1: no label). */
function codedRows(y: Int8Array, coded: { codes: Int32Array }, field: string): Int32Array {
  const keep = new Int32Array(y.length);
  let m = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0) continue;
    if (coded.codes[i] < 0) throw new Error(`a random intercept per ${field} needs every receipt's ${field}: receipt ${i} has none`);
    keep[m++] = i;
  }
  return keep.slice(0, m);
}

function gatherCodes(from: Int32Array, keep: Int32Array): Int32Array {
  const out = new Int32Array(keep.length);
  for (let k = 0; k < keep.length; k++) out[k] = from[keep[k]];
  return out;
}

/**
 * A field's value a row, as an indexable list. A dictionary field's labels are read through
 * its codes (a view over the codes, no array of a string a row): values() would turn the
 * whole loaded column into strings and gather them for each table.
 */
function groupLabels(table: ReceiptTable, field: ReceiptFieldName): { readonly length: number; readonly [i: number]: unknown } {
  let dict: ReturnType<ReceiptTable["dictionary"]> | null = null;
  if (FIELD_BY_NAME.get(field)?.dictionary === true) {
    try {
      dict = table.dictionary(field);
    } catch (e) {
      if (!/several dictionaries/.test((e as Error).message)) throw e; // then the values themselves
    }
  }
  if (dict === null) return table.values(field);
  const { codes, labels } = dict;
  const out: (string | null)[] = new Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i] < 0 ? null : labels[codes[i]] ?? null;
  return out;
}

/** The rows with a parsed outcome; a missing group label among them is an error naming the receipt. */
function labelledRows(y: Int8Array, labels: { readonly length: number; readonly [i: number]: unknown }, field: string): Int32Array {
  const keep = new Int32Array(y.length);
  let m = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] < 0) continue;
    const label = labels[i];
    if (label === null || label === undefined || label === "") {
      throw new Error(`a random intercept per ${field} needs every receipt's ${field}: receipt ${i} has none`);
    }
    keep[m++] = i;
  }
  return keep.slice(0, m);
}

function gather(from: Float64Array, keep: Int32Array): Float64Array {
  const out = new Float64Array(keep.length);
  for (let k = 0; k < keep.length; k++) out[k] = from[keep[k]];
  return out;
}

function gatherFlags(from: Int8Array, keep: Int32Array): Float64Array {
  const out = new Float64Array(keep.length);
  for (let k = 0; k < keep.length; k++) out[k] = from[keep[k]];
  return out;
}

function gatherLabels(from: { readonly [i: number]: unknown }, keep: Int32Array): (string | number)[] {
  const out: (string | number)[] = new Array(keep.length);
  for (let k = 0; k < keep.length; k++) out[k] = from[keep[k]] as string | number;
  return out;
}
