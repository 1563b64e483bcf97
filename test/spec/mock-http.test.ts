import { FormData, request } from "undici";
import type { SpecHttpEntry } from "../../runtime/spec";
import { SpecHttp } from "../../runtime/spec/mock-http";
import { httpFailures } from "../../runtime/spec/http-report";
import { Redactor } from "../../runtime/redact";

const CRM = "https://crm.example.com/v1/users";

function entry(request: SpecHttpEntry["request"], response: SpecHttpEntry["response"] = { status: 201, json: { id: 42 } }, times?: number): SpecHttpEntry {
  return times === undefined ? { request, response } : { request, response, times };
}

async function send(http: SpecHttp, url: string, options: { method?: string; headers?: Record<string, string>; body?: string | FormData } = {}) {
  const response = await request(url, { dispatcher: http.dispatcher, method: (options.method ?? "POST") as "POST", headers: options.headers ?? {}, body: options.body ?? null });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

describe("SpecHttp", () => {
  let http: SpecHttp | undefined;
  afterEach(async () => {
    await http?.close();
    http = undefined;
  });

  test("answers a request that matches method, URL, headers and JSON body, with the entry's response", async () => {
    http = new SpecHttp([
      entry({ method: "post", url: CRM, headers: { "Content-Type": { $regex: "^application/json" } }, json: { username: "jdoe", guid: { $any: "string" } } }),
    ]);
    const response = await send(http, CRM, { headers: { "content-type": "application/json" }, body: JSON.stringify({ guid: "g-1", username: "jdoe" }) });
    expect(response).toMatchObject({ status: 201, body: '{"id":42}' });
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(http.unmatched).toEqual([]);
    expect(http.unused()).toEqual([]);
  });

  test("takes entries in order: the first that matches and has uses left", async () => {
    http = new SpecHttp([
      entry({ method: "GET", url: `${CRM}/1` }, { status: 503, body: "busy" }),
      entry({ method: "GET", url: `${CRM}/1` }, { status: 200, json: { id: 1 } }),
      entry({ method: "GET", url: { $regex: "/users/\\d+$" } }, { status: 200, json: { any: true } }, 2),
    ]);
    const statuses: number[] = [];
    for (const path of ["1", "1", "1", "2"]) statuses.push((await send(http, `${CRM}/${path}`, { method: "GET" })).status);
    expect(statuses).toEqual([503, 200, 200, 200]);
    expect(http.exchanges.map((e) => e.entry)).toEqual([0, 1, 2, 2]);
    expect(http.unused()).toEqual([]);
  });

  test("matches url-encoded and multipart bodies by their fields", async () => {
    http = new SpecHttp([
      entry({ method: "POST", url: "https://login.example.com/token", form: { grant_type: "client_credentials", scope: ["a", "b"] } }, { json: { access_token: "t" } }),
      entry({ method: "POST", url: CRM, form: { "user.json": { $json: { username: "jdoe" } }, note: "hi" } }),
    ]);
    const token = await send(http, "https://login.example.com/token", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&scope=a&scope=b",
    });
    expect(token.status).toBe(200);
    const form = new FormData();
    form.append("user.json", new Blob(['{"username":"jdoe"}'], { type: "application/json" }), "user.json");
    form.append("note", "hi");
    expect((await send(http, CRM, { body: form })).status).toBe(201);
    expect(http.unmatched).toEqual([]);
  });

  test("a request no entry matches fails as a refused connection and is reported next to the nearest entry, secrets masked", async () => {
    http = new SpecHttp([
      entry({ method: "GET", url: "https://other.example.com/x" }),
      entry({ method: "POST", url: CRM, json: { username: "jdoe", guid: { $any: "number" } } }),
    ]);
    const failure = await send(http, CRM, {
      headers: { authorization: "Bearer s3cr3t-token-value", "x-api-key": "k-123456", "content-type": "application/json" },
      body: JSON.stringify({ username: "jdoe", guid: "g-1", password: "hunter2!" }),
    }).catch((error: unknown) => error as Error & { code?: string });
    expect(failure).toMatchObject({ code: "ECONNREFUSED" });

    const [report, unused1, unused2] = httpFailures(http, http.entries, new Redactor());
    expect(report?.path).toBe("http");
    const text = report?.message ?? "";
    expect(text).toContain("unexpected request: no http entry matches it");
    expect(text).toContain(`POST ${CRM}`);
    expect(text).toContain("authorization: Bearer ***");
    expect(text).toContain("x-api-key: ***");
    expect(text).toContain('"password":"***"');
    expect(text).toContain(`nearest entry http[1]: POST ${CRM}, differs in body:`);
    expect(text).toContain('json.guid: expected a number, got "g-1"');
    expect(text).toContain('json.password: expected nothing (the key is not expected), got "***"');
    expect(text).not.toMatch(/s3cr3t|k-123456|hunter2/);
    expect(unused1).toEqual({ path: "http[0]", message: "GET https://other.example.com/x was never requested" });
    expect(unused2).toEqual({ path: "http[1]", message: `POST ${CRM} was never requested` });
  });

  test("a request an entry matches but has already answered is reported as such", async () => {
    http = new SpecHttp([entry({ method: "GET", url: CRM }, { json: [] })]);
    await send(http, CRM, { method: "GET" });
    await expect(send(http, CRM, { method: "GET" })).rejects.toMatchObject({ code: "ECONNREFUSED" });
    const [report] = httpFailures(http, http.entries, new Redactor());
    expect(report?.message).toContain("matches, but has already answered its 1 request");
  });

  test("a header that must be absent, and an entry that simulates a network failure", async () => {
    http = new SpecHttp([
      entry({ method: "GET", url: CRM, headers: { Authorization: { $absent: true } } }, { error: "ECONNRESET" }),
      entry({ method: "GET", url: CRM }, { error: "TIMEOUT" }),
    ]);
    await expect(send(http, CRM, { method: "GET" })).rejects.toMatchObject({ code: "ECONNRESET" });
    await expect(send(http, CRM, { method: "GET", headers: { authorization: "Basic eDp5" } })).rejects.toMatchObject({ code: "UND_ERR_HEADERS_TIMEOUT" });
    expect(http.exchanges.map((e) => e.entry)).toEqual([0, 1]);
  });

  test("names the differing parts: method, URL and headers", async () => {
    http = new SpecHttp([entry({ method: "PUT", url: `${CRM}?active=true`, headers: { "X-Tenant": "acme" } })]);
    await send(http, `${CRM}?active=false`, { method: "POST", headers: { "x-tenant": "other" } }).catch(() => undefined);
    const [report] = httpFailures(http, http.entries, new Redactor());
    expect(report?.message).toContain("differs in method, url, headers:");
    expect(report?.message).toContain('method: expected "PUT", got "POST"');
    expect(report?.message).toContain(`url: expected "${CRM}?active=true", got "${CRM}?active=false"`);
    expect(report?.message).toContain('headers["X-Tenant"]: expected "acme", got "other"');
  });
});
