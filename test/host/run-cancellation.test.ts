/**
 * POST /api/v1/pipelines/{name}/run: a caller that goes away cancels its run. The cancelling
 * signal belongs to the connection (one AbortSignal per connection, not per request): runs one
 * after another on a keep-alive connection share it, none is cancelled by the one before, and
 * none leaves a listener on it.
 */
import { getEventListeners } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../../runtime/context";
import { defineAction } from "../../runtime/definition";
import { Gates, gateAction } from "./helpers/gate-action";
import { startTestHost, type TestHost } from "./helpers/test-host";

let dir: string;
let t: TestHost;
let gates: Gates;
const logged: Array<{ event: string; fields: Record<string, unknown> | undefined }> = [];
/** The signal each run's action saw, in order. */
const signals: AbortSignal[] = [];

const signalSpy = defineAction({
  definition: {
    id: "test-signal-spy",
    displayName: "Test Signal Spy",
    version: "1.0.0",
    description: "Records the run's signal, listening to it while it works.",
    inputs: [],
    outputs: [{ name: "Aborted", type: "boolean", description: "Whether the signal was aborted." }],
  },
  async handler(_inputs, context) {
    const signal = context.signal;
    signals.push(signal);
    const onAbort = () => undefined;
    signal.addEventListener("abort", onAbort);
    await new Promise((resolve) => setImmediate(resolve));
    signal.removeEventListener("abort", onAbort);
    return { outputs: { Aborted: signal.aborted } };
  },
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "siq-cancel-"));
  writeFileSync(
    join(dir, "two-steps.pipeline.json"),
    JSON.stringify({
      name: "Two steps",
      questions: { q1: { label: "Gate", type: "text", required: true } },
      actions: [
        { name: "First", type: "Test Gate", inputs: { Gate: '=[q1] & "-first"' } },
        { name: "Second", type: "Test Gate", inputs: { Gate: "=[q1]", Wait: true } },
      ],
    }),
  );
  writeFileSync(join(dir, "spy.pipeline.json"), JSON.stringify({ name: "Spy", actions: [{ name: "Spy", type: "Test Signal Spy", inputs: {} }] }));
  gates = new Gates();
  logged.length = 0;
  signals.length = 0;
  const logger: Logger = { log: (_level, event, fields) => logged.push({ event, fields }) };
  t = await startTestHost({ pipelinesDir: dir, actions: [gateAction(gates), signalSpy], logger });
});
afterEach(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

function post(path: string, body: unknown, agent: HttpAgent | false): Promise<{ response: IncomingMessage; text: string; port: number }> {
  const request = httpRequest(`${t.host.url}${path}`, {
    method: "POST",
    agent,
    headers: { authorization: `Bearer ${t.tokenFor("admin")}`, "content-type": "application/json" },
  });
  request.end(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    request.once("error", reject);
    request.once("response", (response) => {
      const port = response.socket.localPort as number;
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      response.on("end", () => resolve({ response, text, port }));
    });
  });
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

test("a caller that goes away cancels its run", async () => {
  const request = httpRequest(`${t.host.url}/api/v1/pipelines/two-steps/run`, {
    method: "POST",
    agent: false,
    headers: { authorization: `Bearer ${t.tokenFor("admin")}`, "content-type": "application/json" },
  });
  request.on("error", () => undefined);
  request.end(JSON.stringify({ answers: { q1: "left" } }));
  await until(() => logged.some((entry) => entry.event === "action.started" && entry.fields?.["action"] === "Second"));
  request.destroy();
  await until(() => logged.some((entry) => entry.event === "run.finished"));
  expect(logged.find((entry) => entry.event === "run.finished")?.fields).toMatchObject({ pipeline: "Two steps", status: "failed" });
  expect(logged.find((entry) => entry.event === "action.failed")?.fields).toMatchObject({ action: "Second", code: "CANCELLED" });
  expect(gates.passwords.has("left")).toBe(false);
  expect(gates.passwords.has("left-first")).toBe(true);
});

test("runs one after another on a keep-alive connection share its signal, are not cancelled, and leave no listener", async () => {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const otherAgent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  try {
    const ports = new Set<number>();
    for (let i = 0; i < 15; i++) {
      const { response, text, port } = await post("/api/v1/pipelines/spy/run", { answers: {} }, agent);
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(text)).toMatchObject({ status: "succeeded", actions: [{ outputs: { Aborted: false } }] });
      ports.add(port);
    }
    expect(ports.size).toBe(1);
    expect(signals).toHaveLength(15);
    const [first] = signals as [AbortSignal];
    expect(signals.every((signal) => signal === first)).toBe(true);
    expect(first.aborted).toBe(false);
    expect(getEventListeners(first, "abort")).toHaveLength(0);

    // Another connection has its own signal: closing the first cancels nothing on it.
    const other = await post("/api/v1/pipelines/spy/run", { answers: {} }, otherAgent);
    expect(other.response.statusCode).toBe(200);
    const second = signals[15] as AbortSignal;
    expect(second).not.toBe(first);
    agent.destroy();
    await until(() => first.aborted);
    expect(first.aborted).toBe(true);
    expect((first.reason as Error).message).toBe("The caller closed the connection.");
    expect(second.aborted).toBe(false);
  } finally {
    agent.destroy();
    otherAgent.destroy();
  }
});
