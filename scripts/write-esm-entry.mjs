#!/usr/bin/env node
// After tsc (npm run build): the ES module entry of the package. dist/index.mjs re-exports
// the CommonJS build by name, so `import { loadReceipts } from "safety-receipts"` works in
// .mjs files and there is one copy of the kit whichever way it is loaded (no dual-package
// state split). dist/index.d.mts gives those imports their types.
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const dist = new URL("../dist/", import.meta.url).pathname;
const kit = createRequire(import.meta.url)(join(dist, "index.js"));
const names = Object.keys(kit).filter((n) => n !== "__esModule" && n !== "default").sort();
const header = "// Written by scripts/write-esm-entry.mjs after tsc: the ES module face of the CommonJS build.\n";
writeFileSync(join(dist, "index.mjs"),
  header + 'import kit from "./index.js";\n\nexport const {\n' + names.map((n) => `  ${n},`).join("\n") + "\n} = kit;\n");
writeFileSync(join(dist, "index.d.mts"), header + 'export * from "./index.js";\n');
console.log(`dist/index.mjs: ${names.length} named exports`);
