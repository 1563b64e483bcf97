/**
 * "One connector is added as a single data file plus its tests, with no code change": a
 * connector file written for this test (fixtures/acme-people.connector.json) is loaded through
 * the public API, registered with createRuntime, and run against its small stand-in. Its
 * actions use what the shipped connectors do not: an API key header, header conditions and
 * outputs, `in` and `matches` tests, whenBlank null/empty, maps, key/value inputs, offset
 * paging from a start, retryable rules, redirects and Retry-After through the shared pipeline.
 */
import { join } from "node:path";
import { createRuntime, inspectPipelineData, loadConnectorActions, type ActionPlugin } from "../../runtime";
import type { JsonValue } from "../../runtime/values";
import { ACME_TEST_KEY, startAcmeStandIn, type AcmeState } from "../stand-ins/acme-people";
import type { StandIn } from "../stand-ins/stand-in-kit";
import { runOne, runPipelineData, visibleText } from "./run-connector";

const FILE = join(__dirname, "fixtures/acme-people.connector.json");

let actions: ActionPlugin[];
let standIn: StandIn<AcmeState>;
let connections: Record<string, JsonValue>;

beforeAll(async () => {
  actions = await loadConnectorActions(FILE);
});

beforeEach(async () => {
  standIn = await startAcmeStandIn();
  connections = { acme: { baseUrl: standIn.url, auth: { type: "apiKey", in: "header", name: "X-Acme-Key", value: ACME_TEST_KEY } } };
});

afterEach(async () => {
  await standIn.close();
});

const run = (type: string, inputs: Record<string, JsonValue>, options: { dryRun?: boolean } = {}) => runOne(connections, type, inputs, { actions, ...options });

describe("the data file becomes actions", () => {
  test("ids, display names, version, the Connection input and the HTTP Status output", () => {
    expect(actions.map((action) => [action.definition.id, action.definition.displayName, action.definition.version])).toEqual([
      ["acme-people-get-person", "Acme People Get Person", "0.3.0"],
      ["acme-people-create-person", "Acme People Create Person", "0.3.0"],
      ["acme-people-list-people", "Acme People List People", "0.3.0"],
      ["acme-people-list-people-from", "Acme People List People From", "0.3.0"],
    ]);
    const get = actions[0]?.definition;
    expect(get?.inputs.find((input) => input.name === "Connection")).toMatchObject({ type: "text", default: "acme" });
    expect(get?.outputs.map((output) => [output.name, output.type])).toContainEqual(["Tags", "any"]);
    expect(get?.outputs[get.outputs.length - 1]).toMatchObject({ name: "HTTP Status", type: "number" });
  });

  test("a runtime registers them beside the built-ins; a pipeline using them validates", async () => {
    const runtime = createRuntime({ actions });
    try {
      expect(runtime.actions.find("Acme People Get Person")).toBe(actions[0]);
      expect(runtime.actions.find("iqmetrix-get-user")).toBeDefined();
    } finally {
      await runtime.close();
    }
    const loaded = inspectPipelineData(
      { name: "p", connections, actions: [{ name: "Get", type: "acme-people-get-person", inputs: { "Person Id": "p1" } }] },
      { actions, env: {} },
    );
    expect(loaded.problems).toEqual([]);
  });

  test("loading a shipped connector again clashes with the built-in actions", async () => {
    const again = await loadConnectorActions(join(__dirname, "../../actions/connectors/insightiq.connector.json"));
    expect(() => createRuntime({ actions: again })).toThrow(expect.objectContaining({ code: "ACTION_CONFLICT" }));
  });
});

