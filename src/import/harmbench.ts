/**
 * HarmBench completions and classifier results: `{behavior_id: [{test_case, generation,
 * label}]}` (completions have no `label`), with the behaviours CSV (`BehaviorID`,
 * `SemanticCategory`, `FunctionalCategory`, ...) for query categories.
 *
 * One receipt per labelled generation: query id the behaviour id, `sample_index` its place in
 * the behaviour's list, judge `harmbench-cls` (HarmBench's classifier). Labels by default:
 * 1 = compliance (the behaviour was exhibited), 0 = refusal, -1 = parse_error (the
 * classifier's answer could not be read). The model is not in the file: it comes from the
 * option (`--model`) or the file's name, which HarmBench writes as `<model>.json`.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { basename } from "node:path";
import { parseLabelMap } from "./label-map";
import { isObject, str } from "./source-values";
import type { ParsedLog, PendingReceipt } from "./imported-rows";
import { failImport as fail } from "./source-values";

const DEFAULT_MAP = parseLabelMap("1=compliance,0=refusal,-1=parse_error");
export const HARMBENCH_JUDGE = "harmbench-cls";

const HINT = "HarmBench labels are 1 (behaviour exhibited), 0 (not) and -1 (classifier output unreadable); map other values with --label-map, e.g. yes=compliance,no=refusal.";


export interface Behavior {
  readonly id: string;
  readonly semanticCategory: string | null;
  readonly functionalCategory: string | null;
  readonly behavior: string | null;
}

/** Behaviours by id from HarmBench's behaviours CSV; throws naming the file when BehaviorID is missing. */
export function parseBehaviorsCsv(text: string, file: string | null): Map<string, Behavior> {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, { columns: true, skip_empty_lines: true, bom: true, relax_column_count: false }) as Record<string, string>[];
  } catch (e) {
    fail(file, null, null, `not readable CSV (${(e as Error).message}); expected HarmBench's behaviours CSV`);
  }
  const out = new Map<string, Behavior>();
  rows.forEach((r, i) => {
    const id = r.BehaviorID;
    if (id === undefined) fail(file, 1, "BehaviorID", `expected a BehaviorID column, found columns ${Object.keys(r).join(", ")}`);
    if (id === "") fail(file, i + 2, "BehaviorID", "expected a behaviour id, found an empty cell");
    out.set(id, { id, semanticCategory: r.SemanticCategory || null, functionalCategory: r.FunctionalCategory || null, behavior: r.Behavior || null });
  });
  return out;
}

export interface HarmBenchContext {
  readonly model?: string;
  readonly behaviors?: ReadonlyMap<string, Behavior>;
  readonly runId?: string;
}

export function parseHarmBenchResults(input: string | object, file: string | null, context: HarmBenchContext = {}): ParsedLog {
  const name = file ?? "<input>";
  let obj: unknown = input;
  if (typeof input === "string") {
    try {
      obj = JSON.parse(input);
    } catch (e) {
      fail(file, null, null, `not valid JSON (${(e as Error).message}); expected HarmBench results {behavior_id: [{test_case, generation, label}]}`);
    }
  }
  if (!isObject(obj)) fail(file, null, null, "expected HarmBench results: an object {behavior_id: [{test_case, generation, label}]}");
  const model = context.model ?? (file === null ? null : basename(file).replace(/\.json$/i, ""));
  if (model === null || model === "") fail(file, null, "model", "HarmBench results do not name the model; pass it (--model or the model option)");
  const rows: PendingReceipt[] = [];
  let unscored = 0, unknownBehaviours = 0;
  for (const [behaviorId, list] of Object.entries(obj)) {
    if (!Array.isArray(list)) fail(name, null, behaviorId, `expected a list of {test_case, generation, label}, found ${typeof list}`);
    const behavior = context.behaviors?.get(behaviorId);
    if (context.behaviors !== undefined && behavior === undefined) unknownBehaviours++;
    list.forEach((item, k) => {
      const at = `${name}#${behaviorId}[${k}]`;
      if (!isObject(item)) fail(at, null, null, `expected {test_case, generation, label}, found ${typeof item}`);
      if (item.label === undefined) { unscored++; return; }
      const v = item.label;
      if (v !== null && typeof v !== "number" && typeof v !== "string" && typeof v !== "boolean") fail(at, null, "label", `expected 1, 0 or -1, found ${JSON.stringify(v)}`);
      rows.push({
        record: {
          run_id: context.runId ?? null, model, judge: HARMBENCH_JUDGE,
          query_id: behaviorId, query_source: "harmbench", query_category: behavior?.semanticCategory ?? null,
          sample_index: k,
          response: str(item.generation),
          n_benign: 0, n_harmful: 0, schedule: "none",
        },
        judge: HARMBENCH_JUDGE,
        value: v,
        where: { file: at, line: null },
        source: { behavior_id: behaviorId, label: v, test_case: item.test_case ?? null, functional_category: behavior?.functionalCategory ?? null, behavior: behavior?.behavior ?? null },
      });
    });
  }
  const notes: ParsedLog["notes"][number][] = [];
  if (unscored > 0) notes.push({ kind: "unscored", count: unscored, message: `${unscored} generation${unscored === 1 ? " has" : "s have"} no classifier label (completions only; not imported)` });
  if (unknownBehaviours > 0) notes.push({ kind: "uncategorised", count: unknownBehaviours, message: `${unknownBehaviours} behaviour id${unknownBehaviours === 1 ? " is" : "s are"} not in the behaviours CSV (imported without a category)` });
  if (Object.keys(obj).length === 0) notes.push({ kind: "no_samples", count: 0, message: "the results hold no behaviours; nothing to import" });
  return { tool: "harmbench", rows, notes, defaultMap: () => DEFAULT_MAP, mapHint: HINT, judgeNoun: "classifier" };
}
