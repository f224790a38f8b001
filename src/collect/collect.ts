/**
 * Collect receipts for a plan from a model served behind an OpenAI-compatible API, judge
 * each answer and append the receipts to a JSONL file that a kill cannot corrupt.
 * Re-running the same call resumes: points whose receipt key is already in the file are
 * skipped, so failed points are retried simply by running again.
 */
import { createHash } from "node:crypto";
import OpenAI from "openai";
import { compose, type ComposedContext } from "../compose/compose";
import { adoptedCue } from "../compose/cues";
import { loadPlan, loadPools, pointKeyParts, type PlanHeader, type PlanPoint } from "../compose/plan";
import { PoolError, type Pools } from "../compose/pools";
import { receiptKey } from "../receipt/key";
import { validateRecord } from "../receipt/validate";
import { formatIssue } from "../receipt/issues";
import { keywordJudge, KEYWORD_JUDGE_VERSION, parseWildguard, wildguardInput, WILDGUARD_SAMPLING, type JudgeVerdict } from "./judges";
import { checkEndpoint, checkNumbers, CollectUsageError } from "./check-options";
import { withDeadline } from "./deadline";
import { FailureWatch } from "./failure-watch";
import { createProgress, progressWanted } from "./progress";
import { BadResponseError, DEFAULT_RETRY, FatalRequestError, GaveUpError, withRetry, type RetryPolicy } from "./retry";
import { lockReceiptFile, ReceiptAppender } from "./writer";

export type JudgeName = "keyword" | "wildguard";

export interface CollectOptions {
  /** Plan JSONL written by `receipts plan`. */
  readonly plan: string;
  /** Base URL of the model's OpenAI-compatible API, with its path prefix, e.g. `http://127.0.0.1:8000/v1`. */
  readonly endpoint: string;
  /** Model name sent to the server and written to receipts. Must equal the plan's model when the plan names one. */
  readonly model: string;
  readonly judge: JudgeName;
  /** WildGuard's server (completions endpoint). Default: `endpoint`. */
  readonly judgeEndpoint?: string;
  /** WildGuard's model name on that server. Default `allenai/wildguard`. */
  readonly judgeModel?: string;
  /** Receipt JSONL to append to (created when missing). */
  readonly out: string;
  /** Requests in flight at once. Default 4. */
  readonly concurrency?: number;
  /** Per-request timeout in ms. Default 120000. */
  readonly timeoutMs?: number;
  /** Retries after the first try (429, 5xx, timeouts, malformed bodies). Default 4. */
  readonly retries?: number;
  /** First backoff delay in ms, doubling per retry, jittered. Default 1000. */
  readonly retryBaseMs?: number;
  /** Cap on one backoff delay in ms. Default 30000. */
  readonly retryMaxMs?: number;
  /** `chat` (default): chat messages to /chat/completions; `text`: the single-string template to /completions. */
  readonly promptFormat?: "chat" | "text";
  /** Receipts per fsync'd batch. Default 8. */
  readonly batchSize?: number;
  /** Flush waiting receipts at least this often, in ms. Default 1000. */
  readonly flushIntervalMs?: number;
  /** Stop after this many new receipts (a smoke run). Default: no limit. */
  readonly limit?: number;
  /** Progress bar: `auto` (default) shows it on an interactive terminal outside CI and notebooks. */
  readonly progress?: boolean | "auto";
  /** Log lines go here. Default: stderr. */
  readonly log?: (line: string) => void;
  /** Environment to read the API keys from. Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Stop dispatching new points when aborted; points in flight finish and are written. */
  readonly signal?: AbortSignal;
}

export interface CollectFailure {
  readonly receipt_key: string;
  readonly point_key: string;
  readonly reason: string;
}

