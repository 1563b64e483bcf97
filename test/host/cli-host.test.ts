/** `${SIQ_HOST_URL}` on the command line: a placeholder for validate, the in-process host's URL for run. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needsEmbeddedHost, pipelineEnv } from "../../runtime/cli/cli-runtime";
import { HOST_URL_PLACEHOLDER } from "../../runtime/host";
import { inspectPipelineData } from "../../runtime/pipeline/load";
import type { Pipeline } from "../../runtime/pipeline/types";
import { siq } from "../helpers/cli";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "siq-cli-host-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function load(data: unknown, env: Record<string, string | undefined> = pipelineEnv({})): Pipeline {
  const result = inspectPipelineData(data, { env }, "defer");
  if (!result.pipeline) throw new Error(JSON.stringify(result.problems));
  return result.pipeline;
}

const userAction = { name: "Make", type: "SmartIQ User", inputs: { "Preferred Username": "=[q1]", "Update Existing User": true } };

test("siq validate reads ${SIQ_HOST_URL} as a placeholder, so a pipeline calling the host validates without it set", async () => {
  const file = join(dir, "p.pipeline.json");
  writeFileSync(file, JSON.stringify({ name: "P", questions: { q1: { label: "U", type: "text" } }, connections: { me: { baseUrl: "${SIQ_HOST_URL}/api/v1" } }, actions: [userAction] }));
  const result = await siq(["validate", file, "--json"]);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toEqual({ status: "valid", problems: [] });
  // Another unset variable is still an error: only SIQ_HOST_URL is built in.
  writeFileSync(file, JSON.stringify({ name: "P", connections: { me: { baseUrl: "${SOMETHING_ELSE}/x" } }, actions: [userAction] }));
  expect((await siq(["validate", file])).code).toBe(2);
});

test("the placeholder is the reserved .invalid domain, and an SIQ_HOST_URL in the environment wins", () => {
  expect(new URL(HOST_URL_PLACEHOLDER).hostname.endsWith(".invalid")).toBe(true);
  expect(pipelineEnv({}).SIQ_HOST_URL).toBe(HOST_URL_PLACEHOLDER);
  expect(pipelineEnv({ SIQ_HOST_URL: "http://host:1" }).SIQ_HOST_URL).toBe("http://host:1");
});

test.each([
  ["SmartIQ API without connections.smartiq", { actions: [{ name: "A", type: "SmartIQ API", inputs: { URL: "/x" } }] }, true],
  ["smartiq-api by id", { actions: [{ name: "A", type: "smartiq-api", inputs: { URL: "/x" } }] }, true],
  ["a connection on ${SIQ_HOST_URL}", { connections: { me: { baseUrl: "${SIQ_HOST_URL}/api" } }, actions: [userAction] }, true],
  ["SmartIQ User alone", { actions: [userAction] }, false],
  ["SmartIQ API with a remote smartiq connection", { connections: { smartiq: { baseUrl: "https://siq.example.com", auth: { type: "bearer", token: "t0ken" } } }, actions: [{ name: "A", type: "SmartIQ API", inputs: { URL: "/x" } }] }, false],
])("needsEmbeddedHost: %s", (_what, data, expected) => {
  expect(needsEmbeddedHost(load({ name: "P", ...data }))).toBe(expected);
});
