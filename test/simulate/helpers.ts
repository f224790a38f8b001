/** Shared by the simulator tests: small designs and comparisons. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { Data, Table } from "apache-arrow";
import type { ModelParams, SimulationDesign } from "../../src/simulate";
import { benchmarkQueries, classroomDesign } from "../../src/simulate";

export const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

/** A one-model design with many queries, for rate checks; override anything. */
export function oneModelDesign(params: Partial<ModelParams>, extra: Partial<SimulationDesign> = {}): SimulationDesign {
  return {
    name: "test",
    run: { run_id: "test-run", judge: "wildguard" },
    queries: benchmarkQueries({ harmbench: 2000, sorryBench: 450, wildguardTest: 2550 }),
    samplings: 2,
    models: [{
      params: { model: "Test-1B", baseline_logit: -0.5, query_sd: 1, harmful_slope: 0.5, benign_slope: -0.3, ...params },
      conditions: [{ n_benign: 8, n_harmful: 8 }],
    }],
    ...extra,
  };
}

/** Two Arrow tables hold the same data, buffer for buffer (dictionary ids aside). */
export function assertSameArrow(a: Table, b: Table): void {
  assert.deepEqual(a.schema.fields.map((f) => `${f.name}:${f.type}:${f.nullable}`), b.schema.fields.map((f) => `${f.name}:${f.type}:${f.nullable}`));
  for (const f of a.schema.fields) {
    const ca = a.getChild(f.name)!, cb = b.getChild(f.name)!;
    assert.equal(ca.data.length, cb.data.length, `${f.name}: chunk count`);
    ca.data.forEach((d, i) => assertSameData(d, cb.data[i], f.name));
  }
}

function bytes(x: ArrayLike<number> | undefined | null): string {
  if (x === undefined || x === null) return "none";
  return sha256(new Uint8Array((x as Uint8Array).buffer, (x as Uint8Array).byteOffset, (x as Uint8Array).byteLength));
}

function assertSameData(a: Data, b: Data, where: string): void {
  assert.equal(a.length, b.length, `${where}: length`);
  assert.equal(a.nullCount, b.nullCount, `${where}: nullCount`);
  assert.equal(bytes(a.nullBitmap), bytes(b.nullBitmap), `${where}: null bitmap`);
  assert.equal(bytes(a.values), bytes(b.values), `${where}: values`);
  assert.equal(bytes(a.valueOffsets), bytes(b.valueOffsets), `${where}: offsets`);
  assert.equal(a.children.length, b.children.length, `${where}: children`);
  a.children.forEach((c, i) => assertSameData(c, b.children[i], `${where}[${i}]`));
  if (a.dictionary || b.dictionary) {
    assert.ok(a.dictionary && b.dictionary, `${where}: dictionary on one side only`);
    assert.deepEqual(a.dictionary!.toArray(), b.dictionary!.toArray(), `${where}: dictionary`);
  }
}

/** The classroom design on every sixth query (50 queries, 3,800 receipts): fast enough to serialise often. */
export function smallClassroom(): SimulationDesign {
  const d = classroomDesign();
  return { ...d, queries: d.queries.filter((_, i) => i % 6 === 0) };
}
