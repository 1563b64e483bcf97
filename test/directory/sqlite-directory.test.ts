import { hashPassword, type PasswordHash, type SqliteDirectory } from "../../runtime/directory";
import { TEST_NOW, openTestDirectory } from "../helpers/test-directory";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let directory: SqliteDirectory;
beforeAll(() => {
  directory = openTestDirectory();
});
afterAll(() => directory.close());

/** Runs a test body in a transaction that is always rolled back, so each test starts from the bootstrap state. */
function isolated(body: () => void): () => void {
  return () => {
    const rollback = new Error("rollback");
    expect(() =>
      directory.transaction(() => {
        body();
        throw rollback;
      }),
    ).toThrow(rollback);
  };
}

function expectUnchanged(change: () => unknown, code: string): void {
  const before = JSON.stringify(directory.dump());
  expect(change).toThrow(expect.objectContaining({ code }));
  expect(JSON.stringify(directory.dump())).toBe(before);
}

describe("users", () => {
  test(
    "createUser stores every field and returns the full user",
    isolated(() => {
      directory.addGroup({ name: "Sales" });
      const user = directory.createUser({
        username: "JDoe",
        firstName: "Jane",
        lastName: "Doe",
        email: "jdoe@example.com",
        addressLine1: "1 Main St",
        addressLine2: "Level 2",
        city: "Perth",
        state: "WA",
        postcode: "6000",
        country: "Australia",
        jobTitle: "Engineer",
        organisation: "Example",
        phone: "+61 8 0000 0000",
        theme: "dark.css",
        disabled: false,
        mustChangePassword: true,
        customFields: [["Department", "R&D"], ["Cost Centre", "42"]],
        groups: ["sales"],
      });
      expect(user).toEqual({
        guid: expect.stringMatching(GUID),
        id: 2,
        username: "JDoe",
        firstName: "Jane",
        lastName: "Doe",
        email: "jdoe@example.com",
        addressLine1: "1 Main St",
        addressLine2: "Level 2",
        city: "Perth",
        state: "WA",
        postcode: "6000",
        country: "Australia",
        jobTitle: "Engineer",
        organisation: "Example",
        phone: "+61 8 0000 0000",
        theme: "dark.css",
        disabled: false,
        mustChangePassword: true,
        hasPassword: false,
        createdAt: TEST_NOW.toISOString(),
        updatedAt: TEST_NOW.toISOString(),
        groups: ["Sales"],
        customFields: { "Cost Centre": "42", Department: "R&D" },
      });
      expect(directory.getUser("jdoe")).toEqual(user);
      expect(directory.getUser(user.guid.toUpperCase())).toEqual(user);
      expect(directory.findUser("JDOE")).toEqual({ guid: user.guid, id: 2, username: "JDoe", disabled: false });
      expect(directory.findUser("nobody")).toBeUndefined();
    }),
  );

  test.each([
    ["jdoe", "JDOE"],
    ["Élodie", "élodie"],
    ["straße", "STRASSE".toLowerCase() === "strasse" ? "Straße" : "Straße"],
  ])("usernames are unique ignoring case: %s then %s", (first, second) => {
    isolated(() => {
      directory.createUser({ username: first });
      expectUnchanged(() => directory.createUser({ username: second }), "USER_EXISTS");
    })();
  });

  test.each([
    [{ username: "" }, "INVALID_NAME"],
    [{ username: " jdoe" }, "INVALID_NAME"],
    [{ username: "j\ndoe" }, "INVALID_NAME"],
    [{ username: "jdoe", email: "not-an-address" }, "INVALID_EMAIL"],
    [{ username: "jdoe", city: "x".repeat(4001) }, "INVALID_FIELD"],
    [{ username: "jdoe", customFields: [["", "v"]] as Array<[string, string]> }, "INVALID_NAME"],
    [{ username: "jdoe", groups: ["No Such Group"] }, "UNKNOWN_GROUP"],
    [{ username: "jdoe", passwordHash: "plain-text-password" as PasswordHash }, "INTERNAL"],
  ])("createUser %j fails with %s and changes nothing", (input, code) => {
    expectUnchanged(() => directory.createUser(input), code);
  });

  test(
    "updateUser changes only what it is given, merges custom fields, renames",
    isolated(() => {
      const created = directory.createUser({ username: "jdoe", firstName: "Jane", email: "a@example.com", customFields: { A: "1", B: "2" } });
      const updated = directory.updateUser("JDOE", { lastName: "Doe", customFields: [["b", "3"], ["C", "4"]] });
      expect(updated).toMatchObject({ firstName: "Jane", lastName: "Doe", email: "a@example.com", customFields: { A: "1", b: "3", C: "4" } });
      const renamed = directory.updateUser(created.guid, { username: "jane.doe" });
      expect(renamed.guid).toBe(created.guid);
      expect(directory.findUser("jdoe")).toBeUndefined();
      expect(directory.findUser("JANE.DOE")?.id).toBe(created.id);
      // A rename that differs only in case is allowed (it is the same user).
      expect(directory.updateUser("jane.doe", { username: "Jane.Doe" }).username).toBe("Jane.Doe");
    }),
  );

  test(
    "updateUser refuses a username taken by another user, an unknown user, and an invalid email",
    isolated(() => {
      directory.createUser({ username: "one" });
      directory.createUser({ username: "two" });
      expectUnchanged(() => directory.updateUser("two", { username: "ONE" }), "USER_EXISTS");
      expectUnchanged(() => directory.updateUser("three", { firstName: "x" }), "UNKNOWN_USER");
      expectUnchanged(() => directory.updateUser("two", { email: "two@" }), "INVALID_EMAIL");
    }),
  );

  test("passwords: set, verify, remove; disabled users cannot sign in", async () => {
    // Async work cannot run inside `isolated`, so this test has a directory of its own.
    const own = openTestDirectory();
    const hash = await hashPassword("S3cret-Passw0rd");
    const user = own.createUser({ username: "pw-user", passwordHash: hash });
    expect(user.hasPassword).toBe(true);
    expect(JSON.stringify(user)).not.toContain(hash);
    expect(await own.verifyPassword("PW-USER", "S3cret-Passw0rd")).toMatchObject({ guid: user.guid });
    expect(await own.verifyPassword("pw-user", "wrong")).toBeUndefined();
    expect(await own.verifyPassword("nobody", "S3cret-Passw0rd")).toBeUndefined();
    own.disableUser(user.guid);
    expect(await own.verifyPassword("pw-user", "S3cret-Passw0rd")).toBeUndefined();
    own.updateUser(user.guid, { disabled: false, passwordHash: null });
    expect(own.getUser(user.guid)?.hasPassword).toBe(false);
    expect(await own.verifyPassword("pw-user", "S3cret-Passw0rd")).toBeUndefined();
    own.close();
  });

  test(
    "listUsers pages in id order with a total",
    isolated(() => {
      for (let i = 1; i <= 5; i++) directory.createUser({ username: `user${i}` });
      const all = directory.listUsers();
      expect(all.total).toBe(6);
      expect(all.items.map((u) => u.username)).toEqual(["admin", "user1", "user2", "user3", "user4", "user5"]);
      const page = directory.listUsers({ skip: 2, top: 2 });
      expect(page).toMatchObject({ total: 6, skip: 2, top: 2 });
      expect(page.items.map((u) => u.username)).toEqual(["user2", "user3"]);
      expect(directory.listUsers({ skip: -5, top: 5000 })).toMatchObject({ skip: 0, top: 1000 });
      expect(directory.listUsers({ top: 0 }).items).toEqual([]);
    }),
  );

  test(
    "group membership: add, add again, remove, remove again, unknown group",
    isolated(() => {
      directory.addGroup({ name: "Support" });
      directory.createUser({ username: "jdoe" });
      expect(directory.addUserToGroup("jdoe", "SUPPORT")).toBe(true);
      expect(directory.addUserToGroup("jdoe", "support")).toBe(false);
      expect(directory.getUser("jdoe")?.groups).toEqual(["Support"]);
      expect(directory.removeUserFromGroup("jdoe", "Support")).toBe(true);
      expect(directory.removeUserFromGroup("jdoe", "Support")).toBe(false);
      expectUnchanged(() => directory.addUserToGroup("jdoe", "Nope"), "UNKNOWN_GROUP");
      expectUnchanged(() => directory.addUserToGroup("nobody", "Support"), "UNKNOWN_USER");
    }),
  );
});

