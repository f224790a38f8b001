/**
 * What every importer hands over: receipts still waiting for their judge label (the source's
 * raw score value), with where each came from. `ImportBatch` resolves the labels for a whole
 * file at once, so that a value no rule covers stops the import with the complete list of
 * values per judge, and then feeds the records to the same assembler the receipt loaders use:
 * imported receipts are validated, keyed and de-duplicated exactly like loaded ones.
 */
import { basename } from "node:path";
import type { ReceiptAssembler } from "../io/assemble";
import type { RecordLocation } from "../receipt/validate";
import type { JudgeLabel } from "../receipt/fields";
import { combineLabelMaps, mapLabel, parseLabelMap, type LabelMap } from "./label-map";
import type { ImportNote, ImportOptions, SourceTool } from "./types";

export interface PendingReceipt {
  /** Receipt fields except `judge_label`, `label_map` and `source_metadata`. */
  readonly record: Record<string, unknown>;
  /** The judge whose value this is (labels are resolved, and missing rules listed, per judge). */
  readonly judge: string;
  /** The source's score value; null when it has none (read as parse_error, never guessed). */
  readonly value: string | number | boolean | null;
  readonly where: RecordLocation;
  /** Whatever the source recorded that has no receipt field; stored as JSON in `source_metadata`. */
  readonly source: Record<string, unknown>;
}

/** What a tool's reader returns for one file. */
export interface ParsedLog {
  readonly tool: SourceTool;
  readonly rows: PendingReceipt[];
  readonly notes: Omit<ImportNote, "file" | "tool">[];
  /** The tool's documented map for a judge, or null when its values are ambiguous. */
  readonly defaultMap: (judge: string) => LabelMap | null;
  /** Why the values are ambiguous and how to map them, for the refusal message. */
  readonly mapHint: string;
  /** What a judge is called in this tool (scorer, detector, grader). */
  readonly judgeNoun: string;
}

/** Thrown when score values cannot be read as labels without a map; lists them. */
export class LabelMapRequiredError extends Error {
  constructor(readonly file: string | null, readonly valuesByJudge: ReadonlyMap<string, ReadonlyMap<string, number>>, message: string) {
    super(message);
    this.name = "LabelMapRequiredError";
  }
}

export function userLabelMap(options: ImportOptions): LabelMap | null {
  if (options.labelMap === undefined) return null;
  return typeof options.labelMap === "string" ? parseLabelMap(options.labelMap) : options.labelMap;
}

/**
 * Resolve the labels of one file's rows and add them to the assembler. Returns the number of
 * rows read. Throws LabelMapRequiredError before adding anything when some value has no rule.
 */
export function addParsedLog(asm: ReceiptAssembler, parsed: ParsedLog, file: string | null, options: ImportOptions): number {
  const user = userLabelMap(options);
  const maps = new Map<string, LabelMap | null>();
  const mapFor = (judge: string) => {
    if (!maps.has(judge)) maps.set(judge, combineLabelMaps(user, parsed.defaultMap(judge), judge));
    return maps.get(judge)!;
  };
  const labels: (JudgeLabel | null)[] = new Array(parsed.rows.length);
  const missing = new Map<string, Map<string, number>>();
  parsed.rows.forEach((row, i) => {
    if (row.value === null) { labels[i] = "parse_error"; return; }
    const map = mapFor(row.judge);
    const label = map === null ? null : mapLabel(map, row.value, row.judge);
    labels[i] = label;
    if (label === null) {
      const seen = missing.get(row.judge) ?? new Map<string, number>();
      const key = String(row.value);
      seen.set(key, (seen.get(key) ?? 0) + 1);
      missing.set(row.judge, seen);
    }
  });
  if (missing.size > 0) throw labelMapRequired(parsed, file, missing, user !== null);
  const fallbackRunId = file === null ? parsed.tool : `${parsed.tool}:${basename(file)}`;
  parsed.rows.forEach((row, i) => {
    const map = mapFor(row.judge);
    const record = {
      ...row.record,
      // --run-id wins; then the log's own id; then the file's name, so receipts always have one.
      run_id: options.runId ?? row.record.run_id ?? fallbackRunId,
      judge_label: labels[i],
      label_map: map === null ? null : map.text,
      source_metadata: JSON.stringify({ tool: parsed.tool, file, ...row.source }),
    };
    asm.add(record, row.where);
  });
  for (const n of parsed.notes) options.onNote?.({ ...n, file, tool: parsed.tool });
  return parsed.rows.length;
}

function labelMapRequired(parsed: ParsedLog, file: string | null, missing: Map<string, Map<string, number>>, hadMap: boolean): LabelMapRequiredError {
  const lines = [...missing].map(([judge, values]) =>
    `  ${parsed.judgeNoun} ${JSON.stringify(judge)}: ${[...values].map(([v, n]) => `${v} (${n})`).join(", ")}`);
  const head = hadMap
    ? `${file ?? "<input>"}: the label map does not cover these ${parsed.tool} values (nothing imported):`
    : `${file ?? "<input>"}: cannot read these ${parsed.tool} values as judge labels without a label map (nothing imported):`;
  const message = [
    head, ...lines, parsed.mapHint,
    "A map is VALUE=LABEL entries separated by commas; labels are compliance, refusal, parse_error; numeric rules use >=, >, <=, < (e.g. >=0.5=compliance,<0.5=refusal).",
  ].join("\n");
  return new LabelMapRequiredError(file, missing, message);
}
