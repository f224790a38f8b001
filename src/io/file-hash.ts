/**
 * A loaded file's SHA-256, computed when first read instead of during the load. The hash is
 * provenance for result receipts (analyze, fits that record their sources); a plain load
 * does not need it, and hashing costs about a third of a large Arrow load's CPU (about a
 * fifth of a JSONL load's). So the loaders (all four formats) record which file they read
 * (size, modification time, inode, from a stat taken before their reads) and
 * `SourceFile.sha256` hashes the file on first read, refusing if the file is no longer the
 * one loaded, or is a pipe or device, rather than recording the hash of other bytes.
 */
import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import type { SourceFile } from "./receipt-table";

/** What identifies the version of a file a load read. */
export interface FileIdentity {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

export function fileIdentity(stats: Pick<Stats, "size" | "mtimeMs" | "ino">): FileIdentity {
  return { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino };
}

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/** Bytes a read: large enough for few calls, small enough to stay in cache. */
const HASH_CHUNK = 2 ** 20;

/**
 * The SHA-256 (hex) of the file at `path`, which must still be the version `loaded`
 * describes: checked before and after the reads (and the bytes read must be its size).
 * Synchronous, as it runs inside a property read.
 */
export function sha256OfLoadedFile(path: string, loaded: FileIdentity): string {
  const changed = () => new Error(`${path} changed after it was loaded (size/mtime); reload it to record its hash`);
  let fd: number;
  try {
    // Non-blocking: opening a named pipe with no writer would otherwise wait forever.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new Error(`${path} can no longer be read since it was loaded (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); reload it to record its hash`);
  }
  try {
    const now = fstatSync(fd);
    // A pipe or device (/dev/stdin, a process substitution) gives other bytes, or none, when
    // read again: its hash would not be of what was loaded.
    if (!now.isFile()) throw new Error(`${path} is not a regular file (a pipe or device): its bytes cannot be read again to hash them; copy it to a file and load that to record its hash`);
    if (!sameFile(fileIdentity(now), loaded)) throw changed();
    const hash = createHash("sha256"), buf = Buffer.allocUnsafe(Math.min(HASH_CHUNK, Math.max(1, loaded.size)));
    let pos = 0, n: number;
    while ((n = readSync(fd, buf, 0, buf.length, pos)) > 0) { hash.update(buf.subarray(0, n)); pos += n; }
    if (pos !== loaded.size || !sameFile(fileIdentity(fstatSync(fd)), loaded)) throw changed();
    return hash.digest("hex");
  } finally {
    closeSync(fd);
  }
}

/**
 * `source` with `sha256` a getter hashing `path` on first read (then remembered). The getter
 * is an enumerable own property, so `JSON.stringify(source)` and `{...source}` include the
 * hash (each reading it); a read that finds the file changed throws, and a later read tries again.
 */
export function withLazySha256(source: SourceFile, path: string, loaded: FileIdentity): SourceFile {
  let hex: string | null = null;
  const out = { ...source } as { -readonly [K in keyof SourceFile]: SourceFile[K] };
  Object.defineProperty(out, "sha256", {
    enumerable: true,
    configurable: false,
    get: () => (hex ??= sha256OfLoadedFile(path, loaded)),
  });
  return out;
}
