/**
 * A design file says which pools to draw from and which conditions to run; `expandDesign`
 * turns it into the list of distinct conditions. Paths in the file are relative to it.
 *
 * ```json
 * {"queries": "queries.jsonl", "harmful_demos": "harmful.jsonl", "benign_demos": "benign.jsonl",
 *  "grid": {"totals": [4, 8], "harmful_fractions": [0, 0.5, 1], "schedules": ["suffix", "interleave"],
 *           "format_cues": ["none", "comply", {"custom": "Certainly:"}]},
 *  "samplings": 2, "seed": 5, "truncation_chars": 2000}
 * ```
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { realpath } from "node:fs/promises";
import { basename, dirname, extname, isAbsolute, relative, resolve } from "node:path";
import { FORMAT_CUES, SCHEDULES, TRAINING_STAGES, type FormatCue, type Schedule, type TrainingStage } from "../receipt/fields";
import { describeValue } from "../receipt/issues";
import { cueText } from "./cues";
import { DEFAULT_TRUNCATION_CHARS } from "./compose";
import { describeJSONError, PoolError } from "./pools";

/** A format cue in a design: a named cue, or `{"custom": "text"}`. */
export type CueSpec = "none" | "neutral" | "comply" | { readonly custom: string };

export interface DesignGrid {
  /** Total demonstrations N; 0 adds the zero-demonstration baseline. */
  readonly totals: readonly number[];
  /** Harmful fractions phi in [0, 1]; N * phi must be a whole number for every N. */
  readonly harmful_fractions: readonly number[];
  /** Default ["suffix"], the study's order (benign before harmful). */
  readonly schedules: readonly Schedule[];
  /** Default ["none"]. */
  readonly format_cues: readonly CueSpec[];
}

/** One condition: counts, order and cue, with `schedule: none` when only one kind is present. */
export interface Condition {
  readonly n_benign: number;
  readonly n_harmful: number;
  readonly schedule: Schedule;
  readonly format_cue: FormatCue;
  readonly format_cue_text: string | null;
}

export interface Design {
  /** The design file, or null for an in-memory design. */
  readonly path: string | null;
  readonly sha256: string;
  /** Pool paths, resolved against the design file's folder. */
  readonly queries: string;
  readonly harmful_demos: string;
  readonly benign_demos: string;
  readonly grid: DesignGrid | null;
  readonly conditions: readonly Condition[];
  /** Independent samplings of demonstrations per query and condition. Default 1. */
  readonly samplings: number;
  /** Seed every composition seed is derived from. Required. */
  readonly seed: number;
  /** Default 2000. */
  readonly truncation_chars: number;
  /** Add the zero-demonstration baseline even when totals lack 0. Default false. */
  readonly baseline: boolean;
  /** Default: the design file's name without extension. */
  readonly run_id: string;
  /** Model and judge, when known at planning time; with both, plan keys are receipt keys. Default null. */
  readonly model: string | null;
  readonly judge: string | null;
  readonly model_family: string | null;
  readonly training_stage: TrainingStage | null;
  /** Default "" (no system message). */
  readonly system_prompt: string;
  /** Sampling settings sent to the model; null leaves the server's default. */
  readonly temperature: number | null;
  readonly top_p: number | null;
  readonly max_tokens: number | null;
  readonly sampling_seed: number | null;
}

const KNOWN = new Set([
  "queries", "harmful_demos", "benign_demos", "grid", "conditions", "samplings", "seed", "truncation_chars", "baseline",
  "run_id", "model", "judge", "model_family", "training_stage", "system_prompt", "temperature", "top_p", "max_tokens", "sampling_seed",
]);

/**
 * Check a parsed design object and resolve its paths against `dir`. Throws a PoolError
 * listing every problem as `FILE: field: expected ..., found ...`.
 */
export interface DesignOptions {
  /**
   * Folder the pool files must be in (or below). Default: the design file's folder (the
   * working directory for an in-memory design), so a design received from someone else
   * cannot make the kit read, and quote, a file anywhere on the machine.
   */
  readonly poolRoot?: string;
}

/** Whether `path` is `root` or inside it. */
function inside(root: string, path: string): boolean {
  const r = relative(root, path);
  return r === "" || (!r.startsWith("..") && !isAbsolute(r));
}

