/**
 * Watches how points fail, so that a dead or misconfigured endpoint stops the run with one
 * clear message instead of one "gave up" line per planned point.
 *
 * Two rules, both on a run of consecutive failures with the same reason:
 * - before any point has succeeded, `max(3, concurrency)` such failures (every request in
 *   the first wave failed alike: nothing will succeed);
 * - later, `max(10, 2 x concurrency)` connection errors or timeouts in a row (the server
 *   went away mid-run).
 * Point-specific failures (one query always answered 503, say) never form such a run while
 * other points succeed between them, so they do not stop the run.
 */
export interface FailureVerdict {
  /** Set when the run should stop: the message to give. */
  readonly stop: string | null;
  /** Whether this failure's line should be logged (the first few of each reason are). */
  readonly log: boolean;
  /** Set once per reason, when its lines start being suppressed. */
  readonly suppressedNote: string | null;
}

/** Lines logged per distinct reason before the rest are only counted. */
const LINES_PER_REASON = 3;

export class FailureWatch {
  private successes = 0;
  private streak = 0;
  private streakReason: string | null = null;
  private readonly seen = new Map<string, number>();

  constructor(private readonly concurrency: number, private readonly points: number) {}

  success(): void {
    this.successes++;
    this.streak = 0;
    this.streakReason = null;
  }

  /** `reason` is the error's class reason (e.g. "connection error (...)", "HTTP 503 (...)"). */
  failure(reason: string): FailureVerdict {
    if (reason === this.streakReason) this.streak++;
    else { this.streakReason = reason; this.streak = 1; }
    const n = (this.seen.get(reason) ?? 0) + 1;
    this.seen.set(reason, n);
    const log = n <= LINES_PER_REASON;
    const suppressedNote = n === LINES_PER_REASON + 1 ? `further points failing with "${reason}" are counted in the closing summary, not listed` : null;
    let stop: string | null = null;
    const firstWave = Math.min(this.points, Math.max(3, this.concurrency));
    if (this.successes === 0 && this.streak >= firstWave)
      stop = `every request so far failed the same way (${reason}) and none succeeded; check --endpoint, that the server is running, and --model`;
    else if (this.successes > 0 && /^(connection error|timeout)/.test(reason) && this.streak >= Math.max(10, 2 * this.concurrency))
      stop = `the last ${this.streak} points all failed with ${reason}; the endpoint seems to have gone away`;
    return { stop, log, suppressedNote };
  }

  /** Whether the run never got an answer: the endpoint is unreachable or refuses everything. */
  get nothingSucceeded(): boolean {
    return this.successes === 0;
  }
}
