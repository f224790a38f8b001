/**
 * `receipts analyze` options of the honest reading: --equivalence-margin and --p-adjust are
 * checked before any file is read (a usage error), and reach the result receipt.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { InvalidArgumentError } from "commander";
import { analyzeCommand } from "../../src/cli/analyze-command";
import { tempDir } from "../temp-dir";

const SAMPLE = join(__dirname, "..", "..", "data", "sample", "receipts.jsonl");
const sink = () => {
  const chunks: string[] = [];
  return { stream: { write: (s: string) => chunks.push(s) }, text: () => chunks.join("") };
};

test("--equivalence-margin and --p-adjust reach the receipt; stderr gives each verdict with its adjusted p and MDE", async () => {
  const dir = tempDir("analyze-");
  const err = sink();
  assert.equal(await analyzeCommand([SAMPLE], { out: dir, equivalenceMargin: "0.5", pAdjust: "bonferroni" }, err.stream), 0);
  const receipt = JSON.parse(readFileSync(join(dir, "result-receipt.json"), "utf8"));
  assert.equal(receipt.options.equivalence_margin, 0.5);
  assert.equal(receipt.options.p_adjust, "bonferroni");
  for (const v of receipt.verdicts.benign_effect) {
    assert.equal(v.equivalence_margin, 0.5);
    assert.equal(v.p_adjusted, Math.min(1, 2 * v.p_value), "Bonferroni over the sample's two models");
  }
  assert.match(err.text(), /bonferroni-adjusted p = /);
  assert.match(readFileSync(join(dir, "result-receipt.md"), "utf8"), /Equivalence margin 0\.5/);
});

test("a bad --equivalence-margin or --p-adjust is a usage error naming the option and the value, before reading files", async () => {
  const out = join(tempDir("analyze-"), "never");
  for (const [options, pattern] of [
    [{ equivalenceMargin: "-1" }, /--equivalence-margin: expected a positive number .* found "-1"/],
    [{ equivalenceMargin: "wide" }, /--equivalence-margin: expected a positive number .* found "wide"/],
    [{ pAdjust: "sidak" }, /--p-adjust: expected one of holm, bonferroni, BH, none, found "sidak"/],
  ] as const) {
    await assert.rejects(analyzeCommand(["/nonexistent.jsonl"], { out, ...options }), (e: unknown) => e instanceof InvalidArgumentError && pattern.test((e as Error).message));
  }
});
