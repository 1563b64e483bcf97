/**
 * The embedded user directory on SQLite (better-sqlite3).
 *
 * Every write runs in an IMMEDIATE transaction (the write lock is taken before anything is
 * read), so a read-check-write sequence cannot interleave with another process's; calls inside
 * `transaction(fn)` join the caller's transaction, so a whole action commits or rolls back as
 * one. Statements are prepared once per connection.
 */
import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import type { AuditRecord, AuditSink, DirectoryUserSummary, Permission, UserDirectoryPort } from "../context";
import { SiqError } from "../errors";
import { decoyVerify, isPasswordHash, verifyPasswordHash } from "./passwords";
import { mapSqliteError } from "./sqlite-errors";
import {
  USER_TEXT_FIELDS,
  type CustomFieldsInput,
  type DirectoryDump,
  type DirectoryGroup,
  type DirectoryRole,
  type DirectoryUser,
  type GroupChanges,
  type ManagementLogEntry,
  type ManagementLogLevel,
  type NewGroup,
  type NewManagementLogEntry,
  type NewRole,
  type NewUser,
  type Page,
  type PageOptions,
  type StoredAuditRecord,
  type UserChanges,
  type UserTextField,
} from "./types";
import { checkEmail, checkFieldText, checkName, nameKey } from "./validation";

export const PERMISSIONS: readonly Permission[] = ["Impersonate", "ManageUsers"];

/** A group by numeric id (number), or by GUID or name ignoring case (string). */
export type GroupRef = number | string;

export interface GroupSummary {
  id: number;
  guid: string;
  name: string;
  administrators: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_TOP = 100;
const MAX_TOP = 1000;

const COLUMN: Record<UserTextField, string> = {
  firstName: "first_name",
  lastName: "last_name",
  email: "email",
  addressLine1: "address_line1",
  addressLine2: "address_line2",
  city: "city",
  state: "state",
  postcode: "postcode",
  country: "country",
  jobTitle: "job_title",
  organisation: "organisation",
  phone: "phone",
  theme: "theme",
};

const FIELD_LABEL: Record<UserTextField, string> = {
  firstName: "first name",
  lastName: "last name",
  email: "email",
  addressLine1: "address line 1",
  addressLine2: "address line 2",
  city: "city",
  state: "state",
  postcode: "postcode",
  country: "country",
  jobTitle: "job title",
  organisation: "organisation",
  phone: "phone number",
  theme: "theme",
};

interface UserRow {
  id: number;
  guid: string;
  username: string;
  username_key: string;
  first_name: string;
  last_name: string;
  email: string;
  address_line1: string;
  address_line2: string;
  city: string;
  state: string;
  postcode: string;
  country: string;
  job_title: string;
  organisation: string;
  phone: string;
  theme: string;
  disabled: number;
  password_hash: string | null;
  must_change_password: number;
  created_at: string;
  updated_at: string;
}

type SummaryRow = Pick<UserRow, "id" | "guid" | "username" | "disabled">;

interface GroupRow {
  id: number;
  guid: string;
  name: string;
  name_key: string;
  administrators: number;
  created_at: string;
  updated_at: string;
}

interface RoleRow {
  id: number;
  name: string;
  name_key: string;
  created_at: string;
}

interface LogRow {
  id: number;
  time: string;
  level: ManagementLogLevel;
  source: string;
  user: string;
  message: string;
}

interface AuditRow {
  id: number;
  time: string;
  event: string;
  user: string;
  as_user: string | null;
  method: string | null;
  url: string | null;
  status: number | string | null;
  detail: string | null;
}

export interface SqliteDirectoryOptions {
  /** The file path, or ":memory:". */
  file: string;
  /** Timestamps for created/updated and the logs. */
  now: () => Date;
}

export class SqliteDirectory implements UserDirectoryPort, AuditSink {
  /** The database file, or ":memory:". */
  readonly file: string;
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private readonly statements = new Map<string, Database.Statement>();
  /** Audit records waiting for the end of this event-loop turn (see recordSoon). */
  private pendingAudit: Array<{ entry: AuditRecord; onError: (error: unknown, entry: AuditRecord) => void }> = [];
  /**
   * One transaction wrapper for every call: better-sqlite3 builds several functions for each
   * `db.transaction(fn)`, which a user creation (five nested writes) paid five times over.
   */
  private readonly inTransactionOf: Database.Transaction<(fn: () => unknown) => unknown>;

