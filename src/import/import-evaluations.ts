/**
 * Public entry points: `fromX` (in memory) and `loadX(path)` for each tool, and
 * `importEvaluations(paths)` for any mix of logs with the tool detected per file. Every path
 * goes through one ReceiptAssembler, so imported receipts are validated, keyed and checked for
 * duplicates exactly as loaded ones are (strict by default), and carry `label_map` and
 * `source_metadata`.
 */
import { readFile } from "node:fs/promises";
import { strFromU8 } from "fflate";
import { ReceiptAssembler } from "../io/assemble";
import type { ReceiptTable } from "../io/receipt-table";
import { detectSourceTool } from "./detect";
import { parseGarakReport } from "./garak";
import { parseBehaviorsCsv, parseHarmBenchResults, type Behavior } from "./harmbench";
import { addParsedLog, type ParsedLog } from "./imported-rows";
import { sha256Hex } from "./source-values";
import { parseInspectLog } from "./inspect";
import { parsePromptfooResults } from "./promptfoo";
import { parsePyritExport } from "./pyrit";
import { SOURCE_TOOLS, type ImportNote, type ImportOptions, type SourceTool } from "./types";

export interface ImportEvaluationsOptions extends ImportOptions {
  /** The tool that wrote every file (default: detected from each file's contents). */
  readonly from?: SourceTool;
}

const NOTES = new WeakMap<ReceiptTable, readonly ImportNote[]>();

/** What an import left out (unscored samples, unevaluated attempts, errored rows), by file. */
export function importNotes(table: ReceiptTable): readonly ImportNote[] {
  return NOTES.get(table) ?? [];
}

type Input = Uint8Array | string | object;

function parse(tool: SourceTool, input: Input, file: string | null, options: ImportOptions, behaviors?: ReadonlyMap<string, Behavior>): ParsedLog {
  const text = () => (typeof input === "string" ? input : input instanceof Uint8Array ? strFromU8(input) : null);
  switch (tool) {
    case "inspect": return parseInspectLog(input, file);
    case "garak": {
      const t = text();
      if (t === null) throw new Error("fromGarakReport: expected the report's text (JSON lines) or bytes");
      return parseGarakReport(t, file);
    }
    case "promptfoo": return parsePromptfooResults(text() ?? input, file);
    case "harmbench": return parseHarmBenchResults(text() ?? input, file, { model: options.model, behaviors });
    case "pyrit": return parsePyritExport(text() ?? input, file);
  }
}

function finish(asm: ReceiptAssembler, notes: ImportNote[]): ReceiptTable {
  const table = asm.finish();
  NOTES.set(table, notes);
  return table;
}

function collecting(options: ImportOptions, notes: ImportNote[]): ImportOptions {
  return { ...options, onNote: (n) => { notes.push(n); options.onNote?.(n); } };
}

function fromOne(tool: SourceTool, input: Input, options: ImportOptions & { file?: string }, behaviors?: ReadonlyMap<string, Behavior>): ReceiptTable {
  const notes: ImportNote[] = [];
  const opts = collecting(options, notes);
  const asm = new ReceiptAssembler(opts);
  const file = options.file ?? null;
  const rows = addParsedLog(asm, parse(tool, input, file, opts, behaviors), file, opts);
  asm.closeSource(file, `import:${tool}`, input instanceof Uint8Array || typeof input === "string" ? sha256Hex(input) : null, rows, 0, 0);
  return finish(asm, notes);
}

/** Options of the in-memory readers: `file` names the input in messages and source_metadata. */
export type FromLogOptions = ImportOptions & { readonly file?: string };

/**
 * Inspect AI log: `.eval` bytes, `.json` text, or a parsed EvalLog object. Throws
 * LabelMapRequiredError (listing each scorer's values) when no map says what they mean, and
 * ReceiptValidationError naming file, sample and field for a malformed log.
 *
 * @example
 * fromInspectLog(readFileSync("logs/run.eval"), { labelMap: "C=compliance,I=refusal", file: "run.eval" });
 * // ReceiptTable(240 receipts, ...); importNotes(table) lists unscored or errored samples
 */
