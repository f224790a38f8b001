/**
 * PyRIT memory exports: the JSON list of message pieces `export_conversations` writes (each
 * `MessagePiece.to_dict()`, older `PromptRequestPiece`: `role`, `conversation_id`,
 * `sequence`, `original_value`, `converted_value`, `prompt_target_identifier`, `labels`,
 * `response_error`, `scores: [{score_value, score_type, score_rationale,
 * scorer_class_identifier, ...}]`), the same pieces one a line (JSONL), or the CSV export
 * (`export_type="csv"`: one piece a row, nested values written by Python's csv.DictWriter as
 * Python literals, read by `python-literal.ts`).
 *
 * One receipt per scored assistant piece and score: model from the target identifier
 * (`model_name`, else its type), query = the conversation's first user piece (id: the first
 * 16 hex digits of its text's SHA-256, so the same objective sent to two targets pairs up),
 * judge = the scorer class. `sample_index` counts repeats of the same query, model and judge
 * in timestamp order. True/false scores have no fixed meaning (a refusal scorer's true is a
 * refusal; an objective scorer's true is compliance): only scorers named `*Refusal*` have a
 * default (true = refusal); others need a map.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { parsePythonLiteral } from "./python-literal";
import { parseLabelMap } from "./label-map";
import { demonstrationFields, isObject, sha256Hex, str, zonedTimestamp } from "./source-values";
import type { ParsedLog, PendingReceipt } from "./imported-rows";
import { failImport as fail } from "./source-values";

const REFUSAL_MAP = parseLabelMap("true=refusal,false=compliance");

const HINT = [
  "PyRIT true/false scores mean what the scorer asked: an objective scorer's true is a successful attack (compliance), a refusal scorer's true is a refusal.",
  "Map them, e.g. --label-map true=compliance,false=refusal, or >=0.5=compliance,<0.5=refusal for float_scale scores.",
].join("\n");


interface Piece {
  readonly obj: Record<string, unknown>;
  readonly where: string;
  readonly line: number | null;
}

function readPieces(input: string | object, file: string | null): Piece[] {
  const name = file ?? "<input>";
  if (typeof input !== "string") {
    if (!Array.isArray(input)) fail(file, null, null, "expected a list of PyRIT message pieces");
    return input.map((o, k) => {
      if (!isObject(o)) fail(`${name}#[${k}]`, null, null, "expected a message piece object");
      return { obj: o, where: `${name}#[${k}]`, line: null };
    });
  }
  const trimmed = input.replace(/^\uFEFF/, "").trimStart();
  if (isPyritCsvHeader(trimmed.split(/\r?\n/, 1)[0])) return readCsvPieces(trimmed, file);
  if (trimmed.startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch (e) {
      fail(file, null, null, `not valid JSON (${(e as Error).message}); expected a PyRIT memory export`);
    }
    return readPieces(parsed as object, file);
  }
  const out: Piece[] = [];
  input.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === "") return;
    let o: unknown;
    try {
      o = JSON.parse(raw);
    } catch (e) {
      fail(file, i + 1, null, `not valid JSON (${(e as Error).message}); expected one message piece a line`);
    }
    if (!isObject(o)) fail(file, i + 1, null, "expected a message piece object");
    out.push({ obj: o, where: name, line: i + 1 });
  });
  return out;
}

/** Nested columns of the CSV export (Python literals); the rest are text. */
const NESTED = new Set(["labels", "prompt_metadata", "converter_identifiers", "prompt_target_identifier", "attack_identifier", "orchestrator_identifier", "scorer_identifier", "scores", "targeted_harm_categories"]);

/** True when a first line is the header of PyRIT's CSV export. */
export function isPyritCsvHeader(line: string): boolean {
  const cols = line.split(",").map((c) => c.trim().replace(/^"|"$/g, ""));
  return cols.includes("conversation_id") && cols.includes("role") && cols.includes("original_value");
}

function readCsvPieces(text: string, file: string | null): Piece[] {
  const name = file ?? "<input>";
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, info: true }) as typeof records;
  } catch (e) {
    fail(file, null, null, `not readable CSV (${(e as Error).message}); expected PyRIT's CSV export`);
  }
  return records.map(({ record, info }) => {
    const obj: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) {
      if (v === "") obj[k] = null; // DictWriter writes None as an empty cell
      else if (NESTED.has(k)) {
        try {
          obj[k] = parsePythonLiteral(v);
        } catch (e) {
          fail(name, info.lines, k, `${(e as Error).message}; expected a Python or JSON literal`);
        }
      } else if (k === "sequence") obj[k] = Number(v);
      else obj[k] = v;
    }
    return { obj, where: name, line: info.lines };
  });
}

/** True when a parsed value looks like a PyRIT export (pieces with role and conversation_id). */
export function looksLikePyrit(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && isObject(v[0]) && "conversation_id" in v[0] && "role" in v[0];
}