  /** Use `openDirectory`, which migrates and bootstraps the database first. */
  constructor(db: Database.Database, options: SqliteDirectoryOptions) {
    this.db = db;
    this.file = options.file;
    this.now = options.now;
    this.inTransactionOf = db.transaction((fn: () => unknown) => fn());
  }

  // ---------------------------------------------------------------- transactions

  /**
   * Runs `fn` in one IMMEDIATE transaction: it commits when `fn` returns and rolls back
   * everything when it throws. Nested calls (and every write method called inside) join the
   * outer transaction through a savepoint. `fn` must be synchronous.
   */
  transaction<T>(fn: () => T): T {
    try {
      return this.inTransactionOf.immediate(fn) as T;
    } catch (error) {
      throw mapSqliteError(error);
    }
  }

  /** True while a transaction is open on this connection. */
  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  close(): void {
    this.flushAudit();
    if (this.db.open) this.db.close();
  }

  // ---------------------------------------------------------------- UserDirectoryPort

  /**
   * A user by GUID or by username ignoring case; undefined when there is none. Reads only the
   * four columns it returns: building a whole row object was most of the cost of the lookup
   * that authenticates every request of the host.
   */
  findUser(usernameOrGuid: string): DirectoryUserSummary | undefined {
    let row: SummaryRow | undefined;
    if (UUID.test(usernameOrGuid)) row = this.get<SummaryRow>("summaryByGuid", "SELECT id, guid, username, disabled FROM users WHERE guid = ?", usernameOrGuid.toLowerCase());
    row ??= this.get<SummaryRow>("summaryByKey", "SELECT id, guid, username, disabled FROM users WHERE username_key = ?", nameKey(usernameOrGuid));
    return row && { guid: row.guid, id: row.id, username: row.username, disabled: row.disabled === 1 };
  }

  /**
   * True when an enabled user is in a group with a role that grants the permission. A disabled
   * account holds no permission.
   */
  hasPermission(userGuid: string, permission: Permission): boolean {
    const row = this.get<{ found: number }>(
      "hasPermission",
      `SELECT 1 AS found FROM users u
         JOIN user_groups ug ON ug.user_id = u.id
         JOIN group_roles gr ON gr.group_id = ug.group_id
         JOIN role_permissions rp ON rp.role_id = gr.role_id
        WHERE u.guid = ? AND u.disabled = 0 AND rp.permission = ? LIMIT 1`,
      userGuid,
      permission,
    );
    return row !== undefined;
  }

  /** The permissions an enabled user holds through the roles of their groups, sorted. */
  permissionsOf(userGuid: string): Permission[] {
    return this.all<{ permission: Permission }>(
      "permissionsOf",
      `SELECT DISTINCT rp.permission FROM users u
         JOIN user_groups ug ON ug.user_id = u.id
         JOIN group_roles gr ON gr.group_id = ug.group_id
         JOIN role_permissions rp ON rp.role_id = gr.role_id
        WHERE u.guid = ? AND u.disabled = 0 ORDER BY rp.permission`,
      userGuid,
    ).map((row) => row.permission);
  }

  /** True when the user is in any group with the administrators flag (disabled or not). */
  isAdministrator(userGuid: string): boolean {
    const row = this.get<{ found: number }>(
      "isAdministrator",
      `SELECT 1 AS found FROM users u
         JOIN user_groups ug ON ug.user_id = u.id
         JOIN groups g ON g.id = ug.group_id
        WHERE u.guid = ? AND g.administrators = 1 LIMIT 1`,
      userGuid,
    );
    return row !== undefined;
  }

  // ---------------------------------------------------------------- users

  /** A user with groups and custom fields, by GUID or username ignoring case. */
  getUser(usernameOrGuid: string): DirectoryUser | undefined {
    const row = this.userRow(usernameOrGuid);
    return row && this.toUsers([row])[0];
  }

  /** A user by username ignoring case only (a username that looks like a GUID is still a username). */
  getUserByUsername(username: string): DirectoryUser | undefined {
    const row = this.userRowByKey(nameKey(username));
    return row && this.toUsers([row])[0];
  }

  /** Users in id order, a page at a time. */
  listUsers(options: PageOptions = {}): Page<DirectoryUser> {
    const { skip, top } = page(options);
    const rows = this.all<UserRow>("listUsers", "SELECT * FROM users ORDER BY id LIMIT ? OFFSET ?", top, skip);
    const total = this.get<{ n: number }>("countUsers", "SELECT COUNT(*) AS n FROM users")?.n ?? 0;
    return { items: this.toUsers(rows), total, skip, top };
  }

