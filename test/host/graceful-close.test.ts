/** Closing the host: requests in flight finish, new connections are refused, what the host opened is closed. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../runtime/cli/program";
import { defineAction } from "../../runtime/definition";
import { openDirectory } from "../../runtime/directory";
import { startHost } from "../../runtime/host";
import { siq } from "../helpers/cli";
import { TEST_ADMIN_PASSWORD } from "../helpers/test-directory";
import { call } from "./helpers/test-host";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "siq-close-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** An action that waits until the test lets it go, so a run is surely in flight. */
function gate() {
  let started!: () => void;
  let release!: () => void;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const action = defineAction({
    definition: { id: "test-gate", displayName: "Test Gate", version: "1.0.0", description: "Waits for the test.", inputs: [], outputs: [{ name: "Done", type: "boolean", description: "true" }] },
    async handler() {
      started();
      await released;
      return { outputs: { Done: true } };
    },
  });
  return { action, started: startedPromise, release };
}

test("close() lets a run in flight finish, refuses new connections, then closes the directory it opened", async () => {
  const pipelines = join(dir, "pipelines");
  mkdirSync(pipelines);
  writeFileSync(join(pipelines, "slow.pipeline.json"), JSON.stringify({ name: "Slow", actions: [{ name: "Wait", type: "Test Gate", inputs: {} }] }));
  const g = gate();
  const host = await startHost({ dataDir: join(dir, "data"), pipelinesDir: pipelines, env: { SIQ_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD }, actions: [g.action] });
  const token = host.tokens.issue(host.directory.findUser("admin") as { guid: string; username: string }).token;

  const run = call(host.url, "POST", "/api/v1/pipelines/slow/run", { token, body: { answers: {} } });
  await g.started;
  let closed = false;
  const closing = host.close().then(() => (closed = true));
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(closed).toBe(false);
  await expect(fetch(`${host.url}/api/v1/admin/users`)).rejects.toThrow();

  g.release();
  const answer = await run;
  expect(answer.status).toBe(200);
  expect(answer.json).toMatchObject({ status: "succeeded", actions: [{ name: "Wait", outputs: { Done: true } }] });
  await closing;
  expect(closed).toBe(true);
  // The directory was closed by the host; the file holds the finished run's audit record.
  const reopened = openDirectory({ dataDir: join(dir, "data"), env: {} }).directory;
  expect(reopened.listAudit({ top: 100 }).items.some((r) => r.url === "/api/v1/pipelines/slow/run" && r.status === 200)).toBe(true);
  reopened.close();
  await host.close(); // idempotent
});

test("siq serve starts, answers, and stops gracefully when interrupted", async () => {
  const controller = new AbortController();
  let stdout = "";
  let stderr = "";
  const io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    readStdin: async () => "",
    env: { SIQ_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD },
    cwd: dir,
    signal: controller.signal,
  };
  const exit = runCli(["serve", "--port", "0", "--data", "state", "--allow-hosts", "api.internal:8443"], io);
  let url: string | undefined;
  for (let i = 0; i < 200 && !url; i++) {
    url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1];
    if (!url) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(url).toBeDefined();
  const login = await call(url as string, "POST", "/api/v1/admin/login/forms", { body: { username: "admin", password: TEST_ADMIN_PASSWORD } });
  expect(login.status).toBe(200);
  const users = await call(url as string, "GET", "/api/v1/admin/users", { token: login.json.authorizationToken });
  expect(users.json.total).toBe(1);
  controller.abort();
  expect(await exit).toBe(0);
  expect(stderr).toContain("siq host stopped.");
  const lines = stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines.map((l) => [l.method, l.url, l.status, l.user])).toEqual([
    ["POST", "/api/v1/admin/login/forms", 200, "admin"],
    ["GET", "/api/v1/admin/users", 200, "admin"],
  ]);
  expect(stdout).not.toContain(login.json.authorizationToken);
  expect(stdout).not.toContain(TEST_ADMIN_PASSWORD);
  await expect(fetch(`${url}/api/v1/admin/users`)).rejects.toThrow();
});

test("siq serve refuses a bad --allow-hosts entry as a usage error", async () => {
  const result = await siq(["serve", "--port", "0", "--allow-hosts", "http://x/y", "--data", join(dir, "d")], { env: { SIQ_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD } });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain("USAGE");
});
