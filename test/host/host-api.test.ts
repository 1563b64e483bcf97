/** The embedded host's API over real HTTP (loopback): auth, permissions, impersonation, formats, paging, limits. */
import { XMLParser } from "fast-xml-parser";
import { hashPassword } from "../../runtime/directory";
import { TEST_ADMIN_PASSWORD } from "../helpers/test-directory";
import { addUser, startTestHost, type TestHost } from "./helpers/test-host";

let t: TestHost;
let admin: string;

beforeEach(async () => {
  t = await startTestHost();
  admin = t.tokenFor("admin");
});
afterEach(async () => {
  await t.close();
});

/** A dump without the audit log (which every request adds to). */
function withoutAudit(dump: Record<string, Array<Record<string, unknown>>>) {
  const { audit_log: _audit, sqlite_sequence: sequence = [], ...rest } = dump;
  return { ...rest, sqlite_sequence: sequence.filter((row) => row.name !== "audit_log") };
}

function lastAudit() {
  const page = t.directory.listAudit({ top: 1000 });
  return page.items[page.items.length - 1];
}

describe("login", () => {
  test("gives a token that works, and never a password hash", async () => {
    const login = await t.call("POST", "/api/v1/admin/login/forms", { body: { username: "ADMIN", password: TEST_ADMIN_PASSWORD } });
    expect(login.status).toBe(200);
    expect(login.json.authorizationToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(new Date(login.json.expiresAt).getTime() - t.clock.now().getTime()).toBe(3600_000);
    const me = await t.call("GET", "/api/v1/admin/users/name/admin", { token: login.json.authorizationToken });
    expect(me.status).toBe(200);
    expect(me.json.username).toBe("admin");
    expect(me.json.hasPassword).toBe(true);
    expect(me.text).not.toMatch(/scrypt|passwordHash|password_hash/);
    expect(lastAudit()).toMatchObject({ event: "host.request", user: "admin", method: "GET", url: "/api/v1/admin/users/name/admin", status: 200 });
  });

  test("a wrong password is 401 CREDENTIALS_INVALID, audited without the password", async () => {
    const answer = await t.call("POST", "/api/v1/admin/login/forms", { body: { username: "admin", password: "wrong-password-123" } });
    expect(answer.status).toBe(401);
    expect(answer.json.error.code).toBe("CREDENTIALS_INVALID");
    expect(lastAudit()).toMatchObject({ event: "host.login", user: "admin", status: 401, detail: "CREDENTIALS_INVALID" });
    expect(JSON.stringify(t.directory.listAudit({ top: 1000 }))).not.toContain("wrong-password-123");
    expect(JSON.stringify(t.logs)).not.toContain("wrong-password-123");
  });

  test("logout revokes the bearer token it is called with: 204, then 401 TOKEN_REVOKED; both calls audited", async () => {
    const login = await t.call("POST", "/api/v1/admin/login/forms", { body: { username: "admin", password: TEST_ADMIN_PASSWORD } });
    const token = login.json.authorizationToken as string;
    const out = await t.call("POST", "/api/v1/admin/logout", { token });
    expect(out.status).toBe(204);
    expect(lastAudit()).toMatchObject({ event: "host.request", user: "admin", method: "POST", url: "/api/v1/admin/logout", status: 204 });
    const after = await t.call("GET", "/api/v1/admin/users/name/admin", { token });
    expect(after.status).toBe(401);
    expect(after.json.error.code).toBe("TOKEN_REVOKED");
    expect(lastAudit()).toMatchObject({ status: 401, detail: "TOKEN_REVOKED" });
    // Signing out twice is refused like any call with a revoked token; other tokens still work.
    expect((await t.call("POST", "/api/v1/admin/logout", { token })).status).toBe(401);
    expect((await t.call("GET", "/api/v1/admin/users/name/admin", { token: admin })).status).toBe(200);
    expect((await t.call("POST", "/api/v1/admin/logout")).json.error.code).toBe("AUTH_REQUIRED");
  });

  test("a disabled user cannot log in, even with the right password", async () => {
    t.directory.createUser({ username: "gone", passwordHash: await hashPassword("Right-Pass-99") });
    const before = await t.call("POST", "/api/v1/admin/login/forms", { body: { username: "gone", password: "Right-Pass-99" } });
    expect(before.status).toBe(200);
    t.directory.disableUser("gone");
    const answer = await t.call("POST", "/api/v1/admin/login/forms", { body: { username: "gone", password: "Right-Pass-99" } });
    expect(answer.status).toBe(401);
    expect(answer.json.error.code).toBe("CREDENTIALS_INVALID");
  });

  test("the body must be exactly { username, password }", async () => {
    const answer = await t.call("POST", "/api/v1/admin/login/forms", { body: { username: "admin", password: "x", remember: true } });
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe("BODY_INVALID");
    expect(answer.json.error.message).toContain('"remember"');
  });
});

describe("repeated failed logins", () => {
  test("lock the username with 429 and Retry-After, before the password is checked; the lock runs out", async () => {
    await t.close();
    t = await startTestHost({ login: { perUsername: { freeFailures: 2, baseLockMs: 4000 } } });
    const attempt = (password: string) => t.call("POST", "/api/v1/admin/login/forms", { body: { username: "admin", password } });
    expect((await attempt("bad-1")).status).toBe(401);
    expect((await attempt("bad-2")).status).toBe(401);
    expect((await attempt("bad-3")).status).toBe(401); // third failure: locks for 4 s
    const locked = await attempt(TEST_ADMIN_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.json.error.code).toBe("LOGIN_LOCKED");
    expect(locked.headers.get("retry-after")).toBe("4");
    t.clock.advance(4000);
    expect((await attempt(TEST_ADMIN_PASSWORD)).status).toBe(200);
  });

  test("lock a client address that tries many usernames", async () => {
    await t.close();
    t = await startTestHost({ login: { perAddress: { freeFailures: 2, baseLockMs: 60_000 } } });
    for (const name of ["u1", "u2", "u3"]) {
      expect((await t.call("POST", "/api/v1/admin/login/forms", { body: { username: name, password: "guess-123" } })).status).toBe(401);
    }
    const locked = await t.call("POST", "/api/v1/admin/login/forms", { body: { username: "admin", password: TEST_ADMIN_PASSWORD } });
    expect(locked.status).toBe(429);
    expect(locked.json.error.message).toContain("from your address");
    expect(locked.headers.get("retry-after")).toBe("60");
  });
});

describe("bearer tokens", () => {
  test.each([
    ["no Authorization header", undefined, "AUTH_REQUIRED"],
    ["a Basic header", "Basic YWRtaW46eA==", "AUTH_REQUIRED"],
    ["a garbled token", "Bearer not.a.token", "TOKEN_INVALID"],
    ["an unsigned (alg none) token", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "TOKEN_INVALID"],
  ])("%s is 401 %s, audited as anonymous", async (_what, header, code) => {
    const answer = await t.call("GET", "/api/v1/admin/users", { headers: header === undefined ? {} : { authorization: header } });
    expect(answer.status).toBe(401);
    expect(answer.json.error.code).toBe(code);
    expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(lastAudit()).toMatchObject({ user: "anonymous", method: "GET", url: "/api/v1/admin/users", status: 401, detail: code });
  });

  test("a token signed with another key is refused", async () => {
    const other = await startTestHost();
    try {
      const answer = await t.call("GET", "/api/v1/admin/users", { token: other.tokenFor("admin") });
      expect(answer.status).toBe(401);
      expect(answer.json.error.code).toBe("TOKEN_INVALID");
    } finally {
      await other.close();
    }
  });

  test("a token expires after its lifetime (fake clock)", async () => {
    expect((await t.call("GET", "/api/v1/admin/users", { token: admin })).status).toBe(200);
    t.clock.advance(3599_000);
    expect((await t.call("GET", "/api/v1/admin/users", { token: admin })).status).toBe(200);
    t.clock.advance(1000);
    const expired = await t.call("GET", "/api/v1/admin/users", { token: admin });
    expect(expired.status).toBe(401);
    expect(expired.json.error.code).toBe("TOKEN_EXPIRED");
  });

  test("the lifetime is configurable", async () => {
    await t.close();
    t = await startTestHost({ tokenLifetimeSeconds: 60 });
    const token = t.tokenFor("admin");
    t.clock.advance(60_000);
    expect((await t.call("GET", "/api/v1/admin/users", { token })).json.error.code).toBe("TOKEN_EXPIRED");
  });

  test("the token of a user disabled since the login is refused", async () => {
    addUser(t.directory, "temp");
    const token = t.tokenFor("temp");
    expect((await t.call("GET", "/api/v1/admin/users", { token })).status).toBe(200);
    t.directory.disableUser("temp");
    const refused = await t.call("GET", "/api/v1/admin/users", { token });
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe("ACCOUNT_DISABLED");
  });
});

describe("permissions", () => {
  beforeEach(() => addUser(t.directory, "reader"));

  test.each([
    ["POST", "/api/v1/admin/users", { username: "x" }],
    ["PATCH", "/api/v1/admin/users/{guid}", { firstName: "X" }],
    ["DELETE", "/api/v1/admin/users/{guid}", undefined],
    ["POST", "/api/v1/admin/groups", { name: "G" }],
    ["POST", "/api/v1/admin/groups/ensure", { names: ["G"] }],
    ["PATCH", "/api/v1/admin/groups/Administrators", { name: "G" }],
    ["DELETE", "/api/v1/admin/groups/Administrators", undefined],
    ["POST", "/api/v1/admin/roles", { name: "R" }],
    ["GET", "/api/v1/admin/audit", undefined],
  ])("%s %s needs ManageUsers (403 PERMISSION_DENIED, nothing changed)", async (method, path, body) => {
    const guid = t.directory.findUser("admin")?.guid as string;
    const before = t.directory.dump();
    const answer = await t.call(method, path.replace("{guid}", guid), { token: t.tokenFor("reader"), ...(body ? { body } : {}) });
    expect(answer.status).toBe(403);
    expect(answer.json.error.code).toBe("PERMISSION_DENIED");
    expect(answer.json.error.message).toContain("ManageUsers");
    expect(withoutAudit(t.directory.dump())).toEqual(withoutAudit(before));
  });

  test("reading users, groups and roles needs only a token", async () => {
    const token = t.tokenFor("reader");
    for (const path of ["/api/v1/admin/users", "/api/v1/admin/groups", "/api/v1/admin/roles", "/api/v1/admin/groups/Administrators/users"]) {
      expect((await t.call("GET", path, { token })).status).toBe(200);
    }
  });

  test("a ManageUsers user who is not an administrator cannot touch administrators or their group", async () => {
    t.directory.addRole({ name: "Helpdesk", permissions: ["ManageUsers"] });
    t.directory.addGroup({ name: "Support", roles: ["Helpdesk"] });
    addUser(t.directory, "helper", ["Support"]);
    const token = t.tokenFor("helper");
    const adminGuid = t.directory.findUser("admin")?.guid as string;
    const cases: Array<[string, string, unknown, string]> = [
      ["POST", "/api/v1/admin/users", { username: "sneaky", groups: ["Administrators"] }, "ADMIN_GROUP_DENIED"],
      ["PATCH", `/api/v1/admin/users/${adminGuid}`, { email: "x@example.com" }, "ADMIN_USER_DENIED"],
      ["PATCH", `/api/v1/admin/users/${t.directory.findUser("reader")?.guid}`, { groups: ["Administrators"] }, "ADMIN_GROUP_DENIED"],
      ["POST", "/api/v1/admin/groups", { name: "Admins 2", administrators: true }, "ADMIN_GROUP_DENIED"],
      ["PATCH", "/api/v1/admin/groups/Administrators", { roles: [] }, "ADMIN_GROUP_DENIED"],
    ];
    for (const [method, path, body, code] of cases) {
      const answer = await t.call(method, path, { token, body });
      expect([path, answer.status, answer.json.error.code]).toEqual([path, 403, code]);
    }
    expect(t.directory.findUser("sneaky")).toBeUndefined();
    // What the helper may do:
    const ok = await t.call("POST", "/api/v1/admin/users", { token, body: { username: "newbie", groups: ["Support"] } });
    expect(ok.status).toBe(201);
  });
});

describe("users", () => {
  test("create, read by GUID and name, change, disable", async () => {
    t.directory.addGroup({ name: "Sales" });
    t.directory.addGroup({ name: "Support" });
    const created = await t.call("POST", "/api/v1/admin/users", {
      token: admin,
      body: { username: "jdoe", firstName: "Jane", email: "jdoe@example.com", password: "Pass-word-1", groups: ["Sales"], customFields: { Employee: "42" } },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe(`/api/v1/admin/users/${created.json.guid}`);
    expect(created.json).toMatchObject({ username: "jdoe", firstName: "Jane", groups: ["Sales"], customFields: { Employee: "42" }, hasPassword: true });
    expect(created.text).not.toContain("Pass-word-1");

    const byGuid = await t.call("GET", `/api/v1/admin/users/${created.json.guid}`, { token: admin });
    expect(byGuid.json.username).toBe("jdoe");
    const byName = await t.call("GET", "/api/v1/admin/users/name/JDOE", { token: admin });
    expect(byName.json.guid).toBe(created.json.guid);

    const changed = await t.call("PATCH", `/api/v1/admin/users/${created.json.guid}`, { token: admin, body: { lastName: "Doe", groups: ["Support"] } });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ firstName: "Jane", lastName: "Doe", groups: ["Support"] });

    const disabled = await t.call("DELETE", `/api/v1/admin/users/${created.json.guid}`, { token: admin });
    expect(disabled.status).toBe(200);
    expect(disabled.json.disabled).toBe(true);
    expect(t.directory.findUser("jdoe")?.disabled).toBe(true);
  });

  test.each([
    ["an unknown property", { username: "a", isAdmin: true }, 400, "BODY_INVALID"],
    ["a missing username", { email: "a@example.com" }, 400, "BODY_INVALID"],
    ["a wrong type", { username: "a", disabled: "yes" }, 400, "BODY_INVALID"],
    ["an invalid email", { username: "a", email: "not-an-email" }, 400, "INVALID_EMAIL"],
    ["an unknown group", { username: "a", groups: ["Nope"] }, 400, "UNKNOWN_GROUP"],
    ["a taken username", { username: "ADMIN" }, 409, "USER_EXISTS"],
  ])("%s is refused (%i %s) and nothing is created", async (_what, body, status, code) => {
    const before = t.directory.listUsers().total;
    const answer = await t.call("POST", "/api/v1/admin/users", { token: admin, body });
    expect([answer.status, answer.json.error.code]).toEqual([status, code]);
    expect(typeof answer.json.error.message).toBe("string");
    expect(t.directory.listUsers().total).toBe(before);
  });

  test("unknown users are 404 UNKNOWN_USER", async () => {
    for (const path of ["/api/v1/admin/users/00000000-0000-4000-8000-000000000000", "/api/v1/admin/users/admin", "/api/v1/admin/users/name/nobody"]) {
      const answer = await t.call("GET", path, { token: admin });
      expect([path, answer.status, answer.json.error.code]).toEqual([path, 404, "UNKNOWN_USER"]);
    }
  });

  test("nobody can disable the account they call with", async () => {
    const guid = t.directory.findUser("admin")?.guid as string;
    const answer = await t.call("DELETE", `/api/v1/admin/users/${guid}`, { token: admin });
    expect(answer.status).toBe(409);
    expect(answer.json.error.code).toBe("SELF_DISABLE_DENIED");
    expect(t.directory.findUser("admin")?.disabled).toBe(false);
  });
});

describe("groups and roles", () => {
  test("create a role and a group with it, list members, rename, delete", async () => {
    const role = await t.call("POST", "/api/v1/admin/roles", { token: admin, body: { name: "Helpdesk", permissions: ["Impersonate"] } });
    expect(role.status).toBe(201);
    expect(role.json).toMatchObject({ name: "Helpdesk", permissions: ["Impersonate"] });
    const group = await t.call("POST", "/api/v1/admin/groups", { token: admin, body: { name: "Desk", administrators: false, roles: ["Helpdesk"] } });
    expect(group.status).toBe(201);
    expect(group.json).toMatchObject({ name: "Desk", roles: ["Helpdesk"], administrators: false });
    addUser(t.directory, "ann", ["Desk"]);
    const members = await t.call("GET", `/api/v1/admin/groups/${group.json.id}/users`, { token: admin });
    expect(members.json.items.map((u: { username: string }) => u.username)).toEqual(["ann"]);
    const renamed = await t.call("PATCH", `/api/v1/admin/groups/${group.json.id}`, { token: admin, body: { name: "Service Desk" } });
    expect(renamed.json.name).toBe("Service Desk");
    const deleted = await t.call("DELETE", `/api/v1/admin/groups/${encodeURIComponent("Service Desk")}`, { token: admin });
    expect(deleted.status).toBe(204);
    expect(t.directory.getGroup("Service Desk")).toBeUndefined();
    expect(t.directory.findUser("ann")).toBeDefined();
  });

  test("a permission that does not exist is refused by the schema", async () => {
    const answer = await t.call("POST", "/api/v1/admin/roles", { token: admin, body: { name: "R", permissions: ["Root"] } });
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe("BODY_INVALID");
  });

  test("ensure creates only the missing groups, and reports the rest", async () => {
    t.directory.addGroup({ name: "Sales" });
    const answer = await t.call("POST", "/api/v1/admin/groups/ensure", { token: admin, body: { names: ["sales", "Support", "support"] } });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ created: ["Support"], existing: ["Sales"] });
    const again = await t.call("POST", "/api/v1/admin/groups/ensure", { token: admin, body: { names: ["Sales", "Support"] } });
    expect(again.json).toEqual({ created: [], existing: ["Sales", "Support"] });
  });
});