  /** Creates a user; USER_EXISTS when the username is taken (ignoring case). */
  createUser(input: NewUser): DirectoryUser {
    return this.write(() => {
      checkName("username", input.username);
      const key = nameKey(input.username);
      if (this.userRowByKey(key)) {
        throw new SiqError("USER_EXISTS", `A user named "${input.username}" (ignoring case) already exists; update it instead.`);
      }
      const fields = this.checkedTextFields(input);
      if (input.passwordHash !== undefined) checkHash(input.passwordHash);
      const time = this.timestamp();
      const columns = ["guid", "username", "username_key", ...USER_TEXT_FIELDS.map((f) => COLUMN[f]), "disabled", "password_hash", "must_change_password", "created_at", "updated_at"];
      const values: unknown[] = [
        randomUUID(),
        input.username,
        key,
        ...USER_TEXT_FIELDS.map((f) => fields[f] ?? ""),
        input.disabled === true ? 1 : 0,
        input.passwordHash ?? null,
        input.mustChangePassword === true ? 1 : 0,
        time,
        time,
      ];
      const info = this.run("insertUser", `INSERT INTO users (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`, ...values);
      const id = Number(info.lastInsertRowid);
      if (input.customFields !== undefined) this.writeCustomFields(id, input.customFields);
      for (const group of input.groups ?? []) this.link(id, this.requireGroupRow(group).id);
      return this.requireUserById(id);
    });
  }

  /**
   * Changes the given fields of a user; fields not given stay as they are. Renaming checks the
   * new username is free (ignoring case).
   */
  updateUser(usernameOrGuid: string, changes: UserChanges): DirectoryUser {
    return this.write(() => {
      const row = this.requireUserRow(usernameOrGuid);
      const sets: string[] = [];
      const values: unknown[] = [];
      if (changes.username !== undefined && changes.username !== row.username) {
        checkName("username", changes.username);
        const key = nameKey(changes.username);
        const other = this.userRowByKey(key);
        if (other && other.id !== row.id) {
          throw new SiqError("USER_EXISTS", `A user named "${changes.username}" (ignoring case) already exists; choose another username.`);
        }
        sets.push("username = ?", "username_key = ?");
        values.push(changes.username, key);
      }
      const fields = this.checkedTextFields(changes);
      for (const field of USER_TEXT_FIELDS) {
        const value = fields[field];
        if (value !== undefined) {
          sets.push(`${COLUMN[field]} = ?`);
          values.push(value);
        }
      }
      if (changes.disabled !== undefined) {
        sets.push("disabled = ?");
        values.push(changes.disabled ? 1 : 0);
      }
      if (changes.mustChangePassword !== undefined) {
        sets.push("must_change_password = ?");
        values.push(changes.mustChangePassword ? 1 : 0);
      }
      if (changes.passwordHash !== undefined) {
        if (changes.passwordHash !== null) checkHash(changes.passwordHash);
        sets.push("password_hash = ?");
        values.push(changes.passwordHash);
      }
      if (changes.customFields !== undefined) this.writeCustomFields(row.id, changes.customFields);
      if (sets.length > 0 || changes.customFields !== undefined) {
        sets.push("updated_at = ?");
        values.push(this.timestamp());
        // Column names come from the fixed COLUMN table, never from callers; so the SQL texts are few and cached.
        const sql = `UPDATE users SET ${sets.join(", ")} WHERE id = ?`;
        this.run(sql, sql, ...values, row.id);
      }
      return this.requireUserById(row.id);
    });
  }

  /** Disables a user (the embedded host's DELETE): the account stays, it can no longer sign in. */
  disableUser(usernameOrGuid: string): DirectoryUser {
    return this.updateUser(usernameOrGuid, { disabled: true });
  }

  /** Puts a user in a group; false when already a member. */
  addUserToGroup(usernameOrGuid: string, group: GroupRef): boolean {
    return this.write(() => {
      const user = this.requireUserRow(usernameOrGuid);
      return this.link(user.id, this.requireGroupRow(group).id);
    });
  }

