/**
 * The SQLite settings a bulk gives the directory's connection. Page caches grow with the files
 * they cache, up to their limits, so the limit is memory a long bulk holds and a short one does
 * not (docs/performance.md, 8b); checkpoints are what a user creation mostly waits for (8a).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { rowCommitDirectoryOn } from "../../runtime/bulk";
import { BULK_DIRECTORY_AUTOCHECKPOINT_PAGES, BULK_DIRECTORY_CACHE_KIB } from "../../runtime/bulk/row-commits";

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "siq-bulk-cache-"));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

test("the directory a bulk opens keeps SQLite's page cache to 1 MiB (not better-sqlite3's 16 MB) and checkpoints every 4,000 pages", () => {
  const db = new Database(join(folder, "directory.sqlite"));
  expect(db.pragma("cache_size", { simple: true })).toBe(-16000);
  expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
  const { directory } = rowCommitDirectoryOn(db, { adminPassword: "Cache-Test-Pass-1" });
  try {
    expect(db.pragma("cache_size", { simple: true })).toBe(-BULK_DIRECTORY_CACHE_KIB);
    expect(BULK_DIRECTORY_CACHE_KIB).toBeLessThanOrEqual(1024);
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(BULK_DIRECTORY_AUTOCHECKPOINT_PAGES);
  } finally {
    directory.close();
  }
});
