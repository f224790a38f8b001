/**
 * The key index keeps where rows were read as segments of consecutive lines of one file (not
 * a file and line a row): a duplicate must still name its first copy's exact file and line
 * when lines are skipped (blank lines, bad records, duplicates), files alternate, rows have
 * no line, and distinct receipts share a hash (`keyHashBits`).
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ReceiptAssembler } from "../../src/io/assemble";
import { fromJSONL } from "../../src/io/jsonl";
import { loadReceipts } from "../../src/io/load";
import { benchReceipt } from "../../bench/receipt-generator";
import { tempDir } from "../temp-dir";

/** "file:line <- first file:first line" of each duplicate issue. */
function named(issues: readonly { file: string | null; line: number | null; message: string; field: string | null }[]): string[] {
  return issues.filter((i) => i.field === "receipt_key").map((i) => `${i.file}:${i.line} <- ${/as (\S+);/.exec(i.message)?.[1]}`);
}

test("JSONL with blank lines, bad records and duplicates between the rows: each duplicate names its first copy's line", () => {
  for (const bits of [64, 3]) {
    // line L holds receipt L (1-based), except: every 7th line blank, every 11th a bad record,
    // and lines from 200 on repeat the receipts of lines 1..199 every 5th line
    const lines: string[] = [];
    const firstLineOf = new Map<number, number>();
    const want: string[] = [];
    for (let line = 1; line <= 400; line++) {
      if (line % 7 === 0) { lines.push(""); continue; }
      if (line % 11 === 0) { lines.push(JSON.stringify({ ...benchReceipt(line), n_benign: -1 })); continue; }
      let receipt = line;
      if (line >= 200 && line % 5 === 0) {
        // the receipt of an earlier kept line
        const earlier = [...firstLineOf.keys()][(line * 13) % firstLineOf.size];
        receipt = earlier;
        want.push(`null:${line} <- <input>:${firstLineOf.get(earlier)}`);
      } else firstLineOf.set(receipt, line);
      lines.push(JSON.stringify(benchReceipt(receipt)));
    }
    const t = fromJSONL(lines.join("\n") + "\n", { strict: false, keyHashBits: bits });
    assert.deepEqual(named(t.issues), want, `keyHashBits ${bits}`);
    assert.equal(t.numRows, firstLineOf.size, `keyHashBits ${bits}: rows kept`);
  }
});

test("duplicates across JSONL files loaded in turn name the first file and line; rows without a line name the file only", async () => {
  const dir = tempDir("dup-lines-");
  const a = join(dir, "a.jsonl"), b = join(dir, "b.jsonl");
  // a: receipts 0..99 with a blank line after every 10th; b: 150 down to 50 (51 new, then 50 repeating a's 99..50)
  const aLines: string[] = [], lineInA = new Map<number, number>();
  for (let i = 0; i < 100; i++) {
    aLines.push(JSON.stringify(benchReceipt(i)));
    lineInA.set(i, aLines.length);
    if (i % 10 === 9) aLines.push("");
  }
  writeFileSync(a, aLines.join("\n") + "\n");
  const bReceipts = Array.from({ length: 101 }, (_, k) => 150 - k);
  writeFileSync(b, bReceipts.map((i) => JSON.stringify(benchReceipt(i))).join("\n") + "\n");
  const t = await loadReceipts([a, b], { strict: false });
  const want = bReceipts.flatMap((i, k) => (lineInA.has(i) ? [`${b}:${k + 1} <- ${a}:${lineInA.get(i)}`] : []));
  assert.equal(want.length, 50);
  assert.deepEqual(named(t.issues), want);
  assert.equal(t.numRows, 100 + 51);

  // rows registered without a line, after rows with lines, and a duplicate of each kind
  const asm = new ReceiptAssembler({ strict: false });
  const add = (i: number, file: string | null, line: number | null) => asm.add(benchReceipt(i), { file, line });
  for (let i = 0; i < 20; i++) assert.ok(add(i, "x.jsonl", i + 1));
  for (let i = 20; i < 40; i++) assert.ok(add(i, null, null));
  for (let i = 40; i < 60; i++) assert.ok(add(i, "x.jsonl", i + 100));
  assert.equal(add(5, "y.jsonl", 1), false);
  assert.equal(add(25, "y.jsonl", 2), false);
  assert.equal(add(45, "y.jsonl", 3), false);
  assert.equal(asm.finish().numRows, 60);
  assert.deepEqual(named(asm.issues), ["y.jsonl:1 <- x.jsonl:6", "y.jsonl:2 <- <input>", "y.jsonl:3 <- x.jsonl:145"]);
});