  /** Takes a user out of a group; false when not a member. UNKNOWN_GROUP for a group that does not exist. */
  removeUserFromGroup(usernameOrGuid: string, group: GroupRef): boolean {
    return this.write(() => {
      const user = this.requireUserRow(usernameOrGuid);
      const groupRow = this.requireGroupRow(group);
      const info = this.run("unlinkUser", "DELETE FROM user_groups WHERE user_id = ? AND group_id = ?", user.id, groupRow.id);
      if (info.changes > 0) this.touchUser(user.id);
      return info.changes > 0;
    });
  }

  /**
   * The user when the password matches and the account is enabled; undefined otherwise
   * (unknown user, no password set, wrong password, disabled). Takes about as long either way.
   */
  async verifyPassword(username: string, password: string): Promise<DirectoryUser | undefined> {
    const row = this.userRowByKey(nameKey(username));
    if (!row || row.password_hash === null || row.disabled === 1) {
      await decoyVerify(password);
      return undefined;
    }
    if (!(await verifyPasswordHash(password, row.password_hash))) return undefined;
    return this.getUser(row.guid);
  }

  // ---------------------------------------------------------------- groups

  listGroups(options: PageOptions = {}): Page<DirectoryGroup> {
    const { skip, top } = page(options);
    const rows = this.all<GroupRow>("listGroups", "SELECT * FROM groups ORDER BY name_key, id LIMIT ? OFFSET ?", top, skip);
    const total = this.get<{ n: number }>("countGroups", "SELECT COUNT(*) AS n FROM groups")?.n ?? 0;
    return { items: rows.map((row) => this.toGroup(row)), total, skip, top };
  }

  /** A group by id (number), GUID or name ignoring case (string). */
  getGroup(group: GroupRef): DirectoryGroup | undefined {
    const row = this.groupRow(group);
    return row && this.toGroup(row);
  }

  /** A group's identity and flag only (no roles or member count): the cheap lookup for hot paths. */
  findGroup(group: GroupRef): GroupSummary | undefined {
    const row = this.groupRow(group);
    return row && { id: row.id, guid: row.guid, name: row.name, administrators: row.administrators === 1 };
  }

  addGroup(input: NewGroup): DirectoryGroup {
    return this.write(() => {
      checkName("group name", input.name);
      const key = nameKey(input.name);
      if (this.groupRow(input.name)) {
        throw new SiqError("GROUP_EXISTS", `A group named "${input.name}" (ignoring case) already exists.`);
      }
      const roles = (input.roles ?? []).map((name) => this.requireRoleRow(name));
      const time = this.timestamp();
      const info = this.run(
        "insertGroup",
        "INSERT INTO groups (guid, name, name_key, administrators, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        randomUUID(),
        input.name,
        key,
        input.administrators === true ? 1 : 0,
        time,
        time,
      );
      const id = Number(info.lastInsertRowid);
      for (const role of roles) this.run("linkRole", "INSERT OR IGNORE INTO group_roles (group_id, role_id) VALUES (?, ?)", id, role.id);
      return this.toGroup(this.requireGroupRow(id));
    });
  }

  /** Renames a group, sets its administrators flag, or replaces its roles. */
  updateGroup(group: GroupRef, changes: GroupChanges): DirectoryGroup {
    return this.write(() => {
      const row = this.requireGroupRow(group);
      let changed = false;
      if (changes.name !== undefined && changes.name !== row.name) {
        checkName("group name", changes.name);
        const other = this.groupRow(changes.name);
        if (other && other.id !== row.id) throw new SiqError("GROUP_EXISTS", `A group named "${changes.name}" (ignoring case) already exists.`);
        this.run("renameGroup", "UPDATE groups SET name = ?, name_key = ? WHERE id = ?", changes.name, nameKey(changes.name), row.id);
        changed = true;
      }
      if (changes.administrators !== undefined && changes.administrators !== (row.administrators === 1)) {
        if (!changes.administrators) this.checkNotLastAdminGroup(row, "remove its administrators flag");
        this.run("flagGroup", "UPDATE groups SET administrators = ? WHERE id = ?", changes.administrators ? 1 : 0, row.id);
        changed = true;
      }
      if (changes.roles !== undefined) {
        const roles = changes.roles.map((name) => this.requireRoleRow(name));
        this.run("unlinkRoles", "DELETE FROM group_roles WHERE group_id = ?", row.id);
        for (const role of roles) this.run("linkRole", "INSERT OR IGNORE INTO group_roles (group_id, role_id) VALUES (?, ?)", row.id, role.id);
        changed = true;
      }
      if (changed) this.run("touchGroup", "UPDATE groups SET updated_at = ? WHERE id = ?", this.timestamp(), row.id);
      return this.toGroup(this.requireGroupRow(row.id));
    });
  }

