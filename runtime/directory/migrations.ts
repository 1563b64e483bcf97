/**
 * The directory's schema, as numbered forward-only migrations.
 *
 * Each migration runs once, in its own IMMEDIATE transaction, and is recorded in
 * `schema_migrations`; the version is re-read inside the transaction, so two processes opening
 * a new file at once apply each step exactly once. Never edit a shipped migration: add the next
 * number.
 */
import type Database from "better-sqlite3";
import { SiqError } from "../errors";

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "users, groups, roles, custom fields, management and audit logs",
    sql: `
      CREATE TABLE directory_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      CREATE TABLE users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        guid TEXT NOT NULL UNIQUE,
        username TEXT NOT NULL COLLATE NOCASE,
        username_key TEXT NOT NULL,
        first_name TEXT NOT NULL DEFAULT '',
        last_name TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        address_line1 TEXT NOT NULL DEFAULT '',
        address_line2 TEXT NOT NULL DEFAULT '',
        city TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL DEFAULT '',
        postcode TEXT NOT NULL DEFAULT '',
        country TEXT NOT NULL DEFAULT '',
        job_title TEXT NOT NULL DEFAULT '',
        organisation TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        theme TEXT NOT NULL DEFAULT '',
        disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        password_hash TEXT,
        must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      -- The key (NFC, lower case) makes usernames unique ignoring case beyond ASCII;
      -- the NOCASE index backs it for ASCII even if a row were written without the key.
      CREATE UNIQUE INDEX users_username_key ON users (username_key);
      CREATE UNIQUE INDEX users_username_nocase ON users (username COLLATE NOCASE);

      CREATE TABLE groups (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        guid TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL COLLATE NOCASE,
        name_key TEXT NOT NULL UNIQUE,
        administrators INTEGER NOT NULL DEFAULT 0 CHECK (administrators IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX groups_name_nocase ON groups (name COLLATE NOCASE);

      CREATE TABLE roles (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL COLLATE NOCASE,
        name_key TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX roles_name_nocase ON roles (name COLLATE NOCASE);

      CREATE TABLE role_permissions (
        role_id INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
        permission TEXT NOT NULL CHECK (permission IN ('Impersonate', 'ManageUsers')),
        PRIMARY KEY (role_id, permission)
      ) WITHOUT ROWID;

      CREATE TABLE group_roles (
        group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
        role_id INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
        PRIMARY KEY (group_id, role_id)
      ) WITHOUT ROWID;
      CREATE INDEX group_roles_role ON group_roles (role_id);

      CREATE TABLE user_groups (
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
        PRIMARY KEY (user_id, group_id)
      ) WITHOUT ROWID;
      CREATE INDEX user_groups_group ON user_groups (group_id);

      CREATE TABLE user_custom_fields (
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name_key TEXT NOT NULL,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (user_id, name_key)
      ) WITHOUT ROWID;

      CREATE TABLE management_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time TEXT NOT NULL,
        level TEXT NOT NULL CHECK (level IN ('info', 'warning', 'error')),
        source TEXT NOT NULL,
        user TEXT NOT NULL,
        message TEXT NOT NULL
      );

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time TEXT NOT NULL,
        event TEXT NOT NULL,
        user TEXT NOT NULL,
        as_user TEXT,
        method TEXT,
        url TEXT,
        status,
        detail TEXT
      );
    `,
  },
  {
    version: 2,
    name: "bulk row commits: which bulk row committed which directory transaction (siq bulk's exactly-once record)",
    sql: `
      CREATE TABLE bulk_row_commits (
        journal TEXT NOT NULL,
        row INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        action TEXT NOT NULL,
        committed_at TEXT NOT NULL,
        PRIMARY KEY (journal, row, seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: "revoked tokens: the host's signed-out tokens, kept until they would have expired",
    sql: `
      CREATE TABLE revoked_tokens (
        jti TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS.reduce((max, migration) => Math.max(max, migration.version), 0);

/** Applies every pending migration; returns the versions applied by this call. */
export function migrate(db: Database.Database, clock: () => Date, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const latest = migrations.reduce((max, migration) => Math.max(max, migration.version), 0);
  const current = db.prepare<[], { version: number | null }>("SELECT MAX(version) AS version FROM schema_migrations");
  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  const applied: number[] = [];
  const ordered = [...migrations].sort((a, b) => a.version - b.version);

  const found = current.get()?.version ?? 0;
  if (found > latest) {
    throw new SiqError(
      "DIRECTORY_VERSION",
      `The directory file is at schema version ${found}, newer than this siq-actions knows (${latest}); upgrade siq-actions or use another --data folder.`,
    );
  }
  for (const migration of ordered) {
    const step = db.transaction(() => {
      // Re-read under the write lock: another process may have applied it meanwhile.
      if ((current.get()?.version ?? 0) >= migration.version) return false;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, clock().toISOString());
      return true;
    });
    try {
      if (step.immediate()) applied.push(migration.version);
    } catch (error) {
      if (error instanceof SiqError) throw error;
      throw new SiqError(
        "DIRECTORY_VERSION",
        `Migrating the directory to schema version ${migration.version} (${migration.name}) failed; the file is unchanged at the previous version.`,
        { cause: error },
      );
    }
  }
  return applied;
}
