/**
 * `receipts compose` and `receipts plan`: command functions that take parsed options and
 * return an exit code (0 ok, 1 bad input). The CLI entry wires them to commander.
 */
import { dirname, resolve } from "node:path";
import { compose } from "./compose";
import { loadDesign } from "./design";
import { loadPools, planFromDesign, writePlan } from "./plan";
import { PoolError } from "./pools";

/** Where command output goes; tests pass their own. */
export interface CommandIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export const processIO: CommandIO = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

export interface ComposeCommandOptions {
  /** Design JSON file. */
  readonly design: string;
  /** A point's key: its point_key or receipt_key (as in the plan), or a unique prefix of either. */
  readonly point: string;
  /** `chat` (default): readable turns; `text`: the single-string template; `json`: the messages as JSON. */
  readonly format?: "chat" | "text" | "json";
  /** Model and judge, to match receipt keys when the design does not name them. Default: the design's. */
  readonly model?: string;
  readonly judge?: string;
}

export interface PlanCommandOptions {
  /** Design JSON file. */
  readonly design: string;
  /** Plan JSONL to write. */
  readonly out: string;
  /** Model and judge, so plan keys equal receipt keys; override the design's. Default: the design's. */
  readonly model?: string;
  readonly judge?: string;
}

function reportError(e: unknown, io: CommandIO, command: string): number {
  if (e instanceof PoolError || e instanceof RangeError || e instanceof Error) {
    io.err(`receipts ${command}: ${e.message}\n`);
    return 1;
  }
  throw e;
}

/** Print one point's context. */
export async function composeCommand(options: ComposeCommandOptions, io: CommandIO = processIO): Promise<number> {
  try {
    const design = await loadDesign(options.design);
    const pools = await loadPools(design);
    const plan = planFromDesign(design, pools, { model: options.model, judge: options.judge }, dirname(resolve(options.design)));
    const want = options.point.toLowerCase();
    const exact = plan.points.filter((p) => p.point_key === want || p.receipt_key === want);
    const matches = exact.length ? exact : plan.points.filter((p) => p.point_key.startsWith(want) || (p.receipt_key ?? "").startsWith(want));
    if (matches.length !== 1) {
      io.err(`receipts compose: ${matches.length === 0 ? "no point" : `${matches.length} points`} in ${options.design} with key ${JSON.stringify(options.point)}; expected exactly one (run \`receipts plan\` to list the keys)\n`);
      return 1;
    }
    const p = matches[0];
    const ctx = compose({ ...p, truncation_chars: plan.header.truncation_chars, system_prompt: plan.header.system_prompt }, pools);
    const format = options.format ?? "chat";
    if (format === "json") io.out(JSON.stringify({ point: p, demo_ids: ctx.demo_ids, messages: ctx.messages }, null, 2) + "\n");
    else if (format === "text") io.out(ctx.text + "\n");
    else {
      io.out(`# point ${p.point_key}: query ${p.query_id} (${p.query_source}), n_benign ${p.n_benign}, n_harmful ${p.n_harmful}, schedule ${p.schedule}, format_cue ${p.format_cue}, sample ${p.sample_index}, composition_seed ${p.composition_seed}\n`);
      ctx.messages.forEach((m, i) => {
        const kind = m.role === "user" && i < ctx.messages.length - 1 ? ` [${ctx.demo_kinds[Math.floor((i - (ctx.messages[0].role === "system" ? 1 : 0)) / 2)]} ${ctx.demo_ids[Math.floor((i - (ctx.messages[0].role === "system" ? 1 : 0)) / 2)]}]` : "";
        io.out(`\n--- ${m.role}${kind}\n${m.content}\n`);
      });
    }
    return 0;
  } catch (e) {
    return reportError(e, io, "compose");
  }
}

/** Expand a design into a plan file. */
export async function planCommand(options: PlanCommandOptions, io: CommandIO = processIO): Promise<number> {
  try {
    const plan = await writePlan(options.design, options.out, { model: options.model, judge: options.judge });
    const conditions = new Set(plan.points.map((p) => `${p.n_benign}/${p.n_harmful}/${p.schedule}/${p.format_cue}/${p.format_cue_text}`)).size;
    io.err(`receipts plan: wrote ${plan.points.length} points (${conditions} conditions) to ${options.out}${plan.header.model && plan.header.judge ? "" : "; model or judge not given, so receipt keys are filled in by collect"}\n`);
    return 0;
  } catch (e) {
    return reportError(e, io, "plan");
  }
}