describe("X-As-User", () => {
  beforeEach(() => {
    t.directory.addRole({ name: "Impersonators", permissions: ["Impersonate"] });
    t.directory.addGroup({ name: "Integrations", roles: ["Impersonators"] });
    addUser(t.directory, "robot", ["Integrations"]);
    addUser(t.directory, "jdoe");
    addUser(t.directory, "ghost", [], { disabled: true });
  });

  test("is honoured for a caller with Impersonate: the request runs as that user, and both are audited", async () => {
    const jdoe = t.directory.findUser("jdoe")?.guid as string;
    const answer = await t.call("GET", "/api/v1/admin/users/name/jdoe", { token: t.tokenFor("robot"), headers: { "x-as-user": jdoe } });
    expect(answer.status).toBe(200);
    expect(lastAudit()).toMatchObject({ user: "robot", asUser: "jdoe", method: "GET", url: "/api/v1/admin/users/name/jdoe", status: 200 });
    // Permission checks use the impersonated user: the admin acting as jdoe cannot create users.
    const denied = await t.call("POST", "/api/v1/admin/users", { token: admin, headers: { "x-as-user": "jdoe" }, body: { username: "new" } });
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe("PERMISSION_DENIED");
    expect(denied.json.error.message).toContain('"jdoe" (impersonated by "admin")');
    expect(lastAudit()).toMatchObject({ user: "admin", asUser: "jdoe", method: "POST", status: 403, detail: "PERMISSION_DENIED" });
  });

  test("a non-administrator with Impersonate may not act as an administrator (ManageUsers plus Impersonate is no way up)", async () => {
    const answer = await t.call("GET", "/api/v1/admin/users", { token: t.tokenFor("robot"), headers: { "x-as-user": "admin" } });
    expect(answer.status).toBe(403);
    expect(answer.json.error.code).toBe("IMPERSONATION_DENIED");
    expect(answer.json.error.message).toContain("only administrators may act as administrators");
    expect(lastAudit()).toMatchObject({ user: "robot", asUser: "admin", status: 403, detail: "IMPERSONATION_DENIED" });
  });

  test("is refused without Impersonate, and the denial is audited with both names", async () => {
    const answer = await t.call("GET", "/api/v1/admin/users", { token: t.tokenFor("jdoe"), headers: { "x-as-user": "admin" } });
    expect(answer.status).toBe(403);
    expect(answer.json.error.code).toBe("IMPERSONATION_DENIED");
    expect(lastAudit()).toMatchObject({ user: "jdoe", asUser: "admin", method: "GET", url: "/api/v1/admin/users", status: 403, detail: "IMPERSONATION_DENIED" });
  });

  test.each([
    ["an unknown user", "nobody", "IMPERSONATED_USER_NOT_FOUND", "no user has that username or GUID"],
    ["a disabled user", "ghost", "IMPERSONATED_USER_DISABLED", "disabled"],
  ])("is refused for %s (%s)", async (_what, asUser, code, text) => {
    const answer = await t.call("GET", "/api/v1/admin/users", { token: t.tokenFor("robot"), headers: { "x-as-user": asUser } });
    expect(answer.status).toBe(403);
    expect(answer.json.error.code).toBe(code);
    expect(answer.json.error.message).toContain(text);
    expect(lastAudit()).toMatchObject({ user: "robot", asUser, status: 403 });
  });
});

