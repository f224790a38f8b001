/**
 * The steps whose progress line is open, so the CLI can end them all when a command
 * returns or throws. Its own file, with no imports, so the CLI entry can use it without
 * loading the progress bar library (`receipts --version` stays fast).
 */
export interface OpenStep {
  done(): void;
}

export const openSteps = new Set<OpenStep>();

/** End every step still open. */
export function finishAllProgress(): void {
  for (const step of [...openSteps]) step.done();
}
