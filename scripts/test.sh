#!/usr/bin/env bash
# `npm test`: type check, unit tests, then every notebook executed headless with tslab.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== type check"
npx tsc -p tsconfig.json --noEmit
npx tsc -p test/tsconfig.json --noEmit
echo "== unit tests"
node --import tsx --test --test-reporter=spec --test-concurrency=2 $(find test -name '*.test.ts' | sort)
echo "== notebooks"
node scripts/run-notebooks.mjs --check
echo "== exported notebooks in headless Chromium"
node --import tsx --test --test-reporter=spec test/notebooks/*.e2e.ts
