/**
 * One evaluation point's context: demonstrations drawn with a seed, arranged by a
 * schedule, truncated, cued, then the query. The same point and pools give the same
 * messages on any machine; the receipt's composition_seed and demo_ids rebuild it.
 */
import { createHash } from "node:crypto";
import type { FormatCue, Schedule } from "../receipt/fields";
import { applyCue, cueText } from "./cues";
import { createRng, deriveSeed, sampleWithoutReplacement } from "./prng";
import type { DemoRecord, Pools, QueryRecord } from "./pools";
import { arrangeDemos, type DemoKind } from "./schedule";
import { truncateChars } from "./truncate";

/** The study's truncation: demonstrations cut to 2,000 characters. */
export const DEFAULT_TRUNCATION_CHARS = 2000;

export interface ChatMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

/** What a context is built from; the fields carry the receipt's names. */
export interface CompositionPoint {
  readonly query_id: string;
  readonly n_benign: number;
  readonly n_harmful: number;
  readonly schedule: Schedule;
  readonly format_cue: FormatCue;
  /** Required for `custom`; taken from the cue for `neutral` and `comply`. Default null. */
  readonly format_cue_text?: string | null;
  readonly composition_seed: number;
  /** Each demonstration's prompt and response are cut to this many characters. Default 2000. */
  readonly truncation_chars?: number;
  /** System prompt; empty means none. Default "". */
  readonly system_prompt?: string;
}

export interface ComposedContext {
  /** Chat turns: optional system, then user/assistant per demonstration, then the query. */
  readonly messages: ChatMessage[];
  /**
   * The same context as one string, for models served without a chat template, in the
   * form of Wei et al. (2023): `User: {prompt}\nAssistant: {response}` per demonstration,
   * blank lines between, then `User: {query}\nAssistant:`; a system prompt goes first.
   */
  readonly text: string;
  /** Demonstration ids in context order. */
  readonly demo_ids: string[];
  /** Kind of each demonstration, in context order. */
  readonly demo_kinds: DemoKind[];
  readonly query: QueryRecord;
  readonly format_cue_text: string | null;
}

/**
 * The composition seed of a point: demonstrations are drawn from (design seed, query,
 * n_benign, n_harmful, sample index) and nothing else, so the schedules and format cues
 * of one query and sampling see the same demonstrations in different orders and dress:
 * an ordering ablation is paired.
 */
export function compositionSeed(designSeed: number, queryId: string, nBenign: number, nHarmful: number, sampleIndex: number): number {
  return deriveSeed(["compose-v1", designSeed, queryId, nBenign, nHarmful, sampleIndex]);
}

function checkPoint(point: CompositionPoint, pools: Pools): QueryRecord {
  const where = `compose (query ${JSON.stringify(point.query_id)})`;
  for (const f of ["n_benign", "n_harmful"] as const)
    if (!Number.isInteger(point[f]) || point[f] < 0) throw new RangeError(`${where}: ${f} must be a non-negative integer, found ${point[f]}`);
  if (point.n_benign > pools.benign.records.length)
    throw new RangeError(`${where}: n_benign ${point.n_benign} exceeds the benign pool (${pools.benign.records.length} demonstrations in ${pools.benign.path ?? "<benign>"})`);
  if (point.n_harmful > pools.harmful.records.length)
    throw new RangeError(`${where}: n_harmful ${point.n_harmful} exceeds the harmful pool (${pools.harmful.records.length} demonstrations in ${pools.harmful.path ?? "<harmful>"})`);
  const query = pools.queries.byId.get(point.query_id);
  if (query === undefined) throw new Error(`${where}: no query with this id in ${pools.queries.path ?? "<queries>"}`);
  return query;
}

/** Build the context from demonstrations already placed in order. */
function render(point: CompositionPoint, query: QueryRecord, placed: { kind: DemoKind; item: DemoRecord }[]): ComposedContext {
  const limit = point.truncation_chars ?? DEFAULT_TRUNCATION_CHARS;
  const cue = cueText(point.format_cue, point.format_cue_text);
  const system = point.system_prompt ?? "";
  const messages: ChatMessage[] = [];
  const textParts: string[] = [];
  if (system !== "") {
    messages.push({ role: "system", content: system });
    textParts.push(system);
  }
  for (const { item } of placed) {
    const prompt = truncateChars(item.prompt, limit);
    const response = applyCue(truncateChars(item.response, limit), cue);
    messages.push({ role: "user", content: prompt }, { role: "assistant", content: response });
    textParts.push(`User: ${prompt}\nAssistant: ${response}`);
  }
  messages.push({ role: "user", content: query.prompt });
  textParts.push(`User: ${query.prompt}\nAssistant:`);
  return {
    messages,
    text: textParts.join("\n\n"),
    demo_ids: placed.map((p) => p.item.id),
    demo_kinds: placed.map((p) => p.kind),
    query,
    format_cue_text: cue,
  };
}

