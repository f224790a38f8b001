/**
 * The result receipt at its output boundary: hostile names (HTML, table pipes, backticks,
 * newlines, link syntax) render as text in the Markdown, p-values never print as "0", input
 * paths are relative to the working directory, and the kit version is recorded.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { fromRecords, loadReceipts } from "../../src";
import { analyze } from "../../src/analysis/analyze";
import { escapeMarkdown, markdownTable, resultReceiptToMarkdown } from "../../src/analysis/render-result-receipt";
import { formatPValue, formatValue, isPValueColumn } from "../../src/display/format-value";
import { renderRows } from "../../src/cli/render-table";
import { rowsToHtml } from "../../src/display/show-table";
import { tempDir } from "../temp-dir";

const HOSTILE = {
  model: "<script>alert(1)</script>|x",
  judge: "judge`rm -rf`\nsecond line",
  query_source: "[click](javascript:alert(1)) **bold** _x_ ~~y~~ & <b>",
};

function records() {
  const out: Record<string, unknown>[] = [];
  for (const [b, h] of [[0, 0], [0, 2], [2, 2], [2, 0], [4, 4]]) {
    for (let q = 0; q < 12; q++) {
      out.push({
        run_id: "run|1", model: HOSTILE.model, judge: HOSTILE.judge, query_source: HOSTILE.query_source, query_id: `q${q}`,
        n_benign: b, n_harmful: h, schedule: b > 0 && h > 0 ? "suffix" : "none", judge_label: (q + b + h) % 3 === 0 ? "compliance" : "refusal",
        benign_demo_source: "ultra<chat>",
      });
    }
  }
  return out;
}

test("escapeMarkdown: no raw HTML, no table break, no code span, no link, no line break", () => {
  assert.equal(escapeMarkdown("<script>x</script>"), "&lt;script\\>x&lt;/script\\>");
  assert.equal(escapeMarkdown("# heading"), "\\# heading");
  assert.equal(escapeMarkdown("> quote"), "\\> quote");
  assert.equal(escapeMarkdown("- item"), "\\- item");
  assert.equal(escapeMarkdown("12. item"), "12\\. item");
  assert.equal(escapeMarkdown("GPT-OSS-20B v1.5"), "GPT-OSS-20B v1.5", "ordinary names stay readable");
  assert.equal(escapeMarkdown("a|b"), "a\\|b");
  assert.equal(escapeMarkdown("`x`"), "\\`x\\`");
  assert.equal(escapeMarkdown("[a](b)"), "\\[a\\](b)");
  assert.equal(escapeMarkdown("one\ntwo\r\nthree\tfour"), "one two three four");
  assert.equal(escapeMarkdown("a\\|b"), "a\\\\\\|b", "a backslash cannot un-escape the pipe after it");
  assert.equal(escapeMarkdown("AT&T"), "AT&amp;T");
  assert.equal(escapeMarkdown("esc\u001b[31mred"), "esc\\[31mred", "control characters are dropped");
});

test("the Markdown result receipt carries hostile model, judge and source names as text", () => {
  const md = resultReceiptToMarkdown(analyze(fromRecords(records())));
  assert.doesNotMatch(md, /<script|<b>|<chat>/);
  assert.doesNotMatch(md, /(^|[^\\])\]\(javascript/, "the link's brackets are escaped");
  assert.ok(md.includes("\\[click\\](javascript:alert(1))"));
  assert.ok(md.includes("&lt;script\\>alert(1)&lt;/script\\>\\|x"));
  assert.ok(md.includes("judge\\`rm -rf\\` second line"));
  const tables = md.split("\n\n").filter((b) => b.trimStart().startsWith("| "));
  for (const t of tables) {
    const lines = t.trim().split("\n");
    const width = lines[0].replace(/\\\|/g, "").split("|").length;
    for (const l of lines) assert.equal(l.replace(/\\\|/g, "").split("|").length, width, `row with a broken cell: ${l}`);
  }
});

test("p-values below 1e-300 print as '< 1e-300' in text, HTML and Markdown tables; other numbers as before", () => {
  assert.equal(formatPValue(0), "< 1e-300");
  assert.equal(formatPValue(5e-324), "< 1e-300");
  assert.equal(formatPValue(2.5e-300), "2.50e-300");
  assert.equal(formatPValue(0.0421), "0.0421");
  assert.equal(formatPValue(1), "1");
  assert.equal(formatPValue(NaN), "NaN");
  for (const c of ["p", "p_value", "p_adjusted", "lrt_p_value", "cluster_p_value", "cluster_p_adjusted"]) assert.ok(isPValueColumn(c), c);
  for (const c of ["top_p", "estimate", "n_p", "pvalue_note"]) assert.ok(!isPValueColumn(c), c);
  assert.equal(formatValue(0, 4, "estimate"), "0");
  assert.equal(formatValue(0, 4, "p_value"), "< 1e-300");
  const rows = [{ term: "benign", estimate: -57.8, p_value: 0 }];
  assert.match(renderRows(rows, "table"), /< 1e-300/);
  assert.match(rowsToHtml(rows), /&lt; 1e-300/);
  assert.match(markdownTable(rows, ["term", "estimate", "p_value"]), /\| benign \| -57\.8000 \| < 1e-300 \|/);
  assert.equal(JSON.parse(renderRows(rows, "json"))[0].p_value, 0, "JSON keeps the number");
});

test("input paths are recorded relative to the working directory, with the file name, hash and kit version", async () => {
  const dir = tempDir("receipt-paths-");
  const file = join(dir, "my receipts.jsonl");
  writeFileSync(file, records().map((r) => JSON.stringify(r)).join("\n") + "\n");
  const receipt = analyze(await loadReceipts(file));
  const [f] = receipt.provenance.files;
  assert.equal(f.path, relative(process.cwd(), file).split("\\").join("/"));
  assert.ok(!f.path!.startsWith("/"), `not absolute: ${f.path}`);
  assert.equal(f.name, "my receipts.jsonl");
  assert.match(f.sha256!, /^[0-9a-f]{64}$/);
  const { version } = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string };
  assert.equal(receipt.provenance.kit_version, version);
});
