import type { SqliteDirectory } from "../../runtime/directory";
import { createRuntime } from "../../runtime/runtime";
import type { TokenProvider } from "../../runtime/context";
import { inspect, pipelineOf } from "../helpers/pipelines";
import { json, startRecordingServer, type RecordingServer } from "../helpers/recording-server";
import { openTestDirectory } from "../helpers/test-directory";

let smartiq: RecordingServer;
let directory: SqliteDirectory;
const tokens: TokenProvider = { tokenFor: async (user) => `token-of-${user.username}-0123456789` };

beforeEach(async () => {
  directory = openTestDirectory();
  directory.createUser({ username: "jdoe", firstName: "Jane" });
  directory.createUser({ username: "gone", disabled: true });
  directory.addGroup({ name: "Helpdesk" });
  directory.createUser({ username: "helper", groups: ["Helpdesk"] });
  smartiq = await startRecordingServer((request, response) => json(response, 200, { asUser: request.headers["x-as-user"] ?? null, path: request.url }));
});
afterEach(async () => {
  await smartiq.close();
  directory.close();
});

const questions = { q1: { label: "User", type: "text" }, q2: { label: "URL", type: "text" } };

async function run(actions: unknown[], user = "admin", answers: Record<string, unknown> = {}) {
  const runtime = createRuntime({ directory, tokens, settings: { smartiqBaseUrl: smartiq.url } });
  try {
    return await runtime.run(pipelineOf({ name: "API", questions, actions }), { user, answers });
  } finally {
    await runtime.close();
  }
}

describe("SmartIQ API", () => {
  test("calls SmartIQ with the running user's token", async () => {
    const result = await run([{ name: "Me", type: "SmartIQ API", inputs: { URL: "/api/v1/admin/users/name/{{q1}}", "HTTP Method": "GET", "Output Path": "$.path" } }], "admin", { q1: "j doe/../x" });
    expect(result.actions[0]).toMatchObject({ status: "succeeded", outputs: { Status: "OK", "Output Path Data": "/api/v1/admin/users/name/j%20doe%2F..%2Fx" } });
    expect(smartiq.requests[0]?.headers.authorization).toBe("Bearer token-of-admin-0123456789");
    expect(JSON.stringify(result)).not.toContain("token-of-admin");
  });

  test("impersonation: the running user's Impersonate permission is checked, X-As-User carries the GUID, and the call is audited before and after", async () => {
    const jdoe = directory.findUser("jdoe");
    const result = await run([{ name: "As Jane", type: "SmartIQ API", inputs: { URL: "/api/v1/me", "HTTP Method": "GET", "As-User (Impersonate)": "=[q1]", "Output Path": "$.asUser" } }], "admin", { q1: "JDOE" });
    expect(result.actions[0]).toMatchObject({ status: "succeeded", outputs: { "Output Path Data": jdoe?.guid } });
    const audit = directory.listAudit({}).items.filter((record) => record.event.startsWith("smartiq-api"));
    expect(audit.map((r) => [r.event, r.user, r.asUser, r.method, r.status])).toEqual([
      ["smartiq-api.impersonated-call", "admin", "jdoe", "GET", undefined],
      ["smartiq-api.response", "admin", "jdoe", undefined, 200],
    ]);
  });

  test("impersonation without the Impersonate permission fails, sends nothing, and is audited", async () => {
    const result = await run([{ name: "As Jane", type: "SmartIQ API", inputs: { URL: "/api/v1/me", "As-User (Impersonate)": "jdoe" } }], "helper");
    expect(result.actions[0]?.error?.code).toBe("IMPERSONATION_DENIED");
    expect(smartiq.requests).toHaveLength(0);
    expect(directory.listAudit({}).items.some((r) => r.event === "smartiq-api.impersonation-denied" && r.user === "helper" && r.asUser === "jdoe")).toBe(true);
  });

  test("a non-administrator holding Impersonate may not act as an administrator (no way up), and nothing is sent", async () => {
    directory.addRole({ name: "Impersonators", permissions: ["Impersonate"] });
    directory.updateGroup("Helpdesk", { roles: ["Impersonators"] });
    const allowed = await run([{ name: "As Jane", type: "SmartIQ API", inputs: { URL: "/api/v1/me", "As-User (Impersonate)": "jdoe" } }], "helper");
    expect(allowed.actions[0]?.status).toBe("succeeded");
    const denied = await run([{ name: "As Admin", type: "SmartIQ API", inputs: { URL: "/api/v1/me", "As-User (Impersonate)": "admin" } }], "helper");
    expect(denied.actions[0]?.error).toEqual({ code: "IMPERSONATION_DENIED", message: expect.stringContaining("only administrators may act as administrators") });
    expect(smartiq.requests).toHaveLength(1);
  });

  test.each([
    ["nobody", "IMPERSONATED_USER_NOT_FOUND"],
    ["gone", "IMPERSONATED_USER_DISABLED"],
  ])("impersonating %s fails with %s and sends nothing", async (asUser, code) => {
    const result = await run([{ name: "As", type: "SmartIQ API", inputs: { URL: "/api/v1/me", "As-User (Impersonate)": asUser } }]);
    expect(result.actions[0]?.error?.code).toBe(code);
    expect(smartiq.requests).toHaveLength(0);
  });

  test("a URL on another origin is refused before sending, so the token never leaves SmartIQ", async () => {
    const other = await startRecordingServer((_request, response) => json(response, 200, {}));
    try {
      const result = await run([{ name: "Leak", type: "SmartIQ API", inputs: { URL: "=[q2]", "HTTP Method": "GET" } }], "admin", { q2: `${other.url}/steal` });
      expect(result.actions[0]?.error?.code).toBe("SMARTIQ_FOREIGN_ORIGIN");
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  test("a literal URL on another origin is a validation problem", () => {
    const result = inspect({
      name: "x",
      connections: { smartiq: { baseUrl: "https://smartiq.example.com", auth: { type: "bearer", token: "t0k3n-value" } } },
      actions: [{ name: "Leak", type: "SmartIQ API", inputs: { URL: "https://evil.example.com/x" } }],
    });
    expect(result.problems.map((p) => [p.code, p.path])).toEqual([["SMARTIQ_FOREIGN_ORIGIN", "actions[0].inputs.URL"]]);
  });
});

test("a dry run against a remote SmartIQ prints its login and the call, and sends neither", async () => {
  const pipeline = pipelineOf(
    {
      name: "Remote",
      connections: { smartiq: { baseUrl: smartiq.url, auth: { type: "login", username: "svc", password: "${SVC_PASSWORD}" } } },
      actions: [{ name: "Read", type: "SmartIQ API", inputs: { URL: "/api/v1/admin/users", "HTTP Method": "GET" } }],
    },
    { SVC_PASSWORD: "svc-password-123" },
  );
  const printed: Array<{ method: string; url: string }> = [];
  const runtime = createRuntime();
  try {
    const result = await runtime.run(pipeline, { dryRun: (request) => void printed.push({ method: request.method, url: request.url }) });
    expect(result.status).toBe("succeeded");
  } finally {
    await runtime.close();
  }
  expect(printed).toEqual([
    { method: "POST", url: `${smartiq.url}/api/v1/admin/login/forms` },
    { method: "GET", url: `${smartiq.url}/api/v1/admin/users` },
  ]);
  expect(smartiq.requests).toHaveLength(0);
  expect(JSON.stringify(printed)).not.toContain("svc-password-123");
});
