import fc from "fast-check";
import type { JSONValue } from "json-p3";
import {
  ParsedResponse, compileOutputPath, responseBodyKind, shapeOutput,
} from "../../runtime/extract/output-path";
import { parseJsonPath } from "../../runtime/extract/jsonpath";
import type { ExtractableResponse } from "../../runtime/extract/output-path";
import { SiqError } from "../../runtime/errors";
import { JsonData, toText } from "../../runtime/values";
import type { Value } from "../../runtime/values";

function json(body: unknown, headers: Record<string, string> = {}): ExtractableResponse {
  return { contentType: "application/json; charset=utf-8", body: JSON.stringify(body), headers };
}

function xml(body: string, contentType = "application/xml"): ExtractableResponse {
  return { contentType, body, headers: {} };
}

function select(path: string, response: ExtractableResponse): Value[] {
  return compileOutputPath(path).select(response);
}

function failure(run: () => unknown): SiqError {
  try {
    run();
  } catch (error) {
    if (error instanceof SiqError) return error;
    throw error;
  }
  throw new Error("no error");
}

/** The seed's SUser response (formsfly-suser-api-v1), with a default namespace, and values filled in. */
const suserXml = `<?xml version="1.0" encoding="utf-8"?>
<SUserResponse xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.servicestack.net/types">
  <ResponseStatus><ErrorCode>0</ErrorCode><Message /><Errors /></ResponseStatus>
  <SUser>
    <Email>ann@example.com</Email>
    <ExternalId i:nil="true" />
    <FirstName>Ann</FirstName>
    <Groups><Id>11111111-1111-1111-1111-111111111111</Id><Id>22222222-2222-2222-2222-222222222222</Id></Groups>
    <Id>00000000-0000-0000-0000-000000000001</Id>
    <ProviderId>3</ProviderId>
    <SUserDevices><SUserDevice><Hardware>Phone</Hardware><OS>iOS</OS></SUserDevice></SUserDevices>
    <Status>Active</Status>
  </SUser>
</SUserResponse>`;