describe("Get Person", () => {
  test("outputs typed values, a header, defaults and JSON; through a redirect the key is sent again (same origin)", async () => {
    const person = standIn.state.addPerson({ name: "Ann", age: 41, active: true, tags: ["a", "b"], profile: { title: "CTO" } });
    const result = await run("Acme People Get Person", { "Person Id": `old-${person.id}` });
    expect(result.outputs).toEqual({
      Found: true,
      Name: "Ann",
      Age: 41,
      Active: true,
      Tags: ["a", "b"],
      Nickname: "(none)",
      Profile: { title: "CTO" },
      "Profile Text": '{"title":"CTO"}',
      Version: `"v-${person.id}"`,
      "HTTP Status": 200,
    });
    expect(standIn.state.received.map((request) => [request.url, request.headers["x-acme-key"]])).toEqual([
      [`/api/people/old-${person.id}`, ACME_TEST_KEY],
      [`/api/people/${person.id}`, ACME_TEST_KEY],
    ]);
    expect(visibleText(result)).not.toContain(ACME_TEST_KEY);
  });

  test.each([
    ["404", () => "p9", {}, "ACME_NOT_FOUND", "Acme has no person p9: check the id."],
    ["410 with X-Acme-State: archived (a header condition)", () => standIn.state.addPerson({ name: "Old" }, true).id, {}, "ACME_ARCHIVED", "Person p1 is archived in Acme."],
  ])("%s", async (_name, id, extra, code, message) => {
    const result = await run("Acme People Get Person", { "Person Id": id(), ...extra });
    expect(result.error).toEqual({ code, message });
  });

  test("404 with Fail If Not Found false is Found false", async () => {
    const result = await run("Acme People Get Person", { "Person Id": "p9", "Fail If Not Found": false });
    expect(result.outputs).toMatchObject({ Found: false, Name: "", Age: null, Tags: [], Nickname: "(none)", Version: "", "HTTP Status": 404 });
  });

  test.each([
    ["a body that is not JSON", { name: "B", broken: true }, /not valid JSON/],
    ["an age that is not a number", { name: "B", age: "old" }, /The output "Age" of action "Step" should be a number, but the response gave text/],
    ["an active flag that is an object", { name: "B", active: { yes: 1 } }, /The output "Active" of action "Step" should be true or false, but the response gave a JSON object/],
  ])("CONNECTOR_RESPONSE_INVALID for %s", async (_name, body, message) => {
    const person = standIn.state.addPerson(body);
    const result = await run("Acme People Get Person", { "Person Id": person.id });
    expect(result.error?.code).toBe("CONNECTOR_RESPONSE_INVALID");
    expect(result.error?.message).toMatch(message);
  });
});

describe("Create Person", () => {
  test("sends typed members, blanks as the connector says, the query and headers; the secret only on the wire", async () => {
    const result = await run("Acme People Create Person", {
      Name: "Cy",
      Age: "=40 + 2",
      Active: "yes",
      Tags: "red\n\n blue \n",
      Attributes: "floor=3\ndesk=A7",
      Notify: true,
      Level: "Senior",
      "Secret Answer": "blue-whale-77",
    });
    expect(result.status).toBe("succeeded");
    expect(result.outputs).toEqual({ "Person Id": "p1", Location: "/api/people/p1", "HTTP Status": 201 });
    const [received] = standIn.state.received;
    expect(received?.url).toBe("/api/people?notify=true&tag=red&tag=blue");
    expect(received?.headers["x-request-source"]).toBe("siq pipeline");
    expect(received?.headers["accept"]).toBe("application/json");
    expect(JSON.parse(received?.body ?? "")).toEqual({
      name: "Cy",
      age: 42,
      active: true,
      tags: ["red", "blue"],
      note: null,
      nickname: "",
      attributes: { floor: "3", desk: "A7" },
      level: 2,
      secret: "blue-whale-77",
      kind: "person",
      extra: {},
    });
    expect(visibleText(result)).not.toContain("blue-whale-77");
  });

  test("an answer stays a string value: it cannot add members", async () => {
    await run("Acme People Create Person", { Name: '", "admin": true, "x": "', Title: '"}, "admin": true' });
    expect(standIn.state.people[0]?.body).toMatchObject({ name: '", "admin": true, "x": "', profile: { title: '"}, "admin": true' } });
    expect(standIn.state.people[0]?.body["admin"]).toBeUndefined();
  });

  test.each([
    ["an Age with a fraction", { Age: "3.5" }, 'The input "Age" of action "Step" must be a whole number for this connector.'],
    ["an Active that is not a boolean", { Active: "perhaps" }, 'The input "Active" of action "Step" must be true or false for this connector.'],
  ])("refuses %s before sending", async (_name, extra, message) => {
    const result = await run("Acme People Create Person", { Name: "D", ...extra });
    expect(result.error).toEqual({ code: "INPUT_CONVERSION", message });
    expect(standIn.state.received).toEqual([]);
  });

  test("409 whose message matches a pattern is ACME_EMAIL_TAKEN", async () => {
    standIn.state.addPerson({ name: "E", email: "e@example.com" });
    const result = await run("Acme People Create Person", { Name: "E2", Email: "e@example.com" });
    expect(result.error).toEqual({ code: "ACME_EMAIL_TAKEN", message: "Acme already has a person with email e@example.com." });
  });

  test("a dry run records the request with the key masked and sends nothing", async () => {
    const result = await run("Acme People Create Person", { Name: "F", "Secret Answer": "dry-secret-1" }, { dryRun: true });
    expect(result.outputs).toEqual({ "Person Id": "", Location: "", "HTTP Status": 0 });
    expect(result.messages?.[0]).toMatch(/^Dry run: POST .*\/api\/people was recorded, not sent\.$/);
    expect(result.dryRuns[0]?.headers["X-Acme-Key"]).toBe("***");
    expect(standIn.state.received).toEqual([]);
    expect(visibleText(result)).not.toContain("dry-secret-1");
  });
});