/**
 * Compose one point's context from the pools. Benign demonstrations are drawn first, then
 * harmful ones, without replacement from each pool sorted by id, with xoshiro128** seeded
 * by `composition_seed`; the same generator then drives the `random` schedule. Cost
 * O(pool size + context length). Throws when counts exceed the pools, the query is
 * unknown, or the schedule and counts disagree.
 * @example compose({query_id: "q1", n_benign: 2, n_harmful: 2, schedule: "suffix", format_cue: "neutral", composition_seed: 7}, pools).demo_ids // two benign ids then two harmful ids, the same on every machine
 */
export function compose(point: CompositionPoint, pools: Pools): ComposedContext {
  const query = checkPoint(point, pools);
  const rng = createRng(point.composition_seed);
  const benign = sampleWithoutReplacement(pools.benign.sortedById, point.n_benign, rng);
  const harmful = sampleWithoutReplacement(pools.harmful.sortedById, point.n_harmful, rng);
  return render(point, query, arrangeDemos(benign, harmful, point.schedule, rng));
}

/**
 * The context from explicit demonstration ids in order (as a receipt records them),
 * without drawing. Throws when an id is in neither pool or the counts do not match.
 */
export function composeFromIds(point: CompositionPoint, demoIds: readonly string[], pools: Pools): ComposedContext {
  const query = checkPoint(point, pools);
  const placed = demoIds.map((id) => {
    const h = pools.harmful.byId.get(id);
    if (h !== undefined) return { kind: "harmful" as const, item: h };
    const b = pools.benign.byId.get(id);
    if (b !== undefined) return { kind: "benign" as const, item: b };
    throw new Error(`composeFromIds: demonstration id ${JSON.stringify(id)} is in neither pool`);
  });
  const nh = placed.filter((p) => p.kind === "harmful").length;
  if (nh !== point.n_harmful || placed.length - nh !== point.n_benign)
    throw new Error(`composeFromIds: ids give ${placed.length - nh} benign and ${nh} harmful demonstrations; expected n_benign ${point.n_benign} and n_harmful ${point.n_harmful}`);
  return render(point, query, placed);
}

/** The receipt fields `rebuildContext` reads. */
export interface RebuildableReceipt {
  readonly query_id: string | null;
  readonly n_benign: number;
  readonly n_harmful: number;
  readonly schedule: Schedule | null;
  readonly format_cue: FormatCue;
  readonly format_cue_text: string | null;
  readonly composition_seed: number | null;
  readonly demo_ids: readonly string[] | null;
  readonly truncation_chars: number | null;
  readonly system_prompt_sha256?: string | null;
}

export interface RebuiltContext {
  /** The context built from the recorded demo_ids (or from the seed when ids were not recorded). */
  readonly context: ComposedContext;
  /** Whether composing from composition_seed gives the recorded ids in the same order; null when either is missing. */
  readonly seedReproduces: boolean | null;
}

/**
 * Rebuild and audit the context a receipt was answered in. The recorded `demo_ids` are the
 * evidence; the `composition_seed` is re-run and compared with them. Pass the system
 * prompt when there was one: its SHA-256 is checked against the receipt's.
 */
export function rebuildContext(receipt: RebuildableReceipt, pools: Pools, options: { systemPrompt?: string } = {}): RebuiltContext {
  if (receipt.query_id === null) throw new Error("rebuildContext: the receipt has no query_id, so its query cannot be found");
  const systemPrompt = options.systemPrompt ?? "";
  if (receipt.system_prompt_sha256) {
    const got = createHash("sha256").update(systemPrompt).digest("hex");
    if (got !== receipt.system_prompt_sha256)
      throw new Error(`rebuildContext: the system prompt given hashes to ${got.slice(0, 12)}..., the receipt's system_prompt_sha256 is ${receipt.system_prompt_sha256.slice(0, 12)}...; pass options.systemPrompt`);
  }
  const point: CompositionPoint = {
    query_id: receipt.query_id,
    n_benign: receipt.n_benign,
    n_harmful: receipt.n_harmful,
    schedule: receipt.schedule ?? "none",
    format_cue: receipt.format_cue,
    format_cue_text: receipt.format_cue_text,
    composition_seed: receipt.composition_seed ?? 0,
    truncation_chars: receipt.truncation_chars ?? DEFAULT_TRUNCATION_CHARS,
    system_prompt: systemPrompt,
  };
  const fromSeed = receipt.composition_seed === null ? null : compose(point, pools);
  if (receipt.demo_ids === null) {
    if (fromSeed === null) throw new Error("rebuildContext: the receipt has neither demo_ids nor composition_seed");
    return { context: fromSeed, seedReproduces: null };
  }
  const context = composeFromIds(point, receipt.demo_ids, pools);
  const seedReproduces = fromSeed === null ? null : fromSeed.demo_ids.length === context.demo_ids.length && fromSeed.demo_ids.every((id, i) => id === context.demo_ids[i]);
  return { context, seedReproduces };
}
