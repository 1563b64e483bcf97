/**
 * An embedded directory for tests: the real SqliteDirectory on an in-memory database, with a
 * fixed clock and no environment, so dumps compare exactly.
 *
 * Bootstrapping hashes the admin password with scrypt (slow on purpose), so the first call
 * builds a bootstrapped database and later calls open copies of it, which is the same code path
 * as reopening an existing directory file.
 */
import Database from "better-sqlite3";
import { directoryOnDatabase, openDirectory, type OpenDirectoryOptions, type SqliteDirectory } from "../../runtime/directory";

export const TEST_NOW = new Date("2026-03-01T09:00:00.000Z");
export const TEST_ADMIN_PASSWORD = "Adm1n-Test-Pass!";

let template: Buffer | undefined;

export function openTestDirectory(options: OpenDirectoryOptions = {}): SqliteDirectory {
  const settings: OpenDirectoryOptions = {
    file: ":memory:",
    env: {},
    adminPassword: TEST_ADMIN_PASSWORD,
    clock: { now: () => TEST_NOW },
    ...options,
  };
  const standard = Object.keys(options).every((key) => key === "clock");
  if (!standard) return openDirectory(settings).directory;
  if (!template) {
    const fresh = openDirectory(settings).directory;
    template = fresh.serialize();
    fresh.close();
  }
  return directoryOnDatabase(new Database(template), settings).directory;
}
