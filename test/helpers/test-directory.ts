/**
 * An embedded directory for tests: the real SqliteDirectory on an in-memory database, with a
 * fixed clock and no environment, so dumps compare exactly.
 */
import { openDirectory, type OpenDirectoryOptions, type SqliteDirectory } from "../../runtime/directory";

export const TEST_NOW = new Date("2026-03-01T09:00:00.000Z");
export const TEST_ADMIN_PASSWORD = "Adm1n-Test-Pass!";

export function openTestDirectory(options: OpenDirectoryOptions = {}): SqliteDirectory {
  return openDirectory({
    file: ":memory:",
    env: {},
    adminPassword: TEST_ADMIN_PASSWORD,
    clock: { now: () => TEST_NOW },
    ...options,
  }).directory;
}
