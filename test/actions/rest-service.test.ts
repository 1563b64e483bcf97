import { dirname } from "node:path";
import { DOMParser } from "@xmldom/xmldom";
import { createRuntime } from "../../runtime/runtime";
import { pipelineOf, tempFile } from "../helpers/pipelines";
import { json, startRecordingServer, type RecordingServer } from "../helpers/recording-server";

const questions = {
  q1: { label: "Username", type: "text" },
  q2: { label: "Name", type: "text" },
};

const schema = {
  type: "object",
  required: ["username", "guid"],
  properties: { username: { type: "string" }, guid: { type: "string" } },
};

let server: RecordingServer;
beforeEach(async () => {
  server = await startRecordingServer((request, response) => {
    if (request.url.startsWith("/users")) json(response, 201, { id: 42, echo: request.headers["content-type"]?.startsWith("application/json") ? (JSON.parse(request.body) as unknown) : request.body, list: [{ n: 1 }, { n: 2 }] }, { "x-trace": "abc" });
    else if (request.url === "/echo-headers") json(response, 200, { headers: request.headers });
    else if (request.url === "/missing") json(response, 404, { error: "not here" });
    else if (request.url === "/missing-text") {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("Not Found");
    } else if (request.url === "/bad-gateway") {
      response.writeHead(502, { "content-type": "text/html" });
      response.end("<html><body><h1>502 Bad Gateway</h1><hr></body></html>");
    } else if (request.url === "/plain") {
      response.writeHead(200, { "content-type": "text/plain" });
      response.end("hello");
    } else if (request.url.startsWith("/pages/")) {
      const page = Number(request.url.slice("/pages/".length));
      json(response, 200, { items: [{ n: page * 10 + 1 }, { n: page * 10 + 2 }], next: page < 3 ? `/pages/${page + 1}` : null });
    }
    else if (request.url === "/xml") {
      response.writeHead(200, { "content-type": "application/xml" });
      response.end('<?xml version="1.0"?><SUserResponse xmlns="http://example.com/suser"><SUser><Email>a@b.c</Email></SUser></SUserResponse>');
    } else json(response, 200, { ok: true });
  });
});
afterEach(() => server.close());

async function run(actions: unknown[], answers: Record<string, unknown> = {}, env: Record<string, string> = {}, options: { baseDir?: string } = {}) {
  const pipeline = pipelineOf({ name: "REST", questions, connections: { api: { baseUrl: `${server.url}/`, auth: { type: "bearer", token: "${API_TOKEN}" } } }, actions }, { API_TOKEN: "tok-secret-123", ...env }, options);
  const runtime = createRuntime();
  try {
    return await runtime.run(pipeline, { answers });
  } finally {
    await runtime.close();
  }
}

