/**
 * garak `report.jsonl`: one JSON entry a line, by `entry_type` (`start_run setup`, `init`,
 * `attempt`, `eval`, `completion`, `digest`). An attempt is written with status 1 once the
 * target answered and again with status 2 once the detectors scored it; only status 2
 * attempts become receipts, one per output and detector.
 *
 * Model from the setup entry (`plugins.target_name`, `plugins.model_name` in older reports),
 * query id `probe#seq`, query category the probe, judge the detector. A detector score at or
 * above the run's `run.eval_threshold` (0.5 when unset) is a hit, which by default is
 * compliance (the probe's goal was met); a miss is refusal; a null score is parse_error.
 */
import { parseLabelMap } from "./label-map";
import { demonstrationFields, isObject, num, str } from "./source-values";
import type { ParsedLog, PendingReceipt } from "./imported-rows";
import { failImport as fail } from "./source-values";

const DEFAULT_MAP = parseLabelMap("hit=compliance,miss=refusal");

const HINT = "garak values are hit (score at or above the threshold) or miss; map them with --label-map hit=compliance,miss=refusal (the default).";


/** The text of a garak message: a string, `{text}`, or a prompt with `turns`. */
function messageText(v: unknown): string | null {
  if (typeof v === "string") return v;
  if (!isObject(v)) return null;
  if (typeof v.text === "string") return v.text;
  if (Array.isArray(v.turns)) {
    const texts = v.turns.map((t) => (isObject(t) ? messageText(t.content) : null)).filter((t): t is string => t !== null);
    return texts.length ? texts[texts.length - 1] : null;
  }
  return null;
}

/** One detector score: a number, null, or a one-element list of either (newer reports nest per turn). */
function detectorScore(v: unknown): number | null | undefined {
  if (v === null) return null;
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (Array.isArray(v) && v.length === 1) return detectorScore(v[0]);
  return undefined;
}

export function parseGarakReport(text: string, file: string | null): ParsedLog {
  const lines = text.split(/\r?\n/);
  let setup: Record<string, unknown> | null = null;
  let init: Record<string, unknown> | null = null;
  let completed = false;
  // The last entry of each attempt uuid wins: status 2 replaces the status 1 written before it.
  const attempts = new Map<string, { entry: Record<string, unknown>; line: number }>();
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === "") return;
    let entry: unknown;
    try {
      entry = JSON.parse(raw);
    } catch (e) {
      fail(file, line, null, `not valid JSON (${(e as Error).message}); expected one garak report entry a line`);
    }
    if (!isObject(entry)) fail(file, line, null, "expected a JSON object (a garak report entry)");
    const type = entry.entry_type;
    if (typeof type !== "string") fail(file, line, "entry_type", `expected a string entry type, found ${JSON.stringify(type)}`);
    if (type === "start_run setup") setup = entry;
    else if (type === "init") init = entry;
    else if (type === "completion") completed = true;
    else if (type === "attempt") {
      const id = str(entry.uuid) ?? `line-${line}`;
      attempts.set(id, { entry, line });
    }
  });
  const s: Record<string, unknown> = setup ?? {};
  const model = str(s["plugins.target_name"]) ?? str(s["plugins.model_name"]);
  const threshold = num(s["run.eval_threshold"]) ?? 0.5;
  const runId = (init === null ? null : str((init as Record<string, unknown>).run)) ?? str(s["transient.run_id"]);
  const garakVersion = (init === null ? null : str((init as Record<string, unknown>).garak_version)) ?? str(s["_config.version"]);
  const startTime = (init === null ? null : str((init as Record<string, unknown>).start_time)) ?? str(s["transient.starttime_iso"]);

  const rows: PendingReceipt[] = [];
  let notEvaluated = 0;
  for (const { entry, line } of attempts.values()) {
    if (entry.status !== 2) { notEvaluated++; continue; }
    if (model === null) fail(file, line, "plugins.target_name", "the report names no target model; expected a start_run setup entry with plugins.target_name (or plugins.model_name in older reports)");
    const probe = str(entry.probe_classname);
    if (probe === null) fail(file, line, "probe_classname", "expected the probe's class name (a string)");
    const seq = entry.seq;
    if (typeof seq !== "number" || !Number.isInteger(seq)) fail(file, line, "seq", `expected the attempt's integer seq, found ${JSON.stringify(seq)}`);
    const outputs = Array.isArray(entry.outputs) ? entry.outputs : [];
    const detectors = isObject(entry.detector_results) ? entry.detector_results : {};
    const notes = isObject(entry.notes) ? entry.notes : {};
    for (const [detector, scores] of Object.entries(detectors)) {
      if (!Array.isArray(scores)) fail(file, line, `detector_results.${detector}`, `expected a list of scores, one per output, found ${typeof scores}`);
      scores.forEach((raw, k) => {
        const score = detectorScore(raw);
        if (score === undefined) fail(file, line, `detector_results.${detector}[${k}]`, `expected a number or null, found ${JSON.stringify(raw)}`);
        rows.push({
          record: {
            run_id: runId, model, judge: detector,
            query_id: `${probe}#${seq}`, query_source: "garak", query_category: probe,
            sample_index: k,
            judge_score: score,
            response: messageText(outputs[k]),
            ...demonstrationFields(notes),
          },
          judge: detector,
          value: score === null ? null : score >= threshold ? "hit" : "miss",
          where: { file, line },
          source: {
            garak_version: garakVersion, start_time: startTime, eval_threshold: threshold,
            uuid: entry.uuid ?? null, seq, probe, output_index: k,
            prompt: messageText(entry.prompt), goal: entry.goal ?? null, probe_params: entry.probe_params ?? null, notes: entry.notes ?? null,
          },
        });
      });
    }
  }
  const out: ParsedLog["notes"][number][] = [];
  if (notEvaluated > 0) out.push({ kind: "not_evaluated", count: notEvaluated, message: `${notEvaluated} attempt${notEvaluated === 1 ? " was" : "s were"} not evaluated by a detector (status 0 or 1; not imported)` });
  if (attempts.size === 0) out.push({ kind: "no_samples", count: 0, message: "the report has no attempts; nothing to import" });
  if (!completed && attempts.size > 0) out.push({ kind: "incomplete_run", count: attempts.size, message: "the report has no completion entry: the run stopped early and may be missing probes" });
  return { tool: "garak", rows, notes: out, defaultMap: () => DEFAULT_MAP, mapHint: HINT, judgeNoun: "detector" };
}
