/**
 * `receipts collect`: a command function taking parsed options and returning an exit code,
 * in the kit's scheme: 0 every planned point has a receipt; 1 bad input (plan, pools) or
 * some points failed or a fatal server answer stopped the run (re-run the same command to
 * resume); 2 a usage error (an argument that can never work); 3 the endpoint never
 * answered (environment: server down or unreachable); 130 interrupted.
 */
import { processIO, type CommandIO } from "../compose/cli";
import { CollectUsageError } from "./check-options";
import { collect, type CollectOptions } from "./collect";

/**
 * The command's options: the library's, less what a command line cannot pass (callbacks,
 * signal, environment), with `timeout` for `timeoutMs` and `quiet` for `progress`.
 */
export type CollectCommandOptions = Pick<CollectOptions,
  "plan" | "endpoint" | "model" | "judge" | "judgeEndpoint" | "judgeModel" | "out" | "concurrency" |
  "retries" | "retryBaseMs" | "promptFormat" | "batchSize" | "limit"> & {
  /** Per-request timeout in ms. Default 120000. */
  readonly timeout?: number;
  /** Hide the progress bar even on a terminal. Default false. */
  readonly quiet?: boolean;
};

export async function collectCommand(options: CollectCommandOptions, io: CommandIO = processIO): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    io.err("receipts collect: interrupted; finishing the requests in flight and flushing (Ctrl-C again to quit at once)\n");
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  try {
    const s = await collect({
      plan: options.plan, endpoint: options.endpoint, model: options.model, judge: options.judge,
      judgeEndpoint: options.judgeEndpoint, judgeModel: options.judgeModel, out: options.out,
      concurrency: options.concurrency, timeoutMs: options.timeout, retries: options.retries, retryBaseMs: options.retryBaseMs,
      promptFormat: options.promptFormat, batchSize: options.batchSize, limit: options.limit,
      progress: options.quiet ? false : "auto",
      log: (l) => io.err(l + "\n"),
      signal: controller.signal,
    });
    if (interrupts > 0) return 130;
    if (s.complete || (options.limit !== undefined && s.failed.length === 0 && s.stoppedBecause === null)) return 0;
    return s.endpointUnreachable ? 3 : 1;
  } catch (e) {
    if (e instanceof Error) {
      io.err(`receipts collect: ${e.message}\n`);
      return e instanceof CollectUsageError ? 2 : 1;
    }
    throw e;
  } finally {
    process.off("SIGINT", onSigint);
  }
}
