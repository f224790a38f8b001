/**
 * Retries with exponential backoff and deterministic jitter. The openai client is built
 * with maxRetries 0, so every retry happens here, where tests can make delays short.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { createRng, deriveSeed } from "../compose/prng";
import { DeadlineError } from "./deadline";

export interface RetryPolicy {
  /** Retries after the first try. Default 4 (five tries in all). */
  readonly retries: number;
  /** Delay before the first retry, in ms; doubles each retry. Default 1000. */
  readonly baseDelayMs: number;
  /** Cap on one delay, in ms. Default 30000. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 1000, maxDelayMs: 30000 };

/** A server answer that parsed as JSON but is not a completion (no choices, no text). */
export class BadResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BadResponseError";
  }
}

/**
 * How to treat an error: `retry` (429, 5xx, timeouts, dropped connections, malformed or
 * incomplete bodies), `fatal` (401, 403, 404: every other request would fail the same
 * way, so the run stops) or `skip` (other 4xx, e.g. a context too long for the model: the
 * point fails, the run goes on).
 */
export interface ErrorClass {
  readonly action: "retry" | "fatal" | "skip";
  readonly reason: string;
  /** From a Retry-After header, when the server sent one. */
  readonly retryAfterMs: number | null;
}

export function classifyError(e: unknown): ErrorClass {
  if (e instanceof DeadlineError) return { action: "retry", reason: e.message, retryAfterMs: null };
  if (e instanceof APIConnectionTimeoutError) return { action: "retry", reason: "timeout", retryAfterMs: null };
  if (e instanceof APIUserAbortError) return { action: "fatal", reason: "aborted", retryAfterMs: null };
  if (e instanceof APIConnectionError) return { action: "retry", reason: `connection error (${e.message})`, retryAfterMs: null };
  if (e instanceof APIError) {
    const status = e.status ?? 0;
    let retryAfterMs: number | null = null;
    const ra = (e.headers as { get?: (k: string) => string | null } | undefined)?.get?.("retry-after");
    if (ra) {
      const s = Number(ra);
      retryAfterMs = Number.isFinite(s) ? s * 1000 : Math.max(0, Date.parse(ra) - Date.now()) || null;
    }
    const reason = `HTTP ${status}${e.message ? ` (${e.message.slice(0, 200)})` : ""}`;
    if (status === 429 || status >= 500) return { action: "retry", reason, retryAfterMs };
    if (status === 401 || status === 403 || status === 404) return { action: "fatal", reason, retryAfterMs };
    return { action: "skip", reason, retryAfterMs };
  }
  if (e instanceof SyntaxError) return { action: "retry", reason: `malformed JSON from the server (${e.message})`, retryAfterMs: null };
  if (e instanceof BadResponseError) return { action: "retry", reason: e.message, retryAfterMs: null };
  return { action: "skip", reason: e instanceof Error ? `${e.name}: ${e.message}` : String(e), retryAfterMs: null };
}

/**
 * Delay before retry number `retry` (0 for the first retry): min(max, base * 2^retry)
 * scaled by a jitter factor in [0.5, 1) drawn from a generator seeded by `key` and
 * `retry`, so the same point waits the same on every run; never less than a Retry-After.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, key: string, retryAfterMs: number | null = null): number {
  const capped = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  const jitter = 0.5 + 0.5 * createRng(deriveSeed(["backoff", key, retry])).nextFloat();
  const d = capped * jitter;
  return retryAfterMs === null ? d : Math.max(d, Math.min(retryAfterMs, policy.maxDelayMs));
}

export class GaveUpError extends Error {
  constructor(readonly tries: number, readonly last: ErrorClass) {
    super(`gave up after ${tries} ${tries === 1 ? "try" : "tries"}: ${last.reason}`);
    this.name = "GaveUpError";
  }
}

export class FatalRequestError extends Error {
  constructor(readonly last: ErrorClass) {
    super(last.reason);
    this.name = "FatalRequestError";
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Run `fn` until it succeeds, retrying retryable errors per `policy`. Throws GaveUpError
 * after the last try or on a `skip` error, FatalRequestError on a `fatal` one.
 */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy, key: string, onRetry?: (retry: number, why: ErrorClass, delayMs: number) => void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const c = classifyError(e);
      if (c.action === "fatal") throw new FatalRequestError(c);
      if (c.action === "skip" || attempt >= policy.retries) throw new GaveUpError(attempt + 1, c);
      const delay = backoffDelay(policy, attempt, key, c.retryAfterMs);
      onRetry?.(attempt, c, delay);
      await sleep(delay);
    }
  }
}