describe("?format=xml", () => {
  test("answers XML with a root element and one element per item, escaped", async () => {
    t.directory.createUser({ username: "o'brien", firstName: `<b>&"x"</b>`, customFields: { "Cost centre": "A&B <1>" } });
    const answer = await t.call("GET", "/api/v1/admin/users?format=xml&top=5", { token: admin });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^application\/xml/);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false, isArray: (name) => name === "User" }).parse(answer.text);
    expect(parsed.Users["@total"]).toBe("2");
    expect(parsed.Users.User.map((u: { Username: string }) => u.Username)).toEqual(["admin", "o'brien"]);
    expect(parsed.Users.User[1].FirstName).toBe(`<b>&"x"</b>`);
    expect(parsed.Users.User[1].CustomFields.Field).toEqual({ "@name": "Cost centre", "#text": "A&B <1>" });
    expect(answer.text).toContain("&lt;b&gt;&amp;");
  });

  test("errors come as XML too", async () => {
    const answer = await t.call("GET", "/api/v1/admin/users/name/nobody?format=xml", { token: admin });
    expect(answer.status).toBe(404);
    expect(answer.text).toContain("<Error>");
    expect(answer.text).toContain("<Code>UNKNOWN_USER</Code>");
  });

  test("JSON otherwise", async () => {
    const answer = await t.call("GET", "/api/v1/admin/roles", { token: admin });
    expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
    expect(answer.json.items[0].name).toBe("Administrator");
  });
});

