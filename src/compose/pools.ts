/**
 * Demonstration and query pools: JSONL files, one record a line. Demonstrations are
 * `{id, prompt, response, source}`; queries are `{id, prompt, source, category}` (category
 * may be null or left out). Every problem is reported with file, line, field, what was
 * expected and what was found; all problems of a file are listed, not just the first.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { describeValue } from "../receipt/issues";

export interface DemoRecord {
  readonly id: string;
  readonly prompt: string;
  readonly response: string;
  readonly source: string;
}

export interface QueryRecord {
  readonly id: string;
  readonly prompt: string;
  readonly source: string;
  readonly category: string | null;
}

export interface Pool<T extends { id: string }> {
  /** Path the pool was read from, or null for in-memory records. */
  readonly path: string | null;
  /** SHA-256 of the file's bytes (of the JSONL text for in-memory records). */
  readonly sha256: string;
  /** Records in file order. */
  readonly records: readonly T[];
  readonly byId: ReadonlyMap<string, T>;
  /** Distinct `source` values, sorted. */
  readonly sources: readonly string[];
}

export type DemoPool = Pool<DemoRecord> & {
  /**
   * Records sorted by id (UTF-16 code unit order). Draws index into this order, so a
   * composition does not change when the pool file's lines are reordered.
   */
  readonly sortedById: readonly DemoRecord[];
};
export type QueryPool = Pool<QueryRecord>;

/** A problem in a pool or design file: where, which field, expected what, found what. */
export class PoolError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problems:\n` + problems.slice(0, 20).join("\n") + (problems.length > 20 ? `\n... and ${problems.length - 20} more` : ""));
    this.name = "PoolError";
  }
}

type FieldRule = { name: string; optional?: boolean };
const DEMO_FIELDS: FieldRule[] = [{ name: "id" }, { name: "prompt" }, { name: "response" }, { name: "source" }];
const QUERY_FIELDS: FieldRule[] = [{ name: "id" }, { name: "prompt" }, { name: "source" }, { name: "category", optional: true }];

/**
 * A JSON syntax error described by position only. Node's own message quotes the start of
 * the text ("Unexpected token 'r', \"root:x:0:0\"... is not valid JSON"), which would echo
 * the first bytes of whatever file a path points at.
 */
export function describeJSONError(e: unknown): string {
  const m = /position (\d+)/.exec(e instanceof Error ? e.message : "");
  return m ? `not valid JSON at character ${Number(m[1]) + 1}` : "not valid JSON";
}

function parsePool<T extends { id: string }>(text: string, file: string, rules: FieldRule[], kind: string): { records: T[]; problems: string[] } {
  const problems: string[] = [];
  const records: T[] = [];
  const seen = new Map<string, number>();
  const known = new Set(rules.map((r) => r.name));
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "");
    if (line.trim() === "") continue;
    const where = `${file}:${i + 1}`;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      problems.push(`${where}: bad JSON (${describeJSONError(e)}); expected one ${kind} object per line`);
      continue;
    }
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
      problems.push(`${where}: expected a JSON object (one ${kind}), found ${describeValue(obj)}`);
      continue;
    }
    const o = obj as Record<string, unknown>;
    let ok = true;
    const rec: Record<string, unknown> = {};
    for (const rule of rules) {
      const v = o[rule.name];
      if (v === undefined || v === null) {
        if (rule.optional) { rec[rule.name] = null; continue; }
        problems.push(`${where}: ${rule.name}: required field is ${v === null ? "null" : "missing"}; expected a string`);
        ok = false;
      } else if (typeof v !== "string") {
        problems.push(`${where}: ${rule.name}: expected a string${rule.name === "id" ? ' (write numeric ids as strings, e.g. "17")' : ""}, found ${describeValue(v)}`);
        ok = false;
      } else if (v === "" && (rule.name === "id" || rule.name === "source")) {
        problems.push(`${where}: ${rule.name}: expected a non-empty string, found the empty string`);
        ok = false;
      } else rec[rule.name] = v;
    }
    for (const k of Object.keys(o)) if (!known.has(k)) problems.push(`${where}: ${k}: unknown field; expected only ${rules.map((r) => r.name).join(", ")}`);
    if (!ok) continue;
    const first = seen.get(rec.id as string);
    if (first !== undefined) {
      problems.push(`${where}: id: duplicate id ${JSON.stringify(rec.id)}, first on line ${first}; expected each id once`);
      continue;
    }
    seen.set(rec.id as string, i + 1);
    records.push(rec as T);
  }
  if (records.length === 0 && problems.length === 0) problems.push(`${file}: empty file; expected one ${kind} (a JSON object) per line`);
  return { records, problems };
}

function makePool<T extends { id: string; source: string }>(records: T[], path: string | null, sha256: string): Pool<T> {
  return {
    path, sha256, records,
    byId: new Map(records.map((r) => [r.id, r])),
    sources: [...new Set(records.map((r) => r.source))].sort(),
  };
}

function demoPool(records: DemoRecord[], path: string | null, sha256: string): DemoPool {
  const sortedById = records.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { ...makePool(records, path, sha256), sortedById };
}

const sha = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** A demonstration pool from JSONL text in memory. Throws a PoolError listing every problem. */
export function fromDemoJSONL(text: string, file = "<demonstrations>"): DemoPool {
  const { records, problems } = parsePool<DemoRecord>(text, file, DEMO_FIELDS, "demonstration");
  if (problems.length) throw new PoolError(problems);
  return demoPool(records, null, sha(text));
}

/** A query pool from JSONL text in memory. Throws a PoolError listing every problem. */
export function fromQueryJSONL(text: string, file = "<queries>"): QueryPool {
  const { records, problems } = parsePool<QueryRecord>(text, file, QUERY_FIELDS, "query");
  if (problems.length) throw new PoolError(problems);
  return makePool(records, null, sha(text));
}

async function readText(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new PoolError([`${path}: cannot read the ${what} file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
  }
}

