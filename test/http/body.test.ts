import { Response, type Dispatcher } from "undici";
import type { BoundDocument } from "../../runtime/definition";
import { buildRequestBody, withCharset } from "../../runtime/http/body";
import { createDispatcher } from "../../runtime/http/dispatcher";
import { buildRequestHeaders } from "../../runtime/http/headers";
import { sendRequest } from "../../runtime/http/send-request";
import type { JsonValue } from "../../runtime/values";
import { startServer, type Loopback } from "./helpers/loopback";

const user: BoundDocument = { name: "user.json", contentType: "application/json", content: '{"name":"jdoe"}' };
const profile: BoundDocument = { name: "profile.xml", contentType: "application/xml", content: "<Profile><Team>Sales</Team></Profile>" };

describe("buildRequestBody", () => {
  test.each([
    ["one JSON document", { documents: [user] }, "document", '{"name":"jdoe"}', "application/json; charset=utf-8"],
    ["one XML document", { documents: [profile] }, "document", profile.content, "application/xml; charset=utf-8"],
    ["one document with a charset already", { documents: [{ ...user, contentType: "application/json; charset=iso-8859-1" }] }, "document", user.content, "application/json; charset=iso-8859-1"],
    ["a Request Body object", { requestBody: { a: 1, b: [true, null] } }, "json", '{"a":1,"b":[true,null]}', "application/json; charset=utf-8"],
    ["Request Body text (a rendered template)", { requestBody: ' { "a" : "x" } ' }, "json", '{"a":"x"}', "application/json; charset=utf-8"],
    ["Request Body wins over documents and multipart", { requestBody: { a: 1 }, documents: [user, profile], multipart: true }, "json", '{"a":1}', "application/json; charset=utf-8"],
    ["a blank Request Body falls back to the document", { requestBody: "  ", documents: [user] }, "document", user.content, "application/json; charset=utf-8"],
  ] as Array<[string, Parameters<typeof buildRequestBody>[0], string, string, string]>)("%s", (_name, inputs, kind, body, contentType) => {
    const built = buildRequestBody(inputs);
    expect(built?.kind).toBe(kind);
    expect(built?.body).toBe(body);
    expect(built?.contentType).toBe(contentType);
  });

  test("no Request Body and no documents: no body", () => {
    expect(buildRequestBody({})).toBeUndefined();
    expect(buildRequestBody({ requestBody: null, documents: [], multipart: true })).toBeUndefined();
  });

  test("several documents without Send as Multipart fail with MULTIPLE_DOCUMENTS", () => {
    expect(() => buildRequestBody({ documents: [user, profile] })).toThrow(expect.objectContaining({ code: "MULTIPLE_DOCUMENTS", input: "Action Documents" }));
  });

  test("Request Body text that is not JSON fails with REQUEST_BODY_NOT_JSON", () => {
    expect(() => buildRequestBody({ requestBody: '{"a": ' })).toThrow(expect.objectContaining({ code: "REQUEST_BODY_NOT_JSON" }));
  });

  test("validateBody sees the parsed body, and its refusal stops the build", () => {
    const seen: JsonValue[] = [];
    buildRequestBody({ requestBody: '{"x":1}' }, { validateBody: (body) => void seen.push(body) });
    expect(seen).toEqual([{ x: 1 }]);
    const refusal = Object.assign(new Error("extra element /isAdmin"), { code: "SCHEMA_MISMATCH" });
    expect(() =>
      buildRequestBody({ requestBody: { isAdmin: true } }, {
        validateBody: () => {
          throw refusal;
        },
      }),
    ).toThrow(refusal);
  });

  test.each([
    ["application/json", "application/json; charset=utf-8"],
    ["application/vnd.api+json", "application/vnd.api+json; charset=utf-8"],
    ["text/xml", "text/xml; charset=utf-8"],
    ["application/pdf", "application/pdf"],
    ["", "application/octet-stream"],
    ["application/xml;charset=UTF-16", "application/xml;charset=UTF-16"],
  ])("withCharset(%p) = %p", (type, expected) => {
    expect(withCharset(type)).toBe(expected);
  });
});

describe("multipart, against a real server", () => {
  let dispatcher: Dispatcher;
  let api: Loopback;
  beforeAll(async () => {
    dispatcher = createDispatcher();
    api = await startServer((_req, res) => res.end("ok"));
  });
  afterAll(async () => {
    await api.close();
    await dispatcher.close();
  });

  test("two documents arrive as two parts with their names, file names and content types", async () => {
    const built = buildRequestBody({ documents: [user, profile], multipart: true });
    expect(built?.kind).toBe("multipart");
    const headers = buildRequestHeaders({ contentType: built?.contentType, multipart: true, custom: [["Content-Type", "text/plain"]] });
    await sendRequest({ method: "POST", url: `${api.origin}/upload`, headers, body: built?.body }, { dispatcher });
    const received = api.requests[0];
    const contentType = received?.headers["content-type"] ?? "";
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    const form = await new Response(received?.body ?? null, { headers: { "content-type": contentType } }).formData();
    const parts = [...form.entries()];
    expect(parts.map(([name]) => name)).toEqual(["user.json", "profile.xml"]);
    const files = parts.map(([, value]) => value as unknown as { name: string; type: string; text(): Promise<string> });
    expect(files.map((file) => file.name)).toEqual(["user.json", "profile.xml"]);
    expect(files.map((file) => file.type)).toEqual(["application/json; charset=utf-8", "application/xml; charset=utf-8"]);
    expect(await Promise.all(files.map((file) => file.text()))).toEqual([user.content, profile.content]);
  });

  test("a multipart body is sent again whole after a 307", async () => {
    const server = await startServer(async (req, res) => {
      if (req.url === "/first") {
        res.writeHead(307, { location: "/second" });
        res.end();
      } else res.end("ok");
    });
    try {
      const built = buildRequestBody({ documents: [user, profile], multipart: true });
      await sendRequest({ method: "POST", url: `${server.origin}/first`, headers: buildRequestHeaders({ multipart: true }), body: built?.body }, { dispatcher });
      const [first, second] = server.requests;
      expect(second?.body.length).toBeGreaterThan(0);
      const count = async (r: typeof first) => [...(await new Response(r?.body ?? null, { headers: { "content-type": r?.headers["content-type"] ?? "" } }).formData()).keys()].length;
      expect(await count(first)).toBe(2);
      expect(await count(second)).toBe(2);
    } finally {
      await server.close();
    }
  });
});
