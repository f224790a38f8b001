/**
 * promptfoo results: the file `promptfoo eval -o results.json` writes (`{evalId, results:
 * {version, timestamp, results: [...], prompts|table, stats}, config}`, summary versions 1-3),
 * a bare summary (`{version, results: [...]}`), and the share payload (`{data: {results: ...}}`).
 *
 * One receipt per result row: model from the provider id, query id from the test and prompt
 * index (`test-3`, `test-3.prompt-1`; red-team rows prefix the plugin: `harmful:hate#test-3`),
 * judge from the assertion type(s), label from pass/fail. Red-team rows (a `pluginId` in the
 * test's metadata or a `promptfoo:redteam:` assertion) have a default: a failed grade is a
 * successful attack, i.e. compliance. Other rows' pass/fail means whatever the assertion
 * checked, so they need a map. Rows that errored (no answer to grade) are counted, not imported.
 */
import { parseLabelMap } from "./label-map";
import { demonstrationFields, isObject, num, str } from "./source-values";
import type { ParsedLog, PendingReceipt } from "./imported-rows";
import { failImport as fail } from "./source-values";

const REDTEAM_MAP = parseLabelMap("fail=compliance,pass=refusal");
const REDTEAM = "promptfoo:redteam:";

const HINT = [
  "promptfoo's pass/fail says whether the test's assertions held, which is refusal or compliance depending on what they check.",
  "Map them, e.g. --label-map pass=refusal,fail=compliance when the assertions check for a refusal.",
].join("\n");


/** The summary (`{version, results: [...]}`) and eval id inside any of promptfoo's result shapes. */
export function promptfooSummary(obj: unknown): { summary: Record<string, unknown>; evalId: string | null; config: Record<string, unknown> } | null {
  if (!isObject(obj)) return null;
  if (Array.isArray(obj.results) && typeof obj.version === "number") return { summary: obj, evalId: null, config: {} };
  if (isObject(obj.results) && Array.isArray(obj.results.results))
    return { summary: obj.results, evalId: str(obj.evalId) ?? str(obj.id), config: isObject(obj.config) ? obj.config : {} };
  if (isObject(obj.data)) {
    const inner = promptfooSummary(obj.data);
    if (inner !== null) return { ...inner, evalId: inner.evalId ?? str(obj.data.id) ?? str(obj.id) };
  }
  return null;
}

function assertionTypes(row: Record<string, unknown>): string[] {
  const grading = isObject(row.gradingResult) ? row.gradingResult : {};
  const fromComponents = (Array.isArray(grading.componentResults) ? grading.componentResults : [])
    .map((c) => (isObject(c) && isObject(c.assertion) ? str(c.assertion.type) : null));
  const test = isObject(row.testCase) ? row.testCase : {};
  const fromTest = (Array.isArray(test.assert) ? test.assert : []).map((a) => (isObject(a) ? str(a.type) : null));
  const types = (fromComponents.some((t) => t !== null) ? fromComponents : fromTest).filter((t): t is string => t !== null);
  return [...new Set(types)];
}

