/**
 * A fake OpenAI-compatible server on loopback (node:http, port 0) for collect tests and
 * the overhead bench. Deterministic: whether the "model" refuses depends on a hash of the
 * last user message; the "WildGuard" answers in its three-line format, and a configurable
 * share of its answers are malformed. Faults (500, 429, slow answers, malformed JSON) are
 * injected by rules, set in process (`configure`) or over HTTP (`POST /control`).
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FaultRule {
  /**
   * What to do: an HTTP status (500, 503, 429, 401 ...), a slow answer, a 200 with broken
   * JSON, `drip` (headers at once, then the body one byte every `delayMs`), `null_content`
   * (a chat answer whose content is null), `wrong_type` (a valid completion labelled
   * text/plain) or `echo_key` (an answer that repeats the request's bearer token).
   */
  readonly fault: number | "slow" | "bad_json" | "drip" | "null_content" | "wrong_type" | "echo_key";
  /** Only requests whose content (last user message or prompt) contains this text. Default: all. */
  readonly match?: string;
  /** `chat` (/v1/chat/completions), `completions` (/v1/completions) or both. Default both. */
  readonly route?: "chat" | "completions" | "any";
  /** Apply to the first N identical requests (same body), then let them through. Default: always. */
  readonly firstN?: number;
  /** For `slow`: how long to wait before answering, ms (default 1000); for `drip`, between bytes (default 1000). */
  readonly delayMs?: number;
}

export interface FakeServerConfig {
  /** Added to every answer, ms. Default 0. */
  readonly latencyMs?: number;
  readonly faults?: readonly FaultRule[];
  /** One judge answer in this many is malformed (by a hash of its input); 0 never. Default 5. */
  readonly judgeMalformedEvery?: number;
}

export interface FakeServerStats {
  requests: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  /** Authorization headers seen (to check the key travelled from the environment). */
  authorizations: Set<string>;
}

export interface FakeServer {
  /** Base URL with the /v1 prefix, e.g. http://127.0.0.1:43121/v1 */
  readonly url: string;
  readonly stats: FakeServerStats;
  configure(config: FakeServerConfig): void;
  close(): Promise<void>;
}

const hash = (s: string) => createHash("sha256").update(s).digest();

export const REFUSAL_TEXT = "I'm sorry, but I can't help with that.";

/** The fake model's answer: refuses when the hash's first byte is below 128; may copy the demonstrations' cue. */
export function fakeAnswer(lastUser: string, demoCue: string | null): string {
  const h = hash(lastUser);
  const comply = h[0] >= 128;
  const copyCue = demoCue !== null && h[1] % 2 === 0;
  const body = comply ? `[compliant placeholder answer ${h.readUInt16BE(2)}]` : REFUSAL_TEXT;
  return copyCue ? `${demoCue} ${body}` : body;
}

function wildguardAnswer(prompt: string, malformedEvery: number): string {
  const m = /\nAI assistant:\n([\s\S]*)\n\n---\n\nAnswers: \[\/INST\]/.exec(prompt);
  const response = m ? m[1] : "";
  if (malformedEvery > 0 && hash(prompt).readUInt32BE(0) % malformedEvery === 0) return "Harmful request yes, and the rest I am not sure about.";
  const refusal = response.includes("I'm sorry") || response.trim() === "";
  return `Harmful request: yes\nResponse refusal: ${refusal ? "yes" : "no"}\nHarmful response: ${refusal ? "no" : "yes"}`;
}

function cueOf(assistantTexts: string[]): string | null {
  for (const cue of ["Answer:", "Sure I can help with that!"]) if (assistantTexts.length && assistantTexts.every((t) => t.startsWith(cue))) return cue;
  return null;
}

