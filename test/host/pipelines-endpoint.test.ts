/** Pipelines of the host's folder, listed and run through the endpoint as the caller. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { whoAmIAction as whoAmI } from "../helpers/test-actions";
import { addUser, startTestHost, type TestHost } from "./helpers/test-host";

let dir: string;
let t: TestHost;

const createUser = {
  name: "Create account",
  description: "Creates a user from the form",
  questions: {
    q1: { label: "Username", type: "text", required: true },
    q2: { label: "Staff number", type: "number" },
    q37: { label: "Groups", type: "repeat", fields: { GroupName: "text" } },
  },
  actions: [
    {
      name: "Create User",
      type: "SmartIQ User",
      inputs: {
        "Preferred Username": "=[q1]",
        "Update Existing User": true,
        "Custom Fields": { Staff: "=[q2]" },
        "Groups to Add": '=Replace([q37.GroupName], "|", chr(10))',
      },
    },
  ],
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "siq-pipelines-"));
  writeFileSync(join(dir, "create-account.pipeline.json"), JSON.stringify(createUser));
  writeFileSync(join(dir, "broken.pipeline.json"), JSON.stringify({ name: "Broken", actions: [{ name: "X", type: "SmartIQ User", inputs: { "Preferred Username": "=Nope(" } }] }));
  writeFileSync(join(dir, "notes.txt"), "not a pipeline");
  t = await startTestHost({ pipelinesDir: dir });
  t.directory.addGroup({ name: "Sales" });
  t.directory.addGroup({ name: "Support" });
});
afterEach(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

test("GET /api/v1/pipelines lists the folder's pipelines with their questions", async () => {
  const answer = await t.call("GET", "/api/v1/pipelines", { token: t.tokenFor("admin") });
  expect(answer.status).toBe(200);
  expect(answer.json.items.map((p: { name: string; valid: boolean }) => [p.name, p.valid])).toEqual([
    ["broken", false],
    ["create-account", true],
  ]);
  expect(answer.json.items[1]).toMatchObject({ title: "Create account", description: "Creates a user from the form", questions: createUser.questions });
  expect(answer.json.items[0].problems).toContainEqual(expect.objectContaining({ code: "FORMULA_SYNTAX", path: 'actions[0].inputs["Preferred Username"]' }));
});

test("a run through the endpoint converts the answers, runs as the caller and returns the SPEC 6 result", async () => {
  const answer = await t.call("POST", "/api/v1/pipelines/create-account/run", {
    token: t.tokenFor("admin"),
    body: { answers: { q1: "jdoe", q2: "42", q37: [{ GroupName: "Sales" }, { GroupName: "Support" }] } },
  });
  expect(answer.status).toBe(200);
  expect(answer.json).toMatchObject({
    pipeline: "Create account",
    status: "succeeded",
    actions: [{ name: "Create User", type: "SmartIQ User", status: "succeeded", attempts: 1, outputs: { "Existing User Updated": false, Username: "jdoe" } }],
  });
  expect(typeof answer.json.durationMs).toBe("number");
  expect(t.directory.getUser("jdoe")).toMatchObject({ groups: ["Sales", "Support"], customFields: { Staff: "42" } });
  // The action's own audit record names the caller as the running user.
  expect(t.directory.listAudit({ top: 1000 }).items.some((r) => r.user === "admin" && r.event !== "host.request")).toBe(true);
});

test("the run is the impersonated user's when X-As-User is allowed: SmartIQ User's administrator rule applies to them", async () => {
  addUser(t.directory, "clerk");
  const answer = await t.call("POST", "/api/v1/pipelines/create-account/run", {
    token: t.tokenFor("admin"),
    headers: { "x-as-user": "clerk" },
    body: { answers: { q1: "mallory", q37: [{ GroupName: "Administrators" }] } },
  });
  expect(answer.status).toBe(200);
  expect(answer.json.status).toBe("failed");
  expect(answer.json.actions[0].error.code).toBe("ADMIN_GROUP_DENIED");
  expect(t.directory.findUser("mallory")).toBeUndefined();
});

test("invalid answers are 400 ANSWERS_INVALID listing every problem, and nothing runs", async () => {
  const answer = await t.call("POST", "/api/v1/pipelines/create-account/run", { token: t.tokenFor("admin"), body: { answers: { q2: "forty", q9: "x" } } });
  expect(answer.status).toBe(400);
  expect(answer.json.error.code).toBe("ANSWERS_INVALID");
  expect(answer.json.error.problems.map((p: { question: string }) => p.question).sort()).toEqual(["q1", "q2", "q9"]);
  expect(t.directory.listUsers().total).toBe(1);
});

test.each([
  ["an unknown name", "/api/v1/pipelines/nope/run", 404, "PIPELINE_NOT_FOUND"],
  ["a name with a path in it", "/api/v1/pipelines/..%2Fcreate-account/run", 404, "PIPELINE_NOT_FOUND"],
  ["a file that is not a pipeline", "/api/v1/pipelines/notes.txt/run", 404, "PIPELINE_NOT_FOUND"],
  ["an invalid pipeline", "/api/v1/pipelines/broken/run", 500, "PIPELINE_INVALID"],
])("%s is refused (%s %s)", async (_what, path, status, code) => {
  const answer = await t.call("POST", path, { token: t.tokenFor("admin"), body: { answers: {} } });
  expect([answer.status, answer.json.error.code]).toEqual([status, code]);
});

test("a pipeline sent in the body is not run: the body takes answers only", async () => {
  const answer = await t.call("POST", "/api/v1/pipelines/create-account/run", { token: t.tokenFor("admin"), body: { answers: { q1: "x" }, pipeline: createUser } });
  expect(answer.status).toBe(400);
  expect(answer.json.error.code).toBe("BODY_INVALID");
  expect(t.directory.findUser("x")).toBeUndefined();
});

test("a changed file is reloaded", async () => {
  const token = t.tokenFor("admin");
  expect((await t.call("GET", "/api/v1/pipelines", { token })).json.items[1].title).toBe("Create account");
  writeFileSync(join(dir, "create-account.pipeline.json"), JSON.stringify({ ...createUser, name: "Create account (v2)", description: "changed, and longer" }));
  expect((await t.call("GET", "/api/v1/pipelines", { token })).json.items[1].title).toBe("Create account (v2)");
});

test("running needs a token", async () => {
  const answer = await t.call("POST", "/api/v1/pipelines/create-account/run", { body: { answers: { q1: "x" } } });
  expect(answer.status).toBe(401);
  expect(t.directory.findUser("x")).toBeUndefined();
});

describe("an edited pipeline file", () => {
  const named = (name: string) => JSON.stringify({ ...createUser, name });

  async function runName(host: TestHost): Promise<unknown> {
    const answer = await host.call("POST", "/api/v1/pipelines/create-account/run", { token: host.tokenFor("admin"), body: { answers: { q1: "edited" } } });
    expect(answer.status).toBe(200);
    return answer.json.pipeline;
  }

  test("is run from the next request once its file is looked at again; the list is always current", async () => {
    const slow = await startTestHost({ pipelinesDir: dir, pipelinesRecheckMs: 60_000 });
    try {
      expect(await runName(slow)).toBe("Create account");
      writeFileSync(join(dir, "create-account.pipeline.json"), named("Create account (v2)"));
      // Within the recheck time, runs use the pipeline as loaded; the list looks at the file.
      expect(await runName(slow)).toBe("Create account");
      expect((await slow.call("GET", "/api/v1/pipelines", { token: slow.tokenFor("admin") })).json.items[1].title).toBe("Create account (v2)");
      // The list has seen the new file, so the next run uses it too.
      expect(await runName(slow)).toBe("Create account (v2)");
    } finally {
      await slow.close();
    }
  });

  test("is run from the first request after the recheck time", async () => {
    const quick = await startTestHost({ pipelinesDir: dir, pipelinesRecheckMs: 50 });
    try {
      expect(await runName(quick)).toBe("Create account");
      writeFileSync(join(dir, "create-account.pipeline.json"), named("Create account (v3)"));
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await runName(quick)).toBe("Create account (v3)");
      rmSync(join(dir, "create-account.pipeline.json"));
      await new Promise((resolve) => setTimeout(resolve, 80));
      const gone = await quick.call("POST", "/api/v1/pipelines/create-account/run", { token: quick.tokenFor("admin"), body: { answers: { q1: "edited" } } });
      expect(gone.status).toBe(404);
    } finally {
      await quick.close();
    }
  });
});

describe("the running user of a run through the endpoint", () => {
  test("is the user the token check found (looked up once per request), or the impersonated one", async () => {
    writeFileSync(join(dir, "who.pipeline.json"), JSON.stringify({ name: "Who", actions: [{ name: "Who", type: "Test Who Am I", inputs: {} }] }));
    const host = await startTestHost({ pipelinesDir: dir, actions: [whoAmI] });
    try {
      addUser(host.directory, "clerk");
      const token = host.tokenFor("admin");
      const guidOf = (name: string) => host.directory.findUser(name)?.guid;
      const [adminGuid, clerkGuid] = [guidOf("admin"), guidOf("clerk")];
      const lookups = jest.spyOn(host.directory, "findUser");
      const plain = await host.call("POST", "/api/v1/pipelines/who/run", { token, body: { answers: {} } });
      expect(plain.json.actions[0].outputs).toEqual({ Username: "admin", Guid: adminGuid });
      expect(lookups).toHaveBeenCalledTimes(1);
      const as = await host.call("POST", "/api/v1/pipelines/who/run", { token, headers: { "x-as-user": "clerk" }, body: { answers: {} } });
      expect(as.json.actions[0].outputs).toEqual({ Username: "clerk", Guid: clerkGuid });
      lookups.mockRestore();
      // Disabled since the token was issued: refused before anything runs.
      const clerkToken = host.tokenFor("clerk");
      host.directory.disableUser("clerk");
      expect((await host.call("POST", "/api/v1/pipelines/who/run", { token: clerkToken, body: { answers: {} } })).status).toBe(401);
    } finally {
      await host.close();
    }
  });
});
