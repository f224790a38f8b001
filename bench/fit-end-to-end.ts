/**
 * End to end, as users run it: the clustered joint fit per model (CR1 by query_id) from a
 * file, as one process each, best of N, start-up included, peak RSS per process:
 *   kit, Parquet:         receipts fit FILE.parquet --hypothesis joint --by model --cluster query_id
 *   kit, DuckDB engine:   the same with --engine duckdb
 *   Python:               pandas read_csv(usecols) + statsmodels GLM cluster per model (bench/statsmodels_cluster_fit.py)
 * The estimates and standard errors of the kit and statsmodels are compared.
 *
 *   npm run build && node --import tsx bench/fit-end-to-end.ts [--n 1000000] [--runs 3] [--busy] [--cli dist/cli/main.js] [--paper]
 *
 * --paper: also time both engines on the bundled data/paper-calibrated.
 *
 * --cli: the kit's CLI to time (default the build in dist/; a private build elsewhere works
 * when its folder has the package's package.json and node_modules beside it).
 *
 * Target: the kit >= 5x faster than Python. Python is /usr/bin/python3 with the environment
 * it is given (nothing unset). Not a test: it prints a table.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { ensureFiles } from "./io-load";
import { arg, bestOf, busyCore, machineState, markdownTable } from "./process-timer";

const ROOT = resolve(__dirname, "..");

async function main(): Promise<void> {
  const cli = resolve(arg("--cli") ?? join(ROOT, "dist", "cli", "main.js"));
  if (!existsSync(cli)) throw new Error("build the kit first: npm run build");
  const n = Number(arg("--n") ?? 1_000_000);
  const runs = Number(arg("--runs") ?? 3);
  const dir = arg("--dir") ?? (await ensureFiles(n, false));
  const stop = process.argv.includes("--busy") ? busyCore() : null;
  try {
    const fitArgs = ["fit", join(dir, "receipts.parquet"), "--hypothesis", "joint", "--by", "model", "--cluster", "query_id", "--format", "json"];
    const kit = bestOf(runs, process.execPath, [cli, ...fitArgs]);
    const duck = bestOf(runs, process.execPath, [cli, ...fitArgs, "--engine", "duckdb"]);
    const py = bestOf(runs, "/usr/bin/python3", [join(__dirname, "statsmodels_cluster_fit.py"), join(dir, "receipts.csv")]);
    console.log(`${n.toLocaleString("en")} receipts; ${machineState()}${stop ? "; one core kept busy" : ""}; best of ${runs} processes each\n`);
    console.log(markdownTable([
      ["process", "wall s", "user+sys s", "peak RSS MB", "Python / this"],
      ["kit, Parquet (in memory)", kit.wallSeconds.toFixed(2), (kit.userSeconds + kit.systemSeconds).toFixed(2), kit.peakRssMB.toFixed(0), `${(py.wallSeconds / kit.wallSeconds).toFixed(1)}x`],
      ["kit, Parquet, --engine duckdb", duck.wallSeconds.toFixed(2), (duck.userSeconds + duck.systemSeconds).toFixed(2), duck.peakRssMB.toFixed(0), `${(py.wallSeconds / duck.wallSeconds).toFixed(1)}x`],
      ["pandas read_csv + statsmodels", py.wallSeconds.toFixed(2), (py.userSeconds + py.systemSeconds).toFixed(2), py.peakRssMB.toFixed(0), "1.0x"],
    ]));
    const kitFits = JSON.parse(kit.stdout).fits as { group: { model: string }; terms: { estimate: number; std_error: number }[] }[];
    const pyFits = JSON.parse(py.stdout.trim().split("\n").pop()!).fits as Record<string, { params: number[]; bse: number[] }>;
    let maxEstimate = 0, maxSE = 0;
    for (const f of kitFits) {
      const p = pyFits[f.group.model];
      f.terms.forEach((t, k) => {
        maxEstimate = Math.max(maxEstimate, Math.abs(t.estimate - p.params[k]) / Math.abs(p.params[k]));
        maxSE = Math.max(maxSE, Math.abs(t.std_error - p.bse[k]) / Math.abs(p.bse[k]));
      });
    }
    console.log(`\nkit vs statsmodels: max relative difference of estimates ${maxEstimate.toExponential(2)}, of CR1 standard errors ${maxSE.toExponential(2)}`);
    if (process.argv.includes("--paper")) {
      // The bundled data (604k receipts, 6 models: 257k (model, query, pattern) rows for DuckDB
      // to return, against 105k for the bench's 1M), both engines; no Python side (no CSV of it).
      const paperArgs = ["fit", join(ROOT, "data", "paper-calibrated"), "--hypothesis", "joint", "--by", "model", "--cluster", "query_id", "--format", "json"];
      const paperKit = bestOf(runs, process.execPath, [cli, ...paperArgs]);
      const paperDuck = bestOf(runs, process.execPath, [cli, ...paperArgs, "--engine", "duckdb"]);
      console.log(`\ndata/paper-calibrated; ${machineState()}; best of ${runs}\n`);
      console.log(markdownTable([
        ["process", "wall s", "user+sys s", "peak RSS MB"],
        ...([["kit (in memory)", paperKit], ["kit, --engine duckdb", paperDuck]] as const).map(([name, r]) => [name, r.wallSeconds.toFixed(2), (r.userSeconds + r.systemSeconds).toFixed(2), r.peakRssMB.toFixed(0)]),
      ]));
    }
  } finally {
    stop?.();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
