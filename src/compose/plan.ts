/**
 * A plan is a design expanded into a deterministic work list: a JSONL file whose first
 * line is a header (run settings, pool paths and their SHA-256, the system prompt) and
 * whose other lines are points, one per query, condition and sampling. Every point has a
 * stable `point_key` (the receipt key with model and judge left empty) and, when the
 * design names the model and judge, the `receipt_key` its receipt will load with.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import type { FormatCue, Schedule, TrainingStage } from "../receipt/fields";
import { describeValue } from "../receipt/issues";
import { receiptKey, type KeyParts } from "../receipt/key";
import { writeFileAtomic } from "../io/write-atomic";
import { compositionSeed } from "./compose";
import { expandDesign, loadDesign, type Design } from "./design";
import { checkPoolsDisjoint, loadDemoPool, loadQueryPool, poolSourceName, PoolError, type Pools } from "./pools";

export const PLAN_VERSION = 1;

export interface PoolRef {
  /** Path relative to the plan file's folder (as written), or absolute (after loading). */
  readonly path: string;
  readonly sha256: string;
  /** The receipt's source name for this pool. */
  readonly source: string;
}

export interface PlanHeader {
  readonly plan_version: number;
  readonly design: string | null;
  readonly design_sha256: string;
  readonly run_id: string;
  readonly model: string | null;
  readonly judge: string | null;
  readonly model_family: string | null;
  readonly training_stage: TrainingStage | null;
  readonly system_prompt: string;
  readonly system_prompt_sha256: string;
  readonly temperature: number | null;
  readonly top_p: number | null;
  readonly max_tokens: number | null;
  readonly sampling_seed: number | null;
  readonly truncation_chars: number;
  readonly seed: number;
  readonly queries: PoolRef;
  readonly harmful_demos: PoolRef;
  readonly benign_demos: PoolRef;
  readonly points: number;
}

export interface PlanPoint {
  readonly point_key: string;
  readonly receipt_key: string | null;
  readonly query_id: string;
  readonly query_source: string;
  readonly query_category: string | null;
  readonly n_benign: number;
  readonly n_harmful: number;
  readonly schedule: Schedule;
  readonly format_cue: FormatCue;
  readonly format_cue_text: string | null;
  readonly sample_index: number;
  readonly composition_seed: number;
}

export interface Plan {
  readonly header: PlanHeader;
  readonly points: readonly PlanPoint[];
}

/** The key parts of a point under a header, with model and judge as given. */
export function pointKeyParts(header: PlanHeader, p: PlanPoint, model: string | null, judge: string | null): KeyParts {
  return {
    run_id: header.run_id, model, judge,
    harmful_demo_source: header.harmful_demos.source, benign_demo_source: header.benign_demos.source,
    query_source: p.query_source, query_id: p.query_id,
    n_benign: p.n_benign, n_harmful: p.n_harmful, schedule: p.schedule,
    format_cue: p.format_cue, format_cue_text: p.format_cue_text, sample_index: p.sample_index,
  };
}

export interface PlanOptions {
  /** Model name; overrides the design's. Default: the design's, else null. */
  readonly model?: string | null;
  /** Judge name (`keyword`, `wildguard`); overrides the design's. Default: the design's, else null. */
  readonly judge?: string | null;
}

/**
 * Expand a design into a plan: for each condition (expandDesign order), each sampling,
 * each query (file order). Pool paths in the header are relative to `planDir` (default:
 * the current folder). Throws a PoolError when a condition needs more demonstrations than
 * a pool holds.
 */
