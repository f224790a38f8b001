#!/usr/bin/env bash
# The package as a user gets it: `npm pack`, then a plain `npm install <tarball>` in a fresh
# project with no overrides (so danfojs-node, an optional peer, must not be needed), then
# CommonJS require, ES module import, the `receipts` command, the missing-danfo message, and
# `tsc --noEmit` with moduleResolution node16 and bundler and skipLibCheck false.
# Packages come from the npm cache when they are there (--prefer-offline), else the registry.
# Run by scripts/test.sh as a stage; alone: bash scripts/check-package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d "${TMPDIR:-/tmp}/receipts-package-XXXXXX")
trap 'rm -rf "$work"' EXIT
started=$SECONDS
say() { printf 'check-package: %s (%d s)\n' "$*" $((SECONDS - started)); }
fail() { printf 'FAIL check-package: %s\n' "$*" >&2; exit 1; }

# prepack rebuilds dist/ for a real publish; here build only when dist/ is older than src/.
if [ ! -f dist/index.mjs ] || [ -n "$(find src -newer dist/index.mjs -name '*.ts' -print -quit)" ]; then
  say "building dist/ (npm run build)"
  npm run --silent build >/dev/null
fi
say "npm pack"
tarball=$(npm pack --silent --ignore-scripts --pack-destination "$work" | tail -1)
tarball="$work/$tarball"
listing=$(tar tzf "$tarball")
for must in package/dist/index.js package/dist/index.mjs package/dist/index.d.ts package/dist/index.d.mts \
  package/bin/receipts.js package/data/sample/receipts.jsonl package/notebooks/01-load-receipts.ipynb \
  package/docs/the-study.md package/README.md package/LICENSE; do
  grep -qx "$must" <<<"$listing" || fail "the tarball lacks ${must#package/}"
done
if grep -E '^package/(src|test|bench|scripts)/|\.map$' <<<"$listing" | head -3 | grep -q .; then
  fail "the tarball ships files it should not: $(grep -E '^package/(src|test|bench|scripts)/|\.map$' <<<"$listing" | head -3 | tr '\n' ' ')"
fi
say "$(basename "$tarball"): $(du -k "$tarball" | cut -f1) KiB, $(wc -l <<<"$listing") files"

app="$work/app"
mkdir -p "$app"
cd "$app"
printf '{ "name": "fresh-project", "version": "1.0.0", "private": true }\n' > package.json
say "npm install of the tarball in a fresh project (no overrides)"
npm install --prefer-offline --no-audit --no-fund --loglevel=error "$tarball" typescript@5 @types/node@20 >/dev/null
[ ! -e node_modules/danfojs-node ] || fail "danfojs-node was installed although it is an optional peer"
# A node_modules in a folder above the fresh project (e.g. a symlink /tmp/node_modules) would
# let it resolve packages it did not install and void the checks below: say so plainly.
above=$(node -e 'try { console.log(require.resolve("danfojs-node")) } catch { }')
[ -z "$above" ] || fail "danfojs-node resolves from $above, outside the fresh project: remove that node_modules"

sample="node_modules/safety-receipts/data/sample/receipts.jsonl"
cat > cjs.cjs <<JS
const kit = require("safety-receipts");
kit.loadReceipts("$sample").then((t) => {
  if (!(t.numRows > 0)) throw new Error("no receipts loaded");
  try { t.toDataFrame(); throw new Error("toDataFrame worked without danfojs-node"); }
  catch (e) { if (!/npm install danfojs-node/.test(e.message) || !/overrides/.test(e.message)) throw e; }
  console.log("require: " + t.numRows + " receipts; toDataFrame without danfo says how to install it");
});
JS
node cjs.cjs
cat > esm.mjs <<JS
import { loadReceipts, analyze } from "safety-receipts";
const t = await loadReceipts("$sample");
const kit = await import("safety-receipts");
if (typeof analyze !== "function" || kit.loadReceipts !== loadReceipts) throw new Error("ESM entry incomplete");
console.log("import: " + t.numRows + " receipts");
JS
node esm.mjs
npx --no-install receipts --version >/dev/null || fail "the receipts command does not run"

cat > use.mts <<'TS'
import { loadReceipts, type ReceiptTable } from "safety-receipts";
const table: ReceiptTable = await loadReceipts("receipts.jsonl");
export const rows: number = table.numRows;
TS
for mode in node16 bundler; do
  module=$([ "$mode" = node16 ] && echo node16 || echo esnext)
  cat > "tsconfig.$mode.json" <<JSON
{ "compilerOptions": { "module": "$module", "moduleResolution": "$mode", "target": "es2022", "strict": true,
  "noEmit": true, "skipLibCheck": false, "types": ["node"] }, "files": ["use.mts"] }
JSON
  npx --no-install tsc -p "tsconfig.$mode.json" || fail "tsc with moduleResolution $mode"
  say "tsc --noEmit, moduleResolution $mode, skipLibCheck false: ok"
done
say "package: 1 passed, 0 failed"