  /** Deletes a group and its memberships; the users stay. */
  deleteGroup(group: GroupRef): void {
    this.write(() => {
      const row = this.requireGroupRow(group);
      if (row.administrators === 1) this.checkNotLastAdminGroup(row, "delete it");
      this.run("deleteGroup", "DELETE FROM groups WHERE id = ?", row.id);
    });
  }

  /** The members of a group, in user id order, a page at a time. */
  groupMembers(group: GroupRef, options: PageOptions = {}): Page<DirectoryUser> {
    const row = this.requireGroupRow(group);
    const { skip, top } = page(options);
    const rows = this.all<UserRow>(
      "groupMembers",
      "SELECT u.* FROM users u JOIN user_groups ug ON ug.user_id = u.id WHERE ug.group_id = ? ORDER BY u.id LIMIT ? OFFSET ?",
      row.id,
      top,
      skip,
    );
    const total = this.get<{ n: number }>("countMembers", "SELECT COUNT(*) AS n FROM user_groups WHERE group_id = ?", row.id)?.n ?? 0;
    return { items: this.toUsers(rows), total, skip, top };
  }

  // ---------------------------------------------------------------- roles

  listRoles(): DirectoryRole[] {
    return this.all<RoleRow>("listRoles", "SELECT * FROM roles ORDER BY name_key, id").map((row) => this.toRole(row));
  }

  getRole(name: string): DirectoryRole | undefined {
    const row = this.roleRow(name);
    return row && this.toRole(row);
  }

  /** Adds a role with permissions (names match ignoring case: `impersonate` is `Impersonate`). */
  addRole(input: NewRole): DirectoryRole {
    return this.write(() => {
      checkName("role name", input.name);
      if (this.roleRow(input.name)) throw new SiqError("ROLE_EXISTS", `A role named "${input.name}" (ignoring case) already exists.`);
      const permissions = (input.permissions ?? []).map(toPermission);
      const info = this.run("insertRole", "INSERT INTO roles (name, name_key, created_at) VALUES (?, ?, ?)", input.name, nameKey(input.name), this.timestamp());
      const id = Number(info.lastInsertRowid);
      for (const permission of permissions) {
        this.run("grant", "INSERT OR IGNORE INTO role_permissions (role_id, permission) VALUES (?, ?)", id, permission);
      }
      return this.toRole(this.get<RoleRow>("roleById", "SELECT * FROM roles WHERE id = ?", id) as RoleRow);
    });
  }

  // ---------------------------------------------------------------- logs

  /** Writes one management log entry (joins the caller's transaction, if any). */
  writeManagementLog(entry: NewManagementLogEntry): ManagementLogEntry {
    return this.write(() => {
      const time = this.timestamp();
      const level = entry.level ?? "info";
      const info = this.run("insertLog", "INSERT INTO management_log (time, level, source, user, message) VALUES (?, ?, ?, ?, ?)", time, level, entry.source, entry.user, entry.message);
      return { id: Number(info.lastInsertRowid), time, level, source: entry.source, user: entry.user, message: entry.message };
    });
  }

  /** Management log entries, oldest first, a page at a time. */
  readManagementLog(options: PageOptions = {}): Page<ManagementLogEntry> {
    const { skip, top } = page(options);
    const items = this.all<LogRow>("readLog", "SELECT * FROM management_log ORDER BY id LIMIT ? OFFSET ?", top, skip);
    const total = this.get<{ n: number }>("countLog", "SELECT COUNT(*) AS n FROM management_log")?.n ?? 0;
    return { items: items.map((row) => ({ ...row })), total, skip, top };
  }

  /**
   * Stores a record before this event-loop turn ends, with the others of the turn in one
   * transaction: a write transaction per record was the largest share of the host's work per
   * request after the network. Reading the audit log (`listAudit`), `dump`, `serialize` and
   * `close` write what is queued first, so nothing queued is lost on a graceful close and this
   * process never reads the log without it. A record that cannot be written is passed to
   * `onError` (the batch is retried record by record first, so one bad record costs no other).
   */
  recordSoon(entry: AuditRecord, onError: (error: unknown, entry: AuditRecord) => void): void {
    this.pendingAudit.push({ entry, onError });
    if (this.pendingAudit.length === 1) setImmediate(this.flushAudit);
  }

