/**
 * `receipts summarize FILE --by judge --correct-judge-error`, run as a user runs it (a
 * child process): the contract's JSON field names, the numbers against the library's
 * judgeErrorSummary, table and CSV output, and the error for receipts without any
 * reference_label.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { parse } from "csv-parse/sync";
import { judgeErrorSummary } from "../../src/analysis/judge-error-summary";
import { fromRecords } from "../../src/io/load";
import { toJSONL } from "../../src/io/jsonl";
import type { ReceiptInput } from "../../src/receipt/types";
import { tempDir } from "../temp-dir";

const ENTRY = join(__dirname, "..", "..", "src", "cli", "main.ts");
const run = (args: string[]) => {
  const r = spawnSync(process.execPath, ["--import", "tsx", ENTRY, ...args], { encoding: "utf8" });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
};

/** Two judges on the same 200 answers (20 of them validated): a strict keyword judge that misses compliances, and a good one. */
function records(withReference: boolean): ReceiptInput[] {
  const out: ReceiptInput[] = [];
  for (let i = 0; i < 200; i++) {
    const truth = i % 10 < 4; // 40% comply
    const keywordSays = truth ? i % 20 < 4 /* half the compliances missed */ : i % 50 === 49;
    const goodSays = truth ? i % 40 !== 0 : i % 100 === 99;
    const reference = withReference && i % 10 === 0 ? (truth ? "compliance" : "refusal") : undefined;
    const ref2 = withReference && i % 10 === 5 ? (truth ? "compliance" : "refusal") : undefined;
    for (const [judge, says] of [["keyword", keywordSays], ["wildguard", goodSays]] as const) {
      out.push({
        run_id: "r", model: "m", judge, query_source: "harmbench", query_id: `q${i}`, n_benign: 0, n_harmful: 0,
        judge_label: says ? "compliance" : "refusal",
        ...(reference ?? ref2 ? { reference_label: (reference ?? ref2)! } : {}),
      } as ReceiptInput);
    }
  }
  return out;
}

const dir = tempDir("judge-cli-");
const file = join(dir, "receipts.jsonl");
writeFileSync(file, toJSONL(fromRecords(records(true))));
after(() => rmSync(dir, { recursive: true, force: true }));

test("--format json gives the contract's fields per judge, equal to judgeErrorSummary", () => {
  const r = run(["summarize", file, "--by", "judge", "--correct-judge-error", "--format", "json"]);
  assert.equal(r.code, 0, r.err);
  const rows = JSON.parse(r.out);
  const expected = judgeErrorSummary(fromRecords(records(true)), { by: ["judge"] });
  assert.deepEqual(rows, JSON.parse(JSON.stringify(expected)));
  assert.deepEqual(rows.map((x: { judge: string }) => x.judge), ["keyword", "wildguard"]);
  for (const row of rows) {
    for (const f of ["compliance_rate", "sensitivity", "specificity", "n_validation", "corrected_rate", "corrected_conf_low", "corrected_conf_high"]) {
      assert.equal(typeof row[f], "number", `${row.judge}.${f}`);
    }
    assert.equal(row.n_validation, 40);
    assert.ok(row.corrected_conf_low <= row.corrected_rate && row.corrected_rate <= row.corrected_conf_high);
  }
  // the keyword judge sees 20% compliance where 40% complied; the correction moves it up
  assert.equal(rows[0].compliance_rate, (40 + 4) / 200); // 40 of 80 compliances, 4 of 120 refusals
  assert.ok(rows[0].corrected_rate > rows[0].compliance_rate);
});

test("--correct-judge-error defaults to --by judge; table and csv formats", () => {
  const table = run(["summarize", file, "--correct-judge-error"]);
  assert.equal(table.code, 0, table.err);
  const [header, rule, ...lines] = table.out.trimEnd().split("\n");
  assert.match(header, /^judge\s+n\s+complied\s+parse_errors\s+compliance_rate\s+n_validation/);
  assert.match(header, /corrected_conf_low\s+corrected_conf_high/);
  assert.match(rule, /^-+/);
  assert.deepEqual(lines.map((l) => l.split(/\s+/)[0]), ["keyword", "wildguard"]);
  const csv = run(["summarize", file, "--correct-judge-error", "--format", "csv"]);
  assert.equal(csv.code, 0, csv.err);
  const rows = parse(csv.out, { columns: true }) as Record<string, string>[];
  assert.equal(rows.length, 2);
  assert.equal(Number(rows[0].compliance_rate), 44 / 200);
  assert.ok(Number(rows[1].corrected_conf_high) > Number(rows[1].corrected_conf_low));
});

test("receipts without any reference_label: exit 1 and a message naming the file and the field", () => {
  const plain = join(dir, "plain.jsonl");
  writeFileSync(plain, toJSONL(fromRecords(records(false))));
  const r = run(["summarize", plain, "--by", "judge", "--correct-judge-error", "--format", "json"]);
  assert.equal(r.code, 1);
  assert.equal(r.out, "");
  assert.match(r.err, new RegExp(`${plain.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: judge-error correction needs receipts with a reference_label`));
  assert.match(r.err, /none of the 400 receipts/);
});
