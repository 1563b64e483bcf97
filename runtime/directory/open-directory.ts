/**
 * Opens (creating and migrating on first use) the embedded directory, and bootstraps a new one
 * with the Administrator role, the Administrators group and the `admin` user.
 */
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type Database from "better-sqlite3";
import type { Clock } from "../context";
import { SiqError } from "../errors";
import { migrate } from "./migrations";
import { generatePassword, hashPasswordSync, type PasswordHash } from "./passwords";
import { mapSqliteError } from "./sqlite-errors";
import { SqliteDirectory } from "./sqlite-directory";

export const DIRECTORY_FILE_NAME = "directory.sqlite";
export const DEFAULT_DATA_DIR = ".siq";
export const ADMIN_USERNAME = "admin";
export const ADMINISTRATORS_GROUP = "Administrators";
export const ADMINISTRATOR_ROLE = "Administrator";
/** How long a write waits for another process's lock before failing with DIRECTORY_BUSY. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export interface OpenDirectoryOptions {
  /** The database file, or ":memory:"; default `<dataDir>/directory.sqlite`. */
  file?: string;
  /** The data folder (created if missing); default SIQ_DATA_DIR, else `./.siq`. */
  dataDir?: string;
  /** The admin password for a new directory; default SIQ_ADMIN_PASSWORD, else generated. */
  adminPassword?: string;
  /** Timestamps; default the system clock. */
  clock?: Pick<Clock, "now">;
  /** Environment for SIQ_DATA_DIR and SIQ_ADMIN_PASSWORD; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Relative paths resolve against this folder; default the process's working folder. */
  cwd?: string;
  /** Lock wait for writes, in milliseconds; default 5000. */
  busyTimeoutMs?: number;
}

export interface OpenedDirectory {
  directory: SqliteDirectory;
  /**
   * The generated admin password, only when this call created the directory and no password
   * was given: show it once, it is stored only as a hash.
   */
  createdAdminPassword?: string;
}

/** The file `openDirectory` uses for these options (for messages and the command line). */
export function directoryFile(options: Pick<OpenDirectoryOptions, "file" | "dataDir" | "env" | "cwd"> = {}): string {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  if (options.file === ":memory:") return ":memory:";
  if (options.file !== undefined) return resolve(cwd, options.file);
  const dataDir = options.dataDir ?? nonBlank(env.SIQ_DATA_DIR) ?? DEFAULT_DATA_DIR;
  return resolve(cwd, dataDir, DIRECTORY_FILE_NAME);
}

export function openDirectory(options: OpenDirectoryOptions = {}): OpenedDirectory {
  const file = directoryFile(options);
  let db: Database.Database;
  try {
    if (file !== ":memory:") {
      // Owner-only: the directory holds password hashes and the audit log. SQLite gives its
      // journal files the database file's permissions, so creating the file first covers them.
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      closeSync(openSync(file, "a", 0o600));
    }
    // Loaded here, not at import: commands that never open the directory start faster without it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy
    const Sqlite = require("better-sqlite3") as typeof Database;
    db = new Sqlite(file);
  } catch (error) {
    throw new SiqError("FILE_NOT_FOUND", `Cannot open the user directory at ${file}: ${(error as Error).message}. Check the --data folder and its permissions.`, {
      cause: error,
    });
  }
  return directoryOnDatabase(db, { ...options, file });
}

/**
 * Makes a directory of a database the caller opened (for example from `db.serialize()`):
 * sets the connection's pragmas, migrates and bootstraps as `openDirectory` does. The directory
 * owns the connection from then on (`close()` closes it); on failure it is closed.
 */
export function directoryOnDatabase(db: Database.Database, options: OpenDirectoryOptions = {}): OpenedDirectory {
  const env = options.env ?? process.env;
  const file = db.memory ? ":memory:" : db.name;
  const now = options.clock ? () => (options.clock as Pick<Clock, "now">).now() : () => new Date();
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
    if (!db.memory) db.pragma("journal_mode = WAL");
    // WAL makes NORMAL durable against application crashes; only a power loss may drop the last commits.
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db, now);
    const directory = new SqliteDirectory(db, { file, now });
    const adminPassword = options.adminPassword ?? nonBlank(env.SIQ_ADMIN_PASSWORD);
    const created = bootstrap(db, directory, now, adminPassword);
    return created === undefined ? { directory } : { directory, createdAdminPassword: created };
  } catch (error) {
    db.close();
    throw mapSqliteError(error);
  }
}

/**
 * Creates the Administrator role, the Administrators group and the admin user, once per
 * directory (a meta flag records it, so deleting or renaming them later does not bring them
 * back). Returns the generated password when one was generated.
 */
function bootstrap(db: Database.Database, directory: SqliteDirectory, now: () => Date, adminPassword: string | undefined): string | undefined {
  const done = db.prepare<[], { value: string }>("SELECT value FROM directory_meta WHERE key = 'bootstrapped'");
  if (done.get()) return undefined;
  const generated = adminPassword === undefined ? generatePassword() : undefined;
  // Hash before taking the write lock: scrypt is deliberately slow.
  const hash: PasswordHash = hashPasswordSync(adminPassword ?? (generated as string));
  return directory.transaction(() => {
    if (done.get()) return undefined; // another process bootstrapped while we hashed
    directory.addRole({ name: ADMINISTRATOR_ROLE, permissions: ["ManageUsers", "Impersonate"] });
    directory.addGroup({ name: ADMINISTRATORS_GROUP, administrators: true, roles: [ADMINISTRATOR_ROLE] });
    directory.createUser({ username: ADMIN_USERNAME, firstName: "Administrator", passwordHash: hash, groups: [ADMINISTRATORS_GROUP] });
    db.prepare("INSERT INTO directory_meta (key, value) VALUES ('bootstrapped', ?)").run(now().toISOString());
    return generated;
  });
}

function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