export function planFromDesign(design: Design, pools: Pools, options: PlanOptions = {}, planDir = process.cwd()): Plan {
  checkPoolsDisjoint(pools);
  const conditions = expandDesign(design);
  const short = conditions.filter((c) => c.n_benign > pools.benign.records.length || c.n_harmful > pools.harmful.records.length);
  if (short.length)
    throw new PoolError(short.map((c) => `${design.path ?? "<design>"}: condition n_benign ${c.n_benign}, n_harmful ${c.n_harmful} needs more demonstrations than the pools hold (${pools.benign.records.length} benign, ${pools.harmful.records.length} harmful)`));
  const model = options.model ?? design.model, judge = options.judge ?? design.judge;
  const ref = (path: string, sha256: string, source: string): PoolRef => ({ path: relative(planDir, path) || path, sha256, source });
  const headerBase = {
    plan_version: PLAN_VERSION,
    design: design.path === null ? null : relative(planDir, resolve(design.path)),
    design_sha256: design.sha256,
    run_id: design.run_id, model, judge,
    model_family: design.model_family, training_stage: design.training_stage,
    system_prompt: design.system_prompt,
    system_prompt_sha256: createHash("sha256").update(design.system_prompt).digest("hex"),
    temperature: design.temperature, top_p: design.top_p, max_tokens: design.max_tokens, sampling_seed: design.sampling_seed,
    truncation_chars: design.truncation_chars, seed: design.seed,
    queries: ref(design.queries, pools.queries.sha256, poolSourceName(pools.queries)),
    harmful_demos: ref(design.harmful_demos, pools.harmful.sha256, poolSourceName(pools.harmful)),
    benign_demos: ref(design.benign_demos, pools.benign.sha256, poolSourceName(pools.benign)),
  };
  const points: PlanPoint[] = [];
  const header: PlanHeader = { ...headerBase, points: 0 };
  for (const c of conditions)
    for (let s = 0; s < design.samplings; s++)
      for (const q of pools.queries.records) {
        const base = {
          point_key: "", receipt_key: null,
          query_id: q.id, query_source: q.source, query_category: q.category,
          ...c, sample_index: s,
          composition_seed: compositionSeed(design.seed, q.id, c.n_benign, c.n_harmful, s),
        };
        points.push({
          ...base,
          point_key: receiptKey(pointKeyParts(header, base, null, null)),
          receipt_key: model && judge ? receiptKey(pointKeyParts(header, base, model, judge)) : null,
        });
      }
  return { header: { ...headerBase, points: points.length }, points };
}

/** Load the design's pools (paths already resolved). */
export async function loadPools(paths: { queries: string; harmful_demos: string; benign_demos: string }): Promise<Pools> {
  // one after another, so the first problem reported is always the same one
  const queries = await loadQueryPool(paths.queries);
  const harmful = await loadDemoPool(paths.harmful_demos);
  const benign = await loadDemoPool(paths.benign_demos);
  return { queries, harmful, benign };
}

/** Plan JSONL: the header line, then one line per point. */
export function toPlanJSONL(plan: Plan): string {
  return [JSON.stringify({ plan: plan.header }), ...plan.points.map((p) => JSON.stringify(p))].join("\n") + "\n";
}

/** Read a design, its pools, and write its plan to `out` (atomically). Returns the plan. */
export async function writePlan(designPath: string, out: string, options: PlanOptions = {}): Promise<Plan> {
  const design = await loadDesign(designPath);
  const pools = await loadPools(design);
  const plan = planFromDesign(design, pools, options, dirname(resolve(out)));
  await writeFileAtomic(out, toPlanJSONL(plan));
  return plan;
}

const POINT_FIELDS = ["point_key", "query_id", "query_source", "n_benign", "n_harmful", "schedule", "format_cue", "sample_index", "composition_seed"] as const;

/**
 * Read a plan file. Pool paths in the header come back absolute (resolved against the
 * plan's folder). Throws a PoolError naming the line and field of any malformed point
 * and any duplicate key.
 */
export async function loadPlan(path: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new PoolError([`${path}: cannot read the plan file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
  }
  const lines = text.split("\n");
  const problems: string[] = [];
  let header: PlanHeader | null = null;
  const points: PlanPoint[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(lines[i]);
    } catch (e) {
      problems.push(`${path}:${i + 1}: bad JSON (${(e as Error).message})`);
      continue;
    }
    if (header === null) {
      const h = o?.plan as PlanHeader | undefined;
      if (!h || typeof h !== "object" || h.plan_version !== PLAN_VERSION) {
        throw new PoolError([`${path}:${i + 1}: expected a plan header {"plan": {"plan_version": ${PLAN_VERSION}, ...}} on the first line, found ${h && typeof h === "object" ? `plan_version ${describeValue(h.plan_version)}` : "something else"}; write plans with \`receipts plan\``]);
      }
      const dir = dirname(resolve(path));
      const abs = (r: PoolRef): PoolRef => ({ ...r, path: resolve(dir, r.path) });
      header = { ...h, queries: abs(h.queries), harmful_demos: abs(h.harmful_demos), benign_demos: abs(h.benign_demos) };
      continue;
    }
    for (const f of POINT_FIELDS) if (o[f] === undefined || o[f] === null) problems.push(`${path}:${i + 1}: ${f}: required field is missing`);
    const key = o.point_key as string;
    const first = seen.get(key);
    if (first !== undefined) problems.push(`${path}:${i + 1}: point_key: duplicate point ${key}, first on line ${first}`);
    seen.set(key, i + 1);
    points.push({ receipt_key: null, query_category: null, format_cue_text: null, ...(o as object) } as PlanPoint);
    if (problems.length > 20) break;
  }
  if (header === null) problems.push(`${path}: empty plan; expected a header line and points`);
  if (problems.length) throw new PoolError(problems);
  return { header: header!, points };
}
