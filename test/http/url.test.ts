import fc from "fast-check";
import { Redactor } from "../../runtime/redact";
import { displayUrl, joinUrl, requestTarget, resolveReference, withQueryParams } from "../../runtime/http/url";

describe("joinUrl (SPEC rule 3)", () => {
  test.each([
    ["https://h/v1", "/users", "https://h/v1/users"],
    ["https://h/v1", "users", "https://h/v1/users"],
    ["https://h/v1/", "/users", "https://h/v1/users"],
    ["https://h/v1/", "users/", "https://h/v1/users/"],
    ["https://h", "/users", "https://h/users"],
    ["https://h/", "", "https://h/"],
    ["https://h/v1", "", "https://h/v1"],
    ["https://h/v1", "/users?active=true&x=a%20b", "https://h/v1/users?active=true&x=a%20b"],
    ["https://h/v1?tenant=7", "/users?x=1", "https://h/v1/users?tenant=7&x=1"],
    ["https://h/v1", "/users#frag", "https://h/v1/users"],
    ["https://h/v1", "//evil.example/x", "https://h/v1/evil.example/x"],
    ["https://h/v1", "/Entities(1)/Users", "https://h/v1/Entities(1)/Users"],
    ["https://h:8443/api", "/a b", "https://h:8443/api/a%20b"],
    ["https://h/v1", "https://other.example/abs", "https://other.example/abs"],
    [undefined, "http://h/abs", "http://h/abs"],
  ])("%s + %s = %s", (base, url, expected) => {
    expect(joinUrl(base, url)).toBe(expected);
  });

  test.each([
    [undefined, "/users"],
    ["", "users"],
    ["not a url", "/users"],
    ["ftp://h/v1", "/users"],
    [undefined, "ftp://h/file"],
    [undefined, "javascript:alert(1)"],
  ])("base %p with %p is URL_INVALID", (base, url) => {
    expect(() => joinUrl(base, url)).toThrow(expect.objectContaining({ code: "URL_INVALID" }));
  });

  test("joins are kept, never mixed up between bases or with failures, and still right past the cache's size", () => {
    // The same URL under two bases, a base given as undefined and as "", a failure asked twice.
    expect([joinUrl("https://a.example/v1", "/users"), joinUrl("https://b.example/v2", "/users"), joinUrl("https://a.example/v1", "/users")]).toEqual([
      "https://a.example/v1/users",
      "https://b.example/v2/users",
      "https://a.example/v1/users",
    ]);
    expect(joinUrl(undefined, "http://h/abs")).toBe(joinUrl("", "http://h/abs"));
    for (let i = 0; i < 2; i++) expect(() => joinUrl(undefined, "/relative")).toThrow(expect.objectContaining({ code: "URL_INVALID" }));
    for (let i = 0; i < 2500; i++) expect(joinUrl(`https://h${i % 7}.example/v`, `/item/${i}`)).toBe(`https://h${i % 7}.example/v/item/${i}`);
  });

  test("requestTarget: the parts sending needs, frozen because shared; a bad URL fails every time", () => {
    const target = requestTarget("https://user:p%40ss@h.example:8443/a%20b/c?x=1&y=2#frag");
    expect(target).toEqual({ href: "https://user:p%40ss@h.example:8443/a%20b/c?x=1&y=2#frag", origin: "https://h.example:8443", path: "/a%20b/c?x=1&y=2", username: "user", password: "p%40ss" });
    expect(Object.isFrozen(target)).toBe(true);
    expect(requestTarget("https://user:p%40ss@h.example:8443/a%20b/c?x=1&y=2#frag")).toBe(target);
    for (let i = 0; i < 2; i++) expect(() => requestTarget("ftp://h/file")).toThrow(expect.objectContaining({ code: "URL_INVALID" }));
  });

  test("a relative URL never leaves the base URL's origin", () => {
    fc.assert(
      fc.property(fc.string(), (relative) => {
        fc.pre(!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(relative.trim()));
        let joined: string;
        try {
          joined = joinUrl("https://api.example.com/v1", relative);
        } catch (error) {
          return (error as { code?: string }).code === "URL_INVALID";
        }
        return new URL(joined).origin === "https://api.example.com";
      }),
      { numRuns: 2000 },
    );
  });
});

describe("resolveReference (RFC 3986)", () => {
  test.each([
    ["/v1/Entities(1)/Users?$skip=5", "https://h/v1/Entities(1)/Users?$top=5", "https://h/v1/Entities(1)/Users?$skip=5"],
    ["?page=2", "https://h/v1/users?page=1", "https://h/v1/users?page=2"],
    ["next", "https://h/v1/users/", "https://h/v1/users/next"],
    ["../x", "https://h/v1/a/b", "https://h/v1/x"],
    ["//cdn.example/p", "https://h/v1/a", "https://cdn.example/p"],
    ["https://o.example/p#f", "https://h/", "https://o.example/p"],
  ])("%s against %s is %s", (reference, base, expected) => {
    expect(resolveReference(reference, base)).toBe(expected);
  });

  test("a non-http reference is refused", () => {
    expect(() => resolveReference("mailto:a@b", "https://h/")).toThrow(expect.objectContaining({ code: "URL_INVALID" }));
  });
});

describe("displayUrl", () => {
  test.each([
    ["https://user:pw-secret@h/x", "https://user:***@h/x"],
    ["https://h/x?api_key=abc123&page=2", "https://h/x?api_key=***&page=2"],
    ["https://h/x?access_token=abc&apiKey=def&Token=ghi", "https://h/x?access_token=***&apiKey=***&Token=***"],
    ["https://h/x?q=a%20b", "https://h/x?q=a%20b"],
  ])("%s shows as %s", (url, shown) => {
    expect(displayUrl(url)).toBe(shown);
  });

  test("named secret parameters and registered secrets are masked", () => {
    const redactor = new Redactor();
    redactor.addSecret("tenant-secret-77");
    expect(displayUrl("https://h/x?code=zzz&t=tenant-secret-77", redactor, ["code"])).toBe("https://h/x?code=***&t=***");
  });
});

test.each([
  ["https://h/x?a=1&$skip=0&b=2", [["$skip", "30"], ["$top", "30"]], "https://h/x?a=1&$skip=30&b=2&$top=30"],
  ["https://h/x?$filter=Name%20eq%20'a+b'", [["page", "2"]], "https://h/x?$filter=Name%20eq%20%27a+b%27&page=2"],
  ["https://h/x?page=1&q=z&page=9", [["page", "2"]], "https://h/x?page=2&q=z"],
  ["https://h/x", [["key", "a&b=c d"]], "https://h/x?key=a%26b%3Dc%20d"],
] as Array<[string, Array<[string, string]>, string]>)("withQueryParams(%s, %j) = %s, other parameters untouched", (url, params, expected) => {
  expect(withQueryParams(url, params)).toBe(expected);
});

test("a credential query value is always shown as *** whatever it holds", () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), fc.constantFrom("key", "code", "sig"), (value, name) => {
      const url = withQueryParams("https://h/x?page=2", [[name, value]]);
      const shown = new URL(displayUrl(url, undefined, [name]));
      return shown.searchParams.get(name) === "***" && shown.searchParams.get("page") === "2";
    }),
    { numRuns: 1000 },
  );
});
