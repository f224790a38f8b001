/**
 * The one way the kit writes a file: readers see either the old content or the whole new
 * content, never a half-written file, and a failure leaves nothing behind.
 *
 * How: the content goes to a temporary file beside the target (same folder, so the rename
 * cannot cross file systems), is flushed to disk (fsync), and is renamed over the target;
 * the folder is then flushed so the rename itself survives a power cut. Every failure path
 * closes and removes the temporary file, and errors name the target, not the temporary.
 * Temporary files left by a process that was killed (SIGKILL leaves no chance to clean up)
 * are removed by the next write to the same target, once their writer is known to be gone.
 */
import { randomBytes } from "node:crypto";
import { open, readdir, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** A write that failed; `target` is the file that was to be written, `code` the system error code. */
export class WriteError extends Error {
  constructor(readonly target: string, reason: string, readonly code: string | null = null) {
    super(`cannot write ${target}: ${reason}`);
    this.name = "WriteError";
  }
}

/** `.<name>.<pid>-<random>.tmp`: hidden, beside the target, and naming its writer's pid. */
const TEMP = /^\.(.+)\.(\d+)-[0-9a-f]{8}\.tmp$/;

function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Remove temporaries of `path` whose writer no longer runs. Returns how many were removed. */
export async function removeStaleTemporaries(path: string): Promise<number> {
  const name = basename(path);
  let entries: string[];
  try {
    entries = await readdir(dirname(path));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const entry of entries) {
    const m = TEMP.exec(entry);
    if (!m || m[1] !== name || isAlive(Number(m[2]))) continue;
    if (await unlink(join(dirname(path), entry)).then(() => true, () => false)) removed++;
  }
  return removed;
}

/** Say plainly why a target cannot be written before any byte goes to disk. */
async function checkTarget(path: string): Promise<void> {
  const folder = dirname(path);
  const dir = await stat(folder).catch(() => null);
  if (dir === null) throw new WriteError(path, `the folder ${folder} does not exist`, "ENOENT");
  if (!dir.isDirectory()) throw new WriteError(path, `${folder} is not a folder`, "ENOTDIR");
  const target = await stat(path).catch(() => null);
  if (target?.isDirectory()) throw new WriteError(path, "it is a folder; give a file name", "EISDIR");
}

function reasonOf(e: unknown): { reason: string; code: string | null } {
  const err = e as NodeJS.ErrnoException;
  const code = typeof err?.code === "string" ? err.code : null;
  const plain: Record<string, string> = {
    ENOSPC: "no space left on the device",
    EDQUOT: "disk quota exceeded",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    EISDIR: "it is a folder",
  };
  if (code !== null && plain[code]) return { reason: `${plain[code]} (${code}); the previous content, if any, is unchanged`, code };
  return { reason: `${err instanceof Error ? err.message : String(e)}; the previous content, if any, is unchanged`, code };
}

async function syncFolder(folder: string): Promise<void> {
  // Best effort: some file systems refuse fsync on a folder; the data itself is already flushed.
  const handle = await open(folder, "r").catch(() => null);
  if (handle === null) return;
  await handle.sync().catch(() => undefined);
  await handle.close().catch(() => undefined);
}

/** Write chunks to a fresh temporary beside `path` and flush it; returns the temporary's path. */
async function writeTemporary(path: string, chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>): Promise<string> {
  const tmp = tempPath(path);
  let handle: FileHandle | null = null;
  try {
    handle = await open(tmp, "wx");
    let position = 0;
    for await (const chunk of chunks) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
      for (let done = 0; done < bytes.length; ) {
        const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, position);
        done += bytesWritten;
        position += bytesWritten;
      }
    }
    await handle.sync();
    await handle.close();
    handle = null;
    return tmp;
  } catch (e) {
    if (handle !== null) await handle.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    if (e instanceof WriteError) throw e;
    const { reason, code } = reasonOf(e);
    throw new WriteError(path, reason, code);
  }
}

async function replace(tmp: string, path: string): Promise<void> {
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    const { reason, code } = reasonOf(e);
    throw new WriteError(path, reason, code);
  }
}

/**
 * Write content made in pieces (a generator, sync or async): each chunk is written as it
 * comes, so a file far larger than the largest JavaScript string can be written.
 * Throws WriteError naming `path`; on any failure the target keeps its old content.
 */
export async function writeChunksAtomic(path: string, chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>): Promise<void> {
  await checkTarget(path);
  await removeStaleTemporaries(path);
  const tmp = await writeTemporary(path, chunks);
  await replace(tmp, path);
  await syncFolder(dirname(path));
}

/** Write one string or byte array atomically (see `writeChunksAtomic`). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await writeChunksAtomic(path, [data]);
}

/**
 * Write several files that belong together (a result receipt's JSON and Markdown): every
 * temporary is written and flushed first, and only then are they renamed, so a full disk
 * leaves all the old files in place rather than a new JSON beside a stale Markdown.
 */
export async function writeFilesAtomic(files: readonly { readonly path: string; readonly data: string | Uint8Array }[]): Promise<void> {
  for (const f of files) {
    await checkTarget(f.path);
    await removeStaleTemporaries(f.path);
  }
  const temps: string[] = [];
  try {
    for (const f of files) temps.push(await writeTemporary(f.path, [f.data]));
  } catch (e) {
    for (const t of temps) await unlink(t).catch(() => undefined);
    throw e;
  }
  for (let i = 0; i < files.length; i++) {
    try {
      await replace(temps[i], files[i].path);
    } catch (e) {
      for (const t of temps.slice(i + 1)) await unlink(t).catch(() => undefined);
      throw e;
    }
  }
  for (const folder of new Set(files.map((f) => dirname(f.path)))) await syncFolder(folder);
}
