#!/usr/bin/env node
// One stage of `npm test`: runs a command, streams its output, stops the whole stage at the
// first failure (so it is on screen at once, not after every other test), and prints one line
//   stage NAME: pass|FAIL (P passed, F failed) in S s
// Usage: node scripts/test-stage.mjs NAME -- COMMAND ARGS...
// Counts come from the command's last "<anything>: P passed, F failed" line (the test
// reporter and run-notebooks.mjs print one), else from "error TS" lines (tsc), else exit status.
import { spawn } from "node:child_process";

const dash = process.argv.indexOf("--");
const name = process.argv.slice(2, dash).join(" ");
const [cmd, ...args] = process.argv.slice(dash + 1);
const started = Date.now();
// detached: a process group of its own, so stopping early stops the test files it spawned too.
const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
let passed = null, failed = null, tsErrors = 0, failLines = 0, stopped = false, atLineStart = true;

const FAILURE = /^(FAIL |not ok |.*error TS\d+)/;
function watch(stream, out) {
  stream.on("data", (chunk) => {
    out.write(chunk);
    atLineStart = chunk.toString("utf8").endsWith("\n");
    for (const line of chunk.toString("utf8").split("\n")) {
      const m = /(\d+) passed, (\d+) failed/.exec(line);
      if (m) [passed, failed] = [Number(m[1]), Number(m[2])];
      if (/error TS\d+/.test(line)) tsErrors++;
      if (/^(FAIL |not ok )/.test(line)) failLines++;
      if (!stopped && FAILURE.test(line) && process.env.TEST_KEEP_GOING !== "1") {
        stopped = true;
        // Let the failure's own lines arrive, then stop the stage.
        setTimeout(() => { try { process.kill(-child.pid, "SIGTERM"); } catch { /* already gone */ } }, 1500);
      }
    }
  });
}
watch(child.stdout, process.stdout);
watch(child.stderr, process.stderr);
child.on("close", (code, signal) => {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = code === 0 && !stopped;
  const counts = passed !== null ? `${passed} passed, ${failed} failed` : tsErrors ? `${tsErrors} type errors`
    : failLines ? `${failLines} failed before stopping` : ok ? "ok" : `exit ${code ?? signal}`;
  const note = stopped ? "; stopped at the first failure (TEST_KEEP_GOING=1 runs everything)" : "";
  process.stdout.write(`${atLineStart ? "" : "\n"}stage ${name}: ${ok ? "pass" : "FAIL"} (${counts}) in ${seconds} s${note}\n`);
  process.exit(ok ? 0 : 1);
});
