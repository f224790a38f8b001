#!/usr/bin/env bash
# `npm test`: type check, unit tests, every notebook executed headless with tslab, the
# exported notebooks in headless Chromium, and the packed tarball installed in a fresh
# project. Each stage prints one line "stage NAME: pass|FAIL (counts) in S s"; the first
# failure stops the run and is shown at once (TEST_KEEP_GOING=1 runs every test of a stage).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
stage() { node scripts/test-stage.mjs "$@"; }
reporter=(--test-reporter="$PWD/scripts/test-reporter.mjs")

stage "type check (kit)" -- npx tsc -p tsconfig.json --noEmit
stage "type check (tests)" -- npx tsc -p test/tsconfig.json --noEmit
stage "unit tests" -- node --import tsx --test "${reporter[@]}" --test-concurrency=2 $(find test -name '*.test.ts' | sort)
stage "notebooks" -- node scripts/run-notebooks.mjs --check
stage "exported notebooks in headless Chromium" -- node --import tsx --test "${reporter[@]}" test/notebooks/*.e2e.ts
stage "package (npm pack, install in a fresh project)" -- bash scripts/check-package.sh
echo "npm test: every stage passed"
