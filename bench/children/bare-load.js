// The bare-library floors, one process a load (plain Node, no kit code):
//   node bench/children/bare-load.js parquet FILE   parquet-wasm readParquet + apache-arrow tableFromIPC
//   node bench/children/bare-load.js arrow FILE     apache-arrow tableFromIPC of the file's bytes (read in 1 GiB calls over 2 GiB)
//   node bench/children/bare-load.js jsonl FILE     a readline + JSON.parse loop (one object a line, nothing kept)
// Prints the row count.
const { readFileSync, createReadStream } = require("node:fs");
const { createInterface } = require("node:readline");
const [format, path] = process.argv.slice(2);
/** readFileSync, or for a file over 2 GiB (which readFileSync refuses) the same bytes read in 1 GiB calls into one buffer. */
function readWhole(path) {
  const { openSync, fstatSync, readSync, closeSync } = require("node:fs");
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    if (size < 2 ** 31 - 1) return readFileSync(fd);
    const bytes = Buffer.allocUnsafe(size);
    for (let at = 0; at < size; ) {
      const n = readSync(fd, bytes, at, Math.min(2 ** 30, size - at), at);
      if (n === 0) throw new Error(`${path}: ended early`);
      at += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}
async function main() {
  if (format === "parquet") {
    const { readParquet } = require("parquet-wasm");
    const { tableFromIPC } = require("apache-arrow");
    return tableFromIPC(readParquet(readFileSync(path), { batchSize: 65536 }).intoIPCStream()).numRows;
  }
  if (format === "arrow") return require("apache-arrow").tableFromIPC(readWhole(path)).numRows;
  let rows = 0;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) if (line.length > 0 && JSON.parse(line) !== null) rows++;
  return rows;
}
main().then((n) => console.log(n));