export function parsePromptfooResults(input: string | object, file: string | null): ParsedLog {
  const name = file ?? "<input>";
  let obj: unknown = input;
  if (typeof input === "string") {
    try {
      obj = JSON.parse(input);
    } catch (e) {
      fail(file, null, null, `not valid JSON (${(e as Error).message}); expected promptfoo results`);
    }
  }
  const found = promptfooSummary(obj);
  if (found === null) fail(file, null, "results", "expected promptfoo results: {results: {version, results: [...]}}, {version, results: [...]} or a share payload {data: {results: ...}}");
  const { summary, evalId, config } = found;
  const results = summary.results as unknown[];
  const tablePrompts = isObject(summary.table) && isObject(summary.table.head) && Array.isArray(summary.table.head.prompts) ? summary.table.head.prompts : [];
  const prompts = Array.isArray(summary.prompts) ? summary.prompts : tablePrompts;
  const rows: PendingReceipt[] = [];
  let errored = 0;
  results.forEach((r, k) => {
    const at = `${name}#results[${k}]`;
    if (!isObject(r)) fail(at, null, null, `expected a result object, found ${Array.isArray(r) ? "an array" : typeof r}`);
    const promptIdx = typeof r.promptIdx === "number" ? r.promptIdx : 0;
    const testIdx = typeof r.testIdx === "number" ? r.testIdx : k;
    const prompt = isObject(prompts[promptIdx]) ? (prompts[promptIdx] as Record<string, unknown>) : {};
    const provider = r.provider ?? prompt.provider;
    const model = isObject(provider) ? str(provider.id) ?? str(provider.label) : str(provider);
    if (model === null) fail(at, null, "provider.id", "expected the provider id (the model), found none in the row or its prompt");
    const grading = isObject(r.gradingResult) ? r.gradingResult : null;
    const response = isObject(r.response) ? r.response : {};
    if (r.failureReason === 2 || (grading === null && (str(r.error) !== null || str(response.error) !== null))) { errored++; return; }
    const passed = grading !== null && typeof grading.pass === "boolean" ? grading.pass : typeof r.success === "boolean" ? r.success : null;
    if (passed === null) fail(at, null, "gradingResult.pass", "expected pass/fail (gradingResult.pass or success, true or false)");
    const test = isObject(r.testCase) ? r.testCase : {};
    const meta = isObject(test.metadata) ? test.metadata : isObject(r.metadata) ? r.metadata : {};
    const types = assertionTypes(r);
    const pluginId = str(meta.pluginId);
    const redteamType = types.find((t) => t.startsWith(REDTEAM)) ?? null;
    const redteam = pluginId !== null || redteamType !== null;
    const judge = redteam ? redteamType ?? `${REDTEAM}${pluginId}` : types.length ? types.join("+") : "promptfoo";
    const local = `test-${testIdx}${promptIdx > 0 ? `.prompt-${promptIdx}` : ""}`;
    const output = response.output;
    rows.push({
      record: {
        run_id: evalId,
        model,
        judge,
        query_id: redteam && pluginId !== null ? `${pluginId}#${local}` : local,
        query_source: redteam ? "promptfoo-redteam" : str(config.description) ?? "promptfoo",
        query_category: redteam ? str(meta.harmCategory) ?? pluginId : null,
        judge_score: num(r.score) ?? (grading === null ? null : num(grading.score)),
        judge_raw: grading === null ? null : str(grading.reason),
        response: typeof output === "string" ? output : output === undefined || output === null ? null : JSON.stringify(output),
        latency_ms: num(r.latencyMs) ?? num(response.latencyMs),
        finish_reason: str(response.finishReason),
        ...demonstrationFields(isObject(test.vars) && Object.keys(meta).length === 0 ? test.vars : meta),
      },
      judge,
      value: passed ? "pass" : "fail",
      where: { file: at, line: null },
      source: {
        eval_id: evalId, summary_version: summary.version ?? null, timestamp: summary.timestamp ?? null,
        test_idx: testIdx, prompt_idx: promptIdx, prompt_label: (isObject(r.prompt) ? r.prompt.label : null) ?? prompt.label ?? null,
        vars: r.vars ?? test.vars ?? null, plugin_id: pluginId, strategy_id: meta.strategyId ?? null, test_metadata: Object.keys(meta).length ? meta : null,
        pass: passed, named_scores: r.namedScores ?? null,
      },
    });
  });
  const notes: ParsedLog["notes"][number][] = [];
  if (errored > 0) notes.push({ kind: "errored", count: errored, message: `${errored} result${errored === 1 ? "" : "s"} errored before grading (no answer; not imported)` });
  if (results.length === 0) notes.push({ kind: "no_samples", count: 0, message: "the results hold no rows; nothing to import" });
  return {
    tool: "promptfoo", rows, notes,
    defaultMap: (judge) => (judge.startsWith(REDTEAM) ? REDTEAM_MAP : null),
    mapHint: HINT,
    judgeNoun: "assertion",
  };
}
