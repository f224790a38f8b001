/**
 * A deadline over a whole request: connection, headers and every byte of the body. The
 * openai client's own `timeout` stops counting once the headers arrive, so a server that
 * sends its headers and then drips the body a byte at a time would hold a request for as
 * long as it likes; this race does not.
 */

/** A request that did not finish (body included) within its deadline. Retried like a timeout. */
export class DeadlineError extends Error {
  constructor(readonly ms: number) {
    super(`timeout: no complete answer within ${ms} ms (the deadline covers the whole response body)`);
    this.name = "DeadlineError";
  }
}

/**
 * Run `request` with an abort signal that fires after `ms`; reject with DeadlineError at
 * that moment even if the request ignores its signal. The losing promise is still
 * observed by the race, so its later rejection is never unhandled.
 */
export async function withDeadline<T>(ms: number, request: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const e = new DeadlineError(ms);
      // Reject first, so the race settles with the deadline, not with the client's abort error.
      reject(e);
      controller.abort(e);
    }, ms);
  });
  try {
    return await Promise.race([request(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
