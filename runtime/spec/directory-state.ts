/**
 * The user directory of a spec: a new in-memory SQLite directory (bootstrapped as a real one is,
 * with the Administrator role, the Administrators group and the user admin) plus the spec's
 * roles, groups and users; and the checks of `expect.directory` against it after the run.
 *
 * Bootstrapping hashes the admin password with scrypt, which is slow on purpose, so the first
 * spec builds a bootstrapped database and every later one opens a copy of its bytes.
 */
import Database from "better-sqlite3";
import type { ExpectedUser, SpecDirectory } from "../../schemas/spec";
import type { Clock } from "../context";
import { directoryOnDatabase, nameKey, openDirectory, type DirectoryUser, type SqliteDirectory, type UserChanges } from "../directory";
import { SiqError } from "../errors";
import type { PathSegment } from "../pipeline/problems";
import { describeActual, matchValue, type MatchContext, type Mismatch } from "./matchers";

/** The admin's password in a spec's directory (specs never log in with it; it only has to exist). */
const SPEC_ADMIN_PASSWORD = "spec-admin-password-not-secret";

let template: Buffer | undefined;

/** A new bootstrapped in-memory directory whose timestamps come from the clock. */
export function openSpecDirectory(clock: Pick<Clock, "now">): SqliteDirectory {
  if (!template) {
    const fresh = openDirectory({ file: ":memory:", env: {}, adminPassword: SPEC_ADMIN_PASSWORD, clock }).directory;
    template = fresh.serialize();
    fresh.close();
  }
  return directoryOnDatabase(new Database(template), { file: ":memory:", env: {}, clock }).directory;
}

export interface StateProblem {
  path: PathSegment[];
  message: string;
}

const FIELD_NAMES = [
  "firstName",
  "lastName",
  "email",
  "jobTitle",
  "organisation",
  "phone",
  "addressLine1",
  "addressLine2",
  "city",
  "state",
  "postcode",
  "country",
  "theme",
] as const;

/**
 * Adds the spec's roles, groups and users, in that order. A group or user that the bootstrap
 * made already (Administrators, admin) is changed instead. Returns a problem for each entry the
 * directory refuses (unknown role or group, invalid name or email, ...).
 */
export function applyDirectoryState(directory: SqliteDirectory, state: SpecDirectory | undefined): StateProblem[] {
  const problems: StateProblem[] = [];
  if (!state) return problems;
  const attempt = (path: PathSegment[], fn: () => void) => {
    try {
      directory.transaction(fn);
    } catch (error) {
      if (!(error instanceof SiqError)) throw error;
      problems.push({ path, message: error.message });
    }
  };
  state.roles?.forEach((role, i) => {
    attempt(["directory", "roles", i], () => {
      if (directory.getRole(role.name)) throw new SiqError("ROLE_EXISTS", `the role "${role.name}" is already in a new directory; give your role another name`);
      directory.addRole({ name: role.name, permissions: role.permissions ?? [] });
    });
  });
  state.groups?.forEach((group, i) => {
    attempt(["directory", "groups", i], () => {
      if (directory.findGroup(group.name)) {
        directory.updateGroup(group.name, {
          ...(group.administrators !== undefined ? { administrators: group.administrators } : {}),
          ...(group.roles !== undefined ? { roles: group.roles } : {}),
        });
      } else {
        directory.addGroup({ name: group.name, administrators: group.administrators ?? false, roles: group.roles ?? [] });
      }
    });
  });
  state.users?.forEach((user, i) => {
    attempt(["directory", "users", i], () => {
      const fields: Partial<Record<(typeof FIELD_NAMES)[number], string>> = {};
      for (const name of FIELD_NAMES) if (user[name] !== undefined) fields[name] = user[name];
      const existing = directory.getUserByUsername(user.username);
      if (existing) {
        const changes: UserChanges = { ...fields };
        if (user.disabled !== undefined) changes.disabled = user.disabled;
        if (user.mustChangePassword !== undefined) changes.mustChangePassword = user.mustChangePassword;
        if (user.customFields !== undefined) changes.customFields = user.customFields;
        directory.updateUser(existing.guid, changes);
        if (user.groups !== undefined) {
          for (const group of existing.groups) directory.removeUserFromGroup(existing.guid, group);
          for (const group of user.groups) addToGroup(directory, existing.guid, group);
        }
        return;
      }
      const created = directory.createUser({
        username: user.username,
        ...fields,
        disabled: user.disabled ?? false,
        mustChangePassword: user.mustChangePassword ?? false,
        ...(user.customFields !== undefined ? { customFields: user.customFields } : {}),
      });
      for (const group of user.groups ?? []) addToGroup(directory, created.guid, group);
    });
  });
  return problems;
}

function addToGroup(directory: SqliteDirectory, guid: string, group: string): void {
  if (!directory.findGroup(group)) throw new SiqError("UNKNOWN_GROUP", `the group "${group}" is not in the directory; add it under directory.groups`);
  directory.addUserToGroup(guid, group);
}

/** One difference in the directory after the run, with its path (`directory.users["jdoe"].groups`). */
export interface StateMismatch extends Mismatch {
  path: PathSegment[];
}

const CHECKED_FIELDS = [...FIELD_NAMES, "disabled", "mustChangePassword", "hasPassword", "customFields", "guid", "id"] as const;

/**
 * Each listed user's state: existence, the exact set of groups (SPEC rule 17: names ignore
 * case, order does not matter) and the listed fields. Unlisted users are not checked.
 */
export function checkDirectoryUsers(directory: SqliteDirectory, expected: readonly ExpectedUser[]): StateMismatch[] {
  const out: StateMismatch[] = [];
  const context = directoryContext(directory);
  for (const wanted of expected) {
    const base: PathSegment[] = ["directory", "users", wanted.username];
    const user = directory.getUser(wanted.username);
    if (wanted.exists === false) {
      if (user) out.push({ path: base, expected: "no such user", actual: `the user "${user.username}" (ID ${user.id})` });
      continue;
    }
    if (!user) {
      out.push({ path: base, expected: "the user to exist", actual: "no such user" });
      continue;
    }
    if (wanted.groups !== undefined) checkGroups(wanted.groups, user, [...base, "groups"], out);
    for (const field of CHECKED_FIELDS) {
      if (wanted[field] !== undefined) matchValue(wanted[field], user[field], out, [...base, field], context);
    }
  }
  return out;
}

/** Matchers look users up in this directory (`$userGuid`). */
export function directoryContext(directory: SqliteDirectory): MatchContext {
  return { userGuid: (username) => directory.findUser(username)?.guid };
}

function checkGroups(wanted: readonly string[], user: DirectoryUser, path: PathSegment[], out: StateMismatch[]): void {
  const actualKeys = new Set(user.groups.map(nameKey));
  const wantedKeys = new Set(wanted.map(nameKey));
  const missing = wanted.filter((name) => !actualKeys.has(nameKey(name)));
  const extra = user.groups.filter((name) => !wantedKeys.has(nameKey(name)));
  if (missing.length === 0 && extra.length === 0) return;
  const notes = [
    missing.length > 0 ? `missing ${missing.map((n) => JSON.stringify(n)).join(", ")}` : "",
    extra.length > 0 ? `not expected ${extra.map((n) => JSON.stringify(n)).join(", ")}` : "",
  ].filter((note) => note !== "");
  out.push({ path, expected: describeActual([...wanted].sort(byName)), actual: `${describeActual(user.groups)} (${notes.join("; ")})` });
}

function byName(a: string, b: string): number {
  return a.localeCompare(b, "en", { sensitivity: "base" });
}