export async function startFakeServer(initial: FakeServerConfig = {}): Promise<FakeServer> {
  let config: FakeServerConfig = initial;
  let counts = new Map<string, number>();
  const stats: FakeServerStats = { requests: 0, byRoute: {}, byStatus: {}, authorizations: new Set() };
  const send = (res: ServerResponse, status: number, body: string, type = "application/json") => {
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
    res.end(body);
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** A complete chat answer sent one byte at a time: the headers arrive at once, the body never in time. */
  const drip = async (res: ServerResponse, everyMs: number) => {
    const body = JSON.stringify({ id: "chatcmpl-drip", object: "chat.completion", created: 0, model: "drip",
      choices: [{ index: 0, message: { role: "assistant", content: REFUSAL_TEXT }, finish_reason: "stop" }] });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    for (const ch of body) {
      if (res.destroyed) return;
      res.write(ch);
      await sleep(everyMs);
    }
    res.end();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const url = req.url ?? "";
    if (url === "/control" && req.method === "POST") {
      config = JSON.parse(raw);
      counts = new Map();
      return send(res, 200, "{}");
    }
    if (url === "/stats") return send(res, 200, JSON.stringify({ ...stats, authorizations: [...stats.authorizations] }));
    const route = url.endsWith("/chat/completions") ? "chat" : url.endsWith("/completions") ? "completions" : null;
    if (route === null || req.method !== "POST") return send(res, 404, JSON.stringify({ error: { message: `no route ${req.method} ${url}` } }));
    stats.requests++;
    stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
    if (req.headers.authorization) stats.authorizations.add(req.headers.authorization);
    const body = JSON.parse(raw) as { model: string; messages?: { role: string; content: string }[]; prompt?: string };
    const content = route === "chat" ? [...(body.messages ?? [])].reverse().find((m) => m.role === "user")?.content ?? "" : body.prompt ?? "";

    for (const [i, rule] of (config.faults ?? []).entries()) {
      if (rule.route && rule.route !== "any" && rule.route !== route) continue;
      if (rule.match !== undefined && !content.includes(rule.match)) continue;
      const ck = `${i}\x1f${route}\x1f${raw}`;
      const n = counts.get(ck) ?? 0;
      if (rule.firstN !== undefined && n >= rule.firstN) continue;
      counts.set(ck, n + 1);
      if (rule.fault === "slow") { await sleep(rule.delayMs ?? 1000); break; }
      if (rule.fault === "drip") return drip(res, rule.delayMs ?? 1000);
      if (rule.fault === "null_content") return send(res, 200, JSON.stringify({ id: "chatcmpl-null", object: "chat.completion", created: 0, model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: null }, finish_reason: "stop" }] }));
      if (rule.fault === "wrong_type") return send(res, 200, JSON.stringify({ id: "chatcmpl-plain", object: "chat.completion", created: 0, model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: REFUSAL_TEXT }, finish_reason: "stop" }] }), "text/plain");
      if (rule.fault === "echo_key") return send(res, 200, JSON.stringify({ id: "chatcmpl-echo", object: "chat.completion", created: 0, model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: `Sure. Your key is ${String(req.headers.authorization ?? "").replace(/^Bearer /, "")}.` }, finish_reason: "stop" }] }));
      if (rule.fault === "bad_json") return send(res, 200, '{"id": "cmpl-broken", "choices": [{"index": 0, "mess');
      const status = rule.fault;
      if (status === 429) res.setHeader("retry-after", "0");
      return send(res, status, JSON.stringify({ error: { message: `injected ${status}`, type: "fake" } }));
    }
    if (config.latencyMs) await sleep(config.latencyMs);
    const created = Math.floor(Date.now() / 1000);
    if (route === "chat") {
      const assistant = (body.messages ?? []).filter((m) => m.role === "assistant").map((m) => m.content);
      const text = fakeAnswer(content, cueOf(assistant));
      return send(res, 200, JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion", created, model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
    }
    const prompt = body.prompt ?? "";
    let text: string;
    if (prompt.startsWith("<s><|user|>\n[INST] You are a classifier")) text = wildguardAnswer(prompt, config.judgeMalformedEvery ?? 5);
    else {
      const turns = prompt.split("\n\nUser: ");
      const last = turns[turns.length - 1].replace(/^User: /, "").replace(/\nAssistant:$/, "");
      const demos = turns.slice(0, -1).map((t) => t.split("\nAssistant: ")[1] ?? "");
      text = " " + fakeAnswer(last, cueOf(demos));
    }
    return send(res, 200, JSON.stringify({ id: "cmpl-fake", object: "text_completion", created, model: body.model,
      choices: [{ index: 0, text, finish_reason: "stop", logprobs: null }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent && !res.destroyed) send(res, 500, JSON.stringify({ error: { message: String(e) } }));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    stats,
    configure(c) { config = c; counts = new Map(); },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
