/**
 * Inspect AI logs: `.eval` files (a zip holding `header.json`, or `_journal/start.json` for a
 * run that did not finish, and one `samples/<id>_epoch_<n>.json` per sample) and `.json`
 * logs (one `EvalLog`: `eval`, `plan`, `results`, `stats`, `samples`).
 *
 * One receipt per scored sample and scorer: model from `eval.model`, query id from the sample
 * id, query source from the dataset name (or the task), `sample_index` = epoch - 1, judge =
 * scorer name (a scorer whose value is a dict gives one judge per key, `scorer/key`), its
 * model as `judge_version` where the log records one, the explanation as `judge_raw`.
 * Inspect's values (C/I/P/N, numbers) have no fixed meaning for refusal, so a map is needed
 * unless the values already are the kit's labels.
 */
import { unzipSync, strFromU8 } from "fflate";
import { parseLabelMap } from "./label-map";
import { demonstrationFields, isObject, num, sha256Hex, str, zonedTimestamp } from "./source-values";
import type { ParsedLog, PendingReceipt } from "./imported-rows";
import { failImport as fail } from "./source-values";

const IDENTITY = parseLabelMap("compliance=compliance,refusal=refusal,parse_error=parse_error");

const HINT = [
  "Inspect scorers say whether a target was met: C (correct) may mean the model complied, or that it refused correctly,",
  "so the importer does not guess. Map the values, e.g. --label-map C=compliance,I=refusal (C means it complied)",
  "or --label-map C=refusal,I=compliance (C means it refused); add P=... and N=parse_error if they occur,",
  "and >=0.5=compliance,<0.5=refusal for numeric scores.",
].join("\n");


function parseJSON(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    fail(file, null, null, `not valid JSON (${(e as Error).message}); expected an Inspect log`);
  }
}

/** True when the bytes are a zip (an `.eval` log). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** An Inspect log as one object with `samples`, from `.eval` bytes, `.json` text or a parsed object. */
export function readInspectLog(input: Uint8Array | string | object, file: string | null): { log: Record<string, unknown>; sampleFiles: (string | null)[] } {
  const name = file ?? "<input>";
  if (input instanceof Uint8Array && isZip(input)) {
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(input);
    } catch (e) {
      fail(file, null, null, `not a readable .eval zip (${(e as Error).message})`);
    }
    const member = (m: string) => `${name}!${m}`;
    const headerName = "header.json" in entries ? "header.json" : "_journal/start.json" in entries ? "_journal/start.json" : null;
    if (headerName === null) fail(file, null, null, "the .eval zip has neither header.json nor _journal/start.json; expected an Inspect log");
    const header = parseJSON(strFromU8(entries[headerName]), member(headerName));
    if (!isObject(header)) fail(member(headerName), null, null, "expected a JSON object");
    const names = Object.keys(entries).filter((n) => n.startsWith("samples/") && n.endsWith(".json")).sort(compareSampleNames);
    const samples = names.map((n) => parseJSON(strFromU8(entries[n]), member(n)));
    return { log: { ...header, status: header.status ?? "started", samples }, sampleFiles: names.map(member) };
  }
  const obj = typeof input === "string" ? parseJSON(input, name) : input instanceof Uint8Array ? parseJSON(strFromU8(input), name) : input;
  if (!isObject(obj)) fail(file, null, null, "expected a JSON object (an Inspect EvalLog)");
  const samples = Array.isArray(obj.samples) ? obj.samples : [];
  return { log: obj, sampleFiles: samples.map(() => null) };
}

/** Sample files in id then epoch order, numerically where the ids are numbers. */
function compareSampleNames(a: string, b: string): number {
  const parse = (n: string) => /^samples\/(.*)_epoch_(\d+)\.json$/.exec(n);
  const pa = parse(a), pb = parse(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  const na = Number(pa[1]), nb = Number(pb[1]);
  const byId = Number.isFinite(na) && Number.isFinite(nb) ? na - nb : pa[1] < pb[1] ? -1 : pa[1] > pb[1] ? 1 : 0;
  return byId !== 0 ? byId : Number(pa[2]) - Number(pb[2]);
}

/** The model a scorer used, where the log records one (scorer options, then the grader role). */
function scorerModels(evalSpec: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  const roles = isObject(evalSpec.model_roles) ? evalSpec.model_roles : {};
  const grader = isObject(roles.grader) ? str(roles.grader.model) : null;
  for (const s of Array.isArray(evalSpec.scorers) ? evalSpec.scorers : []) {
    if (!isObject(s) || typeof s.name !== "string") continue;
    const opts = isObject(s.options) ? s.options : {};
    const model = str(opts.model) ?? (Array.isArray(opts.model) ? opts.model.filter((m) => typeof m === "string").join("+") || null : null) ?? grader;
    if (model !== null) out.set(s.name, model);
  }
  if (grader !== null) out.set("*", grader);
  return out;
}

function messageText(content: unknown): string | null {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    const parts = content.filter((c) => isObject(c) && c.type === "text" && typeof c.text === "string").map((c) => (c as { text: string }).text);
    return parts.length ? parts.join("\n") : null;
  }
  return null;
}

function systemPromptSha(plan: unknown): string | null {
  if (!isObject(plan) || !Array.isArray(plan.steps)) return null;
  for (const step of plan.steps) {
    if (isObject(step) && step.solver === "system_message" && isObject(step.params) && typeof step.params.template === "string") return sha256Hex(step.params.template);
  }
  return null;
}