export function parsePyritExport(input: string | object, file: string | null, runId?: string): ParsedLog {
  const pieces = readPieces(input, file);
  const byConversation = new Map<string, Piece[]>();
  for (const p of pieces) {
    const id = str(p.obj.conversation_id);
    if (id === null) fail(p.where, p.line, "conversation_id", `expected a conversation id (a string), found ${JSON.stringify(p.obj.conversation_id)}`);
    const list = byConversation.get(id) ?? [];
    list.push(p);
    byConversation.set(id, list);
  }
  type Row = PendingReceipt & { order: string };
  const rows: Row[] = [];
  let unscored = 0, noQuery = 0;
  for (const [conversation, list] of byConversation) {
    list.sort((a, b) => (Number(a.obj.sequence) || 0) - (Number(b.obj.sequence) || 0));
    const user = list.find((p) => p.obj.role === "user");
    for (const p of list) {
      if (p.obj.role !== "assistant") continue;
      const scores = Array.isArray(p.obj.scores) ? p.obj.scores : [];
      if (scores.length === 0) { unscored++; continue; }
      if (user === undefined) { noQuery++; continue; }
      const target = isObject(p.obj.prompt_target_identifier) ? p.obj.prompt_target_identifier : {};
      const model = str(target.model_name) ?? str(target.__type__) ?? str(target.class_name);
      if (model === null) fail(p.where, p.line, "prompt_target_identifier.model_name", "expected the target's model_name or __type__, to name the model");
      const queryText = str(user.obj.original_value) ?? "";
      const labels = isObject(p.obj.labels) ? p.obj.labels : isObject(user.obj.labels) ? user.obj.labels : {};
      const metadata = isObject(user.obj.prompt_metadata) ? user.obj.prompt_metadata : {};
      scores.forEach((s, k) => {
        if (!isObject(s)) fail(p.where, p.line, `scores[${k}]`, "expected a score object");
        const scorer = isObject(s.scorer_class_identifier) ? str(s.scorer_class_identifier.__type__) ?? str(s.scorer_class_identifier.class_name) : null;
        const judge = scorer ?? "pyrit-scorer";
        const raw = s.score_value;
        if (typeof raw !== "string" && typeof raw !== "number" && typeof raw !== "boolean") fail(p.where, p.line, `scores[${k}].score_value`, `expected a score value, found ${JSON.stringify(raw)}`);
        // Python writes True/False; the map is case-insensitive, the recorded value is lower case.
        const value = typeof raw === "string" && /^(true|false)$/i.test(raw) ? raw.toLowerCase() : raw;
        rows.push({
          order: String(p.obj.timestamp ?? ""),
          record: {
            run_id: runId ?? str(labels.op_name) ?? str(labels.run_id) ?? null,
            model, judge,
            query_id: sha256Hex(queryText).slice(0, 16),
            query_source: str(labels.dataset) ?? "pyrit",
            query_category: str(labels.harm_category) ?? (Array.isArray(p.obj.targeted_harm_categories) ? str(p.obj.targeted_harm_categories[0]) : null),
            judge_score: typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : null,
            judge_raw: str(s.score_rationale),
            response: str(p.obj.converted_value) ?? str(p.obj.original_value),
            created_at: zonedTimestamp(p.obj.timestamp),
            ...demonstrationFields(metadata),
          },
          judge,
          value: value as string | number | boolean,
          where: { file: p.where, line: p.line },
          source: {
            conversation_id: conversation, piece_id: p.obj.id ?? null, sequence: p.obj.sequence ?? null, timestamp: p.obj.timestamp ?? null,
            query: queryText, converted_query: user.obj.converted_value ?? null, response_error: p.obj.response_error ?? null,
            score_type: s.score_type ?? null, score_category: s.score_category ?? null, score_value: raw, labels, attack: p.obj.attack_identifier ?? p.obj.orchestrator_identifier ?? null,
          },
        });
      });
    }
  }
  // Repeats of a query against the same model and judge are samples 0, 1, ... in time order.
  rows.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  const seen = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.record.model}\x1f${r.judge}\x1f${r.record.query_id}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    r.record.sample_index = n;
  }
  const notes: ParsedLog["notes"][number][] = [];
  if (unscored > 0) notes.push({ kind: "unscored", count: unscored, message: `${unscored} assistant piece${unscored === 1 ? " has" : "s have"} no scores (not imported)` });
  if (noQuery > 0) notes.push({ kind: "unscored", count: noQuery, message: `${noQuery} scored piece${noQuery === 1 ? " has" : "s have"} no user piece in its conversation to name the query (not imported)` });
  if (pieces.length === 0) notes.push({ kind: "no_samples", count: 0, message: "the export holds no message pieces; nothing to import" });
  return {
    tool: "pyrit", rows, notes,
    defaultMap: (judge) => (/refusal/i.test(judge) ? REFUSAL_MAP : null),
    mapHint: HINT,
    judgeNoun: "scorer",
  };
}
