/**
 * The collector's arguments, checked before the plan is read or any request is sent: a bad
 * endpoint or a negative retry count is a usage error reported once, not a failure at
 * every point.
 */

/** A collector argument that can never work. The CLI maps it to exit code 2 (usage). */
export class CollectUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CollectUsageError";
  }
}

export interface CheckedNumbers {
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  readonly batchSize?: number;
  readonly flushIntervalMs?: number;
  readonly limit?: number;
}

/** Throws CollectUsageError naming the option, what it must be and what it was. */
export function checkEndpoint(option: string, value: unknown): void {
  if (typeof value !== "string" || value.trim() === "") throw new CollectUsageError(`${option} must be an http:// or https:// URL, found ${JSON.stringify(value)}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CollectUsageError(`${option} must be an http:// or https:// URL, found ${JSON.stringify(value.slice(0, 200))} (not a URL)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new CollectUsageError(`${option} must be an http:// or https:// URL, found the scheme ${JSON.stringify(url.protocol)}`);
}

const RULES: readonly [keyof CheckedNumbers, string, number][] = [
  // [option, what it must be, smallest allowed]
  ["concurrency", "a positive integer", 1],
  ["timeoutMs", "a positive integer of milliseconds", 1],
  ["retries", "a non-negative integer", 0],
  ["retryBaseMs", "a non-negative integer of milliseconds", 0],
  ["retryMaxMs", "a non-negative integer of milliseconds", 0],
  ["batchSize", "a positive integer", 1],
  ["flushIntervalMs", "a positive integer of milliseconds", 1],
  ["limit", "a non-negative integer", 0],
];

export function checkNumbers(o: CheckedNumbers): void {
  for (const [name, what, min] of RULES) {
    const v = o[name];
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) throw new CollectUsageError(`${name} must be ${what}, found ${JSON.stringify(v)}`);
  }
}