describe("groups and roles", () => {
  test(
    "a role's permissions reach the members of groups that hold it, and only enabled members",
    isolated(() => {
      const role = directory.addRole({ name: "Helpdesk", permissions: ["impersonate"] });
      expect(role.permissions).toEqual(["Impersonate"]);
      directory.addGroup({ name: "Desk", roles: ["helpdesk"] });
      const user = directory.createUser({ username: "agent", groups: ["Desk"] });
      expect(directory.hasPermission(user.guid, "Impersonate")).toBe(true);
      expect(directory.hasPermission(user.guid, "ManageUsers")).toBe(false);
      expect(directory.permissionsOf(user.guid)).toEqual(["Impersonate"]);
      expect(directory.isAdministrator(user.guid)).toBe(false);
      directory.disableUser("agent");
      expect(directory.hasPermission(user.guid, "Impersonate")).toBe(false);
      expect(directory.hasPermission("not-a-guid", "Impersonate")).toBe(false);
    }),
  );

  test(
    "addGroup, updateGroup (rename, flag, roles), groupMembers",
    isolated(() => {
      directory.addRole({ name: "Managers", permissions: ["ManageUsers"] });
      const group = directory.addGroup({ name: "Team" });
      expect(group).toMatchObject({ id: 2, guid: expect.stringMatching(GUID), name: "Team", administrators: false, roles: [], memberCount: 0 });
      const changed = directory.updateGroup(group.id, { name: "Team A", administrators: true, roles: ["managers", "Administrator"] });
      expect(changed).toMatchObject({ name: "Team A", administrators: true, roles: ["Administrator", "Managers"] });
      expect(directory.getGroup(group.guid)?.name).toBe("Team A");
      expect(directory.getGroup("team a")?.id).toBe(group.id);
      expect(directory.findGroup("TEAM A")).toEqual({ id: group.id, guid: group.guid, name: "Team A", administrators: true });
      expect(directory.findGroup("nope")).toBeUndefined();
      for (let i = 0; i < 3; i++) directory.createUser({ username: `m${i}`, groups: ["Team A"] });
      const members = directory.groupMembers("Team A", { skip: 1, top: 1 });
      expect(members.total).toBe(3);
      expect(members.items.map((u) => u.username)).toEqual(["m1"]);
      expect(directory.isAdministrator(directory.findUser("m0")?.guid ?? "")).toBe(true);
      expect(directory.listGroups().items.map((g) => g.name)).toEqual(["Administrators", "Team A"]);
    }),
  );

  test.each([
    [() => directory.addGroup({ name: "administrators" }), "GROUP_EXISTS"],
    [() => directory.addGroup({ name: "X", roles: ["Nope"] }), "UNKNOWN_ROLE"],
    [() => directory.addGroup({ name: "" }), "INVALID_NAME"],
    [() => directory.addRole({ name: "ADMINISTRATOR" }), "ROLE_EXISTS"],
    [() => directory.addRole({ name: "R", permissions: ["Impersonate", "FlyPlanes"] }), "INVALID_PERMISSION"],
    [() => directory.updateGroup("Nope", { administrators: true }), "UNKNOWN_GROUP"],
    [() => directory.updateGroup("Administrators", { administrators: false }), "LAST_ADMIN_GROUP"],
    [() => directory.deleteGroup("Administrators"), "LAST_ADMIN_GROUP"],
    [() => directory.deleteGroup(999), "UNKNOWN_GROUP"],
    [() => directory.groupMembers("Nope"), "UNKNOWN_GROUP"],
  ])("%s fails with %s and changes nothing", (change, code) => {
    expectUnchanged(change, code);
  });

  test(
    "deleteGroup removes its memberships (foreign keys cascade) and keeps the users",
    isolated(() => {
      directory.addGroup({ name: "Temp" });
      directory.createUser({ username: "member", groups: ["Temp"] });
      directory.deleteGroup("Temp");
      expect(directory.getUser("member")?.groups).toEqual([]);
      expect(directory.dump().user_groups).toHaveLength(1); // only admin's
    }),
  );

  test(
    "the last administrators group can be removed once another exists",
    isolated(() => {
      directory.addGroup({ name: "Admins 2", administrators: true });
      directory.deleteGroup("Administrators");
      expect(directory.getGroup("Administrators")).toBeUndefined();
    }),
  );
});

