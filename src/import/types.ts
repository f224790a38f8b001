/** Options and messages shared by the importers of other tools' evaluation logs. */
import type { LoadOptions } from "../io/assemble";
import type { LabelMap } from "./label-map";

/** The tools whose logs `receipts import` reads. */
export const SOURCE_TOOLS = ["inspect", "garak", "promptfoo", "harmbench", "pyrit"] as const;
export type SourceTool = (typeof SOURCE_TOOLS)[number];

export interface ImportOptions extends LoadOptions {
  /**
   * How the source's score values become judge labels, as text (`C=compliance,I=refusal`)
   * or parsed with `parseLabelMap`. Default: the tool's documented default where its meaning
   * is unambiguous (garak, HarmBench, promptfoo red-team, PyRIT refusal scorers); otherwise
   * the import stops and lists the values found.
   */
  readonly labelMap?: string | LabelMap;
  /** Replace the run id the log records (default: the log's own run or eval id). */
  readonly runId?: string;
  /** HarmBench: the model that answered (default: the results file's name without `.json`). */
  readonly model?: string;
  /** HarmBench: the behaviours CSV (`BehaviorID`, `SemanticCategory`, ...), for query categories. */
  readonly behaviors?: string;
  /** Called with each message about what was not imported (default: collected, see `importNotes`). */
  readonly onNote?: (note: ImportNote) => void;
}

/**
 * Something in a log that did not become a receipt and is not an error: unscored samples, a
 * log without samples, attempts garak did not evaluate, rows that errored. Counted, never
 * dropped silently.
 */
export interface ImportNote {
  readonly file: string | null;
  readonly tool: SourceTool;
  readonly kind: "unscored" | "no_samples" | "errored" | "not_evaluated" | "incomplete_run" | "uncategorised";
  readonly count: number;
  readonly message: string;
}

/** `file: message` for printing. */
export function formatNote(note: ImportNote): string {
  return `${note.file ?? "<input>"}: ${note.message}`;
}
