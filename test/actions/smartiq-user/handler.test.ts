import { smartiqUserAction } from "../../../actions/smartiq-user";
import { RUN_SIGNAL, type ActionContext } from "../../../runtime/context";
import type { BoundInput, BoundInputs } from "../../../runtime/definition";
import { hashPassword, type SqliteDirectory } from "../../../runtime/directory";
import { SiqError } from "../../../runtime/errors";
import { buildActionContext, type ActionContextOverrides, type TestActionContext } from "../../helpers/action-context";
import { openTestDirectory } from "../../helpers/test-directory";

const handler = smartiqUserAction.handler;

let directory: SqliteDirectory;
beforeEach(() => {
  directory = openTestDirectory();
  for (const name of ["GroupA", "GroupB", "GroupC", "Sales", "Support", "Clerks"]) directory.addGroup({ name });
  directory.addGroup({ name: "Super Admins", administrators: true });
  directory.createUser({ username: "clerk", groups: ["Clerks"] });
});
afterEach(() => directory.close());

function inputs(values: Record<string, BoundInput>): BoundInputs {
  return new Map(Object.entries(values));
}

function contextFor(overrides: ActionContextOverrides = {}): TestActionContext {
  return buildActionContext({ directory, ...overrides });
}

async function run(values: Record<string, BoundInput>, overrides: ActionContextOverrides = {}) {
  const test = contextFor(overrides);
  const outcome = await handler(inputs(values), test.context);
  return { ...test, outcome, outputs: outcome.outputs };
}

describe("creating a user", () => {
  test("every field, custom fields and groups; outputs describe the new user", async () => {
    const { outputs, messages } = await run({
      "Preferred Username": "jdoe",
      "Update Existing User": false,
      "First Name": "Jane",
      "Last Name": "Doe",
      Email: "jdoe@example.com",
      "Job Title": "Engineer",
      Organisation: "Example Pty Ltd",
      "Phone Number": "+61 8 0000 0000",
      "Address Line 1": "1 Main St",
      "Address Line 2": "Level 2",
      City: "Perth",
      State: "WA",
      Postcode: "6000",
      Country: "Australia",
      "Custom Fields": [["Department", "R&D"], ["Cost Centre", "42"]],
      Theme: "dark.css",
      "Groups to Add": "Sales\nSupport",
    });
    const user = directory.getUser("jdoe");
    expect(outputs).toEqual({
      "Existing User Updated": false,
      Password: "",
      "User Guid": user?.guid,
      "User ID": user?.id,
      Username: "jdoe",
    });
    expect(user).toMatchObject({
      firstName: "Jane",
      lastName: "Doe",
      email: "jdoe@example.com",
      jobTitle: "Engineer",
      organisation: "Example Pty Ltd",
      phone: "+61 8 0000 0000",
      addressLine1: "1 Main St",
      addressLine2: "Level 2",
      city: "Perth",
      state: "WA",
      postcode: "6000",
      country: "Australia",
      theme: "dark.css",
      disabled: false,
      mustChangePassword: false,
      hasPassword: false,
      groups: ["Sales", "Support"],
      customFields: { "Cost Centre": "42", Department: "R&D" },
    });
    expect(messages).toEqual([]);
  });

  test("the seed's example: GroupA|GroupB|GroupC turned into lines puts the user in all three", async () => {
    // What =Replace([q37.GroupName], "|", chr(10)) gives for the repeat rows GroupA, GroupB, GroupC.
    const groupsToAdd = "GroupA|GroupB|GroupC".replace(/\|/g, String.fromCharCode(10));
    await run({ "Preferred Username": "seeduser", "Update Existing User": true, "Groups to Add": groupsToAdd });
    expect(directory.getUser("seeduser")?.groups).toEqual(["GroupA", "GroupB", "GroupC"]);
  });

  test("line lists ignore blank lines, surrounding spaces, CRLF and case", async () => {
    await run({ "Preferred Username": "u1", "Update Existing User": true, "Groups to Add": "\r\n  groupa \r\n\r\nGROUPB\t\n\n  " });
    expect(directory.getUser("u1")?.groups).toEqual(["GroupA", "GroupB"]);
  });

  test("a pipe-joined list that was not split names the group and says how to split it", async () => {
    const error = await run({ "Preferred Username": "u2", "Update Existing User": true, "Groups to Add": "GroupA|GroupB|GroupC" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "UNKNOWN_GROUP", input: "Groups to Add" });
    expect((error as SiqError).message).toContain('"GroupA|GroupB|GroupC"');
    expect((error as SiqError).message).toContain('=Replace([q37.GroupName], "|", chr(10))');
  });

  test.each([
    ["pairs from the binder", [["A", "1"], ["B", "x=y"]] as Array<[string, string]>],
    ["an object", { A: "1", B: "x=y" }],
    ["name=value lines", "A=1\n\n  B = x=y  \n"],
  ])("Custom Fields as %s", async (_label, customFields) => {
    await run({ "Preferred Username": "cf", "Update Existing User": true, "Custom Fields": customFields as BoundInput });
    expect(directory.getUser("cf")?.customFields).toEqual({ A: "1", B: "x=y" });
  });

  test("Disabled and Reset Password on Next Login are stored", async () => {
    await run({ "Preferred Username": "off", "Update Existing User": true, Disabled: true, "Reset Password on Next Login": true });
    expect(directory.getUser("off")).toMatchObject({ disabled: true, mustChangePassword: true });
  });
});

