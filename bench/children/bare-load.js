// The bare-library floors, one process a load (plain Node, no kit code):
//   node bench/children/bare-load.js parquet FILE   parquet-wasm readParquet + apache-arrow tableFromIPC
//   node bench/children/bare-load.js arrow FILE     apache-arrow tableFromIPC of the file's bytes
//   node bench/children/bare-load.js jsonl FILE     a readline + JSON.parse loop (one object a line, nothing kept)
// Prints the row count.
const { readFileSync, createReadStream } = require("node:fs");
const { createInterface } = require("node:readline");
const [format, path] = process.argv.slice(2);
async function main() {
  if (format === "parquet") {
    const { readParquet } = require("parquet-wasm");
    const { tableFromIPC } = require("apache-arrow");
    return tableFromIPC(readParquet(readFileSync(path), { batchSize: 65536 }).intoIPCStream()).numRows;
  }
  if (format === "arrow") return require("apache-arrow").tableFromIPC(readFileSync(path)).numRows;
  let rows = 0;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) if (line.length > 0 && JSON.parse(line) !== null) rows++;
  return rows;
}
main().then((n) => console.log(n));
