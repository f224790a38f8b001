#!/usr/bin/env node
// The `receipts` command: runs the built CLI (npm run build makes dist/).
const path = require("node:path");
const fs = require("node:fs");
const entry = path.join(__dirname, "..", "dist", "cli", "main.js");
if (!fs.existsSync(entry)) {
  console.error("receipts: the kit is not built yet; run `npm run build` first");
  process.exit(2);
}
require(entry).main(process.argv).then((code) => { process.exitCode = code; });