describe("updating a user", () => {
  beforeEach(() => {
    directory.createUser({ username: "JDoe", firstName: "Jane", email: "old@example.com", customFields: { Keep: "me", Change: "old" }, groups: ["Sales", "Support"] });
  });

  test("matches ignoring case, changes only non-blank inputs, keeps the stored username", async () => {
    const before = directory.getUser("jdoe");
    const { outputs } = await run({
      "Preferred Username": "JDOE",
      "Update Existing User": true,
      "First Name": "",
      "Last Name": "Doe",
      Email: "new@example.com",
      "Custom Fields": [["change", "new"]],
    });
    expect(outputs).toEqual({ "Existing User Updated": true, Password: "", "User Guid": before?.guid, "User ID": before?.id, Username: "JDoe" });
    expect(directory.getUser("jdoe")).toMatchObject({
      username: "JDoe",
      firstName: "Jane",
      lastName: "Doe",
      email: "new@example.com",
      customFields: { Keep: "me", change: "new" },
      groups: ["Sales", "Support"],
    });
    expect(directory.listUsers().total).toBe(3);
  });

  test("Groups to Remove runs before Groups to Add", async () => {
    await run({ "Preferred Username": "jdoe", "Update Existing User": true, "Groups to Remove": "Sales\nSupport\nNo Such Group", "Groups to Add": "Support\nGroupA" });
    // Support was removed and then added back: removal came first.
    expect(directory.getUser("jdoe")?.groups).toEqual(["GroupA", "Support"]);
  });

  test("Disabled false enables the account again", async () => {
    directory.disableUser("jdoe");
    await run({ "Preferred Username": "jdoe", "Update Existing User": true, Disabled: false });
    expect(directory.getUser("jdoe")?.disabled).toBe(false);
  });

  test("an administrator may change an administrator and admin group membership", async () => {
    await run({ "Preferred Username": "jdoe", "Update Existing User": true, "Groups to Add": "Super Admins" });
    expect(directory.isAdministrator(directory.getUser("jdoe")?.guid ?? "")).toBe(true);
    await run({ "Preferred Username": "jdoe", "Update Existing User": true, "Groups to Remove": "super admins", "First Name": "J" });
    expect(directory.getUser("jdoe")).toMatchObject({ groups: ["Sales", "Support"], firstName: "J" });
  });

  test("a non-administrator may change ordinary users and ordinary groups", async () => {
    await run({ "Preferred Username": "jdoe", "Update Existing User": true, "Groups to Add": "GroupA", "Groups to Remove": "Sales" }, { user: "clerk" });
    expect(directory.getUser("jdoe")?.groups).toEqual(["GroupA", "Support"]);
  });
});

