/**
 * I/O benchmark: the kit's full load of each format against the bare-library floor, and the
 * projected load a fit does, as whole processes (start-up included), peak RSS per process from
 * `/usr/bin/time -v`; on a quiet machine, then with one core busy. The floor and the kit run
 * in turn, N pairs: each side's best is printed, and the ratio is the median of the pairs'
 * wall-time ratios (CPU-time ratio beside it), which a drifting machine moves least.
 *
 *   npm run build && node --import tsx bench/io-load.ts [--n 1000000] [--runs 3] [--only parquet,arrow] [--busy] [--regenerate]
 *
 * Floors (bench/children/bare-load.js): Parquet = parquet-wasm `readParquet` + apache-arrow
 * `tableFromIPC`; Arrow = `tableFromIPC`; JSONL = a `readline` + `JSON.parse` loop. Targets:
 * Parquet <= 1.1x, Arrow <= 1.5x, JSONL <= 1.0x its floor; <= 300 B a receipt resident. The
 * kit runs from dist/ (plain Node, as the `receipts` command does), the floors from plain
 * Node too. Files live in bench/.data/ (gitignored). Not a test: it prints a table.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadReceipts, saveReceipts } from "../src/io/load";
import { ROW_GROUP_ROWS } from "../src/io/parquet";
import { fitColumns } from "../src/analysis/needed-columns";
import { arg, bestOf, busyCore, machineState, markdownTable, pairedRuns } from "./process-timer";
import { writeBenchCSV, writeBenchJSONL } from "./receipt-generator";

const DATA = resolve(__dirname, ".data");
const ROOT = resolve(__dirname, "..");
const FORMATS = ["parquet", "arrow", "jsonl", "csv"] as const;
const TARGET: Record<string, number | null> = { parquet: 1.1, arrow: 1.5, jsonl: 1.0, csv: null };
const FIT = fitColumns(["model"], "query_id").join(",");

/**
 * The version of the kit's writers the files must come from: bump it when what the Arrow or
 * Parquet writer writes changes (2: dictionary codes in the narrowest type), so that a
 * benchmark never compares the kit with its floor on a file the kit no longer writes (an
 * older, wider file is slower for the floor and not for the kit).
 */
const WRITER_VERSION = 2;

function isFreshStamp(s: { rowGroupRows?: number; writerVersion?: number }): boolean {
  return s.rowGroupRows === ROW_GROUP_ROWS && s.writerVersion === WRITER_VERSION;
}