/** Load a demonstration pool from a JSONL file. */
export async function loadDemoPool(path: string): Promise<DemoPool> {
  const bytes = await readText(path, "demonstration");
  const { records, problems } = parsePool<DemoRecord>(bytes.toString("utf8"), path, DEMO_FIELDS, "demonstration");
  if (problems.length) throw new PoolError(problems);
  return demoPool(records, path, sha(bytes));
}

/** Load a query pool from a JSONL file. */
export async function loadQueryPool(path: string): Promise<QueryPool> {
  const bytes = await readText(path, "query");
  const { records, problems } = parsePool<QueryRecord>(bytes.toString("utf8"), path, QUERY_FIELDS, "query");
  if (problems.length) throw new PoolError(problems);
  return makePool(records, path, sha(bytes));
}

/** The three pools a composition draws from. */
export interface Pools {
  readonly queries: QueryPool;
  readonly harmful: DemoPool;
  readonly benign: DemoPool;
}

/**
 * Check that no id is in both demonstration pools: receipts record demo_ids without saying
 * which pool each came from, so the ids must be unambiguous.
 */
export function checkPoolsDisjoint(pools: Pools): void {
  const both = pools.harmful.records.filter((r) => pools.benign.byId.has(r.id)).map((r) => r.id);
  if (both.length)
    throw new PoolError([`${pools.harmful.path ?? "<harmful>"} and ${pools.benign.path ?? "<benign>"}: ${both.length} id(s) in both demonstration pools (${both.slice(0, 5).map((x) => JSON.stringify(x)).join(", ")}${both.length > 5 ? ", ..." : ""}); expected disjoint ids, e.g. prefix them with the source`]);
}

/** The receipt's `*_demo_source` value for a pool: its distinct sources joined by `+`. */
export function poolSourceName(pool: Pool<{ id: string; source: string }>): string {
  return pool.sources.join("+");
}