describe("passwords", () => {
  test("Password sets that password and is the output", async () => {
    const { outputs } = await run({ "Preferred Username": "pw", "Update Existing User": true, Password: "Given-Passw0rd!" });
    expect(outputs.Password).toBe("Given-Passw0rd!");
    expect(await directory.verifyPassword("pw", "Given-Passw0rd!")).toBeDefined();
  });

  test("Password wins over Reset Password", async () => {
    const { outputs } = await run({ "Preferred Username": "pw", "Update Existing User": true, Password: "Given-Passw0rd!", "Reset Password": true });
    expect(outputs.Password).toBe("Given-Passw0rd!");
    expect(await directory.verifyPassword("pw", "Given-Passw0rd!")).toBeDefined();
  });

  test("Reset Password generates one by the host's policy, which verifies", async () => {
    const policy = { length: 24, minNonAlphanumeric: 6 };
    const test = contextFor();
    test.context.settings = { ...test.context.settings, passwordPolicy: policy };
    const { outputs } = await handler(inputs({ "Preferred Username": "gen", "Update Existing User": true, "Reset Password": true }), test.context);
    const password = outputs.Password as string;
    expect(password).toHaveLength(24);
    expect([...password].filter((c) => !/[A-Za-z0-9]/.test(c)).length).toBeGreaterThanOrEqual(6);
    expect(await directory.verifyPassword("gen", password)).toBeDefined();
    expect(test.context.redactor.maskText(`x ${password} y`)).toBe("x *** y");
  });

  test("an invalid policy fails with INVALID_PASSWORD_POLICY and changes nothing", async () => {
    const test = contextFor();
    test.context.settings = { ...test.context.settings, passwordPolicy: { length: 4, minNonAlphanumeric: 0 } };
    const before = JSON.stringify(directory.dump());
    await expect(handler(inputs({ "Preferred Username": "gen", "Update Existing User": true, "Reset Password": true }), test.context)).rejects.toMatchObject({
      code: "INVALID_PASSWORD_POLICY",
      action: "Create User",
    });
    expect(JSON.stringify(directory.dump())).toBe(before);
  });

  test("a blank Password with Reset Password false assigns none; an update keeps the old one", async () => {
    directory.createUser({ username: "keep", passwordHash: await hashPassword("Old-Passw0rd") });
    const { outputs } = await run({ "Preferred Username": "keep", "Update Existing User": true, Password: "", "Reset Password": false });
    expect(outputs.Password).toBe("");
    expect(await directory.verifyPassword("keep", "Old-Passw0rd")).toBeDefined();
  });
});

