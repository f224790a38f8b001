/** The `receipts` command end to end: the CLI run as a child process, as a user runs it. */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { spawnSync } from "node:child_process";
import { tempDir } from "../temp-dir";

const SAMPLE = join(__dirname, "..", "..", "data", "sample", "receipts.jsonl");

const ENTRY = join(__dirname, "..", "..", "src", "cli", "main.ts");

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = spawnSync(process.execPath, ["--import", "tsx", ENTRY, ...args], { encoding: "utf8" });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test("--version prints the package version; --help lists every command", async () => {
  const v = await run(["--version"]);
  assert.equal(v.out.trim(), JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")).version);
  const h = await run(["--help"]);
  for (const c of ["validate", "convert", "summarize", "fit", "analyze", "plot", "simulate", "compose", "plan", "collect", "reproduce"]) assert.match(h.out, new RegExp(`\\b${c}\\b`));
  const fh = await run(["fit", "--help"]);
  assert.match(fh.out, /--hypothesis/);
});

test("validate: FILE:LINE: field: message per problem, exit 1; --json; exit 0 on a clean file", async () => {
  const dir = tempDir("cli-");
  const lines = readFileSync(SAMPLE, "utf8").split("\n");
  const bad = join(dir, "bad.jsonl");
  writeFileSync(bad, [lines[0], lines[1].replace('"n_harmful":0', '"n_harmful":-2')].join("\n") + "\n");
  const r = await run(["validate", bad]);
  assert.equal(r.code, 1);
  assert.match(r.out, new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2: n_harmful: expected an integer >= 0, found -2`));
  const j = await run(["validate", "--json", bad]);
  const parsed = JSON.parse(j.out);
  assert.equal(parsed.valid, false);
  assert.deepEqual(parsed.issues.map((i: { line: number; field: string }) => [i.line, i.field]), [[2, "n_harmful"]]);
  assert.equal((await run(["validate", SAMPLE])).code, 0);
});

test("convert keeps every receipt; summarize --format json gives Wilson intervals per group", async () => {
  const dir = tempDir("cli-");
  const pq = join(dir, "s.parquet");
  assert.equal((await run(["convert", SAMPLE, pq])).code, 0);
  const s = await run(["summarize", pq, "--by", "model", "--format", "json"]);
  const rows = JSON.parse(s.out) as { model: string; n: number; complied: number; conf_low: number; conf_high: number; rate: number }[];
  assert.equal(rows.reduce((a, r) => a + r.n, 0), 112);
  for (const r of rows) assert.ok(r.conf_low <= r.rate && r.rate <= r.conf_high);
  const bad = await run(["summarize", pq, "--by", "modle"]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown field "modle"/);
});

test("fit --format json has the documented shape", async () => {
  // Default: cluster-robust by query_id (the sample has 4 queries a model, so CR2 with
  // Satterthwaite degrees of freedom, each term carrying its df).
  const r = await run(["fit", SAMPLE, "--hypothesis", "all", "--by", "model", "--format", "json"]);
  assert.equal(r.code, 0);
  const { fits } = JSON.parse(r.out);
  assert.equal(fits.length, 2 * 3);
  const joint = fits.find((f: { hypothesis: string }) => f.hypothesis === "joint");
  assert.deepEqual(joint.terms.map((t: { term: string }) => t.term), ["intercept", "harmful", "benign"]);
  assert.deepEqual(Object.keys(joint.terms[0]), ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high", "df"]);
  assert.deepEqual(Object.keys(joint.glance), ["log_lik", "deviance", "null_deviance", "aic", "bic", "n_obs", "df_residual", "converged", "iterations"]);
  assert.equal(joint.counts, "log1p");
  assert.equal(joint.cluster, "query_id");
  assert.match(joint.std_error_type, /^CR2 \+ Satterthwaite by query_id \(\d+ clusters\)$/);
  assert.ok(joint.warnings.some((w: string) => /only \d+ clusters/.test(w)), "few clusters are warned about");
  // --cluster none: model-based errors, no df column.
  const m = JSON.parse((await run(["fit", SAMPLE, "--hypothesis", "joint", "--cluster", "none", "--format", "json"])).out);
  assert.equal(m.fits[0].cluster, null);
  assert.equal(m.fits[0].std_error_type, "model-based");
  assert.deepEqual(Object.keys(m.fits[0].terms[0]), ["term", "estimate", "std_error", "statistic", "p_value", "conf_low", "conf_high"]);
});

test("analyze writes result-receipt.json and result-receipt.md", async () => {
  const dir = tempDir("cli-");
  const r = await run(["analyze", SAMPLE, "--out", dir]);
  assert.equal(r.code, 0);
  assert.ok(existsSync(join(dir, "result-receipt.md")));
  const receipt = JSON.parse(readFileSync(join(dir, "result-receipt.json"), "utf8"));
  assert.equal(receipt.kind, "safety-receipts/result-receipt");
  assert.equal(receipt.provenance.receipts, 112);
  assert.match(receipt.provenance.files[0].sha256, /^[0-9a-f]{64}$/);
});