export function parseDesign(json: unknown, file: string | null, text?: string, options: DesignOptions = {}): Design {
  const where = file ?? "<design>";
  const problems: string[] = [];
  const bad = (field: string, expected: string, found: unknown) => problems.push(`${where}: ${field}: expected ${expected}, found ${describeValue(found)}`);
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new PoolError([`${where}: expected a JSON object (the design), found ${describeValue(json)}`]);
  const o = json as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) problems.push(`${where}: ${k}: unknown field; expected one of ${[...KNOWN].join(", ")}`);
  const dir = file === null ? process.cwd() : dirname(resolve(file));

  const str = (k: string, required: boolean): string | null => {
    const v = o[k];
    if (v === undefined || v === null) { if (required) problems.push(`${where}: ${k}: required field is missing; expected a string`); return null; }
    if (typeof v !== "string" || v === "") { bad(k, "a non-empty string", v); return null; }
    return v;
  };
  const int = (k: string, min: number, dflt: number | null, max = Number.MAX_SAFE_INTEGER): number | null => {
    const v = o[k];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) { bad(k, `an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? " up" : ` to ${max}`}`, v); return dflt; }
    return v;
  };
  const num = (k: string, min: number, max: number): number | null => {
    const v = o[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) { bad(k, `a number from ${min} to ${max}`, v); return null; }
    return v;
  };

  const root = resolve(options.poolRoot ?? dir);
  const pool = (k: string): string | null => {
    const v = str(k, true);
    if (v === null) return null;
    if (v.includes("\0")) { bad(k, "a file path", v); return null; }
    const full = resolve(dir, v);
    if (!inside(root, full)) {
      problems.push(`${where}: ${k}: the pool path ${JSON.stringify(v)} resolves to ${full}, outside ${root}; expected a pool file in the design's folder or below (move the pool there, or set poolRoot)`);
      return null;
    }
    return v;
  };
  const queries = pool("queries"), harmful = pool("harmful_demos"), benign = pool("benign_demos");
  const seedRaw = o.seed;
  if (seedRaw === undefined) problems.push(`${where}: seed: required field is missing; expected a non-negative integer (every composition seed derives from it)`);
  const seed = int("seed", 0, 0) ?? 0;
  const samplings = int("samplings", 1, 1) ?? 1;
  const truncation = int("truncation_chars", 0, DEFAULT_TRUNCATION_CHARS) ?? DEFAULT_TRUNCATION_CHARS;
  const baseline = o.baseline === undefined || o.baseline === null ? false : typeof o.baseline === "boolean" ? o.baseline : (bad("baseline", "true or false", o.baseline), false);
  const stage = o.training_stage;
  if (stage !== undefined && stage !== null && !(TRAINING_STAGES as readonly unknown[]).includes(stage)) bad("training_stage", `one of ${TRAINING_STAGES.join(", ")}`, stage);
  const systemPrompt = o.system_prompt === undefined || o.system_prompt === null ? "" : typeof o.system_prompt === "string" ? o.system_prompt : (bad("system_prompt", "a string", o.system_prompt), "");

  let grid: DesignGrid | null = null;
  if (o.grid !== undefined && o.grid !== null) grid = parseGrid(o.grid, where, problems);
  const conditions: Condition[] = [];
  if (o.conditions !== undefined && o.conditions !== null) {
    if (!Array.isArray(o.conditions)) bad("conditions", "a list of {n_benign, n_harmful, schedule, format_cue}", o.conditions);
    else o.conditions.forEach((c, i) => { const got = parseCondition(c, `${where}: conditions[${i}]`, problems); if (got) conditions.push(got); });
  }
  if (grid === null && conditions.length === 0 && !baseline && problems.length === 0)
    problems.push(`${where}: expected a grid, a conditions list or baseline: true; found none of them`);

  if (problems.length) throw new PoolError(problems);
  const name = file === null ? "design" : basename(file, extname(file));
  return {
    path: file,
    sha256: createHash("sha256").update(text ?? JSON.stringify(json)).digest("hex"),
    queries: resolve(dir, queries!), harmful_demos: resolve(dir, harmful!), benign_demos: resolve(dir, benign!),
    grid, conditions, samplings, seed, truncation_chars: truncation, baseline,
    run_id: str("run_id", false) ?? name,
    model: str("model", false), judge: str("judge", false), model_family: str("model_family", false),
    training_stage: (stage as TrainingStage | undefined) ?? null,
    system_prompt: systemPrompt,
    temperature: num("temperature", 0, 1e6), top_p: num("top_p", 0, 1), max_tokens: int("max_tokens", 1, null, 2147483647),
    sampling_seed: int("sampling_seed", 0, null),
  };
}