describe("every failure has a stable code, names the input, and leaves the directory byte-for-byte unchanged", () => {
  beforeEach(() => {
    directory.createUser({ username: "existing", groups: ["Sales"] });
  });

  const base = { "Update Existing User": true, "First Name": "Changed", "Groups to Remove": "Sales", Password: "Never-Stored-1!" };
  const cases: Array<[string, Record<string, BoundInput>, ActionContextOverrides, string, string]> = [
    ["existing user without Update Existing User", { ...base, "Preferred Username": "EXISTING", "Update Existing User": false }, {}, "USER_EXISTS", "Update Existing User"],
    ["unknown group to add", { ...base, "Preferred Username": "existing", "Groups to Add": "GroupA\nNo Such Group" }, {}, "UNKNOWN_GROUP", "Groups to Add"],
    ["unknown group for a new user", { ...base, "Preferred Username": "brand-new", "Groups to Add": "Nope" }, {}, "UNKNOWN_GROUP", "Groups to Add"],
    ["admin group added by a non-admin", { ...base, "Preferred Username": "existing", "Groups to Add": "GroupA\nAdministrators" }, { user: "clerk" }, "ADMIN_GROUP_DENIED", "Groups to Add"],
    ["non-admin adding themselves to an admin group", { ...base, "Preferred Username": "clerk", "Groups to Add": "super admins" }, { user: "clerk" }, "ADMIN_GROUP_DENIED", "Groups to Add"],
    ["admin group removed by a non-admin", { ...base, "Preferred Username": "existing", "Groups to Remove": "Administrators" }, { user: "clerk" }, "ADMIN_GROUP_DENIED", "Groups to Remove"],
    ["unknown running user treated as non-admin", { ...base, "Preferred Username": "x", "Groups to Add": "Administrators" }, { user: "ghost" }, "ADMIN_GROUP_DENIED", "Groups to Add"],
    ["non-admin changing an administrator", { ...base, "Preferred Username": "admin" }, { user: "clerk" }, "ADMIN_USER_DENIED", "Preferred Username"],
    ["invalid email", { ...base, "Preferred Username": "existing", Email: "jdoe@" }, {}, "INVALID_EMAIL", "Email"],
    ["custom field line without =", { ...base, "Preferred Username": "existing", "Custom Fields": "Good=1\nDepartment" }, {}, "INVALID_CUSTOM_FIELD", "Custom Fields"],
    ["custom field pair without a name", { ...base, "Preferred Username": "existing", "Custom Fields": [[" ", "v"]] }, {}, "INVALID_CUSTOM_FIELD", "Custom Fields"],
    ["custom field object with a nested value", { ...base, "Preferred Username": "existing", "Custom Fields": { A: { b: 1 } } }, {}, "INVALID_CUSTOM_FIELD", "Custom Fields"],
    ["missing Preferred Username", { ...base }, {}, "MANDATORY_INPUT_MISSING", "Preferred Username"],
    ["blank Preferred Username", { ...base, "Preferred Username": "   " }, {}, "MANDATORY_INPUT_MISSING", "Preferred Username"],
    ["missing Update Existing User", { "Preferred Username": "existing", "First Name": "Changed" }, {}, "MANDATORY_INPUT_MISSING", "Update Existing User"],
    ["username with a line break", { ...base, "Preferred Username": "a\nb" }, {}, "INVALID_NAME", "Preferred Username"],
    ["wrong type for a boolean", { ...base, "Preferred Username": "existing", Disabled: 3 }, {}, "INPUT_CONVERSION", "Disabled"],
    ["group name with a control character", { ...base, "Preferred Username": "existing", "Groups to Add": "Sal\u0007es" }, {}, "INVALID_NAME", "Groups to Add"],
  ];

  test.each(cases)("%s", async (_label, values, overrides, code, input) => {
    const before = JSON.stringify(directory.dump());
    const test = contextFor(overrides);
    const error = await handler(inputs(values), test.context).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SiqError);
    expect(error).toMatchObject({ code, input, action: "Create User" });
    expect((error as SiqError).message).toContain(`"${input}"`);
    expect((error as SiqError).message).not.toContain("Never-Stored-1!");
    expect(JSON.stringify(directory.dump())).toBe(before);
    expect(test.messages).toEqual([]);
  });

  test("a failure after some writes rolls every one of them back", async () => {
    const before = JSON.stringify(directory.dump());
    // Fault injection: the last write of the run fails after the user, fields, password and removals were written.
    const spy = jest.spyOn(directory, "addUserToGroup").mockImplementation(() => {
      throw new SiqError("DIRECTORY_BUSY", "locked", { retryable: true });
    });
    const error = await run({ ...base, "Preferred Username": "existing", "Groups to Add": "GroupA", "Display Info Messages in Manage": true, "Custom Fields": "A=1" }).catch((e: unknown) => e);
    spy.mockRestore();
    expect(error).toMatchObject({ code: "DIRECTORY_BUSY", retryable: true, action: "Create User" });
    expect(JSON.stringify(directory.dump())).toBe(before);
  });

  test("a host without the embedded directory gets DIRECTORY_UNAVAILABLE", async () => {
    const port = { findUser: () => undefined, hasPermission: () => false, isAdministrator: () => false };
    for (const directoryOverride of [undefined, port]) {
      const test = buildActionContext({ directory: directoryOverride });
      await expect(handler(inputs({ "Preferred Username": "x", "Update Existing User": true }), test.context)).rejects.toMatchObject({ code: "DIRECTORY_UNAVAILABLE" });
    }
  });
});

