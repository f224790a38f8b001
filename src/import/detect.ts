/**
 * Which tool wrote a log, from its bytes (and its name only where the bytes cannot tell):
 * a zip is an Inspect `.eval`; JSON lines with `entry_type` are a garak report; a JSON object
 * with `eval.model` is an Inspect `.json` log; promptfoo's results have a summary with a
 * version and a list of results; a list of pieces with `conversation_id` and `role` (JSON or
 * JSON lines, or its CSV export) is a PyRIT export; an object whose values are lists of `{generation}` is HarmBench.
 */
import { strFromU8 } from "fflate";
import { isObject } from "./source-values";
import { isZip } from "./inspect";
import { promptfooSummary } from "./promptfoo";
import { isPyritCsvHeader, looksLikePyrit } from "./pyrit";
import type { SourceTool } from "./types";

/** The tool that wrote these bytes; throws naming the file and the tools it knows otherwise. */
export function detectSourceTool(bytes: Uint8Array, file: string | null = null): SourceTool {
  if (isZip(bytes)) return "inspect";
  const text = strFromU8(bytes).replace(/^\uFEFF/, "");
  const firstLine = text.trimStart().split(/\r?\n/, 1)[0] ?? "";
  let first: unknown = undefined;
  try {
    first = JSON.parse(firstLine);
  } catch {
    // not one JSON value on the first line: a pretty-printed JSON document, read whole below
  }
  if (isObject(first) && typeof first.entry_type === "string") return "garak";
  if (isObject(first) && "conversation_id" in first && "role" in first) return "pyrit";
  if (isPyritCsvHeader(firstLine)) return "pyrit";
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file ?? "<input>"}: cannot tell which tool wrote this file (not JSON, JSON lines or a zip: ${(e as Error).message}); pass --from inspect|garak|promptfoo|harmbench|pyrit`);
  }
  if (isObject(whole) && isObject(whole.eval) && typeof whole.eval.model === "string") return "inspect";
  if (promptfooSummary(whole) !== null) return "promptfoo";
  if (looksLikePyrit(whole)) return "pyrit";
  if (isObject(whole)) {
    const lists = Object.values(whole);
    if (lists.length > 0 && lists.every((l) => Array.isArray(l) && l.every((x) => isObject(x) && "generation" in x))) return "harmbench";
  }
  throw new Error(`${file ?? "<input>"}: cannot tell which tool wrote this file (not an Inspect log, garak report, promptfoo results, HarmBench results or PyRIT export); pass --from inspect|garak|promptfoo|harmbench|pyrit`);
}