describe("pagination", () => {
  test("following _links.next pages through every user exactly once", async () => {
    for (let i = 1; i <= 24; i++) addUser(t.directory, `user${String(i).padStart(2, "0")}`);
    const seen: string[] = [];
    let next: string | undefined = "/api/v1/admin/users?top=7";
    let pages = 0;
    while (next) {
      const answer = await t.call("GET", new URL(next, t.host.url).pathname + new URL(next, t.host.url).search, { token: admin });
      expect(answer.status).toBe(200);
      expect(answer.json.total).toBe(25);
      seen.push(...answer.json.items.map((u: { username: string }) => u.username));
      next = answer.json._links.next;
      pages++;
    }
    expect(pages).toBe(4);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen[0]).toBe("admin");
  });

  test("the XML format is kept in next links", async () => {
    addUser(t.directory, "second");
    const answer = await t.call("GET", "/api/v1/admin/users?format=xml&top=1", { token: admin });
    expect(answer.text).toContain("<Next>/api/v1/admin/users?format=xml&amp;skip=1&amp;top=1</Next>");
  });

  test.each([["top=0"], ["top=1001"], ["skip=-1"], ["top=abc"], ["page=2"]])("a bad query (%s) is 400 QUERY_INVALID", async (query) => {
    const answer = await t.call("GET", `/api/v1/admin/users?${query}`, { token: admin });
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe("QUERY_INVALID");
  });
});

