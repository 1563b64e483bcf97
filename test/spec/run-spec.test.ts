import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expectSpecToPass, formatSpecFailures, runSpec, SpecInvalidError, type SpecFile } from "../../runtime/spec";
import { isActionError } from "../../runtime/errors";
import { tempFile } from "../helpers/pipelines";

const userSpecs = join(__dirname, "..", "..", "actions", "smartiq-user", "specs");
const restSpecs = join(__dirname, "..", "..", "actions", "rest-service", "specs");

function userSpec(name: string): SpecFile {
  return JSON.parse(readFileSync(join(userSpecs, name), "utf8")) as SpecFile;
}

/** The problem lines a spec that cannot run reports. */
async function problemsOf(spec: string | object, baseDir = userSpecs): Promise<string[]> {
  try {
    await runSpec(spec, { baseDir });
  } catch (error) {
    if (error instanceof SpecInvalidError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error("the spec was valid");
}

describe("runSpec", () => {
  test("a spec file passes, with the run's result and no failures", async () => {
    const result = await runSpec(join(userSpecs, "create-user.spec.json"));
    expect(result.failures).toEqual([]);
    expect(result).toMatchObject({ passed: true, status: "passed", name: "SmartIQ User creates a new user in the groups answered" });
    expect(result.run?.actions[0]).toMatchObject({ name: "Create User", status: "succeeded", outputs: { Username: "jdoe" } });
  });

  test("a spec that expects a wrong output fails with a diff naming the action and the output", async () => {
    const spec = userSpec("create-user.spec.json");
    const expected = spec.expect.actions?.["Create User"];
    if (!expected?.outputs) throw new Error("the shipped spec changed");
    expected.outputs["Existing User Updated"] = true;
    const result = await runSpec(spec, { baseDir: userSpecs });
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual([{ path: 'actions["Create User"].outputs["Existing User Updated"]', message: "expected true, got false" }]);
    expect(formatSpecFailures(result)).toContain('actions["Create User"].outputs["Existing User Updated"]: expected true, got false');
  });

  test("expectSpecToPass throws an error whose message is the diff, so Jest shows it", async () => {
    const spec = userSpec("create-user.spec.json");
    spec.expect.directory = { users: [{ username: "jdoe", groups: ["Sales"] }] };
    const error = await expectSpecToPass(spec, { baseDir: userSpecs }).catch((e: unknown) => e);
    expect(isActionError(error) && error.code).toBe("SPEC_FAILED");
    expect((error as Error).message).toBe(
      [
        'spec "SmartIQ User creates a new user in the groups answered" failed with 1 difference:',
        '  directory.users.jdoe.groups: expected ["Sales"], got ["Sales","Support"] (not expected "Support")',
      ].join("\n"),
    );
    await expect(expectSpecToPass(join(userSpecs, "create-user.spec.json"))).resolves.toMatchObject({ passed: true });
  });

  test("an action that fails unexpectedly shows its error beside the status", async () => {
    const spec = userSpec("unknown-group.spec.json");
    spec.expect = { actions: { "Create User": { outputs: { Username: "jdoe" } } } };
    const result = await runSpec(spec, { baseDir: userSpecs });
    expect(result.failures.map((f) => `${f.path}: ${f.message}`)).toEqual([
      'status: expected "succeeded", got "failed" (the action "Create User" failed with UNKNOWN_GROUP: The group "Marketing" in "Groups to Add" does not exist. Create the group first (siq directory groups add NAME), or correct the name. Nothing was changed.)',
      'actions["Create User"].status: expected "succeeded", got "failed" (UNKNOWN_GROUP: The group "Marketing" in "Groups to Add" does not exist. Create the group first (siq directory groups add NAME), or correct the name. Nothing was changed.)',
    ]);
  });

  test("expected error codes, attempts and users that must not exist are checked", async () => {
    const spec = userSpec("unknown-group.spec.json");
    spec.expect.actions = { "Create User": { error: { code: "USER_EXISTS" }, attempts: 2 } };
    spec.expect.directory = { users: [{ username: "admin", exists: false }, { username: "nobody" }] };
    const result = await runSpec(spec, { baseDir: userSpecs });
    expect(result.failures.map((f) => `${f.path}: ${f.message}`)).toEqual([
      'actions["Create User"].error.code: expected "USER_EXISTS", got "UNKNOWN_GROUP"',
      'actions["Create User"].attempts: expected 2, got 1',
      'directory.users.admin: expected no such user, got the user "admin" (ID 1)',
      "directory.users.nobody: expected the user to exist, got no such user",
    ]);
  });

  test("an inline pipeline runs like a file, and the clock is the spec's now", async () => {
    const result = await runSpec({
      name: "inline",
      now: "2026-03-01T09:30:00Z",
      pipeline: {
        name: "Inline",
        actions: [{ name: "Make", type: "smartiq-user", inputs: { "Preferred Username": "=\"u\" & Format(Today(), \"yyyyMMdd\")", "Update Existing User": false } }],
      },
      expect: { actions: { Make: { outputs: { Username: "u20260301" } } }, audit: [{ event: "user.created", time: "2026-03-01T09:30:00.000Z" }] },
    });
    expect(result.failures).toEqual([]);
  });
});

describe("HTTP in specs", () => {
  test("an unexpected request fails the spec, shown with the nearest entry and what differs, secrets masked", async () => {
    const spec = JSON.parse(readFileSync(join(restSpecs, "post-with-schema.spec.json"), "utf8")) as SpecFile;
    const entry = spec.http?.[0];
    if (!entry) throw new Error("the shipped spec changed");
    entry.request.json = { ...(entry.request.json as object), email: "someone@example.com" };
    const result = await runSpec(spec, { baseDir: restSpecs });
    expect(result.passed).toBe(false);
    const [unexpected] = result.failures;
    expect(unexpected?.path).toBe("http");
    const lines = unexpected?.message.split("\n") ?? [];
    expect(lines[0]).toBe("unexpected request: no http entry matches it");
    expect(lines[1]).toBe("  POST https://crm.example.com/v1/users");
    expect(lines).toContain("    authorization: Basic ***");
    expect(lines).toContain('    body: {"username":"jdoe\\", \\"admin\\": true, \\"x\\": \\"","email":"jdoe@example.com","source":"siq"}');
    expect(lines).toContain("  nearest entry http[0]: POST https://crm.example.com/v1/users, differs in body:");
    expect(lines).toContain('    json.email: expected "someone@example.com", got "jdoe@example.com"');
    // Neither the password nor the Basic credentials appear anywhere in the report.
    const report = formatSpecFailures(result);
    expect(report).not.toContain("not-a-real-password");
    expect(report).not.toContain("Y3JtLWJvdDpub3QtYS1yZWFsLXBhc3N3b3Jk");
    // The action failed as against a service that is not there, and the unused entry is reported too.
    expect(result.failures.map((f) => f.path)).toEqual(["http", "status", 'actions["Tell CRM"].status', "http[0]"]);
    expect(result.requests).toEqual([expect.objectContaining({ method: "POST", url: "https://crm.example.com/v1/users", headers: expect.objectContaining({ authorization: "Basic ***" }) })]);
  });

  test("a masked header that differs says so instead of showing two equal-looking values", async () => {
    const spec = JSON.parse(readFileSync(join(restSpecs, "post-with-schema.spec.json"), "utf8")) as SpecFile;
    const entry = spec.http?.[0];
    if (!entry) throw new Error("the shipped spec changed");
    entry.request.headers = { Authorization: "Basic d3Jvbmc6d3Jvbmc=" };
    const result = await runSpec(spec, { baseDir: restSpecs });
    expect(result.failures[0]?.message).toContain('headers.Authorization: expected "Basic ***", got "Basic ***" (masked: the values differ)');
  });
});

describe("invalid specs", () => {
  test.each([
    ["an unknown field", { ...userSpec("create-user.spec.json"), expected: {} }, 'expected: "expected" is not a known field here'],
    ["a matcher typo", { ...userSpec("create-user.spec.json"), expect: { actions: { "Create User": { outputs: { Username: { $regx: "j" } } } } } }, 'expect.actions["Create User"].outputs.Username: "$regx" is not a matcher (did you mean "$regex"?)'],
    ["an action the pipeline does not have", { ...userSpec("create-user.spec.json"), expect: { actions: { "Create Usr": {} } } }, 'expect.actions["Create Usr"]: the pipeline has no action named "Create Usr" (did you mean "Create User"?)'],
    ["an output the action does not have", { ...userSpec("create-user.spec.json"), expect: { actions: { "Create User": { outputs: { "User Id": 1 } } } } }, 'expect.actions["Create User"].outputs["User Id"]: "SmartIQ User" has no output "User Id" (did you mean "User ID"?)'],
    ["an answer of the wrong type", { ...userSpec("create-user.spec.json"), answers: { q1: "jdoe", q4: "perhaps" } }, "answers.q4:"],
    ["a missing pipeline file", { ...userSpec("create-user.spec.json"), pipeline: "nowhere.pipeline.json" }, "pipeline: the pipeline file nowhere.pipeline.json cannot be read"],
    ["a group of a user that is not in the directory", { ...userSpec("create-user.spec.json"), directory: { users: [{ username: "x", groups: ["Ghosts"] }] } }, 'directory.users[0]: the group "Ghosts" is not in the directory'],
    ["a running user who is not in the directory", { ...userSpec("create-user.spec.json"), user: "ghost" }, 'user: the running user "ghost" is not in the directory'],
    ["two request bodies", { ...userSpec("create-user.spec.json"), http: [{ request: { method: "GET", url: "https://x.test/", json: {}, body: "" }, response: {} }] }, "http[0].request: give one of json, body or form, not json and body"],
    ["a relative request URL", { ...userSpec("create-user.spec.json"), http: [{ request: { method: "GET", url: "/users" }, response: {} }] }, "http[0].request.url: must be an absolute http:// or https:// URL"],
    ["an inline pipeline with a formula error", { name: "x", pipeline: { name: "p", actions: [{ name: "A", type: "SmartIQ User", inputs: { "Preferred Username": "=Lenn(1)", "Update Existing User": false } }] }, expect: {} }, 'pipeline.actions[0].inputs["Preferred Username"]:'],
  ])("%s", async (_name, spec, message) => {
    const problems = await problemsOf(spec);
    expect(problems.some((p) => p.startsWith(message))).toBe(true);
  });

  test("JSON syntax errors are located by line and column", async () => {
    const file = tempFile("broken.spec.json", '{\n  "name": "x",\n  "expect": {}\n  "pipeline": "p.json"\n}\n');
    const error = await runSpec(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecInvalidError);
    expect((error as SpecInvalidError).problems[0]).toMatchObject({ code: "JSON_SYNTAX", path: "line 4" });
  });
});

test("a connection's ${NAME} comes from the spec's env, never the process environment", async () => {
  process.env.SIQ_SPEC_TEST_PASSWORD = "from-the-shell";
  const spec = {
    name: "env",
    pipeline: {
      name: "p",
      connections: { crm: { baseUrl: "https://crm.example.com", auth: { type: "basic", username: "u", password: "${SIQ_SPEC_TEST_PASSWORD}" } } },
      actions: [{ name: "A", type: "SmartIQ User", inputs: { "Preferred Username": "x", "Update Existing User": false } }],
    },
    expect: {},
  };
  try {
    expect(await problemsOf(spec)).toEqual([
      'pipeline.connections.crm.auth.password: ${SIQ_SPEC_TEST_PASSWORD} has no value: a spec reads ${NAME} only from its "env" field (never the process environment); add "SIQ_SPEC_TEST_PASSWORD": "..." to it',
    ]);
    await expect(runSpec({ ...spec, env: { SIQ_SPEC_TEST_PASSWORD: "pw" } })).resolves.toMatchObject({ passed: true });
  } finally {
    delete process.env.SIQ_SPEC_TEST_PASSWORD;
  }
});
