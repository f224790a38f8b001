/**
 * The kit's modules import each other without loops: a loop makes one module see another's
 * exports as undefined while both are still loading (which once hid in stats/logistic-fit.ts
 * and logistic-fit-result.ts). Runtime imports only: `import type` is erased by TypeScript,
 * and `await import()` runs after every module has loaded.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { test } from "node:test";

const SRC = join(__dirname, "..", "..", "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** The kit's files a source file imports at load time (static `import ... from` and `export ... from`, not type-only). */
export function runtimeImports(file: string, text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?\bfrom\s+"(\.[^"]+)"/gms)) {
    // `import { type A, type B } from` imports nothing at run time either
    const clause = m[0].replace(/^(import|export)\s+/, "").replace(/\s*\bfrom\s+"[^"]+"$/, "").trim();
    if (/^\{[^}]*\}$/.test(clause) && clause.slice(1, -1).split(",").every((n) => n.trim() === "" || /^type\s/.test(n.trim()))) continue;
    const base = join(dirname(file), m[1]);
    const target = existsSync(base + ".ts") ? base + ".ts" : existsSync(join(base, "index.ts")) ? join(base, "index.ts") : null;
    if (target !== null) out.push(target);
  }
  return out;
}

/** Strongly connected components of more than one file (Tarjan), or a file importing itself. */
function loops(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], onStack = new Set<string>(), found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next); low.set(v, next); next++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); component.push(w); } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component);
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

test("no module of src/ imports itself through others", () => {
  const files = sourceFiles(SRC);
  assert.ok(files.length > 100, `found the kit's sources (${files.length})`);
  const graph = new Map(files.map((f) => [f, runtimeImports(f, readFileSync(f, "utf8"))]));
  assert.ok([...graph.values()].reduce((s, d) => s + d.length, 0) > files.length, "the imports were read");
  const found = loops(graph).map((c) => c.map((f) => relative(SRC, f)).join(" -> "));
  assert.deepEqual(found, [], `import loops:\n${found.join("\n")}`);
});

test("the loop finder finds a loop, and the reader tells runtime imports from type-only ones", () => {
  const graph = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]);
  assert.deepEqual(loops(graph).map((c) => [...c].sort()), [["a", "b", "c"]]);
  const here = join(SRC, "stats", "x.ts");
  const text = [
    'import { fitLogistic } from "./logistic-fit";',
    'import type { LogisticFit } from "./logistic-fit-types";',
    'import { type FitOptions } from "./logistic-fit-types";',
    'export { clusterRobustVcov } from "./cluster-robust-vcov";',
  ].join("\n");
  assert.deepEqual(runtimeImports(here, text).map((f) => relative(SRC, f)), ["stats/logistic-fit.ts", "stats/cluster-robust-vcov.ts"]);
});