export interface CollectSummary {
  readonly planned: number;
  /** Points whose receipt was already in the file. */
  readonly alreadyDone: number;
  /** Receipts written by this call. */
  readonly written: number;
  readonly failed: readonly CollectFailure[];
  /** Receipts written with judge_label parse_error. */
  readonly parseErrors: number;
  /** Bytes of a torn last line removed on opening. */
  readonly repairedBytes: number;
  /** Whether every planned point now has a receipt. */
  readonly complete: boolean;
  /** Set when the run stopped early: a fatal server error (401, 403, 404), an endpoint that fails every request alike, or an abort. */
  readonly stoppedBecause: string | null;
  /** The run stopped because no request ever succeeded (unreachable or misconfigured endpoint). */
  readonly endpointUnreachable: boolean;
  /** Answers that contained an API key, which was replaced by `[redacted]` before judging and storing. */
  readonly redactedAnswers: number;
  readonly elapsedMs: number;
}

/** Environment variables the API keys come from, first set wins. Keys are never written anywhere. */
export const API_KEY_VARIABLES = ["RECEIPTS_API_KEY", "OPENAI_API_KEY"] as const;
export const JUDGE_API_KEY_VARIABLES = ["RECEIPTS_JUDGE_API_KEY", "RECEIPTS_API_KEY", "OPENAI_API_KEY"] as const;

function keyFrom(env: NodeJS.ProcessEnv, names: readonly string[]): string | null {
  for (const n of names) if (env[n]) return env[n]!;
  return null;
}

/** Placeholder for servers that want no key (vLLM, llama.cpp): the client requires some string. */
const NO_KEY = "no-key";

export interface ModelAnswer {
  readonly text: string;
  readonly finish_reason: string | null;
  readonly latency_ms: number;
}

/** The response's content type must be JSON: a body labelled otherwise is not taken for a completion. */
function checkJSON(response: Response, what: string): void {
  const type = response.headers.get("content-type") ?? "";
  if (!/\bjson\b/i.test(type)) throw new BadResponseError(`${what}: the server answered with content-type ${JSON.stringify(type || "(none)")}, not application/json`);
}

async function askModel(client: OpenAI, o: CollectOptions, header: PlanHeader, ctx: ComposedContext, timeout: number): Promise<ModelAnswer> {
  const sampling = {
    ...(header.temperature !== null ? { temperature: header.temperature } : {}),
    ...(header.top_p !== null ? { top_p: header.top_p } : {}),
    ...(header.max_tokens !== null ? { max_tokens: header.max_tokens } : {}),
    ...(header.sampling_seed !== null ? { seed: header.sampling_seed } : {}),
  };
  const t0 = performance.now();
  if ((o.promptFormat ?? "chat") === "text") {
    const { data: r, response } = await withDeadline(timeout, (signal) =>
      client.completions.create({ model: o.model, prompt: ctx.text, stop: ["\nUser:"], ...sampling }, { timeout, signal }).withResponse());
    checkJSON(response, "completion");
    const choice = (r as { choices?: { text?: unknown; finish_reason?: unknown }[] })?.choices?.[0];
    if (!choice || typeof choice.text !== "string") throw new BadResponseError("completion without choices[0].text");
    return { text: choice.text, finish_reason: typeof choice.finish_reason === "string" ? choice.finish_reason : null, latency_ms: performance.now() - t0 };
  }
  const { data: r, response } = await withDeadline(timeout, (signal) =>
    client.chat.completions.create({ model: o.model, messages: ctx.messages.map((m) => ({ role: m.role, content: m.content })), ...sampling }, { timeout, signal }).withResponse());
  checkJSON(response, "chat completion");
  const choice = (r as { choices?: { message?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown }[] })?.choices?.[0];
  if (!choice || !choice.message || (choice.message.content !== null && typeof choice.message.content !== "string"))
    throw new BadResponseError("chat completion without choices[0].message.content");
  const finish = typeof choice.finish_reason === "string" ? choice.finish_reason : null;
  let text = choice.message.content as string | null;
  // A null content is not an empty answer: OpenAI puts a refusal in `message.refusal`, and
  // anything else (a tool call, a filtered answer) is no answer at all. Recording "" would
  // turn it into a refusal by the keyword judge, silently.
  if (text === null) {
    if (typeof choice.message.refusal === "string") text = choice.message.refusal;
    else throw new BadResponseError(`chat completion with content null and no refusal text (finish_reason ${JSON.stringify(finish)})`);
  }
  return { text, finish_reason: finish, latency_ms: performance.now() - t0 };
}