describe("request limits and errors", () => {
  test("a body over the limit is 413 BODY_TOO_LARGE", async () => {
    await t.close();
    t = await startTestHost({ bodyLimitBytes: 10_000 });
    const answer = await t.call("POST", "/api/v1/admin/users", { token: t.tokenFor("admin"), body: { username: "big", firstName: "x".repeat(20_000) } });
    expect(answer.status).toBe(413);
    expect(answer.json.error.code).toBe("BODY_TOO_LARGE");
  });

  test("the default limit is 1 MB", async () => {
    const answer = await t.call("POST", "/api/v1/inbox/big", { token: admin, raw: JSON.stringify({ x: "y".repeat(1024 * 1024) }), headers: { "content-type": "application/json" } });
    expect(answer.status).toBe(413);
    const users = await t.call("POST", "/api/v1/admin/users", { token: admin, raw: JSON.stringify({ username: "u", firstName: "y".repeat(1024 * 1024) }), headers: { "content-type": "application/json" } });
    expect(users.status).toBe(413);
  });

  test.each([
    ["invalid JSON", "{ nope", "application/json", 400, "BODY_INVALID"],
    ["text/plain", "username=x", "text/plain", 415, "MEDIA_TYPE_UNSUPPORTED"],
    ["a JSON prototype key", '{"username":"x","__proto__":{"admin":true}}', "application/json", 400, "BODY_INVALID"],
  ])("%s is refused with a JSON error", async (_what, raw, type, status, code) => {
    const answer = await t.call("POST", "/api/v1/admin/users", { token: admin, raw, headers: { "content-type": type } });
    expect([answer.status, answer.json.error.code]).toEqual([status, code]);
  });

  test("an unknown endpoint is 404 NOT_FOUND", async () => {
    const answer = await t.call("GET", "/api/v1/admin/nothing", { token: admin });
    expect(answer.status).toBe(404);
    expect(answer.json.error.code).toBe("NOT_FOUND");
  });
});