function parseCue(v: unknown, field: string, problems: string[]): { cue: FormatCue; text: string | null } | null {
  if (v === "none" || v === "neutral" || v === "comply") return { cue: v, text: cueText(v) };
  if (v !== null && typeof v === "object" && !Array.isArray(v) && typeof (v as { custom?: unknown }).custom === "string" && (v as { custom: string }).custom !== "" && Object.keys(v).length === 1)
    return { cue: "custom", text: (v as { custom: string }).custom };
  problems.push(`${field}: expected "none", "neutral", "comply" or {"custom": "text"}, found ${typeof v === "object" && v !== null && !Array.isArray(v) ? JSON.stringify(v) : describeValue(v)}`);
  return null;
}

function listOf<T>(v: unknown, field: string, expected: string, problems: string[], each: (x: unknown, f: string) => T | null, dflt?: T[]): T[] {
  if ((v === undefined || v === null) && dflt) return dflt;
  if (!Array.isArray(v) || v.length === 0) { problems.push(`${field}: expected a non-empty list of ${expected}, found ${describeValue(v)}`); return []; }
  const out: T[] = [];
  v.forEach((x, i) => { const got = each(x, `${field}[${i}]`); if (got !== null) out.push(got); });
  return out;
}

function parseGrid(g: unknown, where: string, problems: string[]): DesignGrid | null {
  if (g === null || typeof g !== "object" || Array.isArray(g)) { problems.push(`${where}: grid: expected an object {totals, harmful_fractions, schedules, format_cues}, found ${describeValue(g)}`); return null; }
  const o = g as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!["totals", "harmful_fractions", "schedules", "format_cues"].includes(k)) problems.push(`${where}: grid.${k}: unknown field; expected totals, harmful_fractions, schedules or format_cues`);
  const totals = listOf(o.totals, `${where}: grid.totals`, "non-negative integers", problems, (x, f) =>
    typeof x === "number" && Number.isSafeInteger(x) && x >= 0 ? x : (problems.push(`${f}: expected a non-negative integer, found ${describeValue(x)}`), null));
  const fractions = listOf(o.harmful_fractions, `${where}: grid.harmful_fractions`, "numbers from 0 to 1", problems, (x, f) =>
    typeof x === "number" && x >= 0 && x <= 1 ? x : (problems.push(`${f}: expected a number from 0 to 1, found ${describeValue(x)}`), null));
  const schedules = listOf<Schedule>(o.schedules, `${where}: grid.schedules`, "schedules", problems, (x, f) =>
    (SCHEDULES as readonly unknown[]).includes(x) ? (x as Schedule) : (problems.push(`${f}: expected one of ${SCHEDULES.join(", ")}, found ${describeValue(x)}`), null), ["suffix" as Schedule]);
  const cues = listOf<CueSpec>(o.format_cues, `${where}: grid.format_cues`, "format cues", problems, (x, f) => (parseCue(x, f, problems) ? (x as CueSpec) : null), ["none"]);
  if (schedules.includes("none") && totals.some((n) => n > 0) && fractions.some((phi) => phi > 0 && phi < 1))
    problems.push(`${where}: grid.schedules: none means one kind of demonstration, but the grid mixes kinds (fractions between 0 and 1); expected prefix, suffix, random, middle or interleave (one-kind conditions collapse to none by themselves)`);
  for (const n of totals)
    for (const phi of fractions) {
      const h = n * phi;
      if (Math.abs(h - Math.round(h)) > 1e-9) problems.push(`${where}: grid: harmful fraction ${phi} of total ${n} gives ${+h.toFixed(6)} harmful demonstrations; expected a whole number (choose totals and fractions that divide)`);
    }
  return { totals, harmful_fractions: fractions, schedules, format_cues: cues };
}

