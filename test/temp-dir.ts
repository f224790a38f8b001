/**
 * Temporary folders for tests, removed when the test process exits (each test file runs in
 * its own process under `node --test`), so a day of test runs does not leave hundreds of
 * folders in /tmp. A test that wants to look at its files afterwards can print the path and
 * set RECEIPTS_KEEP_TEST_DIRS=1.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];
let hooked = false;

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `receipts-test-${prefix}`));
  made.push(dir);
  if (!hooked && process.env.RECEIPTS_KEEP_TEST_DIRS !== "1") {
    hooked = true;
    process.on("exit", () => {
      for (const d of made) {
        try { rmSync(d, { recursive: true, force: true }); } catch { /* best effort: never fail a run over cleanup */ }
      }
    });
  }
  return dir;
}