  /** Writes the records queued by {@link recordSoon} now. */
  readonly flushAudit = (): void => {
    const batch = this.pendingAudit;
    if (batch.length === 0 || !this.db.open) return;
    this.pendingAudit = [];
    try {
      // The batch's own transaction: no savepoint per record (a failure retries them one by one).
      this.transaction(() => {
        for (const item of batch) this.insertAudit(item.entry);
      });
    } catch {
      for (const item of batch) {
        try {
          this.record(item.entry);
        } catch (error) {
          item.onError(error, item.entry);
        }
      }
    }
  };

  /** AuditSink: stores one record (the caller has masked it). */
  record(entry: AuditRecord): void {
    this.write(() => this.insertAudit(entry));
  }

  private insertAudit(entry: AuditRecord): void {
    this.run(
      "insertAudit",
      "INSERT INTO audit_log (time, event, user, as_user, method, url, status, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      entry.time,
      entry.event,
      entry.user,
      entry.asUser ?? null,
      entry.method ?? null,
      entry.url ?? null,
      entry.status ?? null,
      entry.detail ?? null,
    );
  }

  /** Audit records, oldest first, a page at a time. */
  listAudit(options: PageOptions = {}): Page<StoredAuditRecord> {
    this.flushAudit();
    const { skip, top } = page(options);
    const rows = this.all<AuditRow>("listAudit", "SELECT * FROM audit_log ORDER BY id LIMIT ? OFFSET ?", top, skip);
    const total = this.get<{ n: number }>("countAudit", "SELECT COUNT(*) AS n FROM audit_log")?.n ?? 0;
    return { items: rows.map(toAudit), total, skip, top };
  }

  // ---------------------------------------------------------------- revoked tokens

  /**
   * Records a signed-out token by its id until its expiry (seconds since the epoch), and
   * forgets the revocations of tokens that have expired by `nowSeconds`: an expired token is
   * refused anyway, so the table holds at most the tokens of one token lifetime.
   */
  revokeToken(jti: string, expiresAtSeconds: number, nowSeconds: number): void {
    this.write(() => {
      this.run("purgeRevoked", "DELETE FROM revoked_tokens WHERE expires_at <= ?", nowSeconds);
      this.run("revokeToken", "INSERT OR IGNORE INTO revoked_tokens (jti, expires_at) VALUES (?, ?)", jti, expiresAtSeconds);
    });
  }

  /** True when the token with this id was signed out. */
  isTokenRevoked(jti: string): boolean {
    return this.get("isRevoked", "SELECT 1 FROM revoked_tokens WHERE jti = ?", jti) !== undefined;
  }

  // ---------------------------------------------------------------- snapshots

