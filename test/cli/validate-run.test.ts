import { dirname, join } from "node:path";
import { siq } from "../helpers/cli";
import { json, startRecordingServer } from "../helpers/recording-server";
import { tempFile } from "../helpers/pipelines";

const BROKEN = {
  name: "Broken",
  questions: { q1: { label: "Username", type: "text" } },
  connections: { crm: { baseUrl: "https://crm.example.com", auth: { type: "bearer", token: "${CRM_TOKEN}" } } },
  actions: [
    { name: "Tell", type: "Send to REST Service", inputs: { URL: "=Concat(\"/users/\", [q1]", Connection: "crm" } },
    { name: "Tell", type: "Send to REST Service", inputs: { URL: "/users" } },
  ],
};

describe("siq validate", () => {
  test("reports a formula syntax error, a duplicate name and a missing variable at once, exit 2", async () => {
    const file = tempFile("broken.pipeline.json", JSON.stringify(BROKEN, null, 2));
    const run = await siq(["validate", file]);
    expect(run.code).toBe(2);
    const lines = run.stdout.split("\n").filter((line) => line.startsWith(file));
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${escape(file)}:connections\\.crm\\.auth\\.token:1: the environment variable CRM_TOKEN is not set`)),
        expect.stringMatching(new RegExp(`^${escape(file)}:actions\\[1\\]\\.name:0: the action name "Tell" is already used`)),
        expect.stringMatching(new RegExp(`^${escape(file)}:actions\\[0\\]\\.inputs\\.URL:\\d+: `)),
      ]),
    );
  });

  test("--json prints { status: invalid, problems }", async () => {
    const file = tempFile("broken.pipeline.json", JSON.stringify(BROKEN));
    const run = await siq(["validate", file, "--json"]);
    expect(run.code).toBe(2);
    const output = JSON.parse(run.stdout) as { status: string; problems: Array<{ code: string }> };
    expect(output.status).toBe("invalid");
    expect(output.problems.map((p) => p.code)).toEqual(expect.arrayContaining(["ENV_VARIABLE_MISSING", "DUPLICATE_NAME", "FORMULA_SYNTAX"]));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("siq run", () => {
  const skipping = {
    name: "All skipped",
    questions: { q1: { label: "Go", type: "boolean" }, q2: { label: "Username", type: "text" } },
    actions: [
      { name: "First", type: "SmartIQ User", when: "=[q1]", inputs: { "Preferred Username": "=[q2]", "Update Existing User": true } },
      { name: "Second", type: "smartiq-user", when: "=[q1] and [First.Existing User Updated]", inputs: { "Preferred Username": "x", "Update Existing User": true } },
    ],
  };

  test("--json on a pipeline whose actions are all skipped prints a succeeded result", async () => {
    const file = tempFile("skip.pipeline.json", JSON.stringify(skipping));
    const run = await siq(["run", file, "--set", "q1=false", "--set", "q2=jdoe", "--json"], { env: { SIQ_DATA_DIR: join(dirname(file), ".siq"), SIQ_ADMIN_PASSWORD: "Admin-pass-1" } });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { status: string; actions: Array<{ name: string; status: string }> };
    expect(result.status).toBe("succeeded");
    expect(result.actions).toEqual([
      { name: "First", type: "SmartIQ User", status: "skipped" },
      { name: "Second", type: "SmartIQ User", status: "skipped" },
    ]);
  });

  test("answers from standard input; bad answers exit 2 naming the question", async () => {
    const file = tempFile("skip.pipeline.json", JSON.stringify(skipping));
    const env = { SIQ_DATA_DIR: join(dirname(file), ".siq"), SIQ_ADMIN_PASSWORD: "Admin-pass-1" };
    const ok = await siq(["run", file, "--answers", "-"], { env, stdin: '{ "q1": true, "q2": "jdoe" }' });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("✔ All skipped: succeeded");
    const bad = await siq(["run", file, "--answers", "-", "--json"], { env, stdin: '{ "q1": "perhaps" }' });
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toEqual({
      status: "invalid",
      problems: [{ file: "<stdin>", path: "q1", column: 0, code: "ANSWERS_INVALID", message: "q1 (Go): expects true or false" }],
    });
  });

  test("an unknown running user is exit 2", async () => {
    const file = tempFile("skip.pipeline.json", JSON.stringify(skipping));
    const run = await siq(["run", file, "--user", "nobody"], { env: { SIQ_DATA_DIR: join(dirname(file), ".siq"), SIQ_ADMIN_PASSWORD: "Admin-pass-1" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error USER_NOT_FOUND: The running user "nobody" does not exist');
  });
});

describe("siq run with HTTP actions", () => {
  const secretEnv = { CRM_USER: "svc-user", CRM_PASSWORD: "Sup3r-Secret-Pw", SIQ_ADMIN_PASSWORD: "Admin-pass-1" };

  async function withServer(fn: (url: string, requests: Array<{ headers: Record<string, unknown>; body: string }>) => Promise<void>) {
    const server = await startRecordingServer((request, response) => json(response, 201, { id: 7, seen: request.headers.authorization }));
    try {
      await fn(server.url, server.requests as never);
    } finally {
      await server.close();
    }
  }

  const pipeline = (url: string) => ({
    name: "Tell CRM",
    questions: { q1: { label: "Username", type: "text" } },
    connections: { crm: { baseUrl: url, auth: { type: "basic", username: "${CRM_USER}", password: "${CRM_PASSWORD}" } } },
    actions: [
      {
        name: "Tell",
        type: "Send to REST Service",
        inputs: {
          Connection: "crm",
          URL: "/users",
          "Request Body": { username: "=[q1]" },
          "Request Schema": { type: "object", required: ["username"], properties: { username: { type: "string" } } },
          "Output Path": "$.id",
        },
      },
    ],
  });

  test("no secret in stdout or stderr with --json and --verbose", async () => {
    await withServer(async (url, requests) => {
      const file = tempFile("crm.pipeline.json", JSON.stringify(pipeline(url)));
      const run = await siq(["run", file, "--set", "q1=jdoe", "--json", "--verbose"], { env: { ...secretEnv, SIQ_DATA_DIR: join(dirname(file), ".siq") } });
      expect(run.code).toBe(0);
      expect(requests).toHaveLength(1);
      const result = JSON.parse(run.stdout) as { actions: Array<{ outputs: Record<string, unknown> }> };
      expect(result.actions[0]?.outputs["Output Path Data"]).toBe(7);
      expect(run.stderr).toContain("http.request");
      const basic = Buffer.from("svc-user:Sup3r-Secret-Pw").toString("base64");
      for (const secret of ["Sup3r-Secret-Pw", basic]) {
        expect(run.stdout).not.toContain(secret);
        expect(run.stderr).not.toContain(secret);
      }
    });
  });

  test("--dry-run prints the request as curl text with secrets masked, and sends nothing", async () => {
    await withServer(async (url, requests) => {
      const file = tempFile("crm.pipeline.json", JSON.stringify(pipeline(url)));
      const run = await siq(["run", file, "--set", "q1=jdoe", "--dry-run"], { env: { ...secretEnv, SIQ_DATA_DIR: join(dirname(file), ".siq") } });
      expect(run.code).toBe(0);
      expect(requests).toHaveLength(0);
      expect(run.stdout).toContain(`curl -X POST '${url}/users'`);
      expect(run.stdout).toContain("Authorization: Basic ***");
      expect(run.stdout).toContain('{"username":"jdoe"}');
      expect(run.stdout).not.toContain("Sup3r-Secret-Pw");
    });
  });
});

describe("Send Access Token on the command line", () => {
  test("siq run starts the embedded host for it: the running user's token opens the host's own API", async () => {
    const pipeline = {
      name: "Who am I",
      connections: { host: { baseUrl: "${SIQ_HOST_URL}" } },
      actions: [{ name: "Me", type: "Send to REST Service", inputs: { Connection: "host", URL: "/api/v1/admin/users/name/admin", "HTTP Method": "GET", "Send Access Token": true, "Output Path": "$.username" } }],
    };
    const file = tempFile("token.pipeline.json", JSON.stringify(pipeline));
    const run = await siq(["run", file, "--json"], { env: { SIQ_DATA_DIR: join(dirname(file), ".siq"), SIQ_ADMIN_PASSWORD: "Admin-pass-1" } });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { actions: Array<{ outputs: Record<string, unknown> }> };
    expect(result.actions[0]?.outputs).toMatchObject({ "HTTP Status": 200, "Output Path Data": "admin" });
  });

  test("with a remote connections.smartiq, its token is the one sent", async () => {
    const server = await startRecordingServer((_request, response) => json(response, 200, { ok: true }));
    try {
      const pipeline = {
        name: "Remote token",
        connections: { smartiq: { baseUrl: "https://smartiq.example.com", auth: { type: "bearer", token: "${SMARTIQ_TOKEN}" } } },
        actions: [{ name: "Tell", type: "Send to REST Service", inputs: { URL: `${server.url}/hook`, "HTTP Method": "GET", "Send Access Token": true } }],
      };
      const file = tempFile("remote.pipeline.json", JSON.stringify(pipeline));
      const run = await siq(["run", file, "--json"], { env: { SIQ_DATA_DIR: join(dirname(file), ".siq"), SIQ_ADMIN_PASSWORD: "Admin-pass-1", SMARTIQ_TOKEN: "remote-token-0123456789" } });
      expect(run.code).toBe(0);
      expect(server.requests[0]?.headers.authorization).toBe("Bearer remote-token-0123456789");
      expect(run.stdout).not.toContain("remote-token-0123456789");
    } finally {
      await server.close();
    }
  });
});