describe("Send to REST Service", () => {
  test("POSTs a Request Body checked by its schema; outputs Status, HTTP Status, Response, headers and Output Path Data", async () => {
    const result = await run(
      [
        {
          name: "Tell CRM",
          type: "Send to REST Service",
          inputs: { Connection: "api", URL: "/users", "Request Body": { username: "=[q1]", guid: "g-1" }, "Request Schema": schema, "Output Path": "$.list[*].n" },
        },
      ],
      { q1: "jdoe" },
    );
    expect(result.status).toBe("succeeded");
    expect(result.actions[0]?.outputs).toMatchObject({ Status: "Created", "HTTP Status": 201, "Output Path Data": [1, 2], "Response Headers": expect.objectContaining({ "x-trace": "abc" }) });
    expect(JSON.parse(result.actions[0]?.outputs?.Response as string)).toMatchObject({ id: 42 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: "POST", url: "/users", headers: expect.objectContaining({ authorization: "Bearer tok-secret-123", "content-type": expect.stringContaining("application/json") }) });
    expect(JSON.parse(server.requests[0]?.body ?? "")).toEqual({ username: "jdoe", guid: "g-1" });
  });

  test("an error status succeeds with its Status whatever its body; Output Path reads the body when it can, else gives \"\"", async () => {
    const get = (name: string, url: string, path: string) => ({ name, type: "Send to REST Service", inputs: { URL: `${server.url}${url}`, "HTTP Method": "GET", "Output Path": path } });
    const result = await run([get("Text", "/missing-text", "$.id"), get("Html", "/bad-gateway", "$.id"), get("Json", "/missing", "$.error"), get("Xpath", "/missing", "/a/b")]);
    expect(result.status).toBe("succeeded");
    expect(result.actions.map((action) => [action.name, action.outputs?.Status, action.outputs?.["Output Path Data"]])).toEqual([
      ["Text", "NotFound", ""],
      ["Html", "BadGateway", ""],
      ["Json", "NotFound", "not here"],
      ["Xpath", "NotFound", ""],
    ]);
  });

  test("on a 2xx response, a body that does not fit Output Path is still a mistake in the path", async () => {
    const result = await run([{ name: "Plain", type: "Send to REST Service", inputs: { URL: `${server.url}/plain`, "HTTP Method": "GET", "Output Path": "$.id" } }]);
    expect(result.actions[0]?.error?.code).toBe("OUTPUT_PATH_RESPONSE_INVALID");
  });

  test("a connection's credentials go only to its own origin: an answer that makes the URL absolute elsewhere sends nothing", async () => {
    const other = await startRecordingServer((_request, response) => json(response, 200, {}));
    try {
      const result = await run([{ name: "Steal", type: "Send to REST Service", inputs: { Connection: "api", URL: "=[q1]", "HTTP Method": "GET" } }], { q1: `${other.url}/collect` });
      expect(result.actions[0]?.error?.code).toBe("CONNECTION_ORIGIN_MISMATCH");
      expect(result.actions[0]?.error?.message).not.toContain("tok-secret-123");
      expect(other.requests).toHaveLength(0);
      expect(server.requests).toHaveLength(0);
      // An absolute URL on the connection's own origin is fine.
      const same = await run([{ name: "Same", type: "Send to REST Service", inputs: { Connection: "api", URL: "=[q1]", "HTTP Method": "GET" } }], { q1: `${server.url}/ok` });
      expect(same.status).toBe("succeeded");
      expect(server.requests[0]?.headers.authorization).toBe("Bearer tok-secret-123");
    } finally {
      await other.close();
    }
  });

  test("a Request Body without Request Schema is refused before running", () => {
    expect(() => pipelineOf({ name: "x", actions: [{ name: "A", type: "Send to REST Service", inputs: { URL: `${server.url}/users`, "Request Body": { a: 1 } } }] })).toThrow(/REQUEST_SCHEMA_REQUIRED|Request Schema/);
  });

  test("an answer that adds an element fails against the exact schema, and nothing is sent", async () => {
    const result = await run([
      {
        name: "Tell",
        type: "Send to REST Service",
        inputs: {
          URL: `${server.url}/users`,
          "Request Body": '{ "username": "{{q1}}", "guid": "g", "isAdmin": true }',
          "Request Schema": { ...schema, additionalProperties: true },
        },
      },
    ]);
    expect(result.actions[0]?.error?.code).toBe("REQUEST_BODY_INVALID");
    expect(result.actions[0]?.error?.message).toContain("/isAdmin");
    expect(server.requests).toHaveLength(0);
  });

  test("a hostile answer in a JSON template stays inside its string", async () => {
    const result = await run(
      [
        {
          name: "Tell",
          type: "Send to REST Service",
          inputs: { URL: `${server.url}/users`, "Request Body": '{ "username": "{{q1}}", "guid": "g" }', "Request Schema": schema },
        },
      ],
      { q1: '", "isAdmin": true, "x": "' },
    );
    expect(result.status).toBe("succeeded");
    const body = JSON.parse(server.requests[0]?.body ?? "") as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["guid", "username"]);
    expect(body.username).toBe('", "isAdmin": true, "x": "');
  });

  test("an XML Action Document stays well-formed whatever the answer", async () => {
    const result = await run(
      [
        {
          name: "Send XML",
          type: "Send to REST Service",
          inputs: { URL: `${server.url}/users`, "Action Documents": [{ name: "user.xml", template: "<User><Name>{{q2}}</Name></User>" }] },
        },
      ],
      { q2: "</Name><Admin>true</Admin><Name>" },
    );
    expect(result.status).toBe("succeeded");
    const received = server.requests[0];
    expect(received?.headers["content-type"]).toContain("application/xml");
    const document = new DOMParser().parseFromString(received?.body ?? "", "application/xml");
    expect(document.getElementsByTagName("Admin").length).toBe(0);
    expect(document.getElementsByTagName("Name")[0]?.textContent).toBe("</Name><Admin>true</Admin><Name>");
  });

  test("Action Documents from a file, sent as multipart with two parts", async () => {
    const template = tempFile("user.json", '{ "name": "{{q2}}" }');
    const result = await run(
      [
        {
          name: "Upload",
          type: "Send to REST Service",
          inputs: {
            URL: `${server.url}/users`,
            "Send as Multipart": true,
            "Action Documents": [
              { name: "user.json", file: "user.json" },
              { name: "note.xml", template: "<Note>{{q2}}</Note>" },
            ],
          },
        },
      ],
      { q2: "Ann" },
      {},
      { baseDir: dirname(template) },
    );
    expect(result.status).toBe("succeeded");
    const received = server.requests[0];
    expect(received?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(received?.body).toContain('name="user.json"');
    expect(received?.body).toContain('{ "name": "Ann" }');
    expect(received?.body).toContain("<Note>Ann</Note>");
  });

  test("XPath on a namespaced XML response matches by local name", async () => {
    const result = await run([{ name: "Get", type: "Send to REST Service", inputs: { URL: `${server.url}/xml`, "HTTP Method": "get", "Output Path": "/SUserResponse/SUser/Email" } }]);
    expect(result.actions[0]?.outputs?.["Output Path Data"]).toBe("a@b.c");
  });

  test("with Pagination, Output Path reads every page, each page's body parsed once", async () => {
    const parse = jest.spyOn(JSON, "parse");
    try {
      const result = await run([
        {
          name: "List",
          type: "Send to REST Service",
          inputs: { URL: `${server.url}/pages/1`, "HTTP Method": "GET", "Output Path": "$.items[*].n", Pagination: { nextLink: "$.next" } },
        },
        {
          name: "Again",
          type: "Send to REST Service",
          inputs: { URL: `${server.url}/pages/1`, "HTTP Method": "GET", "Output Path": "$.items[*].n", Pagination: { nextLink: "$.next" } },
        },
      ]);
      for (const action of result.actions) expect(action).toMatchObject({ status: "succeeded", outputs: { "Output Path Data": [11, 12, 21, 22, 31, 32] } });
      expect(server.requests.map((request) => request.url)).toEqual(["/pages/1", "/pages/2", "/pages/3", "/pages/1", "/pages/2", "/pages/3"]);
      // Empty-page check, next link and Output Path Data all read one parse per page and run.
      const pageParses = parse.mock.calls.filter(([text]) => typeof text === "string" && text.startsWith('{"items":'));
      expect(pageParses).toHaveLength(6);
    } finally {
      parse.mockRestore();
    }
  });

  test("an error status succeeds by default and fails with Fail On Error Status", async () => {
    const result = await run([
      { name: "Soft", type: "Send to REST Service", inputs: { URL: `${server.url}/missing`, "HTTP Method": "GET" } },
      { name: "Hard", type: "Send to REST Service", inputs: { URL: `${server.url}/missing`, "HTTP Method": "GET", "Fail On Error Status": true } },
    ]);
    expect(result.actions[0]).toMatchObject({ status: "succeeded", outputs: { Status: "NotFound", "HTTP Status": 404 } });
    expect(result.actions[1]).toMatchObject({ status: "failed", error: { code: "HTTP_ERROR_STATUS" } });
  });

  test("no secret appears anywhere in the result", async () => {
    const result = await run([
      { name: "Echo", type: "Send to REST Service", inputs: { Connection: "api", URL: "/echo-headers", "HTTP Method": "GET", "Custom Headers": "X-Note: tok-secret-123" } },
    ]);
    // The server echoed the Authorization header and the custom header back in its body.
    expect(server.requests[0]?.headers.authorization).toBe("Bearer tok-secret-123");
    expect(result.actions[0]?.outputs?.Response).toContain("***");
    expect(JSON.stringify(result)).not.toContain("tok-secret-123");
  });
});
