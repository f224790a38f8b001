/**
 * I/O benchmark: one million receipts in each format, loaded into a ReceiptTable in a
 * fresh process each, reporting load time, validation throughput and peak RSS.
 *
 *   npx tsx bench/io-load.ts [--n 1000000] [--regenerate] [--profile] [--only jsonl,csv]
 *
 * Targets (2-core machine): JSONL validated at >= 300,000 receipts/s; Arrow or Parquet
 * loaded in <= 1.5 s; peak RSS <= 600 MB. Files live in bench/.data/ (gitignored) and are
 * rebuilt when missing or when --n changes. `--profile` writes a V8 CPU profile per load to
 * bench/.data/prof/. Not a test: it prints a table and exits 0.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadReceipts, saveReceipts } from "../src/io/load";
import type { ReceiptFormat } from "../src/io/receipt-table";
import { ROW_GROUP_ROWS } from "../src/io/parquet";
import { writeBenchCSV, writeBenchJSONL } from "./receipt-generator";

const DATA = resolve(__dirname, ".data");
const FORMATS: readonly ReceiptFormat[] = ["jsonl", "csv", "arrow", "parquet"];
const TARGET_JSONL_RATE = 300_000, TARGET_COLUMNAR_SECONDS = 1.5, TARGET_RSS_MB = 600;

interface ChildResult { rows: number; seconds: number; maxRssMB: number }

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Child mode: load one file and print what it cost. */
async function child(path: string): Promise<void> {
  const t0 = performance.now();
  const table = await loadReceipts(path);
  const seconds = (performance.now() - t0) / 1000;
  const result: ChildResult = { rows: table.numRows, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(result) + "\n");
}

async function ensureFiles(n: number, regenerate: boolean): Promise<void> {
  mkdirSync(DATA, { recursive: true });
  const stamp = join(DATA, "stamp.json");
  // The stamp records the Parquet row-group size too: files from an older writer are rebuilt.
  const fresh = !regenerate && existsSync(stamp) && JSON.parse(readFileSync(stamp, "utf8")).n === n &&
    JSON.parse(readFileSync(stamp, "utf8")).rowGroupRows === ROW_GROUP_ROWS &&
    FORMATS.every((f) => existsSync(join(DATA, `receipts.${f}`)));
  if (fresh) return;
  console.error(`generating ${n.toLocaleString("en")} receipts in ${DATA} ...`);
  await writeBenchJSONL(join(DATA, "receipts.jsonl"), n);
  await writeBenchCSV(join(DATA, "receipts.csv"), n);
  const table = await loadReceipts(join(DATA, "receipts.jsonl"));
  await saveReceipts(table, join(DATA, "receipts.arrow"));
  await saveReceipts(table, join(DATA, "receipts.parquet"));
  writeFileSync(stamp, JSON.stringify({ n, rowGroupRows: ROW_GROUP_ROWS }));
}

function runChild(path: string, profile: boolean): ChildResult {
  const flags = ["--max-old-space-size=4096", "--import", "tsx"];
  if (profile) flags.push("--cpu-prof", "--cpu-prof-dir", join(DATA, "prof"));
  const out = execFileSync(process.execPath, [...flags, __filename, "--child", path], { encoding: "utf8", maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split("\n").pop()!) as ChildResult;
}

async function main(): Promise<void> {
  const childPath = arg("--child");
  if (childPath !== undefined) return child(childPath);
  const n = Number(arg("--n") ?? 1_000_000);
  const only = (arg("--only")?.split(",") ?? FORMATS) as ReceiptFormat[];
  await ensureFiles(n, process.argv.includes("--regenerate"));
  const rows: string[][] = [["format", "file MB", "receipts", "load s", "receipts/s", "peak RSS MB", "target"]];
  for (const format of only) {
    const path = join(DATA, `receipts.${format}`);
    const r = runChild(path, process.argv.includes("--profile"));
    const rate = r.rows / r.seconds;
    const target =
      format === "jsonl" ? `>= ${TARGET_JSONL_RATE.toLocaleString("en")}/s: ${rate >= TARGET_JSONL_RATE ? "met" : "MISSED"}`
      : format === "arrow" || format === "parquet" ? `<= ${TARGET_COLUMNAR_SECONDS} s: ${r.seconds <= TARGET_COLUMNAR_SECONDS ? "met" : "MISSED"}`
      : "";
    const rss = r.maxRssMB <= TARGET_RSS_MB ? "" : ` (RSS > ${TARGET_RSS_MB} MB)`;
    rows.push([format, (statSync(path).size / 2 ** 20).toFixed(1), r.rows.toLocaleString("en"), r.seconds.toFixed(2),
      Math.round(rate).toLocaleString("en"), r.maxRssMB.toFixed(0), target + rss]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row: string[]) => "| " + row.map((cell, c) => (c === 0 || c === row.length - 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(" | ") + " |";
  console.log(line(rows[0]));
  console.log("|" + widths.map((w, c) => (c === 0 || c === widths.length - 1 ? "-".repeat(w + 1) + "-" : "-".repeat(w + 1) + ":")).join("|") + "|");
  for (const row of rows.slice(1)) console.log(line(row));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
