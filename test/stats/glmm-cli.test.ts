/**
 * `receipts fit --random-intercept query_id [--agq K] [--random-slope benign]` run as a user
 * runs it (child process), on the bundled sample receipts: each fit carries random_effects
 * [{group, term, sd}] beside its terms, and the numbers are the library's.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { fitConditionalHypothesis } from "../../src/analysis/conditional-benign-effect";
import { fitCommand } from "../../src/cli/fit-command";
import { loadReceipts } from "../../src/io/load";

const SAMPLE = join(__dirname, "..", "..", "data", "sample", "receipts.jsonl");
const ENTRY = join(__dirname, "..", "..", "src", "cli", "main.ts");

function run(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", ENTRY, ...args], { encoding: "utf8" });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test("fit --random-intercept query_id --agq 5 --format json: random_effects beside terms, the library's numbers", async () => {
  const r = run(["fit", SAMPLE, "--hypothesis", "joint", "--random-intercept", "query_id", "--agq", "5", "--format", "json"]);
  assert.equal(r.code, 0, r.err);
  const [fit] = JSON.parse(r.out).fits;
  assert.deepEqual(fit.terms.map((t: { term: string }) => t.term), ["intercept", "harmful", "benign"]);
  assert.deepEqual(Object.keys(fit.terms[0]), ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]);
  assert.equal(fit.random_effects.length, 1);
  assert.deepEqual(Object.keys(fit.random_effects[0]), ["group", "term", "sd"]);
  assert.equal(fit.random_effects[0].group, "query_id");
  assert.equal(fit.random_effects[0].term, "intercept");
  assert.equal(fit.glance.agq, 5);
  const lib = fitConditionalHypothesis(await loadReceipts(SAMPLE), "joint", { group: "query_id", agq: 5 });
  assert.equal(fit.random_effects[0].sd, lib.randomEffects[0].sd);
  assert.deepEqual(fit.terms.map((t: { estimate: number }) => t.estimate), Array.from(lib.estimates));
});

test("fit --random-intercept --random-slope benign: the table names both random effects", () => {
  const t = run(["fit", SAMPLE, "--hypothesis", "joint", "--random-intercept", "query_id", "--random-slope", "benign"]);
  assert.equal(t.code, 0, t.err);
  assert.match(t.out, /random effects: query_id intercept SD [0-9.]+, query_id benign SD [0-9.]+ \(Laplace/);
});

test("fitCommand refuses --agq without --random-intercept, a random slope with quadrature, and --cluster beside it", async () => {
  await assert.rejects(fitCommand([SAMPLE], { hypothesis: "joint", agq: "5" }), /--agq and --random-slope need --random-intercept FIELD/);
  await assert.rejects(fitCommand([SAMPLE], { hypothesis: "joint", randomIntercept: "query_id", randomSlope: "benign", agq: "3" }), /Laplace approximation only/);
  await assert.rejects(fitCommand([SAMPLE], { hypothesis: "joint", randomIntercept: "query_id", cluster: "query_id" }), /cannot be combined/);
  await assert.rejects(fitCommand([SAMPLE], { hypothesis: "joint", randomIntercept: "query_id", agq: "0" }), /--agq must be an integer from 1 \(Laplace\) to 25, got "0"/);
});
