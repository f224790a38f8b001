/**
 * `receipts analyze` in memory against `--engine duckdb` as the number of samples per
 * evaluation point grows: the bundled 603,720 receipts (2 samples) replicated to K x 2
 * samples by DuckDB, each new sample's label redrawn (a tenth of them flipped, by a hash of
 * the key), so the receipts grow with K while the cells (evaluation points x outcomes) stay
 * bounded. Both commands run as processes under /usr/bin/time -v, best of --runs.
 *
 *   npm run build && node --import tsx bench/analyze-engine-scale.ts [--k 1,5,10] [--runs 1] [--cli dist/cli/main.js]
 *
 * Files go to bench/.data/analyze-K.parquet (gitignored).
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { arg, bestOf, machineState, markdownTable } from "./process-timer";

const DATA = resolve(__dirname, ".data");
const ROOT = resolve(__dirname, "..");
const SOURCE = join(ROOT, "data", "paper-calibrated", "receipts.parquet");

/** DuckDB's SQL for K copies of the bundled receipts, sample_index shifted, labels partly redrawn. */
function generatorSQL(k: number, path: string): string {
  return `
COPY (
  SELECT * EXCLUDE (receipt_key) REPLACE (
    sample_index + 2 * copy AS sample_index,
    CASE WHEN copy > 0 AND hash(model, query_id, n_benign, n_harmful, schedule, format_cue, sample_index, copy) % 10 = 0 AND judge_label <> 'parse_error'
      THEN CASE WHEN judge_label = 'compliance' THEN 'refusal' ELSE 'compliance' END ELSE judge_label END AS judge_label
  )
  FROM read_parquet('${SOURCE}'), range(${k}) t(copy)
) TO '${path}' (FORMAT parquet, COMPRESSION zstd)`;
}

async function generate(k: number, path: string): Promise<void> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run(generatorSQL(k, path));
  connection.closeSync();
  instance.closeSync();
}

async function main(): Promise<void> {
  const cli = resolve(arg("--cli") ?? join(ROOT, "dist", "cli", "main.js"));
  if (!existsSync(cli)) throw new Error(`build the kit first (npm run build), or give --cli: ${cli} not found`);
  const ks = (arg("--k") ?? "1,5,10").split(",").map(Number);
  const runs = Number(arg("--runs") ?? 1);
  mkdirSync(DATA, { recursive: true });
  const rows: string[][] = [["receipts", "engine", "wall s", "user+sys s", "peak RSS MB"]];
  for (const k of ks) {
    const path = join(DATA, `analyze-${k}.parquet`);
    if (!existsSync(path)) await generate(k, path);
    const n = 603720 * k;
    for (const engine of ["memory", "duckdb"]) {
      const run = bestOf(runs, process.execPath, [cli, "analyze", path, "--out", join(DATA, `analyze-${k}-${engine}`), "--engine", engine]);
      rows.push([n.toLocaleString("en"), engine, run.wallSeconds.toFixed(2), (run.userSeconds + run.systemSeconds).toFixed(2), run.peakRssMB.toFixed(0)]);
      console.error(rows[rows.length - 1].join("  "), `(${(statSync(path).size / 2 ** 20).toFixed(0)} MB file)`);
    }
  }
  console.log(`${machineState()}; best of ${runs}\n`);
  console.log(markdownTable(rows));
}

main().catch((e) => { console.error(e); process.exit(1); });