function parseCondition(c: unknown, field: string, problems: string[]): Condition | null {
  if (c === null || typeof c !== "object" || Array.isArray(c)) { problems.push(`${field}: expected an object {n_benign, n_harmful, schedule, format_cue}, found ${describeValue(c)}`); return null; }
  const o = c as Record<string, unknown>;
  let ok = true;
  for (const k of Object.keys(o)) if (!["n_benign", "n_harmful", "schedule", "format_cue", "format_cue_text"].includes(k)) { problems.push(`${field}.${k}: unknown field; expected n_benign, n_harmful, schedule, format_cue or format_cue_text`); ok = false; }
  const count = (k: "n_benign" | "n_harmful") => {
    const v = o[k];
    if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
    problems.push(`${field}.${k}: expected a non-negative integer, found ${describeValue(v)}`); ok = false; return 0;
  };
  const b = count("n_benign"), h = count("n_harmful");
  const schedule = o.schedule ?? "suffix";
  if (!(SCHEDULES as readonly unknown[]).includes(schedule)) { problems.push(`${field}.schedule: expected one of ${SCHEDULES.join(", ")}, found ${describeValue(schedule)}`); ok = false; }
  else if (schedule === "none" && b > 0 && h > 0) { problems.push(`${field}.schedule: none means one kind of demonstration, found n_benign ${b} and n_harmful ${h}; expected prefix, suffix, random, middle or interleave`); ok = false; }
  let cue: { cue: FormatCue; text: string | null } | null = { cue: "none", text: null };
  const rawCue = o.format_cue ?? "none";
  if (rawCue === "custom") {
    if (typeof o.format_cue_text !== "string" || o.format_cue_text === "") { problems.push(`${field}.format_cue_text: format_cue custom needs the cue's text; expected a non-empty string, found ${describeValue(o.format_cue_text)}`); ok = false; }
    else cue = { cue: "custom", text: o.format_cue_text };
  } else if (!(FORMAT_CUES as readonly unknown[]).includes(rawCue)) { problems.push(`${field}.format_cue: expected one of ${FORMAT_CUES.join(", ")}, found ${describeValue(rawCue)}`); ok = false; }
  else {
    try { cue = { cue: rawCue as FormatCue, text: cueText(rawCue as FormatCue, (o.format_cue_text as string | undefined) ?? null) }; }
    catch (e) { problems.push(`${field}: ${(e as Error).message.replace(/^cueText: /, "")}`); ok = false; }
  }
  return ok && cue ? normalizeCondition(b, h, schedule as Schedule, cue.cue, cue.text) : null;
}

/** Schedules cannot differ with one kind of demonstration, nor cues with none at all. */
export function normalizeCondition(b: number, h: number, schedule: Schedule, cue: FormatCue, text: string | null): Condition {
  if (b + h === 0) return { n_benign: 0, n_harmful: 0, schedule: "none", format_cue: "none", format_cue_text: null };
  return { n_benign: b, n_harmful: h, schedule: b === 0 || h === 0 ? "none" : schedule, format_cue: cue, format_cue_text: text };
}

/**
 * The distinct conditions of a design, in a stable order: the baseline (when asked for),
 * then the grid (totals, then fractions, schedules, cues, each in the order written), then
 * the explicit conditions. Conditions that collapse to the same point appear once.
 */
export function expandDesign(design: Design): Condition[] {
  const out = new Map<string, Condition>();
  const add = (c: Condition) => {
    const k = JSON.stringify([c.n_benign, c.n_harmful, c.schedule, c.format_cue, c.format_cue_text]);
    if (!out.has(k)) out.set(k, c);
  };
  if (design.baseline) add(normalizeCondition(0, 0, "none", "none", null));
  if (design.grid) {
    for (const n of design.grid.totals)
      for (const phi of design.grid.harmful_fractions)
        for (const schedule of design.grid.schedules)
          for (const spec of design.grid.format_cues) {
            const h = Math.round(n * phi);
            const cue: FormatCue = typeof spec === "string" ? spec : "custom";
            const text = typeof spec === "string" ? cueText(spec) : spec.custom;
            add(normalizeCondition(n - h, h, schedule, cue, text));
          }
  }
  for (const c of design.conditions) add(c);
  return [...out.values()];
}

/**
 * Read and check a design file. Pool paths must stay inside `options.poolRoot` (default:
 * the design's folder) also after symbolic links are resolved.
 */
export async function loadDesign(path: string, options: DesignOptions = {}): Promise<Design> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new PoolError([`${path}: cannot read the design file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PoolError([`${path}: bad JSON (${describeJSONError(e)}); expected one JSON object`]);
  }
  const design = parseDesign(json, path, text, options);
  // A symbolic link inside the folder may still point outside it: check the real paths.
  const root = await realpath(resolve(options.poolRoot ?? dirname(resolve(path)))).catch(() => resolve(options.poolRoot ?? dirname(resolve(path))));
  const escapes: string[] = [];
  for (const [k, p] of [["queries", design.queries], ["harmful_demos", design.harmful_demos], ["benign_demos", design.benign_demos]] as const) {
    const real = await realpath(p).catch(() => null);
    if (real !== null && !inside(root, real)) escapes.push(`${path}: ${k}: ${p} is a link to ${real}, outside ${root}; expected a pool file in the design's folder or below`);
  }
  if (escapes.length) throw new PoolError(escapes);
  return design;
}
