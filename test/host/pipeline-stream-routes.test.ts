/**
 * POST /api/v1/pipelines/{name}/run/stream: the same run as /run, told as it happens in NDJSON
 * lines (the pipeline's actions, each action as it starts and finishes, the result), read here
 * chunk by chunk while the run is still going.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../../runtime/context";
import { ERROR_CODES } from "../../runtime/errors";
import { Gates, gateAction } from "./helpers/gate-action";
import { startTestHost, type TestHost } from "./helpers/test-host";

type Line = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let dir: string;
let t: TestHost;
let gates: Gates;
const logged: Array<{ event: string; fields: Record<string, unknown> | undefined }> = [];

const pipelines = {
  "two-steps": {
    name: "Two steps",
    questions: { q1: { label: "Gate", type: "text", required: true } },
    actions: [
      { name: "First", type: "Test Gate", inputs: { Gate: '=[q1] & "-first"' } },
      { name: "Second", type: "Test Gate", retry: { attempts: 3 }, inputs: { Gate: "=[q1]", Wait: true } },
    ],
  },
  "create-account": {
    name: "Create account",
    questions: {
      q1: { label: "Username", type: "text", required: true },
      q2: { label: "Email", type: "text" },
      q3: { label: "Contact", type: "text", format: "email" },
      q37: { label: "Groups", type: "repeat", fields: { GroupName: "text", Since: "date" } },
    },
    actions: [
      { name: "Create User", type: "SmartIQ User", inputs: { "Preferred Username": "=[q1]", "Update Existing User": true, Email: "=[q2]" } },
      { name: "After", type: "Test Gate", inputs: { Gate: "after" } },
    ],
  },
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "siq-stream-"));
  for (const [name, pipeline] of Object.entries(pipelines)) writeFileSync(join(dir, `${name}.pipeline.json`), JSON.stringify(pipeline));
  gates = new Gates();
  logged.length = 0;
  const logger: Logger = { log: (_level, event, fields) => logged.push({ event, fields }) };
  t = await startTestHost({ pipelinesDir: dir, actions: [gateAction(gates)], logger });
});
afterEach(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a streamed run and reads its lines as they come. */
async function startRun(name: string, answers: Record<string, unknown>) {
  const response = await fetch(`${t.host.url}/api/v1/pipelines/${name}/run/stream`, {
    method: "POST",
    headers: { authorization: `Bearer ${t.tokenFor("admin")}`, "content-type": "application/json" },
    body: JSON.stringify({ answers }),
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const lines: Line[] = [];
  /** The next line (undefined at the end of the stream). */
  async function next(): Promise<Line | undefined> {
    for (;;) {
      const at = buffer.indexOf("\n");
      if (at >= 0) {
        const line = JSON.parse(buffer.slice(0, at)) as Line;
        buffer = buffer.slice(at + 1);
        lines.push(line);
        return line;
      }
      const chunk = await reader.read();
      if (chunk.done) return undefined;
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  }
  async function rest(): Promise<Line[]> {
    while ((await next()) !== undefined);
    return lines;
  }
  return { response, next, rest, lines };
}

test("each action is told as it finishes, while later ones are still running; then the result", async () => {
  const run = await startRun("two-steps", { q1: "g" });
  expect(run.response.status).toBe(200);
  expect(run.response.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
  expect(await run.next()).toEqual({
    type: "run-started",
    pipeline: "Two steps",
    actions: [
      { index: 0, name: "First", type: "Test Gate", attempts: 1, secretOutputs: ["Password"] },
      { index: 1, name: "Second", type: "Test Gate", attempts: 3, secretOutputs: ["Password"] },
    ],
  });
  expect(await run.next()).toEqual({ type: "action-started", index: 0, name: "First", attempt: 1 });
  const first = await run.next();
  expect(first).toMatchObject({ type: "action-finished", index: 0, result: { name: "First", status: "succeeded", outputs: { Gate: "g-first" } } });
  expect(await run.next()).toEqual({ type: "action-started", index: 1, name: "Second", attempt: 1 });

  // The second action waits at its gate: the lines so far arrived while the run is under way.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(run.lines.map((line) => line.type)).toEqual(["run-started", "action-started", "action-finished", "action-started"]);
  gates.open("g");

  const lines = await run.rest();
  expect(lines.slice(4).map((line) => line.type)).toEqual(["action-finished", "run-finished"]);
  const result = lines[5]?.result;
  expect(result).toMatchObject({ pipeline: "Two steps", status: "succeeded", actions: [{ name: "First" }, { name: "Second", status: "succeeded" }] });
  // Secret outputs are the action's own to give (as from /run): the page hides them behind Reveal.
  expect(result.actions[1].outputs.Password).toBe(gates.passwords.get("g"));
  expect(lines[4]).toEqual({ type: "action-finished", index: 1, result: result.actions[1] });
});

test("a failed action carries what its code means; the actions after it are not run", async () => {
  const lines = await (await startRun("create-account", { q1: "jdoe", q2: "not-an-email" })).rest();
  const failed = lines.find((line) => line.type === "action-finished" && line.index === 0);
  expect(failed).toMatchObject({ result: { status: "failed", error: { code: "INVALID_EMAIL" } }, meaning: ERROR_CODES.INVALID_EMAIL });
  const last = lines[lines.length - 1] as Line;
  expect(last.type).toBe("run-finished");
  expect(last.result.status).toBe("failed");
  expect(last.result.actions.map((action: { status: string }) => action.status)).toEqual(["failed", "not-run"]);
  expect(lines.find((line) => line.type === "action-finished" && line.index === 1)).not.toHaveProperty("meaning");
});

test("invalid answers are a plain 400 before anything runs, each problem locating its question, row and field", async () => {
  const before = t.directory.dump().users;
  const answer = await t.call("POST", "/api/v1/pipelines/create-account/run/stream", {
    token: t.tokenFor("admin"),
    body: { answers: { q3: "jdoe@", q37: [{ GroupName: "Sales" }, { GroupName: "Support", Since: "2026-02-30" }] } },
  });
  expect(answer.status).toBe(400);
  expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
  expect(answer.json.error.code).toBe("ANSWERS_INVALID");
  expect(answer.json.error.problems).toEqual([
    { question: "q3", message: "q3 (Contact): is not a valid email address (expected name@example.com)", reason: "is not a valid email address (expected name@example.com)" },
    { question: "q37", row: 2, field: "Since", message: expect.stringContaining("row 2, field Since"), reason: "expects a date written yyyy-MM-dd (optionally with HH:mm)" },
    { question: "q1", message: "q1 (Username) is required but has no answer", reason: "is required but has no answer" },
  ]);
  expect(t.directory.dump().users).toEqual(before);
});

test.each([
  ["/api/v1/pipelines/nope/run/stream", 404, "PIPELINE_NOT_FOUND"],
  ["/api/v1/pipelines/two-steps/run/stream?verbose=1", 400, "QUERY_INVALID"],
])("POST %s is %d %s", async (path, status, code) => {
  const answer = await t.call("POST", path, { token: t.tokenFor("admin"), body: { answers: { q1: "x" } } });
  expect([answer.status, answer.json.error.code]).toEqual([status, code]);
});

test("without a token it is 401, as every API route", async () => {
  const answer = await t.call("POST", "/api/v1/pipelines/two-steps/run/stream", { body: { answers: { q1: "x" } } });
  expect([answer.status, answer.json.error.code]).toEqual([401, "AUTH_REQUIRED"]);
});

test("a caller that goes away cancels its run", async () => {
  // node:http, one connection, destroyed: fetch would leave a spare connection open behind it.
  const request = httpRequest(`${t.host.url}/api/v1/pipelines/two-steps/run/stream`, {
    method: "POST",
    agent: false,
    headers: { authorization: `Bearer ${t.tokenFor("admin")}`, "content-type": "application/json" },
  });
  request.end(JSON.stringify({ answers: { q1: "left" } }));
  const response = await new Promise<IncomingMessage>((resolve) => request.once("response", resolve));
  let text = "";
  await new Promise<void>((resolve) => {
    response.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
      // run-started, First started and finished, Second started: Second now waits at its gate.
      if (text.split("\n").length > 4) resolve();
    });
  });
  request.destroy();
  for (let i = 0; i < 100 && !logged.some((entry) => entry.event === "run.finished"); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(logged.find((entry) => entry.event === "run.finished")?.fields).toMatchObject({ pipeline: "Two steps", status: "failed" });
  expect(logged.find((entry) => entry.event === "action.failed")?.fields).toMatchObject({ action: "Second", code: "CANCELLED" });
  expect(gates.passwords.has("left")).toBe(false);
});