async function askWildguard(client: OpenAI, model: string, prompt: string, answer: string, timeout: number): Promise<JudgeVerdict> {
  const { data: r, response } = await withDeadline(timeout, (signal) =>
    client.completions.create({ model, prompt: wildguardInput(prompt, answer), ...WILDGUARD_SAMPLING }, { timeout, signal }).withResponse());
  checkJSON(response, "judge completion");
  const text = (r as { choices?: { text?: unknown }[] })?.choices?.[0]?.text;
  if (typeof text !== "string") throw new BadResponseError("judge completion without choices[0].text");
  return parseWildguard(text);
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const drop = (o: Record<string, unknown>) => {
  for (const k of Object.keys(o)) if (o[k] === null || o[k] === undefined) delete o[k];
  return o;
};

/** The receipt for one answered and judged point. */
export function buildReceipt(header: PlanHeader, p: PlanPoint, ctx: ComposedContext, run: { model: string; judge: JudgeName; judgeVersion: string }, answer: ModelAnswer, verdict: JudgeVerdict, createdAt: Date): Record<string, unknown> {
  return drop({
    run_id: header.run_id, model: run.model, model_family: header.model_family, training_stage: header.training_stage,
    system_prompt_sha256: header.system_prompt_sha256,
    temperature: header.temperature, top_p: header.top_p, max_tokens: header.max_tokens, sampling_seed: header.sampling_seed,
    judge: run.judge, judge_version: run.judgeVersion,
    harmful_demo_source: header.harmful_demos.source, benign_demo_source: header.benign_demos.source,
    truncation_chars: header.truncation_chars,
    n_benign: p.n_benign, n_harmful: p.n_harmful, schedule: p.schedule, format_cue: p.format_cue, format_cue_text: p.format_cue_text,
    sample_index: p.sample_index, composition_seed: p.composition_seed, demo_ids: ctx.demo_ids,
    query_id: p.query_id, query_source: p.query_source, query_category: p.query_category,
    judge_label: verdict.judge_label, judge_raw: verdict.judge_raw, response_harmful: verdict.response_harmful,
    adopted_cue: adoptedCue(answer.text, ctx.format_cue_text),
    response: answer.text, response_sha256: sha256(answer.text),
    finish_reason: answer.finish_reason, latency_ms: Math.round(answer.latency_ms * 1000) / 1000,
    created_at: createdAt.toISOString(),
  });
}

async function checkPools(header: PlanHeader): Promise<Pools> {
  const pools = await loadPools({ queries: header.queries.path, harmful_demos: header.harmful_demos.path, benign_demos: header.benign_demos.path });
  const changed = ([["queries", pools.queries.sha256, header.queries], ["harmful_demos", pools.harmful.sha256, header.harmful_demos], ["benign_demos", pools.benign.sha256, header.benign_demos]] as const)
    .filter(([, got, ref]) => got !== ref.sha256)
    .map(([name, , ref]) => `${ref.path}: the ${name} pool changed since the plan was written (SHA-256 differs); re-run \`receipts plan\` so compositions match their recorded seeds`);
  if (changed.length) throw new PoolError(changed);
  return pools;
}

/**
 * Collect receipts for every planned point not yet in `out`. Returns a summary; throws
 * only for bad input (plan, pools, model or judge mismatch, another collector on the file).
 */
export async function collect(o: CollectOptions): Promise<CollectSummary> {
  const started = performance.now();
  const env = o.env ?? process.env;
  const apiKey = keyFrom(env, API_KEY_VARIABLES);
  const judgeKey = keyFrom(env, JUDGE_API_KEY_VARIABLES);
  const secrets = [apiKey, judgeKey].filter((k): k is string => k !== null && k.length >= 4);
  const redact = (s: string) => secrets.reduce((t, k) => t.split(k).join("[redacted]"), s);
  const rawLog = o.log ?? ((l: string) => void process.stderr.write(l + "\n"));
  let progressLog: ((l: string) => void) | null = null;
  const log = (l: string) => (progressLog ?? rawLog)(redact(l));

  // Every argument is checked before the plan is read or a request sent.
  if (o.judge !== "keyword" && o.judge !== "wildguard") throw new CollectUsageError(`collect: judge must be keyword or wildguard, found ${JSON.stringify(o.judge)}`);
  if (o.promptFormat !== undefined && o.promptFormat !== "chat" && o.promptFormat !== "text") throw new CollectUsageError(`collect: prompt format must be chat or text, found ${JSON.stringify(o.promptFormat)}`);
  if (typeof o.model !== "string" || o.model.trim() === "") throw new CollectUsageError(`collect: model must be a non-empty name, found ${JSON.stringify(o.model)}`);
  checkEndpoint("collect: endpoint", o.endpoint);
  if (o.judgeEndpoint !== undefined) checkEndpoint("collect: judge endpoint", o.judgeEndpoint);
  checkNumbers(o);
  const concurrency = o.concurrency ?? 4;
  const plan = await loadPlan(o.plan);
  const { header } = plan;
  if (header.model !== null && header.model !== o.model) throw new Error(`collect: the plan was made for model ${JSON.stringify(header.model)}, found --model ${JSON.stringify(o.model)}; re-plan or pass the plan's model`);
  if (header.judge !== null && header.judge !== o.judge) throw new Error(`collect: the plan was made for judge ${JSON.stringify(header.judge)}, found --judge ${JSON.stringify(o.judge)}`);
  const pools = await checkPools(header);
  const judgeModel = o.judgeModel ?? "allenai/wildguard";
  const run = { model: o.model, judge: o.judge, judgeVersion: o.judge === "keyword" ? KEYWORD_JUDGE_VERSION : judgeModel };
  const policy: RetryPolicy = { retries: o.retries ?? DEFAULT_RETRY.retries, baseDelayMs: o.retryBaseMs ?? DEFAULT_RETRY.baseDelayMs, maxDelayMs: o.retryMaxMs ?? DEFAULT_RETRY.maxDelayMs };
  const timeout = o.timeoutMs ?? 120000;

  const unlock = await lockReceiptFile(o.out, log);
  let appender: ReceiptAppender | null = null;
  try {
    const opened = await ReceiptAppender.open(o.out, { batchSize: o.batchSize, flushIntervalMs: o.flushIntervalMs, log });
    appender = opened.appender;
    const todo: { point: PlanPoint; key: string }[] = [];
    let alreadyDone = 0;
    for (const point of plan.points) {
      const key = receiptKey(pointKeyParts(header, point, o.model, o.judge));
      if (opened.existingKeys.has(key)) alreadyDone++;
      else todo.push({ point, key });
    }
    const work = o.limit !== undefined ? todo.slice(0, o.limit) : todo;
    if (alreadyDone > 0) log(`${o.out}: ${alreadyDone} of ${plan.points.length} planned receipts already there; collecting the other ${todo.length}`);

    const client = new OpenAI({ baseURL: o.endpoint, apiKey: apiKey ?? NO_KEY, maxRetries: 0, timeout });
    const judgeClient = o.judge === "wildguard" ? new OpenAI({ baseURL: o.judgeEndpoint ?? o.endpoint, apiKey: judgeKey ?? NO_KEY, maxRetries: 0, timeout }) : null;
    const showBar = o.progress === "auto" || o.progress === undefined ? progressWanted(env) : o.progress;
    const bar = createProgress(work.length, showBar, (l) => rawLog(l));
    progressLog = bar.log;

    const failed: CollectFailure[] = [];
    const watch = new FailureWatch(concurrency, work.length);
    let parseErrors = 0, redactedAnswers = 0, done = 0, next = 0;
    let stoppedBecause: string | null = null;
    let unreachable = false;
    const stop = (why: string) => { if (stoppedBecause === null) stoppedBecause = why; };
    const onAbort = () => stop("aborted");
    o.signal?.addEventListener("abort", onAbort);
    if (o.signal?.aborted) stop("aborted");

    const one = async ({ point, key }: { point: PlanPoint; key: string }) => {
      const ctx = compose({ ...point, truncation_chars: header.truncation_chars, system_prompt: header.system_prompt }, pools);
      const retryLog = (what: string) => (retry: number, why: { reason: string }, delay: number) =>
        log(`${key}: ${what} ${why.reason}; retry ${retry + 1} of ${policy.retries} in ${Math.round(delay)} ms`);
      try {
        const asked = await withRetry(() => askModel(client, o, header, ctx, timeout), policy, `model:${key}`, retryLog("model"));
        // A model that repeats the API key (a prompt-injection probe can ask it to) must not
        // put the key into a receipt file that gets shared.
        const clean = redact(asked.text);
        if (clean !== asked.text && redactedAnswers++ === 0) log(`${key}: the answer contained an API key; it is stored as [redacted] (counted in the summary)`);
        const answer = clean === asked.text ? asked : { ...asked, text: clean };
        const verdict = judgeClient === null ? keywordJudge(answer.text)
          : await withRetry(() => askWildguard(judgeClient, judgeModel, ctx.query.prompt, answer.text, timeout), policy, `judge:${key}`, retryLog("judge"));
        const receipt = buildReceipt(header, point, ctx, run, answer, verdict, new Date());
        const { issues } = validateRecord(receipt, { file: o.out, line: null });
        if (issues.length) throw new Error(`collect: built an invalid receipt (a bug): ${issues.map(formatIssue).join("; ")}`);
        if (verdict.judge_label === "parse_error") parseErrors++;
        await appender!.add(receipt);
        watch.success();
      } catch (e) {
        if (e instanceof FatalRequestError) {
          stop(`the server answered ${e.message}; every request would fail the same way (check --endpoint, --model and the API key variable)`);
          failed.push({ receipt_key: key, point_key: point.point_key, reason: redact(e.message) });
        } else if (e instanceof GaveUpError) {
          failed.push({ receipt_key: key, point_key: point.point_key, reason: redact(e.message) });
          const verdict = watch.failure(redact(e.last.reason));
          if (verdict.log) log(`${key}: ${redact(e.message)}; nothing recorded for this point (query ${point.query_id}, n_benign ${point.n_benign}, n_harmful ${point.n_harmful}, sample ${point.sample_index})`);
          if (verdict.suppressedNote) log(verdict.suppressedNote);
          if (verdict.stop !== null) {
            if (watch.nothingSucceeded) unreachable = true;
            stop(verdict.stop);
          }
        } else throw e;
      }
      done++;
      bar.tick(done, failed.length);
    };
    const worker = async () => {
      while (stoppedBecause === null && next < work.length) await one(work[next++]);
    };
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, work.length)) }, worker));
    } finally {
      o.signal?.removeEventListener("abort", onAbort);
      await appender.close();
      bar.stop();
      progressLog = null;
    }
    const written = appender.written;
    const complete = alreadyDone + written === plan.points.length;
    const summary: CollectSummary = {
      planned: plan.points.length, alreadyDone, written, failed, parseErrors,
      repairedBytes: opened.repairedBytes, complete, stoppedBecause, endpointUnreachable: unreachable && stoppedBecause !== null, redactedAnswers,
      elapsedMs: performance.now() - started,
    };
    log(summaryText(summary, o.out));
    return summary;
  } finally {
    if (appender !== null) await appender.close().catch(() => undefined);
    await unlock();
  }
}

/** The closing message: counts, and how to retry what failed. */
export function summaryText(s: CollectSummary, out: string): string {
  const parts = [`collected ${s.written} receipts into ${out} in ${(s.elapsedMs / 1000).toFixed(1)} s`];
  if (s.alreadyDone) parts.push(`${s.alreadyDone} were already there`);
  if (s.parseErrors) parts.push(`${s.parseErrors} with judge parse errors (judge_label parse_error, counted apart)`);
  if (s.redactedAnswers) parts.push(`${s.redactedAnswers} answers contained an API key, stored as [redacted]`);
  let text = parts.join("; ") + ".";
  if (s.stoppedBecause) text += ` Stopped early: ${s.stoppedBecause}.`;
  const missing = s.planned - s.alreadyDone - s.written;
  if (s.failed.length) text += ` ${s.failed.length} points failed and have no receipt.`;
  if (missing > 0) text += ` ${missing} of ${s.planned} planned points are missing; re-run the same command to collect them (points already in the file are skipped).`;
  else text += ` All ${s.planned} planned points have a receipt.`;
  return text;
}
