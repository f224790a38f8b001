import type { Command } from "commander";
import { analyzeCommand } from "./analyze-command";
import { fitCommand } from "./fit-command";

/** Commands of the statistics, analysis, simulation, plotting and collection parts. */
export function registerExtraCommands(program: Command, setExit: (code: number) => void): void {
  program.command("fit")
    .description("refit the total, harmful and joint logistic models with standard errors and tests")
    .argument("<files...>", "receipt files or folders")
    .requiredOption("--hypothesis <name>", "total, harmful, joint or all")
    .option("--counts <scale>", "log1p (x = log(n + 1)) or raw", "log1p")
    .option("--by <fields>", "comma-separated fields to fit separately by, e.g. model")
    .option("--cluster <field>", "cluster-robust (CR1) standard errors by this field, e.g. query_id")
    .option("--format <format>", "table or json", "table")
    .action(async (files: string[], o: { hypothesis: "total" | "harmful" | "joint" | "all"; counts: "log1p" | "raw"; by?: string; cluster?: string; format: "table" | "json" }) =>
      setExit(await fitCommand(files, o)));

  program.command("analyze")
    .description("run every analysis the data supports; write result-receipt.json and result-receipt.md")
    .argument("<files...>", "receipt files or folders")
    .requiredOption("--out <dir>", "output folder")
    .option("--cluster <field>", "cluster field for robust errors (default query_id when present; 'none' for model-based)")
    .option("--alpha <alpha>", "significance level", (v) => Number(v), 0.05)
    .action(async (files: string[], o: { out: string; cluster?: string; alpha: number }) => setExit(await analyzeCommand(files, o)));
}