  /**
   * Every table (schema bookkeeping and SQLite's id counters included) with every row and
   * column, in a fixed order: two dumps are equal exactly when the stored data is.
   */
  dump(): DirectoryDump {
    this.flushAudit();
    const tables = this.db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((row) => row.name);
    const out: DirectoryDump = {};
    for (const table of tables) {
      const quoted = `"${table.replace(/"/g, '""')}"`;
      const columns = this.db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info(${sqlString(table)})`).all();
      const order = columns.map((_, i) => String(i + 1)).join(", ");
      out[table] = this.db.prepare<[], Record<string, unknown>>(`SELECT * FROM ${quoted}${order ? ` ORDER BY ${order}` : ""}`).all();
    }
    return out;
  }

  /** The whole database as bytes; `new Database(bytes)` opens an in-memory copy (for snapshots and tests). */
  serialize(): Buffer {
    this.flushAudit();
    return this.db.serialize();
  }

  // ---------------------------------------------------------------- internals

  private write<T>(fn: () => T): T {
    // Inside an open transaction, join it (better-sqlite3 uses a savepoint); otherwise take the write lock first.
    return this.transaction(fn);
  }

  private timestamp(): string {
    return this.now().toISOString();
  }

  private statement(key: string, sql: string): Database.Statement {
    let statement = this.statements.get(key);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(key, statement);
    }
    return statement;
  }

  private get<T>(key: string, sql: string, ...params: unknown[]): T | undefined {
    return this.statement(key, sql).get(...params) as T | undefined;
  }

  private all<T>(key: string, sql: string, ...params: unknown[]): T[] {
    return this.statement(key, sql).all(...params) as T[];
  }

  private run(key: string, sql: string, ...params: unknown[]): Database.RunResult {
    return this.statement(key, sql).run(...params);
  }

  private userRowByKey(key: string): UserRow | undefined {
    return this.get<UserRow>("userByKey", "SELECT * FROM users WHERE username_key = ?", key);
  }

  private userRow(usernameOrGuid: string): UserRow | undefined {
    if (UUID.test(usernameOrGuid)) {
      const row = this.get<UserRow>("userByGuid", "SELECT * FROM users WHERE guid = ?", usernameOrGuid.toLowerCase());
      if (row) return row;
    }
    return this.userRowByKey(nameKey(usernameOrGuid));
  }

  private requireUserRow(usernameOrGuid: string): UserRow {
    const row = this.userRow(usernameOrGuid);
    if (!row) throw new SiqError("UNKNOWN_USER", `No user "${usernameOrGuid}" (username ignoring case, or GUID) exists in the directory.`);
    return row;
  }

  private requireUserById(id: number): DirectoryUser {
    const row = this.get<UserRow>("userById", "SELECT * FROM users WHERE id = ?", id);
    if (!row) throw new SiqError("INTERNAL", `User ${id} vanished inside its own transaction.`);
    return this.toUsers([row])[0] as DirectoryUser;
  }

  private touchUser(id: number): void {
    this.run("touchUser", "UPDATE users SET updated_at = ? WHERE id = ?", this.timestamp(), id);
  }

  private link(userId: number, groupId: number): boolean {
    const info = this.run("linkUser", "INSERT OR IGNORE INTO user_groups (user_id, group_id) VALUES (?, ?)", userId, groupId);
    if (info.changes > 0) this.touchUser(userId);
    return info.changes > 0;
  }

  private groupRow(group: GroupRef): GroupRow | undefined {
    if (typeof group === "number") return this.get<GroupRow>("groupById", "SELECT * FROM groups WHERE id = ?", group);
    if (UUID.test(group)) {
      const row = this.get<GroupRow>("groupByGuid", "SELECT * FROM groups WHERE guid = ?", group.toLowerCase());
      if (row) return row;
    }
    return this.get<GroupRow>("groupByKey", "SELECT * FROM groups WHERE name_key = ?", nameKey(group));
  }

  private requireGroupRow(group: GroupRef): GroupRow {
    const row = this.groupRow(group);
    if (!row) {
      const what = typeof group === "number" ? `with id ${group}` : `"${group}"`;
      throw new SiqError("UNKNOWN_GROUP", `No group ${what} exists in the directory; create it first (siq directory groups add NAME).`);
    }
    return row;
  }

  private checkNotLastAdminGroup(row: GroupRow, what: string): void {
    const others = this.get<{ n: number }>("otherAdminGroups", "SELECT COUNT(*) AS n FROM groups WHERE administrators = 1 AND id <> ?", row.id)?.n ?? 0;
    if (others === 0) {
      throw new SiqError("LAST_ADMIN_GROUP", `"${row.name}" is the only administrators group; flag another group as administrators before you ${what}.`);
    }
  }

  private roleRow(name: string): RoleRow | undefined {
    return this.get<RoleRow>("roleByKey", "SELECT * FROM roles WHERE name_key = ?", nameKey(name));
  }

  private requireRoleRow(name: string): RoleRow {
    const row = this.roleRow(name);
    if (!row) throw new SiqError("UNKNOWN_ROLE", `No role "${name}" exists in the directory; create it first (siq directory roles add NAME --permission P).`);
    return row;
  }

  private checkedTextFields(input: Partial<Record<UserTextField, string>>): Partial<Record<UserTextField, string>> {
    const out: Partial<Record<UserTextField, string>> = {};
    for (const field of USER_TEXT_FIELDS) {
      const value = input[field];
      if (value === undefined) continue;
      checkFieldText(FIELD_LABEL[field], value);
      if (field === "email" && value !== "") checkEmail(value);
      out[field] = value;
    }
    return out;
  }

  private writeCustomFields(userId: number, fields: CustomFieldsInput): void {
    const pairs: ReadonlyArray<readonly [string, string]> = Array.isArray(fields)
      ? (fields as ReadonlyArray<readonly [string, string]>)
      : Object.entries(fields as Readonly<Record<string, string>>);
    for (const [name, value] of pairs) {
      checkName("custom field name", name);
      checkFieldText(`custom field "${name}"`, value);
      this.run(
        "upsertField",
        `INSERT INTO user_custom_fields (user_id, name_key, name, value) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id, name_key) DO UPDATE SET name = excluded.name, value = excluded.value`,
        userId,
        nameKey(name),
        name,
        value,
      );
    }
  }

  private toUsers(rows: UserRow[]): DirectoryUser[] {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    // One statement per page size (1 for single users, the page size for lists), cached.
    const placeholders = ids.map(() => "?").join(", ");
    const groupsSql = `SELECT ug.user_id, g.name FROM user_groups ug JOIN groups g ON g.id = ug.group_id WHERE ug.user_id IN (${placeholders}) ORDER BY g.name_key, g.id`;
    const fieldsSql = `SELECT user_id, name, value FROM user_custom_fields WHERE user_id IN (${placeholders}) ORDER BY name_key`;
    const groups = this.all<{ user_id: number; name: string }>(groupsSql, groupsSql, ...ids);
    const fields = this.all<{ user_id: number; name: string; value: string }>(fieldsSql, fieldsSql, ...ids);
    return rows.map((row) => {
      const user: DirectoryUser = {
        guid: row.guid,
        id: row.id,
        username: row.username,
        firstName: row.first_name,
        lastName: row.last_name,
        email: row.email,
        addressLine1: row.address_line1,
        addressLine2: row.address_line2,
        city: row.city,
        state: row.state,
        postcode: row.postcode,
        country: row.country,
        jobTitle: row.job_title,
        organisation: row.organisation,
        phone: row.phone,
        theme: row.theme,
        disabled: row.disabled === 1,
        mustChangePassword: row.must_change_password === 1,
        hasPassword: row.password_hash !== null,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        groups: groups.filter((g) => g.user_id === row.id).map((g) => g.name),
        customFields: {},
      };
      // Defined, not assigned: a field named "__proto__" is data like any other, not the object's prototype.
      for (const field of fields) {
        if (field.user_id === row.id) Object.defineProperty(user.customFields, field.name, { value: field.value, enumerable: true, writable: true, configurable: true });
      }
      return user;
    });
  }

  private toGroup(row: GroupRow): DirectoryGroup {
    const roles = this.all<{ name: string }>(
      "groupRoles",
      "SELECT r.name FROM group_roles gr JOIN roles r ON r.id = gr.role_id WHERE gr.group_id = ? ORDER BY r.name_key",
      row.id,
    ).map((r) => r.name);
    const memberCount = this.get<{ n: number }>("countMembers", "SELECT COUNT(*) AS n FROM user_groups WHERE group_id = ?", row.id)?.n ?? 0;
    return {
      id: row.id,
      guid: row.guid,
      name: row.name,
      administrators: row.administrators === 1,
      roles,
      memberCount,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  private toRole(row: RoleRow): DirectoryRole {
    const permissions = this.all<{ permission: Permission }>(
      "rolePermissions",
      "SELECT permission FROM role_permissions WHERE role_id = ? ORDER BY permission",
      row.id,
    ).map((r) => r.permission);
    return { id: row.id, name: row.name, permissions, createdAt: row.created_at };
  }
}

/** The canonical permission for a name given in any case; INVALID_PERMISSION otherwise. */
export function toPermission(name: string): Permission {
  const found = PERMISSIONS.find((permission) => permission.toLowerCase() === name.trim().toLowerCase());
  if (!found) throw new SiqError("INVALID_PERMISSION", `"${name}" is not a permission; use one of ${PERMISSIONS.join(", ")}.`);
  return found;
}

function checkHash(hash: string): void {
  // A plain password passed where a hash belongs must never be stored as if it were one.
  if (!isPasswordHash(hash)) throw new SiqError("INTERNAL", "A password hash is not in the scrypt form; pass the result of hashPassword().");
}

function page(options: PageOptions): { skip: number; top: number } {
  const skip = Number.isFinite(options.skip) ? Math.max(0, Math.floor(options.skip as number)) : 0;
  const top = Number.isFinite(options.top) ? Math.min(MAX_TOP, Math.max(0, Math.floor(options.top as number))) : DEFAULT_TOP;
  return { skip, top };
}

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function toAudit(row: AuditRow): StoredAuditRecord {
  const out: StoredAuditRecord = { id: row.id, time: row.time, event: row.event, user: row.user };
  if (row.as_user !== null) out.asUser = row.as_user;
  if (row.method !== null) out.method = row.method;
  if (row.url !== null) out.url = row.url;
  if (row.status !== null) out.status = row.status;
  if (row.detail !== null) out.detail = row.detail;
  return out;
}