/** Benchmark files of n receipts (the generator's receipt i is a pure function of i). */
export async function ensureFiles(n: number, regenerate: boolean, dir = join(DATA, String(n))): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const stamp = join(dir, "stamp.json");
  const fresh = !regenerate && existsSync(stamp) && isFreshStamp(JSON.parse(readFileSync(stamp, "utf8"))) &&
    FORMATS.every((f) => existsSync(join(dir, `receipts.${f}`)));
  if (fresh) return dir;
  console.error(`generating ${n.toLocaleString("en")} receipts in ${dir} ...`);
  await writeBenchJSONL(join(dir, "receipts.jsonl"), n);
  await writeBenchCSV(join(dir, "receipts.csv"), n);
  const table = await loadReceipts(join(dir, "receipts.jsonl"));
  await saveReceipts(table, join(dir, "receipts.arrow"));
  await saveReceipts(table, join(dir, "receipts.parquet"));
  writeFileSync(stamp, JSON.stringify({ n, rowGroupRows: ROW_GROUP_ROWS, writerVersion: WRITER_VERSION }));
  return dir;
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, "dist", "io", "load.js"))) throw new Error("build the kit first: npm run build");
  const n = Number(arg("--n") ?? 1_000_000);
  const runs = Number(arg("--runs") ?? 3);
  const only = arg("--only")?.split(",") ?? [...FORMATS];
  const dir = await ensureFiles(n, process.argv.includes("--regenerate"));
  const stop = process.argv.includes("--busy") ? busyCore() : null;
  try {
    console.log(`${n.toLocaleString("en")} receipts; ${machineState()}${stop ? "; one core kept busy" : ""}; ${runs} pairs of processes (floor, kit) run in turn: best of each side, median of the pairs' ratios\n`);
    // Wall time is what the targets are about; CPU time (user + system) is printed beside it
    // because on a shared machine it moves much less with the other processes' load.
    const cpu = (r: { userSeconds: number; systemSeconds: number }) => (r.userSeconds + r.systemSeconds).toFixed(2);
    // Memory, three ways (each the median of the runs' peaks): the peak RSS of the whole process a receipt (the target's figure:
    // "kit B/receipt"), the loaded table's own buffers a receipt (what stays resident for the
    // data), and the peak above what the process holds before it reads a byte (Node and the
    // kit's modules, paid once whatever the file size).
    const startup = bestOf(runs, process.execPath, [join(__dirname, "children", "kit-load.js"), "--startup"]);
    console.log(`start-up (Node + the kit's loader, no file read): ${startup.medianPeakRssMB.toFixed(0)} MB peak RSS\n`);
    const rows: string[][] = [["format", "file MB", "floor s", "floor cpu s", "floor MB", "kit s", "kit cpu s", "kit MB", "kit B/receipt", "table B/receipt", "above start-up B/receipt", "ratio", "cpu ratio", "target", "fit columns s", "fit columns cpu s", "fit columns MB"]];
    for (const format of only) {
      const path = join(dir, `receipts.${format}`);
      // A floor can fail where the kit does not: parquet-wasm's `readParquet` of a whole
      // 10-million-receipt file runs out of WebAssembly memory (4 GiB). Then it is "-".
      // The floor and the kit run in turn (floor, kit, floor, kit, ...), so that each pair
      // meets the same machine; the ratio is the median of the pairs' ratios.
      const kitSide = { command: process.execPath, args: [join(__dirname, "children", "kit-load.js"), path] };
      let floor: ReturnType<typeof bestOf> | null = null;
      let kit: ReturnType<typeof bestOf>;
      let ratio: number | null = null, cpuRatio: number | null = null;
      try {
        if (format === "csv") throw new Error("no floor for CSV");
        const paired = pairedRuns(runs, { command: process.execPath, args: [join(__dirname, "children", "bare-load.js"), format, path] }, kitSide);
        ({ a: floor, b: kit, medianRatio: ratio, cpuMedianRatio: cpuRatio } = paired);
      } catch (e) {
        if (format !== "csv") console.error(`${format} floor failed: ${(e as Error).message.split("\n")[0]}`);
        kit = bestOf(runs, kitSide.command, kitSide.args);
      }
      const projected = bestOf(runs, process.execPath, [join(__dirname, "children", "kit-load.js"), path, FIT]);
      const target = TARGET[format];
      rows.push([
        format, (statSync(path).size / 2 ** 20).toFixed(1),
        floor?.wallSeconds.toFixed(2) ?? "-", floor === null ? "-" : cpu(floor), floor?.medianPeakRssMB.toFixed(0) ?? "-",
        kit.wallSeconds.toFixed(2), cpu(kit), kit.medianPeakRssMB.toFixed(0), ((kit.medianPeakRssMB * 2 ** 20) / n).toFixed(0),
        (JSON.parse(kit.stdout).tableBytes / n).toFixed(0), (((kit.medianPeakRssMB - startup.medianPeakRssMB) * 2 ** 20) / n).toFixed(0),
        ratio === null ? "-" : `${ratio.toFixed(2)}x`, cpuRatio === null ? "-" : `${cpuRatio.toFixed(2)}x`,
        target === null ? "-" : `<= ${target}x: ${ratio !== null && ratio <= target ? "met" : "MISSED"}`,
        projected.wallSeconds.toFixed(2), cpu(projected), projected.peakRssMB.toFixed(0),
      ]);
      console.error(rows[rows.length - 1].join("  "));
    }
    console.log(markdownTable(rows));
    console.log(`\nfit columns: ${FIT} (plus the key fields every load checks)`);
  } finally {
    stop?.();
  }
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