describe("Output Path: JSON responses (JSONPath)", () => {
  const body = {
    user: { name: "Ann", age: 42, admin: false, manager: null, address: { city: "Oslo" } },
    groups: [{ name: "Staff" }, { name: "Sales" }],
    empty: [],
  };

  test.each([
    ["$.user.name", ["Ann"]],
    ["$.user.age", [42]],
    ["$.user.admin", [false]],
    ["$.user.manager", [null]],
    ["$.groups[*].name", ["Staff", "Sales"]],
    ["$.nothing", []],
    ["$..city", ["Oslo"]],
  ])("%s selects scalars as they are", (path, expected) => {
    expect(select(path, json(body))).toEqual(expected);
  });

  test("dotted paths ($.a.b) select exactly what the general JSONPath query selects", () => {
    // Names that exist, and names every object or array has through its prototype.
    const name = fc.constantFrom("a", "b", "id", "length", "constructor", "toString", "__proto__", "hasOwnProperty", "_x1");
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small" }, fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 3 }), tie("object"), tie("array")),
      object: fc.dictionary(name, tie("value"), { maxKeys: 4 }),
      array: fc.array(tie("value"), { maxLength: 3 }),
    })).value;
    const plain = (values: Value[]) => values.map((value) => (value instanceof JsonData ? value.data : value));
    fc.assert(
      fc.property(json, fc.array(name, { minLength: 1, maxLength: 4 }), (data, names) => {
        const path = `$.${names.join(".")}`;
        // Through JSON text, as a response is: "__proto__" becomes an own member, as JSON.parse makes it.
        const body = JSON.stringify(data);
        const expected = [...parseJsonPath(path).lazyQuery(JSON.parse(body) as JSONValue)].map((node) => node.value);
        expect(plain(select(path, { contentType: "application/json", body, headers: {} }))).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  test("objects and arrays come as JSON data", () => {
    const [address] = select("$.user.address", json(body));
    expect(address).toBeInstanceOf(JsonData);
    expect((address as JsonData).data).toEqual({ city: "Oslo" });
    expect(toText(address)).toBe('{"city":"Oslo"}');
    const groups = select("$.groups", json(body));
    expect((groups[0] as JsonData).data).toEqual(body.groups);
  });

  test("match() and search() run in linear time, even with a pattern from the response", () => {
    const hostile = { regex: "^(a+)+$", values: ["a".repeat(100_000) + "b", "aaa"] };
    const started = Date.now();
    expect(select("$.values[?match(@, $.regex)]", json(hostile))).toEqual(["aaa"]);
    expect(select("$.values[?search(@, '(a|aa)+c')]", json(hostile))).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test("a body that is not JSON fails without quoting the body", () => {
    const error = failure(() => select("$.a", { contentType: "application/json", body: '{"token": "s3cr3t-token", oops', headers: {} }));
    expect(error.code).toBe("OUTPUT_PATH_RESPONSE_INVALID");
    expect(error.message).toMatch(/declared application\/json but not valid JSON/);
    expect(error.message).not.toContain("s3cr3t");
  });

  test("deep nesting with a descendant query", () => {
    let deep: unknown = { x: 1 };
    for (let i = 0; i < 300; i++) deep = { a: deep };
    expect(select("$..x", json(deep))).toEqual([1]);
  });
});

describe("Output Path: XML responses (XPath)", () => {
  test.each([
    ["/SUserResponse/SUser/Email", ["ann@example.com"]],
    ["//Email", ["ann@example.com"]],
    ["/SUserResponse/SUser/Groups/Id", ["11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"]],
    ["/SUserResponse/SUser/Groups/Id[2]", ["22222222-2222-2222-2222-222222222222"]],
    ["//SUser[Status='Active']/FirstName", ["Ann"]],
    ["/SUserResponse/SUser/Email/text()", ["ann@example.com"]],
    ["//ExternalId/@i:nil", ["true"]],
    ["count(//Groups/Id)", [2]],
    ["string(//FirstName)", ["Ann"]],
    ["//ProviderId > 2", [true]],
    ["//Missing", []],
    ["/SUserResponse/ResponseStatus/Message", [""]],
  ])("%s on the seed's namespaced XML", (path, expected) => {
    expect(select(path, xml(suserXml))).toEqual(expected);
  });

  test("an element with child elements gives its XML", () => {
    const [devices] = select("//SUserDevices", xml(suserXml));
    expect(devices).toBe('<SUserDevices xmlns="http://schemas.servicestack.net/types"><SUserDevice><Hardware>Phone</Hardware><OS>iOS</OS></SUserDevice></SUserDevices>');
  });

  test("prefixed names use the prefixes the document declares", () => {
    const doc = '<r xmlns:a="urn:a" xmlns:b="urn:b"><a:x>1</a:x><b:x>2</b:x><x>3</x></r>';
    expect(select("/r/a:x", xml(doc))).toEqual(["1"]);
    expect(select("/r/x", xml(doc))).toEqual(["1", "2", "3"]);
    const error = failure(() => select("/r/c:x", xml(doc)));
    expect(error.code).toBe("OUTPUT_PATH_MISMATCH");
    expect(error.message).toMatch(/prefix "c"/);
  });

  test("attributes, CDATA and plain-namespace documents", () => {
    const doc = '<list><item id="7"><![CDATA[a < b]]></item><item id="8">plain</item></list>';
    expect(select("/list/item/@id", xml(doc, "text/xml"))).toEqual(["7", "8"]);
    expect(select("/list/item[@id='7']", xml(doc, "text/xml"))).toEqual(["a < b"]);
  });

  test("XML is recognised by +xml and by its first character", () => {
    expect(select("/a", xml("<a>1</a>", "application/atom+xml"))).toEqual(["1"]);
    expect(select("/a", xml("\uFEFF  \n<a>1</a>", ""))).toEqual(["1"]);
    expect(select("/a", xml("<a>1</a>", "text/plain"))).toEqual(["1"]);
  });

  test.each([
    ["XXE", '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>'],
    ["billion laughs", '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>'],
  ])("%s: DTD entities are never expanded or fetched", (_name, doc) => {
    const error = failure(() => select("/foo", xml(doc)));
    expect(error.code).toBe("OUTPUT_PATH_RESPONSE_INVALID");
    expect(error.message).toMatch(/DTD entities are not expanded/);
  });

  test("malformed XML fails with a position, not the document's text", () => {
    const error = failure(() => select("/a", xml("<a><secret>s3cr3t-value</secret></b>")));
    expect(error.code).toBe("OUTPUT_PATH_RESPONSE_INVALID");
    expect(error.message).not.toContain("s3cr3t");
  });
});

describe("Output Path: headers", () => {
  const response = json({}, { "x-request-id": "abc-123", location: "/users/7" });

  test.each([
    ["header:X-Request-Id", ["abc-123"]],
    ["header:location", ["/users/7"]],
    ["Header: Location", ["/users/7"]],
    ["header:X-Missing", []],
  ])("%s", (path, expected) => {
    expect(select(path, response)).toEqual(expected);
  });

  test("headers are read whatever the body is", () => {
    expect(select("header:location", { contentType: "text/html", body: "<html><p>broken", headers: { Location: "/x" } })).toEqual(["/x"]);
  });
});

describe("Output Path: choosing and refusing", () => {
  test.each([
    ["$.a[", "JSONPath syntax"],
    ["$.a ", "trailing whitespace"],
    [" $.a", "leading whitespace"],
    ["/a[", "XPath syntax"],
    ["", "empty"],
    ["   ", "blank"],
    ["header:", "no header name"],
    ["header:Bad Name", "space in a header name"],
    ["/a/$x", "a variable"],
    ["format-number(1, '0')", "an XSLT function"],
  ])("%s is OUTPUT_PATH_INVALID (%s)", (path) => {
    const error = failure(() => compileOutputPath(path));
    expect(error.code).toBe("OUTPUT_PATH_INVALID");
    expect(error.message).toMatch(/Output Path .* is not valid/);
  });

  test("a JSONPath on an XML response is OUTPUT_PATH_MISMATCH", () => {
    const error = failure(() => select("$.SUser.Email", xml(suserXml)));
    expect(error.code).toBe("OUTPUT_PATH_MISMATCH");
    expect(error.message).toMatch(/is a JSONPath, but the response is XML; use an XPath/);
  });

  test("an XPath on a JSON response is OUTPUT_PATH_MISMATCH", () => {
    const error = failure(() => select("/user/name", json({ user: { name: "Ann" } })));
    expect(error.code).toBe("OUTPUT_PATH_MISMATCH");
    expect(error.message).toMatch(/is an XPath, but the response is JSON; use a JSONPath/);
  });

  test("a blank body has no matches, for either kind of path", () => {
    for (const path of ["$.a", "/a"]) expect(select(path, { contentType: "application/json", body: " \n", headers: {} })).toEqual([]);
  });

  test("compiled paths are cached by their text", () => {
    expect(compileOutputPath("$.cached")).toBe(compileOutputPath("$.cached"));
  });

  test("a parsed response is parsed once for several paths", () => {
    const parsed = new ParsedResponse(json({ a: 1, next: "/p2" }));
    expect(compileOutputPath("$.a").select(parsed)).toEqual([1]);
    expect(compileOutputPath("$.next").select(parsed)).toEqual(["/p2"]);
    expect(parsed.jsonValue()).toBe(parsed.jsonValue());
  });
});

describe("responseBodyKind", () => {
  test.each([
    ["application/json", "<a/>", "json"],
    ["application/problem+json", "x", "json"],
    ["text/json", "x", "json"],
    ["Application/JSON; charset=utf-8", "x", "json"],
    ["application/xml", "{}", "xml"],
    ["text/xml", "x", "xml"],
    ["application/soap+xml", "x", "xml"],
    ["", "  {\"a\": 1}", "json"],
    ["text/plain", "[1]", "json"],
    ["", "  <a/>", "xml"],
    ["application/octet-stream", "42", "json"],
    ["", "   ", undefined],
    ["application/json", "", undefined],
  ])("%s with %j is %s", (contentType, body, kind) => {
    expect(responseBodyKind(contentType, body)).toBe(kind);
  });
});

describe("shapeOutput (SPEC 5.1)", () => {
  test.each<[Value[], Value]>([
    [[], ""],
    [["one"], "one"],
    [[0], 0],
    [[null], null],
    [["a", "b"], ["a", "b"]],
  ])("%j gives %j", (matches, shaped) => {
    expect(shapeOutput(matches)).toEqual(shaped);
  });

  test("one JSON object stays JSON data", () => {
    const data = new JsonData({ a: 1 });
    expect(shapeOutput([data])).toBe(data);
  });
});

describe("Output Path: large responses", () => {
  test("selecting from a large JSON body keeps only the matches", () => {
    const items = Array.from({ length: 100_000 }, (_, i) => ({ id: i, name: `user ${i}`, tags: ["a", "b"], note: "x".repeat(40) }));
    const response = json({ items });
    expect(response.body.length).toBeGreaterThan(9_000_000);
    const started = Date.now();
    const ids = select("$.items[*].id", response);
    expect(ids).toHaveLength(100_000);
    expect(ids[99_999]).toBe(99_999);
    expect(select("$.items[?@.id == 5].name", response)).toEqual(["user 5"]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