describe("paging", () => {
  test("page numbers with a page size parameter, through every page", async () => {
    for (const name of ["A", "B", "C", "D", "E"]) standIn.state.addPerson({ name });
    const result = await run("Acme People List People", { "Page Size": 2 });
    expect(result.outputs).toEqual({ Names: ["A", "B", "C", "D", "E"], Total: 5, "HTTP Status": 200 });
    expect(standIn.state.received.map((request) => request.url)).toEqual([
      "/api/people?per_page=2&page=1",
      "/api/people?per_page=2&page=2",
      "/api/people?per_page=2&page=3",
      "/api/people?per_page=2&page=4",
    ]);
  });

  test("422 is ACME_INVALID (a 4xx class rule with an `in` test), naming the fields", async () => {
    const result = await run("Acme People List People", { "Page Size": 51 });
    expect(result.error).toEqual({ code: "ACME_INVALID", message: "Acme refused GET /api/people (422): per_page must be at most 50. Fields: per_page." });
  });

  test("offset/limit from a start", async () => {
    for (const name of ["A", "B", "C", "D", "E", "F"]) standIn.state.addPerson({ name });
    const result = await run("Acme People List People From", { Start: 3 });
    expect(result.outputs?.["Names"]).toEqual(["D", "E", "F"]);
    expect(standIn.state.received.map((request) => request.url)).toEqual(["/api/people/offset?offset=3&limit=2", "/api/people/offset?offset=5&limit=2", "/api/people/offset?offset=7&limit=2"]);
  });
});

describe("failures and retries", () => {
  test("429 with Retry-After is waited out by the request pipeline, inside one attempt", async () => {
    standIn.state.busy = 2;
    standIn.state.retryAfter = true;
    standIn.state.addPerson({ name: "G" });
    const result = await run("Acme People Get Person", { "Person Id": "p1" });
    expect(result).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(standIn.state.received.length).toBe(3);
  });

  test("429 without Retry-After is the connector's retryable ACME_BUSY: pipeline retry runs the action again", async () => {
    standIn.state.busy = 1;
    standIn.state.addPerson({ name: "H" });
    const once = await runPipelineData({ connections, actions: [{ name: "Get", type: "Acme People Get Person", inputs: { "Person Id": "p1" } }] }, { actions });
    expect(once.result.actions[0]?.error).toEqual({ code: "ACME_BUSY", message: "Acme is busy (Too many requests): try again later." });
    standIn.state.busy = 1;
    const retried = await runPipelineData(
      { connections, actions: [{ name: "Get", type: "Acme People Get Person", inputs: { "Person Id": "p1" }, retry: { attempts: 2, waitSeconds: 0 } }] },
      { actions },
    );
    expect(retried.result.actions[0]).toMatchObject({ status: "succeeded", attempts: 2, outputs: { Name: "H" } });
  });

  test("a status no rule expects is CONNECTOR_UNEXPECTED_STATUS, retryable for 5xx", async () => {
    standIn.state.failures = 1;
    standIn.state.addPerson({ name: "I" });
    const failed = await run("Acme People Get Person", { "Person Id": "p1" });
    expect(failed.error?.code).toBe("CONNECTOR_UNEXPECTED_STATUS");
    expect(failed.error?.message).toMatch(/^Acme People Get Person: GET http:\/\/127\.0\.0\.1:\d+\/api\/people\/p1 answered 500 Internal Server Error, which the connector does not expect\. The service said: Something broke\. The service may be busy or failing: try again later\.$/);
    standIn.state.failures = 1;
    const retried = await runPipelineData(
      { connections, actions: [{ name: "Get", type: "acme-people-get-person", inputs: { "Person Id": "p1" }, retry: { attempts: 2, waitSeconds: 0 } }] },
      { actions },
    );
    expect(retried.result.actions[0]).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  test("401 is ACME_UNAUTHORIZED and the key shows nowhere", async () => {
    const wrong = { acme: { baseUrl: standIn.url, auth: { type: "apiKey", in: "header", name: "X-Acme-Key", value: "wrong-acme-key" } } };
    const result = await runOne(wrong, "Acme People Get Person", { "Person Id": "p1" }, { actions });
    expect(result.error).toEqual({ code: "ACME_UNAUTHORIZED", message: "Acme refused the API key of connection acme: check it." });
    expect(visibleText(result)).not.toContain("wrong-acme-key");
  });

  test("the connector's placement of the key wins over the connection's", async () => {
    const misplaced = { acme: { baseUrl: standIn.url, auth: { type: "apiKey", in: "query", name: "key", value: ACME_TEST_KEY } } };
    const result = await runOne(misplaced, "Acme People List People", {}, { actions });
    expect(result.status).toBe("succeeded");
    expect(standIn.state.received[0]?.url).not.toContain("key=");
  });
});