describe("logs", () => {
  test(
    "management log: written in order, read in pages",
    isolated(() => {
      for (let i = 0; i < 3; i++) directory.writeManagementLog({ source: "Create User", user: "admin", message: `step ${i}` });
      directory.writeManagementLog({ level: "warning", source: "x", user: "admin", message: "careful" });
      const all = directory.readManagementLog();
      expect(all.total).toBe(4);
      expect(all.items.map((e) => e.message)).toEqual(["step 0", "step 1", "step 2", "careful"]);
      expect(all.items[3]).toMatchObject({ level: "warning", time: TEST_NOW.toISOString() });
      expect(directory.readManagementLog({ skip: 3 }).items).toHaveLength(1);
    }),
  );

  test(
    "audit log keeps every field and its type",
    isolated(() => {
      directory.record({ time: "2026-03-01T09:00:00.000Z", event: "impersonate", user: "admin", asUser: "jdoe", method: "GET", url: "/api/v1/x", status: 200 });
      directory.record({ time: "2026-03-01T09:00:01.000Z", event: "login", user: "jdoe", status: "denied", detail: "wrong password" });
      const page = directory.listAudit();
      expect(page.items).toEqual([
        { id: 1, time: "2026-03-01T09:00:00.000Z", event: "impersonate", user: "admin", asUser: "jdoe", method: "GET", url: "/api/v1/x", status: 200 },
        { id: 2, time: "2026-03-01T09:00:01.000Z", event: "login", user: "jdoe", status: "denied", detail: "wrong password" },
      ]);
      expect(directory.listAudit({ skip: 1, top: 1 }).items.map((r) => r.id)).toEqual([2]);
    }),
  );
});

