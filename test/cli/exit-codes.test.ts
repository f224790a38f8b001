/**
 * Exit codes: 0 ok, 1 data problems or failed targets, 2 usage errors, 3 environment.
 * In-process and fast: the reproduce status is checked on its exit-code function, not by a
 * full reproduce run.
 */
import assert from "node:assert/strict";

import { join } from "node:path";
import { test } from "node:test";
import { paperComparisonTally, paperVsKitMarkdown, type ComparePaperRow } from "../../src/analysis/compare-paper";
import { EXIT_DATA, EXIT_ENVIRONMENT, EXIT_OK, EXIT_USAGE, exitCodeOfError, UsageError } from "../../src/cli/exit-codes";
import { main } from "../../src/cli/main";
import { reproduceExitCode } from "../../src/cli/reproduce-command";
import { tempDir } from "../temp-dir";

const SAMPLE = join(__dirname, "..", "..", "data", "sample", "receipts.jsonl");

const row = (pass: boolean | null, model: string): ComparePaperRow => ({
  quantity: pass === null ? "appendix_level" : "baseline_rate", model, condition: "c", published: 0.5, kit: 0.5,
  kit_low: 0.4, kit_high: 0.6, inside: true, criterion: pass === null ? "shown, not a target" : "within 1 point", pass, assumed: false,
});

test("figures shown but not targeted do not count: every real target passing is exit 0", () => {
  const rows = [row(true, "A"), row(true, "B"), row(null, "Gemma"), row(null, "Gemma")];
  const tally = paperComparisonTally(rows);
  assert.deepEqual(tally, { targets: 2, passed: 2, failed: 0, shown: 2, failing: [] });
  assert.equal(reproduceExitCode(tally, 0), EXIT_OK);
  assert.match(paperVsKitMarkdown(rows), /^2 of 2 targets pass; 2 figures are shown but not targeted\.$/m);
});

test("one failing target is exit 1 and is named; a notebook failure is 1; missing Jupyter is 3", () => {
  const tally = paperComparisonTally([row(true, "A"), row(false, "B"), row(null, "Gemma")]);
  assert.deepEqual([tally.targets, tally.failed, tally.failing], [2, 1, ["baseline_rate B (c)"]]);
  assert.equal(reproduceExitCode(tally, 0), EXIT_DATA);
  const clean = paperComparisonTally([row(true, "A")]);
  assert.equal(reproduceExitCode(clean, 1), EXIT_DATA);
  assert.equal(reproduceExitCode(clean, null), EXIT_DATA, "a notebook run killed by a signal has status null");
  assert.equal(reproduceExitCode(clean, 3), EXIT_ENVIRONMENT);
});

test("usage errors exit 2: unknown command, unknown option, bad choice, unknown field", async () => {
  const quiet = silenceStderr();
  try {
    assert.equal(await main(["node", "receipts", "no-such-command"]), EXIT_USAGE);
    assert.equal(await main(["node", "receipts", "summarize", SAMPLE, "--no-such-option"]), EXIT_USAGE);
    assert.equal(await main(["node", "receipts", "fit", SAMPLE, "--hypothesis", "bogus"]), EXIT_USAGE);
    assert.equal(await main(["node", "receipts", "fit", SAMPLE]), EXIT_USAGE, "missing required option");
    assert.equal(await main(["node", "receipts", "summarize", SAMPLE, "--by", "modle", "--format", "json"]), EXIT_USAGE);
  } finally {
    quiet.restore();
  }
  assert.ok(quiet.text.includes("unknown field \"modle\""), quiet.text);
});

test("data problems exit 1; a missing Chromium exits 3", async () => {
  const quiet = silenceStderr();
  const saved = process.env.RECEIPTS_CHROMIUM;
  try {
    const dir = tempDir("exit-");
    assert.equal(await main(["node", "receipts", "summarize", join(dir, "missing.jsonl")]), EXIT_DATA);
    process.env.RECEIPTS_CHROMIUM = join(dir, "no-chromium");
    assert.equal(await main(["node", "receipts", "plot", SAMPLE, "--figure", "ordering", "--out", join(dir, "f.png")]), EXIT_ENVIRONMENT);
  } finally {
    if (saved === undefined) delete process.env.RECEIPTS_CHROMIUM;
    else process.env.RECEIPTS_CHROMIUM = saved;
    quiet.restore();
  }
  assert.match(quiet.text, /no-chromium not found: run npm run setup/);
  assert.equal(exitCodeOfError(new UsageError("x")), EXIT_USAGE);
  assert.equal(exitCodeOfError(new Error("x")), EXIT_DATA);
});

/** Collect what the commands write to stderr (commander's messages, the CLI's errors). */
function silenceStderr(): { text: string; restore(): void } {
  const original = process.stderr.write.bind(process.stderr);
  const sink = { text: "", restore: () => void (process.stderr.write = original) };
  process.stderr.write = ((chunk: string | Uint8Array) => {
    sink.text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stderr.write;
  return sink;
}
