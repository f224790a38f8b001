/**
 * stepProgress: quiet for a step that ends within the delay and whenever it is disabled
 * (stderr not a terminal); past the delay, one status line and a closing "done in" line.
 * A fake clock, so nothing depends on how busy the machine is.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { finishAllProgress, stepProgress } from "../../src/display/progress";
import { progressWanted } from "../../src/collect/progress";

function fakeTerminal() {
  const out = { text: "", isTTY: true, write(s: string) { out.text += s; return true; } };
  return out;
}

test("a step that ends within the delay prints nothing", () => {
  let t = 0;
  const stream = fakeTerminal();
  const p = stepProgress("receipts analyze", "loading receipts", { stream, enabled: true, now: () => t, intervalMs: 1e6 });
  t = 1500;
  p.phase("analyzing 112 receipts");
  p.done();
  assert.equal(stream.text, "");
});

test("a long step shows its phase and ends with how long it took", () => {
  let t = 0;
  const stream = fakeTerminal();
  const p = stepProgress("receipts analyze", "loading receipts", { stream, enabled: true, now: () => t, intervalMs: 1e6 });
  t = 2500;
  p.phase("analyzing 603,720 receipts");
  t = 21_000;
  p.done();
  assert.equal(stream.text, "\r\x1b[2Kreceipts analyze: analyzing 603,720 receipts (21.0 s)\r\x1b[2Kreceipts analyze: done in 21.0 s\n");
});

test("disabled, it never writes; finishAllProgress ends open steps once", () => {
  let t = 0;
  const stream = fakeTerminal();
  stepProgress("receipts convert", "reading big.jsonl", { stream, enabled: false, now: () => t });
  const open = stepProgress("receipts fit", "loading receipts", { stream, enabled: true, now: () => t, intervalMs: 1e6 });
  t = 5000;
  finishAllProgress();
  open.done();
  assert.equal(stream.text, "\r\x1b[2Kreceipts fit: loading receipts (5.0 s)\r\x1b[2Kreceipts fit: done in 5.0 s\n");
});

test("shown only on a terminal, outside CI and notebooks", () => {
  assert.equal(progressWanted({}, { isTTY: false }), false);
  assert.equal(progressWanted({}, { isTTY: true }), true);
  assert.equal(progressWanted({ CI: "true" }, { isTTY: true }), false);
  assert.equal(progressWanted({ JPY_PARENT_PID: "1" }, { isTTY: true }), false);
});
