import assert from "node:assert/strict";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { listFigures, plotCommand, readFigureInputs } from "../../src/plots";
import * as F from "./fixtures";
import { tempDir } from "../temp-dir";

describe("plotCommand", () => {
  const dir = tempDir("receipts-plot-cmd-");
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the figures whose tables are given, a report page, and says what it skipped", async () => {
    const lines: string[] = [];
    const result = await plotCommand({
      inputs: { schedules: F.smallSchedules(), benignCoefficients: F.smallBenignCoefficients() },
      outDir: join(dir, "out"),
      formats: ["html"],
      log: (l) => lines.push(l),
    });
    assert.deepEqual(result.written.map((w) => w.figure), ["benign-forest", "ordering", "report"]);
    assert.ok(existsSync(join(dir, "out", "ordering.html")) && existsSync(join(dir, "out", "figures.html")));
    assert.deepEqual(result.skipped.map((s) => s.figure), ["main-sweep", "benign-sweep", "training-stage", "format-adoption", "heatmap", "baseline-relative"]);
    assert.equal(lines.length, 3);
  });

  it("throws naming a figure asked for whose table is missing, or an unknown one", async () => {
    await assert.rejects(plotCommand({ figures: ["heatmap"], inputs: {}, outDir: dir, formats: ["html"] }), /figure "heatmap" needs the compliance table/);
    await assert.rejects(plotCommand({ figures: ["pie"], inputs: {}, outDir: dir }), /unknown figure "pie"/);
  });

  it("lists every figure with its table", () => {
    const text = listFigures();
    assert.match(text, /^1\. main-sweep {2}\[compliance\]\n {3}Compliance vs total demonstrations\n/);
    assert.equal(text.split("\n").filter((l) => /^\d+\. /.test(l)).length, 8);
  });

  it("reads tables from JSON, JSON lines and CSV", async () => {
    const rows = F.smallSchedules();
    writeFileSync(join(dir, "s.json"), JSON.stringify(rows));
    writeFileSync(join(dir, "s.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n"));
    const cols = Object.keys(rows[0]) as Array<keyof (typeof rows)[0]>;
    writeFileSync(join(dir, "s.csv"), [cols.join(","), ...rows.map((r) => cols.map((c) => String(r[c] ?? "")).join(","))].join("\n"));
    for (const ext of ["json", "jsonl", "csv"]) {
      const inputs = await readFigureInputs({ schedules: join(dir, `s.${ext}`) });
      assert.deepEqual(inputs.schedules, rows, ext);
    }
    writeFileSync(join(dir, "s.txt"), "");
    await assert.rejects(readFigureInputs({ schedules: join(dir, "s.txt") }), /cannot read the schedules table from .*s\.txt: the extension must be/);
  });
});