export function fromInspectLog(input: Uint8Array | string | object, options: FromLogOptions = {}): ReceiptTable {
  return fromOne("inspect", input, options);
}

/** garak `report.jsonl` text (or bytes). */
export function fromGarakReport(input: string | Uint8Array, options: FromLogOptions = {}): ReceiptTable {
  return fromOne("garak", input, options);
}

/** promptfoo results (`-o results.json`, versions 1-3, or a share payload): text or parsed object. */
export function fromPromptfooResults(input: string | object, options: FromLogOptions = {}): ReceiptTable {
  return fromOne("promptfoo", input, options);
}

/**
 * HarmBench results `{behavior_id: [{test_case, generation, label}]}`: text or parsed object.
 * Needs `model` (or `file`, whose name is the model). `behaviorsCsv` is the behaviours CSV's text.
 */
export function fromHarmBenchResults(input: string | object, options: FromLogOptions & { readonly behaviorsCsv?: string } = {}): ReceiptTable {
  const behaviors = options.behaviorsCsv === undefined ? undefined : parseBehaviorsCsv(options.behaviorsCsv, options.behaviors ?? null);
  return fromOne("harmbench", input, options, behaviors);
}

/** PyRIT memory export: JSON list of message pieces (or JSON lines), text or parsed. */
export function fromPyritExport(input: string | object, options: FromLogOptions = {}): ReceiptTable {
  return fromOne("pyrit", input, options);
}

/**
 * Import one or more logs into one table; the tool is detected per file unless `from` is
 * given. A receipt found in two files is an error naming both. Cost: one pass over each file.
 *
 * @example
 * const t = await importEvaluations(["a.eval", "garak.report.jsonl"], { labelMap: "C=compliance,I=refusal" });
 * importNotes(t).forEach((n) => console.log(formatNote(n)));
 */
export async function importEvaluations(paths: string | readonly string[], options: ImportEvaluationsOptions = {}): Promise<ReceiptTable> {
  if (options.from !== undefined && !(SOURCE_TOOLS as readonly string[]).includes(options.from))
    throw new Error(`import: unknown tool ${JSON.stringify(options.from)}; expected one of ${SOURCE_TOOLS.join(", ")}`);
  const notes: ImportNote[] = [];
  const opts = collecting(options, notes);
  const asm = new ReceiptAssembler(opts);
  const behaviors = options.behaviors === undefined ? undefined : parseBehaviorsCsv(await readText(options.behaviors), options.behaviors);
  for (const path of typeof paths === "string" ? [paths] : paths) {
    const bytes = await readFile(path).catch(() => {
      throw new Error(`${path}: no such file`);
    });
    const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const tool = options.from ?? detectSourceTool(data, path);
    const rowsBefore = asm.rowCount, issuesBefore = asm.issues.length;
    const read = addParsedLog(asm, parse(tool, data, path, opts, behaviors), path, opts);
    asm.closeSource(path, `import:${tool}`, sha256Hex(data), read, rowsBefore, issuesBefore);
  }
  return finish(asm, notes);
}

async function readText(path: string): Promise<string> {
  return readFile(path, "utf8").catch(() => {
    throw new Error(`${path}: no such file`);
  });
}

/** `loadX(path)`: one file of a known tool. */
export const loadInspectLog = (path: string, options: ImportOptions = {}) => importEvaluations(path, { ...options, from: "inspect" });
export const loadGarakReport = (path: string, options: ImportOptions = {}) => importEvaluations(path, { ...options, from: "garak" });
export const loadPromptfooResults = (path: string, options: ImportOptions = {}) => importEvaluations(path, { ...options, from: "promptfoo" });
export const loadHarmBenchResults = (path: string, options: ImportOptions = {}) => importEvaluations(path, { ...options, from: "harmbench" });
export const loadPyritExport = (path: string, options: ImportOptions = {}) => importEvaluations(path, { ...options, from: "pyrit" });
