/**
 * The `receipts` command's exit codes, one meaning each, so a script can tell a bad
 * command line from bad data from a machine that lacks a tool:
 * 0 ok; 1 data problems or failed targets; 2 usage errors; 3 environment (a missing
 * Jupyter or Chromium).
 */
import { CommanderError } from "commander";
import { ReceiptValidationError } from "../receipt/issues";

export const EXIT_OK = 0;
/** Invalid or unreadable receipts, a failing published target, a notebook that raised. */
export const EXIT_DATA = 1;
/** An unknown command, option, option value or field name. */
export const EXIT_USAGE = 2;
/** A tool the step needs is not installed (Chromium, Jupyter): run `npm run setup`. */
export const EXIT_ENVIRONMENT = 3;

/** Thrown by a command for a bad argument the parser could not catch (e.g. an unknown field name). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * `code` of errors that mean a tool is missing from the machine. A code rather than a
 * class, so library code (src/plots/save.ts) can mark its errors without importing the CLI.
 */
export const MISSING_TOOL_CODE = "RECEIPTS_MISSING_TOOL";

/** The exit code of an error a command threw. Commander's help and version "errors" are 0. */
export function exitCodeOfError(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  if (e instanceof UsageError) return EXIT_USAGE;
  if (e instanceof ReceiptValidationError) return EXIT_DATA;
  if ((e as { code?: unknown } | null)?.code === MISSING_TOOL_CODE) return EXIT_ENVIRONMENT;
  return EXIT_DATA;
}
