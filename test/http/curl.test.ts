import { Redactor } from "../../runtime/redact";
import { buildRequestBody } from "../../runtime/http/body";
import { formatCurl, toDryRunRequest } from "../../runtime/http/curl";
import { buildRequestHeaders } from "../../runtime/http/headers";
import type { HttpRequest } from "../../runtime/http/request";

const redactor = new Redactor();
redactor.addSecret("hunter2-secret");

test("JSON body, Basic auth, userinfo and an API key in the query, all masked", () => {
  const request: HttpRequest = {
    method: "POST",
    url: "https://svc:userinfo-pw@crm.example.com/v1/users?x=1",
    headers: buildRequestHeaders({
      contentType: "application/json; charset=utf-8",
      custom: [["X-Trace", "it's"]],
      auth: { source: "action", type: "basic", headers: [["Authorization", "Basic c3ZjOmh1bnRlcjItc2VjcmV0"]], query: [] },
    }),
    body: JSON.stringify({ username: "jdoe", password: "plain-pw", nested: { client_secret: "cs-1", note: "uses hunter2-secret" } }),
    credentialQuery: [["api_key", "QK-1"]],
  };
  expect(formatCurl(request, redactor)).toBe(
    [
      "curl -X POST 'https://svc:***@crm.example.com/v1/users?x=1&api_key=***'",
      "-H 'Accept: */*'",
      "-H 'User-Agent: siq-actions'",
      "-H 'Content-Type: application/json; charset=utf-8'",
      "-H 'X-Trace: it'\\''s'",
      "-H 'Authorization: Basic ***'",
      `--data-raw '{"username":"jdoe","password":"***","nested":{"client_secret":"***","note":"uses ***"}}'`,
    ].join(" \\\n  "),
  );
});

test("form bodies mask secret fields; unknown header credentials are masked whole", () => {
  const request: HttpRequest = {
    method: "POST",
    url: "https://idp.example/token",
    headers: buildRequestHeaders({ contentType: "application/x-www-form-urlencoded", credentials: [["X-Api-Key", "hk-123456"]] }),
    body: "grant_type=password&username=jdoe&password=pw%21x&client_secret=s3&scope=a+b",
  };
  const text = formatCurl(request);
  expect(text).toContain("-H 'X-Api-Key: ***'");
  expect(text).toContain("--data-raw 'grant_type=password&username=jdoe&password=***&client_secret=***&scope=a+b'");
});

test("multipart bodies show each part with its name, type and masked content", () => {
  const built = buildRequestBody({
    documents: [
      { name: "user.json", contentType: "application/json", content: '{"name":"jdoe","password":"pw-part"}' },
      { name: "note.xml", contentType: "application/xml", content: "<Note>hunter2-secret</Note>" },
    ],
    multipart: true,
  });
  const request: HttpRequest = { method: "POST", url: "https://h/upload", headers: buildRequestHeaders({ multipart: true }), body: built?.body };
  const text = formatCurl(request, redactor);
  expect(text).toContain(`--form 'user.json={"name":"jdoe","password":"***"};filename=user.json;type=application/json; charset=utf-8'`);
  expect(text).toContain("--form 'note.xml=<Note>***</Note>;filename=note.xml;type=application/xml; charset=utf-8'");
  expect(text).not.toContain("pw-part");
});

test("a recorded dry-run entry formats the same way, and masking twice changes nothing", () => {
  const request: HttpRequest = {
    method: "PUT",
    url: "https://h/x",
    headers: buildRequestHeaders({ contentType: "application/json; charset=utf-8", auth: { source: "connection", type: "bearer", headers: [["Authorization", "Bearer tkn-123456"]], query: [] } }),
    body: '{"a":"hunter2-secret"}',
  };
  const entry = toDryRunRequest(request, redactor, "Update");
  expect(entry.headers["Authorization"]).toBe("Bearer ***");
  expect(formatCurl(entry, redactor)).toBe(formatCurl(request, redactor));
});
