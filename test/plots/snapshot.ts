/**
 * Snapshot tests of figure specs, after Observable Plot: numbers are rounded to 4
 * significant digits, the snapshot is pretty JSON under __snapshots__/, and a mismatch
 * writes `<name>-changed.json` beside it for a reviewer to diff, then fails.
 * UPDATE_SNAPSHOTS=1 creates or overwrites snapshots instead. A missing snapshot is
 * written and the test fails once, saying so.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const SNAPSHOT_DIR = join(__dirname, "__snapshots__");

/** `value` with every number rounded to `digits` significant digits (and -0 made 0). */
export function roundNumbers(value: unknown, digits = 4): unknown {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return value;
    const r = Number(value.toPrecision(digits));
    return Object.is(r, -0) ? 0 : r;
  }
  if (Array.isArray(value)) return value.map((v) => roundNumbers(v, digits));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = roundNumbers(v, digits);
    return out;
  }
  return value;
}

/** Compare `value` with the snapshot `name`; see the file comment for what happens when they differ. */
export function assertSnapshot(name: string, value: unknown): void {
  mkdirSync(SNAPSHOT_DIR, { recursive: true });
  const file = join(SNAPSHOT_DIR, `${name}.json`);
  const changed = join(SNAPSHOT_DIR, `${name}-changed.json`);
  const actual = `${JSON.stringify(roundNumbers(value), null, 2)}\n`;
  const update = process.env.UPDATE_SNAPSHOTS === "1";
  if (!existsSync(file)) {
    writeFileSync(file, actual);
    if (update) return;
    assert.fail(`snapshot ${file} did not exist and was written now; check it and re-run (or run with UPDATE_SNAPSHOTS=1)`);
  }
  const expected = readFileSync(file, "utf8");
  if (expected === actual) {
    if (existsSync(changed)) rmSync(changed);
    return;
  }
  if (update) {
    writeFileSync(file, actual);
    if (existsSync(changed)) rmSync(changed);
    return;
  }
  writeFileSync(changed, actual);
  assert.fail(`figure ${name} differs from its snapshot: compare ${changed} with ${file}; run with UPDATE_SNAPSHOTS=1 to accept`);
}