describe("request log", () => {
  test("one JSON-ready line per request, with the user and no token or password", async () => {
    await t.call("POST", "/api/v1/admin/login/forms", { body: { username: "admin", password: TEST_ADMIN_PASSWORD } });
    await t.call("GET", "/api/v1/admin/users?access_token=leaky-token-value", { token: admin });
    expect(t.logs).toHaveLength(2);
    expect(t.logs[0]).toMatchObject({ event: "request", method: "POST", url: "/api/v1/admin/login/forms", status: 200, user: "admin", level: "info" });
    expect(t.logs[1]).toMatchObject({ method: "GET", url: "/api/v1/admin/users?access_token=***", status: 400, user: "admin" });
    // Every value but the host's own parameters' is masked, whatever its name.
    await t.call("GET", "/api/v1/admin/users?top=5&skip=0&format=json&x=a-secret-by-any-name", { token: admin });
    expect(t.logs[2]?.url).toBe("/api/v1/admin/users?top=5&skip=0&format=json&x=***");
    expect(typeof t.logs[0]?.durationMs).toBe("number");
    const text = JSON.stringify(t.logs) + JSON.stringify(t.directory.listAudit({ top: 1000 }));
    expect(text).not.toContain(TEST_ADMIN_PASSWORD);
    expect(text).not.toContain(admin);
    expect(text).not.toContain("leaky-token-value");
  });
});