describe("transactions and dumps", () => {
  test("a throw rolls back every write inside, nested ones included, id counters too", () => {
    const before = JSON.stringify(directory.dump());
    expect(() =>
      directory.transaction(() => {
        directory.addGroup({ name: "G" });
        directory.createUser({ username: "u", groups: ["G"] });
        directory.transaction(() => directory.writeManagementLog({ source: "s", user: "admin", message: "m" }));
        directory.record({ time: "t", event: "e", user: "admin" });
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(JSON.stringify(directory.dump())).toBe(before);
    expect(directory.inTransaction).toBe(false);
  });

  test("a nested failure that is caught leaves the outer transaction's other writes", () => {
    const result = directory.transaction(() => {
      directory.addGroup({ name: "Kept" });
      expect(() => directory.addGroup({ name: "Bad", roles: ["Nope"] })).toThrow(expect.objectContaining({ code: "UNKNOWN_ROLE" }));
      return directory.listGroups().items.map((g) => g.name);
    });
    expect(result).toEqual(["Administrators", "Kept"]);
    directory.deleteGroup("Kept");
  });

  test("a transaction function may not be async", () => {
    const before = JSON.stringify(directory.dump());
    expect(() => directory.transaction(() => Promise.resolve(1))).toThrow();
    expect(JSON.stringify(directory.dump())).toBe(before);
  });

  test("dump lists every table in a fixed order, and differs when anything changes", () => {
    const dump = directory.dump();
    expect(Object.keys(dump)).toEqual([
      "audit_log",
      "bulk_row_commits",
      "directory_meta",
      "group_roles",
      "groups",
      "management_log",
      "revoked_tokens",
      "role_permissions",
      "roles",
      "schema_migrations",
      "sqlite_sequence",
      "user_custom_fields",
      "user_groups",
      "users",
    ]);
    expect(JSON.stringify(directory.dump())).toBe(JSON.stringify(dump));
    isolated(() => {
      directory.updateUser("admin", { theme: "blue.css" });
      expect(JSON.stringify(directory.dump())).not.toBe(JSON.stringify(dump));
    })();
  });
});
