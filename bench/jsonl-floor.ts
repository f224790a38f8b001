/**
 * The JSONL floor against the kit, as whole processes: run each mode under `/usr/bin/time -v`
 * on the same file and compare wall time and peak RSS.
 *
 *   npx tsx bench/jsonl-floor.ts FILE floor            # bare readline + JSON.parse loop
 *   npx tsx bench/jsonl-floor.ts FILE kit              # loadReceipts, one thread (the default)
 *   npx tsx bench/jsonl-floor.ts FILE kit --workers 2  # loadReceipts with two worker threads
 *   npx tsx bench/jsonl-floor.ts FILE kit --columns model,n_benign,n_harmful,judge_label,query_id
 *
 * Make FILE with bench/receipt-generator.ts (`writeBenchJSONL`). The floor builds one object
 * a line and keeps nothing (no validation, no columns): a load that keeps columns, checks
 * every value and hashes the file cannot do less than read and parse it.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { loadReceipts } from "../src/io/load";

async function floor(path: string): Promise<number> {
  let rows = 0;
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.length === 0) continue;
    const o = JSON.parse(line) as { n_benign?: number };
    if (o.n_benign !== undefined) rows++;
  }
  return rows;
}

async function main(): Promise<void> {
  const [path, mode, ...rest] = process.argv.slice(2);
  const flag = (name: string) => { const i = rest.indexOf(name); return i >= 0 ? rest[i + 1] : undefined; };
  const t0 = performance.now();
  let rows: number;
  if (mode === "floor") rows = await floor(path);
  else if (mode === "kit") {
    const columns = flag("--columns")?.split(",");
    const table = await loadReceipts(path, { workers: Number(flag("--workers") ?? 1), ...(columns ? { columns } : {}) } as Parameters<typeof loadReceipts>[1]);
    rows = table.numRows;
  } else throw new Error(`mode: expected floor or kit, found ${mode}`);
  console.log(`${mode} ${rest.join(" ")}: ${rows} rows in ${((performance.now() - t0) / 1000).toFixed(2)} s (in process)`);
}

void main();
