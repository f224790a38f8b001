/**
 * Whole processes timed as a user meets them: each run is a fresh process under
 * `/usr/bin/time -v`, so start-up (Node, Python, module loading) is included and the peak RSS
 * is that process's own, not inherited from the benchmark. Best of N for every side alike, or
 * N pairs run in turn (`pairedRuns`) with the median of the pairs' ratios.
 * Optionally with one core kept busy by a spinning process for the whole measurement.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

export interface ProcessRun {
  readonly wallSeconds: number;
  readonly userSeconds: number;
  readonly systemSeconds: number;
  readonly peakRssMB: number;
  readonly stdout: string;
}

/** Parse `/usr/bin/time -v`'s report. */
function parseTimeReport(report: string): Omit<ProcessRun, "stdout"> {
  const field = (label: string) => {
    const line = report.split("\n").find((l) => l.includes(label));
    if (line === undefined) throw new Error(`/usr/bin/time -v printed no "${label}"`);
    return line.slice(line.lastIndexOf(": ") + 2).trim();
  };
  const wall = field("Elapsed (wall clock) time").split(":").map(Number);
  const wallSeconds = wall.reduce((acc, v) => acc * 60 + v, 0);
  return {
    wallSeconds,
    userSeconds: Number(field("User time (seconds)")),
    systemSeconds: Number(field("System time (seconds)")),
    peakRssMB: Number(field("Maximum resident set size (kbytes)")) / 1024,
  };
}

/** Run a command once under /usr/bin/time -v; `quiet`: its stderr (progress, verdicts) is dropped. */
export function timeProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, quiet = false): ProcessRun {
  if (!existsSync("/usr/bin/time")) throw new Error("the benchmarks need /usr/bin/time (Debian package time)");
  const report = resolve(`/tmp/process-timer-${process.pid}.txt`);
  const stdout = execFileSync("/usr/bin/time", ["-v", "-o", report, command, ...args], { env, encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", quiet ? "ignore" : "inherit"] });
  const text = execFileSync("cat", [report], { encoding: "utf8" });
  execFileSync("rm", ["-f", report]);
  return { ...parseTimeReport(text), stdout };
}

/**
 * Best (least wall time) of `runs` runs, with that run's peak RSS; also the largest and the
 * median peak RSS of the runs (a peak depends on when the collector happens to run, so the
 * median is the figure to quote, not the fastest run's).
 */
export function bestOf(runs: number, command: string, args: readonly string[], env?: NodeJS.ProcessEnv): ProcessRun & { maxPeakRssMB: number; medianPeakRssMB: number; runs: number } {
  const all = Array.from({ length: runs }, () => timeProcess(command, args, env));
  const best = all.reduce((a, b) => (b.wallSeconds < a.wallSeconds ? b : a));
  return { ...best, maxPeakRssMB: Math.max(...all.map((r) => r.peakRssMB)), medianPeakRssMB: median(all.map((r) => r.peakRssMB)), runs };
}

/** A command and its arguments, one side of a comparison. */
export interface Side {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Two sides run in turn, `runs` pairs (a, b, a, b, ...): on a shared or virtual machine whose
 * speed drifts by tens of percent over minutes, each pair sees the same machine, so the
 * median of the pairs' ratios (b's wall time over a's) moves much less than a ratio of two
 * bests taken minutes apart. Returns each side's best run (as `bestOf`) and that median.
 */
export function pairedRuns(runs: number, a: Side, b: Side): { a: ReturnType<typeof bestOf>; b: ReturnType<typeof bestOf>; medianRatio: number; cpuMedianRatio: number } {
  const as: ProcessRun[] = [], bs: ProcessRun[] = [];
  for (let i = 0; i < runs; i++) {
    as.push(timeProcess(a.command, a.args, a.env));
    bs.push(timeProcess(b.command, b.args, b.env));
  }
  const best = (all: ProcessRun[]) => ({ ...all.reduce((x, y) => (y.wallSeconds < x.wallSeconds ? y : x)), maxPeakRssMB: Math.max(...all.map((r) => r.peakRssMB)), medianPeakRssMB: median(all.map((r) => r.peakRssMB)), runs });
  const cpu = (r: ProcessRun) => r.userSeconds + r.systemSeconds;
  return {
    a: best(as), b: best(bs),
    medianRatio: median(bs.map((r, i) => r.wallSeconds / as[i].wallSeconds)),
    cpuMedianRatio: median(bs.map((r, i) => cpu(r) / cpu(as[i]))),
  };
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Keep one core busy (a spinning Node process) until the returned function is called. */
export function busyCore(): () => void {
  const spinner: ChildProcess = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
  return () => { spinner.kill("SIGKILL"); };
}

/** The machine's load, to print beside the figures. */
export function machineState(): string {
  const loadavg = execFileSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).trim().split(" ").slice(0, 3).join(" ");
  const cpus = execFileSync("nproc", { encoding: "utf8" }).trim();
  return `${cpus} cores, load average ${loadavg}`;
}

export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** A Markdown table of rows (first row the header; numbers right-aligned). */
export function markdownTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row: string[]) => "| " + row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(" | ") + " |";
  return [line(rows[0]), "|" + widths.map((w, c) => (c === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|", ...rows.slice(1).map(line)].join("\n");
}
