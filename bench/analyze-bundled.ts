/**
 * `receipts analyze` of the bundled data as a user runs it: a whole process each run
 * (`node dist/cli/main.js analyze data/paper-calibrated --out DIR`), start-up, load of the
 * 603,720 receipts, every analysis and the two written files included. Target: <= 3 s wall on
 * the 2-core development machine. Prints best, median and each run, with CPU time and peak
 * RSS, and the machine's load, since this VM's speed drifts by tens of percent.
 *
 *   npm run build && node --import tsx bench/analyze-bundled.ts [--runs 5] [--busy]
 *
 * Not a test: it prints a table.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { arg, busyCore, machineState, markdownTable, median, timeProcess, type ProcessRun } from "./process-timer";

const ROOT = resolve(__dirname, "..");
const TARGET_SECONDS = 3;

function main(): void {
  const runs = Number(arg("--runs") ?? 5);
  const stop = process.argv.includes("--busy") ? busyCore() : null;
  const out = mkdtempSync(join(tmpdir(), "receipts-analyze-bench-"));
  try {
    console.log(`receipts analyze data/paper-calibrated; ${machineState()}${stop ? "; one core kept busy" : ""}; ${runs} processes\n`);
    const all: ProcessRun[] = [];
    for (let i = 0; i < runs; i++) {
      all.push(timeProcess(process.execPath, [join(ROOT, "dist", "cli", "main.js"), "analyze", join(ROOT, "data", "paper-calibrated"), "--out", out], process.env, true));
    }
    const cpu = (r: ProcessRun) => r.userSeconds + r.systemSeconds;
    const best = Math.min(...all.map((r) => r.wallSeconds)), mid = median(all.map((r) => r.wallSeconds));
    console.log(markdownTable([
      ["runs s", "best s", "median s", "median cpu s", "peak MB", "target"],
      [all.map((r) => r.wallSeconds.toFixed(2)).join(", "), best.toFixed(2), mid.toFixed(2), median(all.map(cpu)).toFixed(2),
        Math.max(...all.map((r) => r.peakRssMB)).toFixed(0), `<= ${TARGET_SECONDS} s: best ${best <= TARGET_SECONDS ? "met" : "MISSED"}, median ${mid <= TARGET_SECONDS ? "met" : "MISSED"}`],
    ]));
  } finally {
    stop?.();
    rmSync(out, { recursive: true, force: true });
  }
}

main();
