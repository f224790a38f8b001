// Command modules are imported on action (see main.ts): only their types are loaded here.
import { Option, type Command } from "commander";
import type { collectCommand } from "../collect/cli";

const integer = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`expected an integer, found ${JSON.stringify(v)}`);
  return n;
};

/** Commands of the statistics, analysis, simulation, plotting and collection parts. */
export function registerExtraCommands(program: Command, setExit: (code: number) => void): void {
  program.command("fit")
    .description("refit the total, harmful and joint logistic models with standard errors and tests")
    .argument("<files...>", "receipt files or folders")
    // Choices make a bad value a usage error (exit 2) before any data is read.
    .addOption(new Option("--hypothesis <name>", "total, harmful, joint or all").choices(["total", "harmful", "joint", "all"]).makeOptionMandatory())
    .addOption(new Option("--counts <scale>", "log1p (x = log(n + 1)) or raw").choices(["log1p", "raw"]).default("log1p"))
    .option("--by <fields>", "comma-separated fields to fit separately by, e.g. model")
    .option("--cluster <field>", "cluster-robust standard errors by this field (default query_id when present: CR1, or CR2 + Satterthwaite below 42 clusters; 'none' for model-based)")
    .option("--random-intercept <field>", "a random intercept per value of this field (binomial GLMM, as lme4::glmer), e.g. query_id")
    .option("--agq <K>", "with --random-intercept: adaptive Gauss-Hermite points (1 = Laplace, the default)")
    .option("--random-slope <term>", "with --random-intercept: a correlated random slope of this count term, e.g. benign (Laplace)")
    .option("--format <format>", "table or json", "table")
    .addOption(new Option("--engine <engine>", "memory, or duckdb: grouped counts computed out of core from the files (docs/engine.md)").choices(["memory", "duckdb"]).default("memory"))
    .action(async (files: string[], o: { hypothesis: "total" | "harmful" | "joint" | "all"; counts: "log1p" | "raw"; by?: string; cluster?: string; randomIntercept?: string; agq?: string; randomSlope?: string; format: "table" | "json"; engine: string }) =>
      setExit(await (await import("./fit-command")).fitCommand(files, o)));

  program.command("analyze")
    .description("run every analysis the data supports; write result-receipt.json and result-receipt.md")
    .argument("<files...>", "receipt files or folders")
    .requiredOption("--out <dir>", "output folder")
    .option("--cluster <field>", "cluster field for robust errors (default query_id when present; 'none' for model-based)")
    .option("--alpha <alpha>", "significance level", (v) => Number(v), 0.05)
    .option("--p-adjust <method>", "adjustment of verdict p-values across models and stages: holm, bonferroni, BH or none", "holm")
    .option("--equivalence-margin <M>", "read a non-significant b2 as equivalent to 0 when its (1 - 2 alpha) interval lies inside (-M, M) (TOST), else inconclusive")
    .option("--no-conditional", "skip the random-intercept fit of the conditional b2 (reported beside the population-averaged b2 by default)")
    .option("--engine <engine>", "memory (default), or duckdb: DuckDB groups the receipts into weighted cells out of core, same results (docs/engine.md)")
    .option("--weight-column <column>", "with --engine duckdb: the files are cells (another SQL engine's result, docs/engine.md), each standing for this column's number of receipts")
    .action(async (files: string[], o: { out: string; cluster?: string; alpha: number; pAdjust: string; equivalenceMargin?: string; conditional: boolean; engine?: string; weightColumn?: string }) => setExit(await (await import("./analyze-command")).analyzeCommand(files, o)));

  program.command("plot")
    .description("draw one figure from receipts (figure names: receipts plot --help)")
    .argument("<files...>", "receipt files or folders")
    .requiredOption("--figure <name>", "figure name")
    // The figure registry loads the plotting code, so its names are read only for this help.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    .addHelpText("after", () => `\nFigures: ${(require("../plots/registry") as typeof import("../plots/registry")).FIGURE_NAMES.join(", ")}`)
    .requiredOption("--out <path>", "output file: .html (offline), .png or .svg")
    .option("--width <px>", "width in CSS pixels", integer)
    .option("--height <px>", "height in CSS pixels", integer)
    .action(async (files: string[], o: { figure: string; out: string; width?: number; height?: number }) => setExit(await (await import("./plot-receipts-command")).plotReceiptsCommand(files, o)));

  program.command("simulate")
    .description("write synthetic receipts from the seeded simulator (presets: paper, classroom, null)")
    .requiredOption("--preset <name>", "paper, classroom or null")
    .option("--seed <n>", "seed (non-negative integer)", "1")
    .requiredOption("--out <path>", "output file; format from the extension")
    .option("--params <file>", "paper preset: parameters file instead of data/calibration/paper-params.json")
    .option("--run-id <id>", "replace the preset's run_id")
    .action(async (o: { preset: string; seed: string; out: string; params?: string; runId?: string }) => setExit(await (await import("../simulate/cli")).simulateCommand(o)));

  program.command("compose")
    .description("print one point's context (the exact messages) from a design")
    .requiredOption("--design <file>", "design JSON")
    .requiredOption("--point <key>", "point_key or receipt_key from the plan, or a unique prefix")
    .option("--format <format>", "chat, text or json", "chat")
    .option("--model <name>", "model, to match receipt keys")
    .option("--judge <name>", "judge, to match receipt keys")
    .action(async (o: { design: string; point: string; format: "chat" | "text" | "json"; model?: string; judge?: string }) => setExit(await (await import("../compose/cli")).composeCommand(o)));

  program.command("plan")
    .description("expand a design into a deterministic work list with stable keys")
    .requiredOption("--design <file>", "design JSON")
    .requiredOption("--out <file>", "plan JSONL to write")
    .option("--model <name>", "model, so plan keys equal receipt keys")
    .option("--judge <name>", "judge, so plan keys equal receipt keys")
    .action(async (o: { design: string; out: string; model?: string; judge?: string }) => setExit(await (await import("../compose/cli")).planCommand(o)));

  program.command("collect")
    .description("query an OpenAI-compatible server for every planned point and append judged receipts (resumable)")
    .requiredOption("--plan <file>", "plan JSONL from receipts plan")
    .requiredOption("--endpoint <url>", "OpenAI-compatible base URL, including /v1")
    .requiredOption("--model <name>", "model name on the server")
    .requiredOption("--judge <name>", "keyword or wildguard")
    .option("--judge-endpoint <url>", "WildGuard server (default: --endpoint)")
    .option("--judge-model <name>", "WildGuard model name", "allenai/wildguard")
    .requiredOption("--out <file>", "receipts JSONL to append to")
    .option("--concurrency <k>", "requests in flight", integer, 4)
    .option("--timeout <ms>", "per-request timeout", integer, 120000)
    .option("--retries <n>", "retries on 429, 5xx and timeouts", integer, 4)
    .option("--retry-base-ms <ms>", "first backoff delay", integer, 1000)
    .option("--prompt-format <format>", "chat or text", "chat")
    .option("--batch-size <n>", "receipts per flush", integer, 8)
    .option("--limit <n>", "stop after this many new receipts", integer)
    .option("--quiet", "no progress bar")
    .addHelpText("after", "\nThe API key comes from RECEIPTS_API_KEY (or OPENAI_API_KEY); the judge's from RECEIPTS_JUDGE_API_KEY. Keys are never written anywhere.")
    .action(async (o: Parameters<typeof collectCommand>[0]) => setExit(await (await import("../collect/cli")).collectCommand(o)));

  program.command("reproduce")
    .description("from the bundled data: every figure (out/figures), result receipts, out/paper-vs-kit.md and every notebook (out/notebooks)")
    .option("--skip-notebooks", "figures, receipts and the comparison only")
    .action(async (o: { skipNotebooks?: boolean }) => setExit(await (await import("./reproduce-command")).reproduceCommand({ skipNotebooks: o.skipNotebooks })));

  program.command("compare-paper")
    .description("every published figure of the study beside the kit's refit on the bundled (or given) receipts; exit 1 if any target fails")
    .argument("[dir]", "receipt files or folder (default data/paper-calibrated)")
    .option("--format <format>", "table, markdown or json", "table")
    .option("--targets <file>", "published targets (default data/calibration/paper-targets.json)")
    .option("--markdown-out <file>", "also write the Markdown comparison, e.g. out/paper-vs-kit.md")
    .action(async (dir: string | undefined, o: { format: "table" | "markdown" | "json"; targets?: string; markdownOut?: string }) =>
      setExit(await (await import("./compare-paper-command")).comparePaperCommand({ dir, ...o })));
}
