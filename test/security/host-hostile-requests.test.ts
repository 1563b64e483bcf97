/**
 * The embedded host under hostile requests: random methods, paths, queries, headers and bodies
 * on every route, as a signed-in user or not. Every answer is a well-formed API answer with a
 * stable code; none holds a stack trace or a server path; nothing answers 500 but a pipeline
 * file's own problems; and the host stays up.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { wellFormed } from "../../runtime/formula/unicode";
import { startTestHost, type TestHost } from "../host/helpers/test-host";
import { hostileText } from "./hostile";

let test_host: TestHost;
let folder: string;
let adminToken: string;
let userToken: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "siq-review-host-"));
  const pipelines = join(folder, "pipelines");
  mkdirSync(pipelines);
  writeFileSync(
    join(pipelines, "numbers.pipeline.json"),
    JSON.stringify({
      name: "Numbers",
      questions: { n: { label: "N", type: "number" }, t: { label: "T", type: "text" } },
      actions: [{ name: "Note", type: "Send to REST Service", inputs: { URL: "=\"http://127.0.0.1:9/\" & [t]", "HTTP Method": "GET" } }],
    }),
  );
  writeFileSync(join(pipelines, "broken.pipeline.json"), '{ "name": "Broken", ');
  writeFileSync(join(folder, "outside.json"), "{}");
  writeFileSync(
    join(pipelines, "outside.pipeline.json"),
    JSON.stringify({ name: "Outside", actions: [{ name: "Send", type: "Send to REST Service", inputs: { URL: "http://127.0.0.1:9/", "Action Documents": [{ name: "d.json", file: "../outside.json" }] } }] }),
  );
  test_host = await startTestHost({ pipelinesDir: pipelines });
  test_host.directory.createUser({ username: "plain" });
  adminToken = test_host.tokenFor("admin");
  userToken = test_host.tokenFor("plain");
});
afterAll(() => test_host.close());

/** Nothing an answer says may reveal the server's insides. */
function expectNoInternals(text: string): void {
  expect(text).not.toContain(folder);
  expect(text).not.toMatch(/\bat .+\.(?:ts|js):\d+/);
  expect(text).not.toContain("node_modules");
  expect(text).not.toContain(process.cwd());
}

describe("hostile requests", () => {
  test("every answer is an API answer with a stable code, and none shows the server's insides", async () => {
    const paths = fc.constantFrom(
      "/api/v1/admin/login/forms",
      "/api/v1/admin/users",
      "/api/v1/admin/users/SEG",
      "/api/v1/admin/users/name/SEG",
      "/api/v1/admin/groups",
      "/api/v1/admin/groups/SEG",
      "/api/v1/admin/groups/SEG/users",
      "/api/v1/admin/groups/ensure",
      "/api/v1/admin/roles",
      "/api/v1/admin/audit",
      "/api/v1/pipelines",
      "/api/v1/pipelines/SEG/run",
      "/api/v1/pipelines/numbers/run",
      "/api/v1/pipelines/broken/run",
      "/api/v1/pipelines/outside/run",
      "/api/v1/inbox/SEG",
      "/SEG",
    );
    const segment = fc.oneof(fc.constantFrom("..", "%2e%2e", "..%2f..%2fetc%2fpasswd", "%00", "admin", "numbers", "__proto__", "constructor", "%E0%A4%A", "a".repeat(3000)), hostileText.map((text) => encodeURIComponent(wellFormed(text))));
    const query = fc.constantFrom("", "?format=xml", "?skip=-1", "?top=99999", "?format=xml&format=json", "?__proto__[x]=1", "?skip=1e3");
    const body = fc.oneof(
      fc.constant(undefined),
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
      fc.constantFrom('{"__proto__": {"isAdmin": true}}', '{"constructor": {"prototype": {"x": 1}}}', "{", "[]", "null", '{"answers": {"n": "' + "1".repeat(200_000) + 'x"}}', '{"answers": {"t": "../../x"}}'),
      hostileText,
    );
    const contentType = fc.constantFrom("application/json", "text/plain", "application/xml", "application/x-www-form-urlencoded", "");
    const token = fc.constantFrom<"admin" | "plain" | "none" | "forged">("admin", "plain", "none", "forged");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("GET", "POST", "PATCH", "DELETE", "PUT"), paths, segment, query, body, contentType, token, fc.option(hostileText), async (method, path, seg, q, raw, type, who, asUser) => {
        const headers: Record<string, string> = {};
        if (type !== "" && raw !== undefined) headers["content-type"] = type;
        // Within Node's header size limit: beyond it Node answers 431 before the host sees the request.
        if (asUser !== null && asUser.length < 4000 && /^[\t\x20-\x7e]*$/.test(asUser)) headers["x-as-user"] = asUser;
        const tokens = { admin: adminToken, plain: userToken, none: undefined, forged: `${adminToken.slice(0, -4)}AAAA` };
        const bearer = tokens[who];
        const answer = await test_host.call(method, `${path.replace(/SEG/g, seg)}${q}`, { ...(bearer ? { token: bearer } : {}), ...(raw !== undefined && method !== "GET" ? { raw } : {}), headers });
        expectNoInternals(answer.text);
        // 204 has no body; 431 is Node's own answer to a request line and headers over its limit, before the host sees anything.
        if (answer.status === 204 || answer.status === 431) return;
        if (answer.status >= 400) {
          const code = answer.json?.error?.code ?? /<Code>([A-Z_]+)<\/Code>/.exec(answer.text)?.[1];
          expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
          if (answer.status >= 500) expect(code).toBe("PIPELINE_INVALID");
        }
      }),
      { numRuns: 400 },
    );
    // Still up.
    expect((await test_host.call("GET", "/api/v1/admin/users", { token: adminToken })).status).toBe(200);
  }, 120_000);

  test("a number answer that would make the number pattern backtrack is refused at once", async () => {
    const started = performance.now();
    const answer = await test_host.call("POST", "/api/v1/pipelines/numbers/run", { token: userToken, body: { answers: { n: `${"1".repeat(500_000)}x` } } });
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe("ANSWERS_INVALID");
    expect(performance.now() - started).toBeLessThan(5000);
  });

  test("a pipeline whose document file is outside its folder is reported without the server's paths", async () => {
    const answer = await test_host.call("POST", "/api/v1/pipelines/outside/run", { token: userToken, body: { answers: {} } });
    expect(answer.status).toBe(500);
    expect(answer.json.error.problems).toEqual([expect.objectContaining({ code: "FILE_OUTSIDE_PIPELINE_FOLDER" })]);
    expectNoInternals(answer.text);
  });
});
