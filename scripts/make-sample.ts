/**
 * Writes data/sample/receipts.jsonl: a small synthetic receipts file a person can read,
 * cut from the simulator's classroom preset (seed 7): a few queries of both models, at
 * the baseline and a handful of conditions. Deterministic; run with
 *   npx tsx scripts/make-sample.ts
 */
import { join } from "node:path";
import { saveReceipts, simulatePreset } from "../src";

const table = simulatePreset("classroom", 7);
const query = table.values("query_id"), b = table.numbers("n_benign"), h = table.numbers("n_harmful");
const cue = table.values("format_cue"), schedule = table.values("schedule");
const queries = new Set((table.distinct("query_id") as string[]).slice(0, 4));
const sample = table.filter((i) =>
  queries.has(query[i] as string) && cue[i] === "none" &&
  ((b[i] === 0 && h[i] === 0) || (b[i] + h[i] === 16) || (b[i] === 8 && h[i] === 8 && schedule[i] === "prefix")));
void saveReceipts(sample, join(__dirname, "..", "data", "sample", "receipts.jsonl")).then(() =>
  console.log(`wrote ${sample.numRows} receipts to data/sample/receipts.jsonl`));
