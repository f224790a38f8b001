/**
 * Which files a list of paths means (folders expanded) and the format an extension names:
 * apart from the readers in load.ts, so that code that only needs these (`fit --engine
 * duckdb`, which hands the files to DuckDB) loads no reader, Arrow or Parquet module.
 */
import { readdir, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import type { ReceiptFormat } from "./receipt-table";

const EXTENSIONS: Record<string, ReceiptFormat> = {
  ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
  ".csv": "csv",
  ".arrow": "arrow", ".feather": "arrow", ".ipc": "arrow", ".arrows": "arrow",
  ".parquet": "parquet", ".pq": "parquet",
};

/** The format a path's extension names, or null. */
export function formatFromPath(path: string): ReceiptFormat | null {
  return EXTENSIONS[extname(path).toLowerCase()] ?? null;
}

/** Files to read: each path itself, or a folder's receipt files (by extension, sorted). */
export async function expandPaths(paths: string | readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of typeof paths === "string" ? [paths] : paths) {
    const info = await stat(p).catch(() => {
      throw new Error(`${p}: no such file or folder`);
    });
    if (info.isDirectory()) {
      const names = (await readdir(p)).filter((n) => formatFromPath(n) !== null && !n.startsWith(".")).sort();
      // An empty folder is a mistake (wrong path, files not written yet), not zero receipts.
      if (names.length === 0) throw new Error(`no receipt files in ${p}: expected files ending in ${Object.keys(EXTENSIONS).join(", ")}`);
      out.push(...names.map((n) => join(p, n)));
    } else out.push(p);
  }
  return out;
}
