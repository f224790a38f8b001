/**
 * Append-only receipt file that survives kills. Receipts are written as whole lines in one
 * write() per batch and fsync'd, so a kill can only leave a partial last line; opening the
 * file again detects that torn line and truncates back to the last complete newline. The
 * keys already present are returned so a resumed run skips them.
 */
import { open, readFile, realpath, unlink, writeFile, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { KEY_FIELDS, receiptKey, type KeyParts } from "../receipt/key";

export interface AppenderOptions {
  /** Flush after this many receipts. Default 8. */
  readonly batchSize?: number;
  /** Flush at least this often while receipts are waiting, in ms. Default 1000. */
  readonly flushIntervalMs?: number;
  /** Messages (repairs) go here. Default: stderr. */
  readonly log?: (line: string) => void;
}

export interface OpenedReceiptFile {
  readonly appender: ReceiptAppender;
  /** Receipt keys of the complete lines already in the file. */
  readonly existingKeys: Set<string>;
  /** Bytes of a torn last line removed on opening (0 when the file was whole). */
  readonly repairedBytes: number;
}

/** The receipt key of a plain record, as the loader computes it. */
export function keyOfRecord(o: Record<string, unknown>): string {
  const parts: Record<string, unknown> = {};
  for (const f of KEY_FIELDS) parts[f] = o[f];
  return receiptKey(parts as KeyParts);
}

export class ReceiptAppender {
  private pending: string[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  written = 0;

  private constructor(private readonly fh: FileHandle, readonly path: string, private readonly batchSize: number, private readonly intervalMs: number) {}

  /** Open (or create) a receipt file for appending, repairing a torn last line. */
  static async open(path: string, options: AppenderOptions = {}): Promise<OpenedReceiptFile> {
    const log = options.log ?? ((l: string) => void process.stderr.write(l + "\n"));
    const fh = await open(path, "a+");
    try {
      const { keys, completeBytes, size } = await scan(fh, path);
      const torn = size - completeBytes;
      if (torn > 0) {
        await fh.truncate(completeBytes);
        await fh.sync();
        log(`${path}: the last line (${torn} bytes) was cut off mid-write, probably by a kill; removed it, truncating the file back to the last complete line (${keys.size} receipts kept)`);
      }
      const appender = new ReceiptAppender(fh, path, options.batchSize ?? 8, options.flushIntervalMs ?? 1000);
      return { appender, existingKeys: keys, repairedBytes: torn };
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  /** Queue one receipt; resolves once it is flushed when it completes a batch, at once otherwise. */
  add(record: object): Promise<void> {
    if (this.closed) throw new Error("ReceiptAppender.add: the file is closed");
    this.pending.push(JSON.stringify(record) + "\n");
    if (this.pending.length >= this.batchSize) return this.flush();
    if (this.timer === null) {
      this.timer = setTimeout(() => void this.flush().catch(() => undefined), this.intervalMs);
      this.timer.unref();
    }
    return Promise.resolve();
  }

  /** Write waiting receipts in one write() and fsync. Flushes run one after another. */
  flush(): Promise<void> {
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
    const lines = this.pending;
    this.pending = [];
    if (lines.length === 0) return this.chain;
    this.chain = this.chain.then(async () => {
      const buf = Buffer.from(lines.join(""), "utf8");
      let off = 0;
      while (off < buf.length) off += (await this.fh.write(buf, off)).bytesWritten;
      await this.fh.sync();
      this.written += lines.length;
    });
    return this.chain;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    await this.fh.close();
  }
}

/** Read the file's complete lines, compute their keys and where the last newline is. */
async function scan(fh: FileHandle, path: string): Promise<{ keys: Set<string>; completeBytes: number; size: number }> {
  const keys = new Set<string>();
  const size = (await fh.stat()).size;
  const chunk = Buffer.alloc(1 << 20);
  let carry = Buffer.alloc(0);
  let pos = 0, completeBytes = 0, lineNo = 0;
  while (pos < size) {
    const { bytesRead } = await fh.read(chunk, 0, chunk.length, pos);
    if (bytesRead === 0) break;
    const base = pos - carry.length;
    const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
    pos += bytesRead;
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      lineNo++;
      const text = buf.toString("utf8", start, nl).trim();
      if (text !== "") {
        let o: unknown;
        try {
          o = JSON.parse(text);
        } catch (e) {
          throw new Error(`${path}:${lineNo}: bad JSON on a complete line (${(e as Error).message}); a kill can only tear the last line, so something else changed this file: fix or move it before resuming`);
        }
        if (o === null || typeof o !== "object" || Array.isArray(o)) throw new Error(`${path}:${lineNo}: expected a receipt (a JSON object) on every line`);
        keys.add(keyOfRecord(o as Record<string, unknown>));
      }
      start = nl + 1;
      completeBytes = base + start;
    }
    carry = Buffer.from(buf.subarray(start));
  }
  return { keys, completeBytes, size };
}

/**
 * The file's real path: symbolic links resolved in the file and every folder above it, so
 * two names for one file (a symlink, `./a/../x.jsonl`) give one lock. The file need not
 * exist yet; its folder must.
 */
async function realTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    const dir = await realpath(dirname(path)).catch(() => {
      throw new Error(`${path}: its folder ${dirname(path)} does not exist; create it first`);
    });
    return join(dir, basename(path));
  }
}

/**
 * A lock file beside the receipt file's real path, holding the writer's pid, so two
 * collectors never append to one file, whatever name each was given (symlinks resolved;
 * hard links to one file under two names are not detected). A lock left by a process that
 * no longer runs (killed) is taken over. Held for the whole run; returns its release.
 */
export async function lockReceiptFile(path: string, log: (line: string) => void): Promise<() => Promise<void>> {
  const lock = `${await realTarget(path)}.lock`;
  for (let tries = 0; tries < 2; tries++) {
    try {
      await writeFile(lock, String(process.pid), { flag: "wx" });
      return async () => void (await unlink(lock).catch(() => undefined));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number((await readFile(lock, "utf8").catch(() => "")).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid))
        throw new Error(`${path} is being written by another collector (pid ${pid}, lock ${lock}); wait for it to finish, or delete the lock if that process is gone`);
      log(`${lock}: taking over a stale lock${pid ? ` left by pid ${pid}, which is no longer running` : ""}`);
      await unlink(lock).catch(() => undefined);
    }
  }
  throw new Error(`${lock}: could not take the lock`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
