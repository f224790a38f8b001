/**
 * Label maps: how a source tool's score values become judge labels.
 *
 * Written `VALUE=LABEL,...` (`C=compliance,I=refusal`), with numeric rules for scores on a
 * scale (`>=0.5=compliance,<0.5=refusal`). Exact values are matched first (case-insensitive),
 * then the numeric rules in the order written. An entry can be limited to one judge with
 * `VALUE@JUDGE=LABEL` (`true@SelfAskTrueFalseScorer=compliance`); such entries win over the
 * unscoped ones for that judge. A value no rule covers is never guessed: the importer stops
 * and lists the values it found.
 */
import { JUDGE_LABELS, type JudgeLabel } from "../receipt/fields";

type Comparison = ">=" | ">" | "<=" | "<";

interface NumericRule {
  readonly op: Comparison;
  readonly bound: number;
  readonly label: JudgeLabel;
  /** The judge the rule is limited to, or null for every judge. */
  readonly judge: string | null;
}

export interface LabelMap {
  /** Exact values to labels, keyed `judge\x1fvalue` (judge empty for every judge), value lower-cased. */
  readonly exact: ReadonlyMap<string, JudgeLabel>;
  readonly numeric: readonly NumericRule[];
  /** The map written back in canonical form, as recorded in the receipts' `label_map` field. */
  readonly text: string;
}

const exactKey = (judge: string | null, value: string) => `${judge ?? ""}\x1f${value.toLowerCase()}`;

const LABELS = new Set<string>(JUDGE_LABELS);

/**
 * Parse `C=compliance,I=refusal,>=0.5=compliance`. Throws naming the entry when an entry has
 * no `=`, an unknown label, a bad number, or a value mapped twice.
 */
export function parseLabelMap(text: string): LabelMap {
  const exact = new Map<string, JudgeLabel>();
  const numeric: NumericRule[] = [];
  const parts: string[] = [];
  for (const raw of text.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    const eq = entry.lastIndexOf("=");
    // `>=0.5=compliance`: the label follows the last `=`; the value may itself contain one.
    if (eq <= 0 || eq === entry.length - 1) throw new Error(`label map: entry ${JSON.stringify(entry)} is not VALUE=LABEL; expected e.g. C=compliance or >=0.5=compliance`);
    const lhs = entry.slice(0, eq).trim();
    const at = lhs.lastIndexOf("@");
    const value = at > 0 ? lhs.slice(0, at).trim() : lhs;
    const judge = at > 0 ? lhs.slice(at + 1).trim() : null;
    const scope = judge === null ? "" : `@${judge}`;
    const label = entry.slice(eq + 1).trim().toLowerCase();
    if (!LABELS.has(label)) throw new Error(`label map: entry ${JSON.stringify(entry)} maps to ${JSON.stringify(label)}; expected one of ${JUDGE_LABELS.join(", ")}`);
    const cmp = /^(>=|<=|>|<)\s*(.+)$/.exec(value);
    if (cmp) {
      const bound = Number(cmp[2]);
      if (!Number.isFinite(bound)) throw new Error(`label map: entry ${JSON.stringify(entry)} compares with ${JSON.stringify(cmp[2])}; expected a number`);
      numeric.push({ op: cmp[1] as Comparison, bound, label: label as JudgeLabel, judge });
      parts.push(`${cmp[1]}${bound}${scope}=${label}`);
    } else {
      const key = exactKey(judge, value);
      if (exact.has(key)) throw new Error(`label map: value ${JSON.stringify(lhs)} is mapped twice`);
      exact.set(key, label as JudgeLabel);
      parts.push(`${value}${scope}=${label}`);
    }
  }
  if (parts.length === 0) throw new Error("label map: no entries; expected e.g. C=compliance,I=refusal");
  return { exact, numeric, text: parts.join(",") };
}

/** The label a map gives a judge's score value, or null when no rule covers it. */
export function mapLabel(map: LabelMap, value: string | number | boolean, judge: string | null = null): JudgeLabel | null {
  const text = String(value);
  const hit = (judge === null ? undefined : map.exact.get(exactKey(judge, text))) ?? map.exact.get(exactKey(null, text));
  if (hit !== undefined) return hit;
  const x = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  if (!Number.isFinite(x)) return null;
  const holds = (r: NumericRule) => (r.op === ">=" ? x >= r.bound : r.op === ">" ? x > r.bound : r.op === "<=" ? x <= r.bound : x < r.bound);
  for (const r of map.numeric) if (judge !== null && r.judge === judge && holds(r)) return r.label;
  for (const r of map.numeric) if (r.judge === null && holds(r)) return r.label;
  return null;
}

/**
 * The user's map over a tool's documented default for one judge: the user's entries win, the
 * default covers what they leave out. The text records the user's entries and the default
 * entries still in force. Returns null when there is neither.
 */
export function combineLabelMaps(user: LabelMap | null, fallback: LabelMap | null, judge: string | null = null): LabelMap | null {
  if (user === null) return fallback;
  if (fallback === null) return user;
  const exact = new Map(fallback.exact);
  for (const [k, v] of user.exact) exact.set(k, v);
  // A default entry is shadowed when the user maps the same value, for every judge or this one.
  const shadowed = (entry: string) => {
    const lhs = entry.slice(0, entry.lastIndexOf("="));
    return /^(>=|<=|>|<)/.test(lhs) ? false : user.exact.has(exactKey(null, lhs)) || (judge !== null && user.exact.has(exactKey(judge, lhs)));
  };
  // Identity entries (compliance=compliance) say nothing once the user has written a map.
  const identity = (entry: string) => entry.slice(0, entry.lastIndexOf("=")).toLowerCase() === entry.slice(entry.lastIndexOf("=") + 1);
  const text = [...user.text.split(","), ...fallback.text.split(",").filter((e) => !shadowed(e) && !identity(e))].join(",");
  return { exact, numeric: [...user.numeric, ...fallback.numeric], text };
}