describe("inbox", () => {
  test("keeps JSON with time and caller, and gives it back", async () => {
    addUser(t.directory, "poster");
    const posted = await t.call("POST", "/api/v1/inbox/new-starters", { token: t.tokenFor("poster"), body: { username: "jdoe", tags: ["a", "b"] } });
    expect(posted.status).toBe(201);
    expect(posted.json).toEqual({ id: 1, topic: "new-starters", receivedAt: t.clock.now().toISOString(), user: "poster" });
    const read = await t.call("GET", "/api/v1/inbox/new-starters", { token: admin });
    expect(read.json.items).toEqual([{ id: 1, topic: "new-starters", receivedAt: t.clock.now().toISOString(), user: "poster", body: { username: "jdoe", tags: ["a", "b"] } }]);
    expect((await t.call("POST", "/api/v1/inbox/x", { body: {} })).status).toBe(401);
    const badTopic = await t.call("POST", "/api/v1/inbox/-x", { token: admin, body: {} });
    expect([badTopic.status, badTopic.json.error.code]).toEqual([400, "PATH_INVALID"]);
  });

  test("a message over 64 KB is 413", async () => {
    const answer = await t.call("POST", "/api/v1/inbox/t", { token: admin, body: { x: "y".repeat(70_000) } });
    expect(answer.status).toBe(413);
  });
});

describe("what every answer goes through (the host's hooks)", () => {
  test("allowed, refused and unknown calls all carry no-store and nosniff, and each is audited once with its caller", async () => {
    const calls = [
      ["GET", "/api/v1/admin/users", admin, 200, "admin"],
      ["GET", "/api/v1/admin/users", undefined, 401, "anonymous"],
      ["GET", "/api/v1/admin/users", "not.a.token", 401, "anonymous"],
      ["GET", "/api/v1/admin/nothing", admin, 404, "admin"],
      ["GET", "/api/v1/admin/nothing", undefined, 404, "anonymous"],
    ] as const;
    const before = t.directory.listAudit({ top: 1000 }).total;
    for (const [method, path, token, status] of calls) {
      const answer = await t.call(method, path, token === undefined ? {} : { token });
      expect([path, answer.status, answer.headers.get("cache-control"), answer.headers.get("x-content-type-options")]).toEqual([path, status, "no-store", "nosniff"]);
    }
    const audit = t.directory.listAudit({ top: 1000 }).items.slice(before);
    expect(audit.map((record) => [record.url, record.status, record.user])).toEqual(calls.map(([, path, , status, user]) => [path, status, user]));
  });

  test("a request log that throws neither changes the answer nor stops the host", async () => {
    const host = await startTestHost({
      requestLog: () => {
        throw new Error("log sink down");
      },
    });
    try {
      const token = host.tokenFor("admin");
      for (let i = 0; i < 2; i++) expect((await host.call("GET", "/api/v1/admin/users", { token })).status).toBe(200);
      expect(host.directory.listAudit({ top: 1000 }).items.filter((record) => record.url === "/api/v1/admin/users")).toHaveLength(2);
    } finally {
      await host.close();
    }
  });
});
