/**
 * The `receipts` command line. Each command is a function in its own file that takes
 * parsed options and returns an exit code; this file only declares the options. Command
 * modules are imported when their command runs, so `--version` and `--help` load nothing
 * but commander (about 60 ms instead of the whole kit's 0.5 s). Exit codes
 * (./exit-codes.ts): 0 ok, 1 data problems or failed targets, 2 usage errors, 3 environment.
 */
import { Command, CommanderError } from "commander";
import { finishAllProgress } from "../display/progress-registry";
import { ReceiptValidationError } from "../receipt/issues";
import { exitCodeOfError } from "./exit-codes";
import { registerExtraCommands } from "./extra-commands";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { version } = require("../../package.json") as { version: string };

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command("receipts")
    .description("Load, validate, refit and plot mixed-demonstration safety receipts.")
    .version(version, "-v, --version")
    .showHelpAfterError()
    .exitOverride();

  program.command("validate")
    .description("check receipt files; print FILE:LINE: field: message for each problem (exit 1 if any)")
    .argument("<files...>", "receipt files or folders (JSONL, CSV, Arrow, Parquet)")
    .option("--json", "machine-readable output")
    .option("--ignore-unknown-fields", "accept fields the schema does not declare")
    .action(async (files: string[], o: { json?: boolean; ignoreUnknownFields?: boolean }) =>
      setExit(await (await import("./validate-command")).validateCommand(files, { json: o.json, unknownFields: o.ignoreUnknownFields ? "ignore" : "error" })));

  program.command("convert")
    .description("convert a receipt file; formats come from the extensions (.jsonl .csv .arrow .parquet)")
    .argument("<in>", "input file")
    .argument("<out>", "output file")
    .action(async (input: string, output: string) => setExit(await (await import("./convert-command")).convertCommand(input, output)));

  program.command("summarize")
    .description("receipts, compliances and compliance rate with a 95% Wilson interval per condition")
    .argument("<files...>", "receipt files or folders")
    .option("--by <fields>", "comma-separated fields to group by (default model,n_benign,n_harmful,schedule,format_cue)")
    .option("--format <format>", "table, json or csv", "table")
    .option("--correct-judge-error", "per group (default --by judge): sensitivity and specificity from receipts with a reference_label, and the Rogan-Gladen corrected rate with its interval")
    .option("--engine <engine>", "memory (default), or duckdb: counts computed out of core from the files (docs/engine.md)")
    .action(async (files: string[], o: { by?: string; format: "table" | "json" | "csv"; correctJudgeError?: boolean; engine?: string }) =>
      setExit(await (await import("./summarize-command")).summarizeCommand(files, { by: o.by, format: o.format, correctJudgeError: o.correctJudgeError, engine: o.engine })));

  program.command("import")
    .description("other tools' evaluation logs as receipts: Inspect AI (.eval/.json), garak report.jsonl, promptfoo results.json, HarmBench results, PyRIT exports")
    .argument("<files...>", "log files")
    .requiredOption("--out <path>", "receipts file to write; format from the extension")
    .option("--from <tool>", "inspect, garak, promptfoo, harmbench or pyrit (default: detected per file)")
    .option("--label-map <map>", "score values to labels, e.g. C=compliance,I=refusal or >=0.5=compliance,<0.5=refusal")
    .option("--run-id <id>", "replace the run id the logs record")
    .option("--model <name>", "HarmBench: the model (default: the results file's name)")
    .option("--behaviors <csv>", "HarmBench: behaviours CSV, for query categories")
    .action(async (files: string[], o: { out: string; from?: string; labelMap?: string; runId?: string; model?: string; behaviors?: string }) =>
      setExit(await (await import("./import-command")).importCommand(files, o)));

  registerExtraCommands(program, setExit);
  return program;
}


export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv);
    finishAllProgress();
  } catch (e) {
    finishAllProgress();
    // Commander has already printed its message (and the help) for its own errors.
    if (e instanceof CommanderError) return exitCodeOfError(e);
    if (e instanceof ReceiptValidationError) process.stderr.write(`receipts: invalid receipts\n${e.message}\n`);
    else process.stderr.write(`receipts: ${(e as Error).message}\n`);
    return exitCodeOfError(e);
  }
  return code;
}

if (require.main === module) main(process.argv).then((c) => (process.exitCode = c));
