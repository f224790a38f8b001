/** Shared by the stats tests: read the fixtures R wrote and compare numbers with a tolerance. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const DIR = join(__dirname, "fixtures");

/** A fixture JSON; R writes infinities as the strings "Infinity" / "-Infinity". */
export function loadFixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(join(DIR, name), "utf8"), (_k, v) =>
    v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v,
  ) as T;
}

/** A numeric CSV from write.csv(row.names = FALSE), as one Float64Array a column. */
export function loadCsv(name: string): Record<string, Float64Array> {
  const lines = readFileSync(join(DIR, name), "utf8").trim().split(/\r?\n/);
  const header = lines[0].split(",").map((h) => h.replace(/^"|"$/g, ""));
  const cols: Record<string, Float64Array> = {};
  header.forEach((h) => (cols[h] = new Float64Array(lines.length - 1)));
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r].split(",");
    header.forEach((h, c) => (cols[h][r - 1] = Number(cells[c])));
  }
  return cols;
}

export function log1pColumn(x: Float64Array): Float64Array {
  return x.map((v) => Math.log1p(v));
}

/** |actual - expected| <= rel * |expected| (+ abs), with a message naming the quantity. */
export function assertClose(actual: number, expected: number, rel: number, what: string, abs = 0): void {
  if (expected === actual) return;
  const tol = rel * Math.abs(expected) + abs;
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: got ${actual}, R gives ${expected} (relative difference ${Math.abs(actual - expected) / Math.abs(expected)}, tolerance ${rel})`,
  );
}

export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, what: string, abs = 0): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) assertClose(actual[i], expected[i], rel, `${what}[${i}]`, abs);
}
