/**
 * A progress bar with rate and ETA on an interactive terminal; silent when stderr is not a
 * TTY, in CI (env CI set) and in notebooks (Jupyter kernels set JPY_PARENT_PID).
 */
import { MultiBar, Presets } from "cli-progress";

export interface Progress {
  tick(done: number, failed: number): void;
  /** Print a line without breaking the bar. */
  log(line: string): void;
  stop(): void;
}

export function progressWanted(env: NodeJS.ProcessEnv = process.env, stream: { isTTY?: boolean } = process.stderr): boolean {
  if (!stream.isTTY) return false;
  if (env.CI && env.CI !== "false" && env.CI !== "0") return false;
  if (env.JPY_PARENT_PID || env.TERM === "dumb") return false;
  return true;
}

export function createProgress(total: number, enabled: boolean, fallbackLog: (line: string) => void): Progress {
  if (!enabled) return { tick: () => undefined, log: fallbackLog, stop: () => undefined };
  const multi = new MultiBar({
    format: "{bar} {value}/{total} | {rate}/s | ETA {eta_formatted} | failed {failed}",
    hideCursor: true, clearOnComplete: false, etaBuffer: 50, stream: process.stderr,
  }, Presets.shades_classic);
  const bar = multi.create(total, 0, { rate: "0.0", failed: 0 });
  const started = Date.now();
  return {
    tick(done, failed) {
      const secs = (Date.now() - started) / 1000;
      bar.update(done, { rate: secs > 0 ? (done / secs).toFixed(1) : "0.0", failed });
    },
    log: (line) => multi.log(line + "\n"),
    stop: () => multi.stop(),
  };
}
