import fc from "fast-check";
import { buildRequestHeaders, checkHeader, crossOriginHeaders, normalizeResponseHeaders, withoutBodyHeaders } from "../../runtime/http/headers";
import type { ResolvedAuth } from "../../runtime/http/auth/resolve-auth";

const actionAuth: ResolvedAuth = { source: "action", type: "basic", headers: [["Authorization", "Basic YTpi"]], query: [] };
const connectionAuth: ResolvedAuth = { source: "connection", type: "bearer", headers: [["Authorization", "Bearer conn"]], query: [] };

function shown(headers: ReturnType<typeof buildRequestHeaders>): string[] {
  return headers.map((header) => `${header.kind} ${header.name}: ${header.value}`);
}

describe("buildRequestHeaders", () => {
  test("order: standard, content, custom, credential", () => {
    expect(shown(buildRequestHeaders({ auth: connectionAuth, custom: [["X-A", "1"]], contentType: "application/xml; charset=utf-8" }))).toEqual([
      "standard Accept: */*",
      "standard User-Agent: siq-actions",
      "content Content-Type: application/xml; charset=utf-8",
      "custom X-A: 1",
      "credential Authorization: Bearer conn",
    ]);
  });

  test.each([
    ["the action's auth beats a Custom Header of the same name", actionAuth, ["credential Authorization: Basic YTpi"]],
    ["a Custom Header beats the connection's auth of the same name", connectionAuth, ["custom authorization: Token mine"]],
  ])("%s", (_name, auth, expected) => {
    const headers = buildRequestHeaders({ auth, custom: [["authorization", "Token mine"]] });
    expect(shown(headers).filter((line) => /authorization/i.test(line))).toEqual(expected);
  });

  test("without custom headers or credentials: the standard headers and the body's type, fresh each time", () => {
    const none: ResolvedAuth = { source: "none", type: "none", headers: [], query: [] };
    for (const parts of [{}, { custom: [] }, { auth: none }, { credentials: [] }, { auth: none, custom: [], credentials: [] }]) {
      expect(shown(buildRequestHeaders(parts))).toEqual(["standard Accept: */*", "standard User-Agent: siq-actions"]);
      expect(shown(buildRequestHeaders({ ...parts, contentType: "application/json; charset=utf-8" }))).toEqual([
        "standard Accept: */*",
        "standard User-Agent: siq-actions",
        "content Content-Type: application/json; charset=utf-8",
      ]);
      expect(shown(buildRequestHeaders({ ...parts, contentType: "text/plain", multipart: true }))).toEqual(["standard Accept: */*", "standard User-Agent: siq-actions"]);
    }
    const one = buildRequestHeaders({});
    (one[0] as { value: string }).value = "changed";
    expect(buildRequestHeaders({})[0]?.value).toBe("*/*");
  });

  test("a custom Content-Type replaces the body's, except for multipart", () => {
    const custom: Array<[string, string]> = [["Content-Type", "application/merge-patch+json"]];
    expect(shown(buildRequestHeaders({ custom, contentType: "application/json; charset=utf-8" })).filter((l) => l.includes("Content-Type"))).toEqual([
      "custom Content-Type: application/merge-patch+json",
    ]);
    expect(shown(buildRequestHeaders({ custom, multipart: true })).filter((l) => l.includes("Content-Type"))).toEqual([]);
  });

  test("framing headers from the user are ignored; Accept and User-Agent can be replaced", () => {
    const headers = buildRequestHeaders({ custom: [["Content-Length", "5"], ["Host", "evil"], ["Accept", "application/xml"], ["User-Agent", "me"]] });
    expect(shown(headers)).toEqual(["custom Accept: application/xml", "custom User-Agent: me"]);
  });

  test("cross-origin and body-less views", () => {
    const headers = buildRequestHeaders({ auth: connectionAuth, custom: [["X-A", "1"], ["Cookie", "c=1"]], contentType: "text/plain", credentials: [["X-As-User", "guid"]] });
    expect(crossOriginHeaders(headers).map((h) => h.name)).toEqual(["Accept", "User-Agent", "Content-Type"]);
    expect(withoutBodyHeaders(headers).map((h) => h.name)).toEqual(["Accept", "User-Agent", "X-A", "Cookie", "Authorization", "X-As-User"]);
  });
});

describe("checkHeader", () => {
  test.each([
    ["X-Ok", "value with spaces\tand tab"],
    ["X-Latin", "café"],
  ])("accepts %s", (name, value) => {
    expect(() => checkHeader(name, value)).not.toThrow();
  });

  test.each([
    ["X-Bad", "a\r\nX-Injected: 1"],
    ["X-Bad", "a\nb"],
    ["X-Bad", "nul\u0000"],
    ["X Bad", "SECRET-VALUE"],
    ["", "SECRET-VALUE"],
    ["X-Bad:", "SECRET-VALUE"],
    ["X-Uni", "日本"],
  ])("refuses %p: %p with HEADER_INVALID, never showing the value", (name, value) => {
    let error: { code?: string; message?: string } | undefined;
    try {
      checkHeader(name, value);
    } catch (caught) {
      error = caught as typeof error;
    }
    expect(error?.code).toBe("HEADER_INVALID");
    expect(error?.message).not.toContain(value);
  });
});

test("normalizeResponseHeaders: lower-case names, repeats joined with ', ' (SPEC rule 15)", () => {
  expect(normalizeResponseHeaders({ "Content-Type": "text/plain", "set-cookie": ["a=1", "b=2"], "X-Dup": "1", "x-dup": "2", skipped: undefined })).toEqual({
    "content-type": "text/plain",
    "set-cookie": "a=1, b=2",
    "x-dup": "1, 2",
  });
});

test("no header value with a line break or NUL gets through (hostile answers)", () => {
  fc.assert(
    fc.property(fc.string(), fc.constantFrom("\r", "\n", "\u0000"), fc.string(), (before, bad, after) => {
      expect(() => buildRequestHeaders({ custom: [["X-Answer", `${before}${bad}${after}`]] })).toThrow(expect.objectContaining({ code: "HEADER_INVALID" }));
    }),
    { numRuns: 500 },
  );
});
