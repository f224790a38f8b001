/**
 * `npm run bench`: every benchmark in turn, each as its own process, printing its tables.
 * Not a test (nothing is asserted); docs/benchmarks.md says what each compares and holds
 * the figures measured on the development machine.
 *
 *   npm run build && npm run bench [-- --n 1000000 --runs 3]
 *
 * `--n` sets the receipts of the load and end-to-end benchmarks (default 1,000,000) and
 * `--runs` the processes per side (default 3). The DuckDB scale run uses `--scale-n`
 * (default 10,000,000; the closing-note figure is `--scale-n 1000000,100000000`).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { arg } from "./process-timer";

const ROOT = resolve(__dirname, "..");

function run(script: string, args: string[]): void {
  console.log(`\n## bench/${script} ${args.join(" ")}\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", join(__dirname, script), ...args], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`bench/${script} exited with ${r.status ?? r.signal}`);
}

function main(): void {
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) throw new Error("build the kit first: npm run build");
  const n = arg("--n") ?? "1000000";
  const runs = arg("--runs") ?? "3";
  run("io-load.ts", ["--n", n, "--runs", runs]);
  run("analyze-bundled.ts", ["--runs", "5"]);
  run("fit-end-to-end.ts", ["--n", n, "--runs", runs]);
  run("fit-logistic.ts", [n]);
  run("duckdb-scale.ts", ["--n", arg("--scale-n") ?? "10000000"]);
}

main();
