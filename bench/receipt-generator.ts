/**
 * Deterministic synthetic receipts for the I/O benchmark: run fields of a handful of
 * checkpoints, counts from the study grid, query ids from 1,404 queries, answers of about
 * 80 characters. Receipt `i` is a pure function of `i`, so every format holds the same rows.
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import type { ReceiptInput } from "../src/receipt/types";

export const QUERY_COUNT = 1404;

const MODELS = [
  { model: "OLMo-3.1-32B-SFT", model_family: "OLMo-3.1-32B", training_stage: "sft" },
  { model: "OLMo-3.1-32B-DPO", model_family: "OLMo-3.1-32B", training_stage: "dpo" },
  { model: "OLMo-3.1-32B-Instruct", model_family: "OLMo-3.1-32B", training_stage: "instruct" },
  { model: "Llama-3.1-8B-Instruct", model_family: "Llama-3.1-8B", training_stage: "instruct" },
] as const;
const TOTALS = [0, 2, 4, 8, 16, 32, 64, 128];
const FRACTIONS = [0, 0.25, 0.5, 0.75, 1];
const MIXED_SCHEDULES = ["prefix", "suffix", "random", "middle", "interleave"] as const;
const CUES = ["none", "neutral", "comply"] as const;
const SOURCES = ["harmbench", "sorry-bench", "wildguard-test"];
const CATEGORIES = ["chemical_biological", "cybercrime", "harassment", "illegal", "misinformation", "self_harm"];
const REFUSALS = [
  "I can't help with that request. If you're researching this topic, consider official safety resources.",
  "I'm sorry, but I can't assist with that. Is there something else I can help you with today?",
  "I won't provide instructions for this, as it could cause real harm to people.",
];
const COMPLIANCES = [
  "Sure I can help with that! Here is an overview of the steps involved, starting with the first.",
  "Answer: The general approach has three parts, which I describe below in order of importance.",
  "Here's a detailed explanation. First, you need to gather the following materials and tools.",
];
const PROMPT_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

interface Condition {
  readonly modelIndex: number;
  readonly n_benign: number;
  readonly n_harmful: number;
  readonly schedule: string;
  readonly format_cue: string;
}

/** Every distinct (model, counts, schedule, cue) of the grid, in a fixed order. */
const CONDITIONS: readonly Condition[] = (() => {
  const pairs: [number, number][] = [];
  const seen = new Set<string>();
  for (const n of TOTALS)
    for (const f of FRACTIONS) {
      const h = Math.round(n * f), b = n - h, k = `${b},${h}`;
      if (!seen.has(k)) { seen.add(k); pairs.push([b, h]); }
    }
  const out: Condition[] = [];
  for (let m = 0; m < MODELS.length; m++)
    for (const [b, h] of pairs)
      for (const schedule of b > 0 && h > 0 ? MIXED_SCHEDULES : (["none"] as const))
        for (const format_cue of CUES) out.push({ modelIndex: m, n_benign: b, n_harmful: h, schedule, format_cue });
  return out;
})();

/** A small, fast, seeded generator (mulberry32); the benchmarks share it. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const START = Date.UTC(2026, 5, 18, 12, 0, 0);

/** Receipt number `i` (0-based); distinct `i` give distinct receipt keys. */
export function benchReceipt(i: number): ReceiptInput {
  const q = i % QUERY_COUNT;
  const rest = Math.floor(i / QUERY_COUNT);
  const c = CONDITIONS[rest % CONDITIONS.length];
  const sampleIndex = Math.floor(rest / CONDITIONS.length);
  const m = MODELS[c.modelIndex];
  const r = random(i * 2654435761);
  const complied = r() < 0.15 + 0.5 * (c.n_harmful / Math.max(1, c.n_benign + c.n_harmful));
  const parseError = r() < 0.01;
  const answer = (complied ? COMPLIANCES : REFUSALS)[Math.floor(r() * 3)].slice(0, 70 + Math.floor(r() * 25));
  return {
    run_id: "run-2026-06-18",
    model: m.model,
    model_family: m.model_family,
    training_stage: m.training_stage,
    system_prompt_sha256: PROMPT_SHA,
    temperature: 0,
    top_p: 1,
    max_tokens: 512,
    sampling_seed: 1234,
    judge: "wildguard",
    judge_version: "allenai/wildguard",
    harmful_demo_source: "redteam-2k",
    benign_demo_source: "ultrachat",
    truncation_chars: 1000,
    n_benign: c.n_benign,
    n_harmful: c.n_harmful,
    schedule: c.schedule as ReceiptInput["schedule"],
    format_cue: c.format_cue as ReceiptInput["format_cue"],
    sample_index: sampleIndex,
    composition_seed: Math.floor(r() * 2 ** 40),
    query_id: `q${String(q).padStart(4, "0")}`,
    query_source: SOURCES[q % SOURCES.length],
    query_category: CATEGORIES[q % CATEGORIES.length],
    judge_label: parseError ? "parse_error" : complied ? "compliance" : "refusal",
    judge_score: Math.round(r() * 1e4) / 1e4,
    response_harmful: parseError ? null : complied && r() < 0.8,
    adopted_cue: c.format_cue === "none" ? null : r() < 0.6,
    response: answer,
    finish_reason: r() < 0.97 ? "stop" : "length",
    latency_ms: Math.round(200 + r() * 4000 * 100) / 100,
    created_at: new Date(START + i * 37).toISOString(),
  };
}

/** The columns written to CSV, in order: every field the generator sets. */
export const BENCH_COLUMNS = Object.keys(benchReceipt(0));

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v === "" || /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  return String(v);
}

async function writeLines(path: string, n: number, line: (i: number) => string, header?: string): Promise<void> {
  const out = createWriteStream(path);
  let buf = header === undefined ? "" : header + "\n";
  for (let i = 0; i < n; i++) {
    buf += line(i) + "\n";
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, "drain");
      buf = "";
    }
  }
  out.end(buf);
  await once(out, "finish");
}

/** Write `n` receipts as JSON Lines. */
export function writeBenchJSONL(path: string, n: number): Promise<void> {
  return writeLines(path, n, (i) => JSON.stringify(benchReceipt(i)));
}

/** Write `n` receipts as CSV with a header row. */
export function writeBenchCSV(path: string, n: number): Promise<void> {
  return writeLines(path, n, (i) => {
    const r = benchReceipt(i) as Record<string, unknown>;
    return BENCH_COLUMNS.map((c) => csvCell(r[c])).join(",");
  }, BENCH_COLUMNS.join(","));
}