describe("Display Info Messages in Manage", () => {
  test("writes one message per step to the management log and to the action's messages, identically", async () => {
    directory.createUser({ username: "jdoe", groups: ["Sales"] });
    const { messages } = await run({
      "Preferred Username": "jdoe",
      "Update Existing User": true,
      "First Name": "Jane",
      "Custom Fields": "Dept=Ops",
      Password: "Step-Passw0rd!",
      "Reset Password on Next Login": true,
      Disabled: false,
      "Groups to Remove": "Sales\nSupport\nGhost",
      "Groups to Add": "GroupA\nsales",
      "Display Info Messages in Manage": true,
    });
    expect(messages).toEqual([
      'Found the user "jdoe" (ID 3); updating it.',
      "Set First Name.",
      'Set the custom fields "Dept".',
      "Enabled the account.",
      'Set the password given in "Password".',
      "The user must change the password at the next login.",
      'Removed the user from the group "Sales".',
      'The user is not in the group "Support"; nothing to remove.',
      'The group "Ghost" does not exist; nothing to remove.',
      'Added the user to the group "GroupA".',
      'Added the user to the group "Sales".',
    ]);
    const log = directory.readManagementLog().items;
    expect(log.map((entry) => entry.message)).toEqual(messages);
    expect(log.every((entry) => entry.source === "Create User" && entry.user === "admin" && entry.level === "info")).toBe(true);
  });

  test("for a new user, says so and gives its id", async () => {
    const { messages } = await run({ "Preferred Username": "newbie", "Update Existing User": false, "Display Info Messages in Manage": true });
    const user = directory.getUser("newbie");
    expect(messages).toEqual(['No user is named "newbie"; creating it.', `Created the user "newbie" with ID ${user?.id} and GUID ${user?.guid}.`]);
  });

  test("off: no messages and nothing in the management log", async () => {
    const { messages } = await run({ "Preferred Username": "quiet", "Update Existing User": true, "First Name": "Q", "Groups to Add": "GroupA" });
    expect(messages).toEqual([]);
    expect(directory.readManagementLog().total).toBe(0);
  });
});

describe("secrets", () => {
  test("no password or hash in any message, log, audit record, management log entry or error", async () => {
    const given = "Very-Secret-Passw0rd!";
    directory.createUser({ username: "victim" });
    const runs: TestActionContext[] = [];
    const texts: string[] = [];
    const generated: string[] = [];

    const withDirectoryAudit = (overrides: ActionContextOverrides = {}) => {
      const test = contextFor({ audit: directory, ...overrides });
      runs.push(test);
      return test.context;
    };
    const common = { "Display Info Messages in Manage": true, "Reset Password on Next Login": true };
    // A given password, a generated one, an update with a generated one, and failures with a given one.
    await handler(inputs({ ...common, "Preferred Username": "s1", "Update Existing User": true, Password: given }), withDirectoryAudit());
    const second = await handler(inputs({ ...common, "Preferred Username": "s2", "Update Existing User": true, "Reset Password": true }), withDirectoryAudit());
    generated.push(second.outputs.Password as string);
    const third = await handler(inputs({ ...common, "Preferred Username": "victim", "Update Existing User": true, "Reset Password": true }), withDirectoryAudit());
    generated.push(third.outputs.Password as string);
    const collected = contextFor();
    runs.push(collected);
    await handler(inputs({ ...common, "Preferred Username": "s3", "Update Existing User": true, Password: given }), collected.context);
    for (const failing of [
      { "Preferred Username": "victim", "Update Existing User": false, Password: given },
      { "Preferred Username": "s4", "Update Existing User": true, Password: given, "Groups to Add": "Nope" },
      { "Preferred Username": "s5", "Update Existing User": true, Password: given, Email: "bad" },
      { "Preferred Username": "s6", "Update Existing User": true, Password: given, "Groups to Add": "Administrators" },
    ]) {
      const error = await handler(inputs({ ...common, ...failing }), withDirectoryAudit({ user: "clerk" })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SiqError);
      texts.push((error as SiqError).message, JSON.stringify(error), String((error as SiqError).details ?? ""));
    }

    const hashes = directory.dump().users?.map((row) => row.password_hash).filter((hash): hash is string => typeof hash === "string") ?? [];
    expect(hashes.length).toBeGreaterThanOrEqual(5);
    for (const test of runs) texts.push(...test.messages, JSON.stringify(test.logs), JSON.stringify(test.audit));
    texts.push(JSON.stringify(directory.readManagementLog({ top: 1000 })), JSON.stringify(directory.listAudit({ top: 1000 })));
    expect(directory.listAudit().items.map((r) => r.event)).toEqual(["user.created", "user.created", "user.updated"]);
    expect(collected.audit.map((r) => r.event)).toEqual(["user.created"]);
    expect(collected.messages.length).toBeGreaterThan(0);

    const haystack = texts.join("\n");
    for (const secret of [given, ...generated, ...hashes]) {
      expect(secret.length).toBeGreaterThan(8);
      expect(haystack).not.toContain(secret);
    }
    // Each hash's salt and key separately, too.
    for (const part of hashes.flatMap((hash) => hash.split("$").slice(4))) expect(haystack).not.toContain(part);
  });
});

