/** Pipelines run by the host: the onboarding example through the endpoint, and the egress rules on real runs. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HostOptions } from "../../runtime/host";
import { startServer, type Loopback } from "../http/helpers/loopback";
import { startTestHost, type TestHost } from "./helpers/test-host";

const examples = join(__dirname, "..", "..", "examples");

test("the onboarding example runs through POST /api/v1/pipelines/onboard/run, SmartIQ API calling the host itself", async () => {
  const t = await startTestHost({ pipelinesDir: examples });
  try {
    const answers = JSON.parse(readFileSync(join(examples, "onboard.answers.json"), "utf8")) as unknown;
    const answer = await t.call("POST", "/api/v1/pipelines/onboard/run", { token: t.tokenFor("admin"), body: { answers } });
    expect(answer.status).toBe(200);
    expect(answer.json.actions.map((a: { name: string; status: string }) => [a.name, a.status])).toEqual([
      ["Ensure Groups", "succeeded"],
      ["Create User", "succeeded"],
      ["Read Back", "succeeded"],
      ["Notify HR", "succeeded"],
    ]);
    const inbox = await t.call("GET", "/api/v1/inbox/new-starters", { token: t.tokenFor("admin") });
    expect(inbox.json.items[0]).toMatchObject({ user: "admin", body: { username: "jdoe", email: "jdoe@example.com", groups: ["Sales", "Support"], returning: false } });
  } finally {
    await t.close();
  }
});

describe("egress from runs", () => {
  let dir: string;
  let target: Loopback;
  let t: TestHost | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "siq-egress-"));
    target = await startServer((_request, response) => response.end('{"ok":true}'));
    writeFileSync(
      join(dir, "call-out.pipeline.json"),
      JSON.stringify({
        name: "Call out",
        connections: { target: { baseUrl: "${TARGET}" } },
        actions: [{ name: "Call", type: "Send to REST Service", inputs: { Connection: "target", URL: "/hook", "HTTP Method": "GET" } }],
      }),
    );
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    await target.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function runWith(targetUrl: string, options: Partial<HostOptions> = {}) {
    t = await startTestHost({ pipelinesDir: dir, env: { TARGET: targetUrl }, ...options });
    const answer = await t.call("POST", "/api/v1/pipelines/call-out/run", { token: t.tokenFor("admin"), body: { answers: {} } });
    expect(answer.status).toBe(200);
    return answer.json.actions[0] as { status: string; error?: { code: string; message: string }; outputs?: Record<string, unknown> };
  }

  test("a loopback target is refused, and nothing is sent", async () => {
    const action = await runWith(target.origin);
    expect(action.status).toBe("failed");
    expect(action.error?.code).toBe("EGRESS_DENIED");
    expect(target.requests).toHaveLength(0);
  });

  test("--allow-hosts lets it through", async () => {
    const action = await runWith(target.origin, { allowHosts: [new URL(target.origin).host] });
    expect(action.status).toBe("succeeded");
    expect(action.outputs?.["HTTP Status"]).toBe(200);
    expect(target.requests.map((r) => r.url)).toEqual(["/hook"]);
  });

  test("a name resolving to a loopback address is refused after DNS", async () => {
    const port = new URL(target.origin).port;
    const action = await runWith(`http://hooks.example.test:${port}`, { resolver: async () => [{ address: "127.0.0.1", family: 4 }] });
    expect(action.error?.code).toBe("EGRESS_DENIED");
    expect(action.error?.message).toContain("hooks.example.test (127.0.0.1)");
    expect(target.requests).toHaveLength(0);
  });

  test("an allowed server redirecting to a refused one is stopped at the hop", async () => {
    const redirector = await startServer((_request, response) => {
      response.writeHead(307, { location: `${target.origin}/inside` });
      response.end();
    });
    try {
      const action = await runWith(redirector.origin, { allowHosts: [new URL(redirector.origin).host] });
      expect(action.error?.code).toBe("EGRESS_DENIED");
      expect(redirector.requests).toHaveLength(1);
      expect(target.requests).toHaveLength(0);
    } finally {
      await redirector.close();
    }
  });
});
