/**
 * Progress for a command's long steps (load, analyze, fit, convert): one status line on
 * stderr, "receipts analyze: analyzing 603,720 receipts (12.4 s)", rewritten in place.
 * Nothing shows for a step that ends within `delayMs` (2 s), and nothing at all when
 * stderr is not a terminal, in CI or in a notebook (the same rule as collect's bar,
 * `progressWanted`). A step that ran longer ends with one line saying how long it took.
 *
 * The line is redrawn by a timer, so it ticks during asynchronous work (reading files);
 * during a long synchronous computation it shows the phase that is running.
 */
import { progressWanted } from "../collect/progress";
import { openSteps } from "./progress-registry";

export { finishAllProgress } from "./progress-registry";

export interface StepProgress {
  /** Say what the step is doing now (shown at once when the line is already visible). */
  phase(text: string): void;
  /** End the step: clear the line; when it was shown, print "LABEL: done in S s" (or `summary`). */
  done(summary?: string): void;
}

export interface StepProgressOptions {
  /** Where the line goes. Default process.stderr. */
  readonly stream?: { write(text: string): unknown; isTTY?: boolean };
  /** Show it (default: `progressWanted`: stderr a terminal, not CI, not a notebook). */
  readonly enabled?: boolean;
  /** Quiet period before the line first appears, ms. Default 2000. */
  readonly delayMs?: number;
  /** Redraw interval, ms. Default 250. */
  readonly intervalMs?: number;
  /** Clock, ms. Default Date.now (tests pass a fake one). */
  readonly now?: () => number;
}

/**
 * Start reporting a step. The CLI ends every step still open when its command returns
 * (`finishAllProgress`), so a command needs only the start and its phases.
 *
 * @example
 * const progress = stepProgress("receipts analyze", "loading receipts");
 * const table = await loadReceipts(files);
 * progress.phase(`analyzing ${table.numRows.toLocaleString("en-US")} receipts`);
 */
export function stepProgress(label: string, firstPhase = "working", options: StepProgressOptions = {}): StepProgress {
  const stream = options.stream ?? process.stderr;
  const enabled = options.enabled ?? progressWanted(process.env, stream);
  const now = options.now ?? Date.now;
  const delay = options.delayMs ?? 2000;
  const started = now();
  let text = firstPhase;
  let shown = false;
  let finished = false;
  const seconds = () => `${((now() - started) / 1000).toFixed(1)} s`;
  const draw = () => {
    if (finished || !enabled || now() - started < delay) return;
    shown = true;
    stream.write(`\r\x1b[2K${label}: ${text} (${seconds()})`);
  };
  const timer = enabled ? setInterval(draw, options.intervalMs ?? 250) : null;
  timer?.unref();
  const progress: StepProgress = {
    phase(next) {
      text = next;
      if (shown) draw();
    },
    done(summary) {
      if (finished) return;
      draw();
      finished = true;
      if (timer) clearInterval(timer);
      openSteps.delete(progress);
      if (shown) stream.write(`\r\x1b[2K${label}: ${summary ?? "done"} in ${seconds()}\n`);
    },
  };
  openSteps.add(progress);
  return progress;
}