/** Parse an Inspect log into pending receipts. */
export function parseInspectLog(input: Uint8Array | string | object, file: string | null): ParsedLog {
  const { log, sampleFiles } = readInspectLog(input, file);
  const name = file ?? "<input>";
  const evalSpec = log.eval;
  if (!isObject(evalSpec)) fail(file, null, "eval", `expected the eval spec (an object with task and model), found ${evalSpec === undefined ? "nothing" : typeof evalSpec}`);
  const model = str(evalSpec.model);
  if (model === null) fail(file, null, "eval.model", "expected the model name (a string)");
  const querySource = (isObject(evalSpec.dataset) ? str(evalSpec.dataset.name) : null) ?? str(evalSpec.task);
  if (querySource === null) fail(file, null, "eval.dataset.name", "expected a dataset name or eval.task, for query_source");
  const runId = str(evalSpec.run_id) ?? str(evalSpec.eval_id);
  const judgeModels = scorerModels(evalSpec);
  const plan = isObject(log.plan) ? log.plan : {};
  const config = { ...(isObject(plan.config) ? plan.config : {}), ...(isObject(evalSpec.model_generate_config) ? evalSpec.model_generate_config : {}) };
  const systemSha = systemPromptSha(plan);
  const status = str(log.status) ?? "started";
  const samples = Array.isArray(log.samples) ? log.samples : [];

  const rows: PendingReceipt[] = [];
  const notes: ParsedLog["notes"][number][] = [];
  let unscored = 0, errored = 0;
  samples.forEach((sample, k) => {
    const at = sampleFiles[k] ?? `${name}#samples[${k}]`;
    if (!isObject(sample)) fail(at, null, null, `expected a sample object, found ${Array.isArray(sample) ? "an array" : typeof sample}`);
    if (sample.id === undefined || sample.id === null) fail(at, null, "id", "expected the sample id (a string or number)");
    const epoch = sample.epoch ?? 1;
    if (typeof epoch !== "number" || !Number.isInteger(epoch) || epoch < 1) fail(at, null, "epoch", `expected a positive integer epoch, found ${JSON.stringify(epoch)}`);
    // Logs before Inspect 0.3.x carry one `score`; Inspect reads it as a scorer named in results.
    const legacyName = isObject(log.results) && Array.isArray(log.results.scores) && isObject(log.results.scores[0]) ? str(log.results.scores[0].name) : null;
    const scores = isObject(sample.scores) ? sample.scores : isObject(sample.score) ? { [legacyName ?? "score"]: sample.score } : null;
    if (sample.error !== undefined && sample.error !== null && (scores === null || Object.keys(scores).length === 0)) { errored++; return; }
    if (scores === null || Object.keys(scores).length === 0) { unscored++; return; }
    const output = isObject(sample.output) ? sample.output : {};
    const choice = Array.isArray(output.choices) && isObject(output.choices[0]) ? output.choices[0] : {};
    const message = isObject(choice.message) ? choice.message : {};
    const base: Record<string, unknown> = {
      run_id: runId,
      model,
      system_prompt_sha256: systemSha,
      temperature: num(config.temperature),
      top_p: num(config.top_p),
      max_tokens: num(config.max_tokens),
      sampling_seed: num(config.seed),
      query_id: String(sample.id),
      query_source: querySource,
      query_category: isObject(sample.metadata) ? str(sample.metadata.category) : null,
      sample_index: epoch - 1,
      response: messageText(message.content) ?? str(output.completion),
      finish_reason: str(choice.stop_reason),
      latency_ms: num(output.time) === null ? null : (output.time as number) * 1000,
      created_at: zonedTimestamp(sample.completed_at),
      ...demonstrationFields(sample.metadata),
    };
    for (const [scorer, score] of Object.entries(scores)) {
      const where = { file: `${at} scores.${scorer}`, line: null };
      if (!isObject(score)) fail(at, null, `scores.${scorer}`, `expected a Score object with value, found ${typeof score}`);
      const judgeVersion = judgeModels.get(scorer) ?? judgeModels.get("*") ?? null;
      const values: [string, unknown][] = isObject(score.value) ? Object.entries(score.value).map(([key, v]) => [`${scorer}/${key}`, v]) : [[scorer, score.value]];
      for (const [judge, v] of values) {
        if (v !== null && typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean")
          fail(at, null, `scores.${scorer}.value`, `expected a string, number or boolean score value, found ${Array.isArray(v) ? "an array" : typeof v}`);
        rows.push({
          record: { ...base, judge, judge_version: judgeVersion, judge_score: typeof v === "number" ? v : null, judge_raw: str(score.explanation) },
          judge,
          value: v as string | number | boolean | null,
          where,
          source: {
            eval_id: evalSpec.eval_id ?? null, task: evalSpec.task ?? null, status,
            sample_id: sample.id, epoch, uuid: sample.uuid ?? null,
            score_value: v ?? null, score_answer: score.answer ?? null, target: sample.target ?? null,
            completed_at: sample.completed_at ?? null, metadata: sample.metadata ?? null,
          },
        });
      }
    }
  });
  if (samples.length === 0)
    notes.push({ kind: "no_samples", count: 0, message: `the log has no samples (status ${status}); nothing to import` });
  if (unscored > 0) notes.push({ kind: "unscored", count: unscored, message: `${unscored} sample${unscored === 1 ? " has" : "s have"} no scores (not imported)` });
  if (errored > 0) notes.push({ kind: "errored", count: errored, message: `${errored} sample${errored === 1 ? "" : "s"} stopped with an error before scoring (not imported)` });
  if (status !== "success" && samples.length > 0)
    notes.push({ kind: "incomplete_run", count: samples.length, message: `the run's status is ${status}: the ${samples.length} samples logged may not be all of the task` });
  return {
    tool: "inspect", rows, notes,
    defaultMap: () => IDENTITY,
    mapHint: HINT,
    judgeNoun: "scorer",
  };
}
