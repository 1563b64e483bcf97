import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import {
  ADMIN_USERNAME,
  ADMINISTRATORS_GROUP,
  ADMINISTRATOR_ROLE,
  LATEST_VERSION,
  directoryFile,
  openDirectory,
} from "../../runtime/directory";
import { MIGRATIONS, migrate, type Migration } from "../../runtime/directory/migrations";
import { TEST_ADMIN_PASSWORD, openTestDirectory } from "../helpers/test-directory";

let tempDir: string;
beforeEach(() => {
  tempDir = mkdtempSync(join(tmpdir(), "siq-directory-"));
});
afterEach(() => {
  rmSync(tempDir, { recursive: true, force: true });
});

describe("directoryFile", () => {
  test.each([
    [{ file: ":memory:" }, ":memory:"],
    [{ file: "x/d.sqlite", cwd: "/base" }, "/base/x/d.sqlite"],
    [{ dataDir: "/data", cwd: "/base" }, "/data/directory.sqlite"],
    [{ env: { SIQ_DATA_DIR: "/env-data" }, cwd: "/base" }, "/env-data/directory.sqlite"],
    [{ env: {}, cwd: "/base" }, "/base/.siq/directory.sqlite"],
    [{ env: { SIQ_DATA_DIR: "" }, cwd: "/base" }, "/base/.siq/directory.sqlite"],
    [{ dataDir: "rel", env: { SIQ_DATA_DIR: "/ignored" }, cwd: "/base" }, "/base/rel/directory.sqlite"],
  ])("%j gives %s", (options, expected) => {
    expect(directoryFile(options)).toBe(expected);
  });
});

describe("first open", () => {
  test("creates the folder and file, in WAL mode, at the latest schema", () => {
    const dataDir = join(tempDir, "nested", "data");
    const { directory, createdAdminPassword } = openDirectory({ dataDir, env: {} });
    try {
      expect(directory.file).toBe(join(dataDir, "directory.sqlite"));
      expect(existsSync(directory.file)).toBe(true);
      expect(createdAdminPassword).toEqual(expect.any(String));
    } finally {
      directory.close();
    }
    const db = new Database(join(dataDir, "directory.sqlite"), { readonly: true });
    try {
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      const versions = db.prepare("SELECT version FROM schema_migrations ORDER BY version").all() as Array<{ version: number }>;
      expect(versions.map((v) => v.version)).toEqual(Array.from({ length: LATEST_VERSION }, (_, i) => i + 1));
    } finally {
      db.close();
    }
  });

  test("creates the Administrator role, the Administrators group and admin in it", async () => {
    const directory = openTestDirectory();
    const role = directory.getRole(ADMINISTRATOR_ROLE);
    expect(role?.permissions).toEqual(["Impersonate", "ManageUsers"]);
    const group = directory.getGroup(ADMINISTRATORS_GROUP);
    expect(group).toMatchObject({ administrators: true, roles: [ADMINISTRATOR_ROLE], memberCount: 1 });
    const admin = directory.getUser(ADMIN_USERNAME);
    expect(admin).toMatchObject({ username: "admin", groups: [ADMINISTRATORS_GROUP], disabled: false, hasPassword: true, id: 1 });
    expect(directory.isAdministrator(admin?.guid ?? "")).toBe(true);
    expect(directory.hasPermission(admin?.guid ?? "", "ManageUsers")).toBe(true);
    expect(directory.hasPermission(admin?.guid ?? "", "Impersonate")).toBe(true);
    expect(await directory.verifyPassword("ADMIN", TEST_ADMIN_PASSWORD)).toMatchObject({ username: "admin" });
    directory.close();
  });

  test("takes the password from SIQ_ADMIN_PASSWORD and then returns none", async () => {
    const { directory, createdAdminPassword } = openDirectory({ file: ":memory:", env: { SIQ_ADMIN_PASSWORD: "from-the-env-1" } });
    expect(createdAdminPassword).toBeUndefined();
    expect(await directory.verifyPassword("admin", "from-the-env-1")).toBeDefined();
    directory.close();
  });

  test("the adminPassword option wins over SIQ_ADMIN_PASSWORD", async () => {
    const { directory } = openDirectory({ file: ":memory:", adminPassword: "from-option-1", env: { SIQ_ADMIN_PASSWORD: "from-the-env-1" } });
    expect(await directory.verifyPassword("admin", "from-option-1")).toBeDefined();
    expect(await directory.verifyPassword("admin", "from-the-env-1")).toBeUndefined();
    directory.close();
  });

  test("a generated password is returned once and verifies; reopening does not bootstrap again", async () => {
    const file = join(tempDir, "d.sqlite");
    const first = openDirectory({ file, env: {} });
    const password = first.createdAdminPassword ?? "";
    expect(password).toHaveLength(16);
    expect(await first.directory.verifyPassword("admin", password)).toBeDefined();
    // Renaming admin must not bring a new admin back on the next open.
    first.directory.updateUser("admin", { username: "root" });
    const before = first.directory.dump();
    first.directory.close();

    const second = openDirectory({ file, env: {} });
    expect(second.createdAdminPassword).toBeUndefined();
    expect(second.directory.dump()).toEqual(before);
    expect(second.directory.findUser("admin")).toBeUndefined();
    second.directory.close();
  });
});

describe("migrations", () => {
  const extra: Migration = { version: LATEST_VERSION + 1, name: "test column", sql: "ALTER TABLE users ADD COLUMN nickname TEXT NOT NULL DEFAULT ''" };

  test("apply pending steps in order, once", () => {
    const db = new Database(":memory:");
    const now = () => new Date("2026-01-01T00:00:00Z");
    expect(migrate(db, now)).toEqual(MIGRATIONS.map((migration) => migration.version));
    expect(migrate(db, now)).toEqual([]);
    expect(migrate(db, now, [...MIGRATIONS, extra])).toEqual([extra.version]);
    const columns = db.prepare("SELECT name FROM pragma_table_info('users')").all() as Array<{ name: string }>;
    expect(columns.map((c) => c.name)).toContain("nickname");
    db.close();
  });

  test("a failing step rolls back whole and reports DIRECTORY_VERSION", () => {
    const db = new Database(":memory:");
    const now = () => new Date("2026-01-01T00:00:00Z");
    migrate(db, now);
    const broken: Migration = { version: LATEST_VERSION + 1, name: "broken", sql: "CREATE TABLE half (x); INSERT INTO nowhere VALUES (1);" };
    expect(() => migrate(db, now, [broken])).toThrow(expect.objectContaining({ code: "DIRECTORY_VERSION" }));
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect((db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number }).v).toBe(LATEST_VERSION);
    db.close();
  });

  test("a file from a newer version is refused, not touched", () => {
    const file = join(tempDir, "newer.sqlite");
    openDirectory({ file, env: {} }).directory.close();
    const db = new Database(file);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 'x')").run(LATEST_VERSION + 5);
    db.close();
    expect(() => openDirectory({ file, env: {} })).toThrow(expect.objectContaining({ code: "DIRECTORY_VERSION" }));
  });
});

test("an unopenable path fails with a clear code", () => {
  const file = join(tempDir, "is-a-dir");
  mkdirSync(file);
  expect(() => openDirectory({ file, env: {} })).toThrow(expect.objectContaining({ code: "FILE_NOT_FOUND" }));
});