describe("dry run", () => {
  test("checks and reports every step but changes nothing", async () => {
    const before = JSON.stringify(directory.dump());
    const requests: unknown[] = [];
    const { outputs, messages } = await run(
      { "Preferred Username": "dry", "Update Existing User": true, "Groups to Add": "GroupA", Password: "Dry-Run-Passw0rd", "Display Info Messages in Manage": true },
      { dryRun: (request) => void requests.push(request) },
    );
    expect(JSON.stringify(directory.dump())).toBe(before);
    expect(outputs).toEqual({ "Existing User Updated": false, Password: "", "User Guid": "", "User ID": 0, Username: "dry" });
    expect(messages.at(-1)).toBe("Dry run: the directory was not changed.");
    expect(messages).toContain('Added the user to the group "GroupA".');
    expect(requests).toEqual([]);
  });

  test("still fails on what would fail whatever earlier actions do", async () => {
    await expect(run({ "Preferred Username": "admin", "Update Existing User": false }, { dryRun: () => undefined })).rejects.toMatchObject({ code: "USER_EXISTS" });
    await expect(run({ "Preferred Username": "dry", "Update Existing User": true, Email: "not-an-email" }, { dryRun: () => undefined })).rejects.toMatchObject({ code: "INVALID_EMAIL" });
  });

  test("a group that does not exist yet is reported, not fatal: an earlier action of the dry run may create it", async () => {
    const before = JSON.stringify(directory.dump());
    const { messages } = await run({ "Preferred Username": "dry", "Update Existing User": true, "Groups to Add": "GroupA\nNope" }, { dryRun: () => undefined });
    expect(messages).toContain('Dry run: the group "Nope" does not exist yet (an earlier action may create it); a real run fails with UNKNOWN_GROUP unless one does.');
    expect(JSON.stringify(directory.dump())).toBe(before);
  });
});

test("a cancelled run changes nothing", async () => {
  const before = JSON.stringify(directory.dump());
  const test = contextFor();
  test.controller.abort();
  await expect(handler(inputs({ "Preferred Username": "late", "Update Existing User": true }), test.context)).rejects.toMatchObject({ code: "CANCELLED" });
  expect(JSON.stringify(directory.dump())).toBe(before);
});

test("a run nothing can cancel makes no AbortSignal (context.signal is never read)", async () => {
  const test = contextFor();
  // What the engine gives a run that was given no signal: RUN_SIGNAL undefined, `signal` made on first read.
  Object.defineProperty(test.context, RUN_SIGNAL, { value: undefined });
  Object.defineProperty(test.context, "signal", {
    get() {
      throw new Error("context.signal was read");
    },
  });
  const outcome = await handler(inputs({ "Preferred Username": "quiet", "Update Existing User": false }), test.context);
  expect(outcome.outputs.Username).toBe("quiet");
});

test("a run cancelled through its run signal changes nothing", async () => {
  const before = JSON.stringify(directory.dump());
  const test = contextFor();
  const controller = new AbortController();
  controller.abort();
  Object.defineProperty(test.context, RUN_SIGNAL, { value: controller.signal });
  await expect(handler(inputs({ "Preferred Username": "late", "Update Existing User": true }), test.context)).rejects.toMatchObject({ code: "CANCELLED" });
  expect(JSON.stringify(directory.dump())).toBe(before);
});

test("the running user may be given by GUID", async () => {
  const clerk = directory.findUser("clerk");
  const context: Partial<ActionContext> = {};
  await expect(
    run({ "Preferred Username": "x", "Update Existing User": true, "Groups to Add": "Administrators" }, { ...context, user: { username: "someone-else", guid: clerk?.guid ?? "" } }),
  ).rejects.toMatchObject({ code: "ADMIN_GROUP_DENIED" });
});
