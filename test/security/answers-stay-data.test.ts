/**
 * Answers are data, never code or structure, end to end: random hostile answers bound into URL
 * templates, query strings, Custom Headers (object and lines), JSON and XML Action Documents,
 * Request Body objects and template text go through real pipelines run by createRuntime, and
 * the loopback server always sees exactly the path segments, query keys, header names, JSON
 * keys and XML elements the pipeline author wrote. Where HTTP cannot carry a value (a header
 * value with a line break), the action fails with a code and nothing is sent.
 */
import { DOMParser, type Element, type Node as XmlNode } from "@xmldom/xmldom";
import fc from "fast-check";
import { wellFormed } from "../../runtime/formula/unicode";
import type { RunResult } from "../../runtime/engine/result";
import { createRuntime, type Runtime } from "../../runtime/runtime";
import { pipelineOf } from "../helpers/pipelines";
import { json, startRecordingServer, type RecordedRequest, type RecordingServer } from "../helpers/recording-server";
import { hostileText } from "./hostile";

const RUNS = 150;
const questions = { q1: { label: "One", type: "text" }, q2: { label: "Two", type: "text" } };

let server: RecordingServer;
let runtime: Runtime;
beforeAll(async () => {
  // Long answers make long URLs and headers: allow them, so the limits under test are the runtime's.
  server = await startRecordingServer((_request, response) => json(response, 200, { ok: true }), { maxHeaderSize: 1024 * 1024 });
  runtime = createRuntime();
});
afterAll(async () => {
  await runtime.close();
  await server.close();
});

async function runOne(inputs: Record<string, unknown>, answers: Record<string, string>): Promise<{ result: RunResult; requests: RecordedRequest[] }> {
  server.requests.length = 0;
  const pipeline = pipelineOf({
    name: "Hostile answers",
    questions,
    connections: { api: { baseUrl: `${server.url}/v1` } },
    actions: [{ name: "Send", type: "Send to REST Service", inputs: { Connection: "api", ...inputs } }],
  });
  const result = await runtime.run(pipeline, { answers });
  return { result, requests: [...server.requests] };
}

function succeeded(result: RunResult): void {
  expect(result.actions[0]?.error).toBeUndefined();
  expect(result.status).toBe("succeeded");
}

/** The code of a failed action that sent nothing. */
function refused(result: RunResult, requests: readonly RecordedRequest[]): string | undefined {
  expect(requests).toHaveLength(0);
  expect(result.status).toBe("failed");
  return result.actions[0]?.error?.code;
}

/** Header values as HTTP carries them: visible ASCII, latin-1, spaces and tabs; no CR, LF or other controls. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const isDotSegment = (text: string): boolean => text === "." || text === "..";

/** The header names a request carries besides the ones under test (transport and standard headers). */
let baseline: Set<string>;
beforeAll(async () => {
  const { requests } = await runOne({ URL: "/h", "HTTP Method": "GET" }, {});
  baseline = new Set(Object.keys(requests[0]?.headers ?? {}));
});

describe("answers in a URL template", () => {
  test("the server sees the author's path segments and query keys, each value decoding to the answer", async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, hostileText, async (q1, q2) => {
        const { result, requests } = await runOne({ URL: "/items/{{q1}}/sub?tag={{q2}}&fixed=1", "HTTP Method": "GET" }, { q1, q2 });
        if (isDotSegment(q1)) {
          // A whole path segment of "." or ".." would move the request to another resource.
          expect(refused(result, requests)).toBe("URL_INVALID");
          return;
        }
        succeeded(result);
        expect(requests).toHaveLength(1);
        const [path, query] = (requests[0]?.url ?? "").split("?") as [string, string];
        const segments = path.split("/");
        expect(segments).toHaveLength(5);
        expect(segments.slice(0, 3)).toEqual(["", "v1", "items"]);
        expect(segments[4]).toBe("sub");
        expect(decodeURIComponent(segments[3] ?? "")).toBe(wellFormed(q1));
        const pairs = query.split("&").map((pair) => pair.split("="));
        expect(pairs.map((pair) => pair.length)).toEqual([2, 2]);
        expect(pairs.map((pair) => pair[0])).toEqual(["tag", "fixed"]);
        expect(decodeURIComponent(pairs[0]?.[1] ?? "")).toBe(wellFormed(q2));
        expect(pairs[1]?.[1]).toBe("1");
      }),
      { numRuns: RUNS },
    );
  });

  test.each([".", ".."])("the answer %j as a whole path segment is refused before sending", async (q1) => {
    const { result, requests } = await runOne({ URL: "/items/{{q1}}/sub", "HTTP Method": "GET" }, { q1 });
    expect(refused(result, requests)).toBe("URL_INVALID");
    expect(result.actions[0]?.error?.message).toContain('"URL"');
  });

  test.each([["%2e%2E", "%252e%252E"], [".%2e", ".%252e"], ["...", "..."], ["a..", "a.."]])("the answer %j is an ordinary segment (%s)", async (q1, sent) => {
    const { result, requests } = await runOne({ URL: "/items/{{q1}}/sub", "HTTP Method": "GET" }, { q1 });
    succeeded(result);
    expect(requests[0]?.url).toBe(`/v1/items/${sent}/sub`);
  });

  test('"." or ".." in the query is an ordinary value', async () => {
    const { result, requests } = await runOne({ URL: "/items?a={{q1}}&b={{q2}}", "HTTP Method": "GET" }, { q1: ".", q2: ".." });
    succeeded(result);
    expect(requests[0]?.url).toBe("/v1/items?a=.&b=..");
  });

  test("dot segments the author wrote are resolved as before", async () => {
    const { result, requests } = await runOne({ URL: "/items/../other", "HTTP Method": "GET" }, {});
    succeeded(result);
    expect(requests[0]?.url).toBe("/v1/other");
  });
});

describe("answers in Custom Headers", () => {
  const namesBeyondBaseline = (request: RecordedRequest | undefined): string[] =>
    Object.keys(request?.headers ?? {})
      .filter((name) => !baseline.has(name))
      .sort();

  test("as an object of values: exactly the author's header names, or HEADER_INVALID and nothing sent", async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, hostileText, async (q1, q2) => {
        const { result, requests } = await runOne({ URL: "/h", "HTTP Method": "GET", "Custom Headers": { "X-One": "{{q1}}", "X-Two": "=[q2]" } }, { q1, q2 });
        if (!FIELD_VALUE.test(q1) || !FIELD_VALUE.test(q2)) {
          expect(refused(result, requests)).toBe("HEADER_INVALID");
          return;
        }
        succeeded(result);
        expect(namesBeyondBaseline(requests[0])).toEqual(["x-one", "x-two"]);
        const ows = (text: string) => text.replace(/^[ \t]+|[ \t]+$/g, "");
        expect(requests[0]?.headers["x-one"]).toBe(ows(q1));
        expect(requests[0]?.headers["x-two"]).toBe(ows(q2));
      }),
      { numRuns: RUNS },
    );
  });

  test("as lines with templates: an answer never adds a header line", async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, async (q1) => {
        const { result, requests } = await runOne({ URL: "/h", "HTTP Method": "GET", "Custom Headers": "X-One: {{q1}}\nX-Two: fixed" }, { q1 });
        if (/[\r\n]/.test(q1)) {
          expect(refused(result, requests)).toBe("INPUT_CONVERSION");
          return;
        }
        if (!FIELD_VALUE.test(q1.trim())) {
          expect(refused(result, requests)).toBe("HEADER_INVALID");
          return;
        }
        succeeded(result);
        expect(namesBeyondBaseline(requests[0])).toEqual(["x-one", "x-two"]);
        expect(requests[0]?.headers["x-one"]).toBe(q1.trim());
        expect(requests[0]?.headers["x-two"]).toBe("fixed");
      }),
      { numRuns: RUNS },
    );
  });

  test("header injection through a line template is refused, naming the input", async () => {
    const { result, requests } = await runOne({ URL: "/h", "Custom Headers": "X-User: {{q1}}" }, { q1: "jdoe\nAuthorization: Bearer stolen" });
    expect(refused(result, requests)).toBe("INPUT_CONVERSION");
    expect(result.actions[0]?.error?.message).toContain("Custom Headers");
  });
});

describe("answers in Action Documents", () => {
  test("a JSON document keeps the author's keys and holds each answer as a string", async () => {
    const template = '{"name": "{{q1}}", "n": {{q2}}, "list": [{{q1}}, "x"], "inner": {"q": "a\\n{{q2}}\\"{{q1}}"}}';
    await fc.assert(
      fc.asyncProperty(hostileText, hostileText, async (q1, q2) => {
        const { result, requests } = await runOne({ URL: "/doc", "Action Documents": [{ name: "user.json", template }] }, { q1, q2 });
        succeeded(result);
        expect(requests).toHaveLength(1);
        expect(JSON.parse(requests[0]?.body ?? "")).toEqual({ name: q1, n: q2, list: [q1, "x"], inner: { q: `a\n${q2}"${q1}` } });
      }),
      { numRuns: RUNS },
    );
  });

  test("an XML document keeps the author's elements and attributes, and holds each answer as text", async () => {
    const template = '<?xml version="1.0"?><User><Name>{{q1}}</Name><Note kind="{{q2}}" by=\'{{q1}}\'>{{q2}}</Note><!-- {{q1}} --><Raw><![CDATA[{{q2}}]]></Raw></User>';
    // XML 1.0 cannot hold some characters at all: they arrive as U+FFFD.
    // eslint-disable-next-line no-control-regex -- the control characters XML forbids are the point
    const xmlText = (text: string) => wellFormed(text).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "\ufffd");
    await fc.assert(
      fc.asyncProperty(hostileText, hostileText, async (q1, q2) => {
        const { result, requests } = await runOne({ URL: "/doc", "Action Documents": [{ name: "user.xml", template }] }, { q1, q2 });
        succeeded(result);
        const problems: string[] = [];
        const document = new DOMParser({ onError: (level: string, message: string) => void (level === "warning" || problems.push(`${level}: ${message}`)) }).parseFromString(requests[0]?.body ?? "", "text/xml");
        expect(problems).toEqual([]);
        const elements: string[] = [];
        const walk = (node: XmlNode) => {
          if (node.nodeType === 1) elements.push((node as Element).tagName);
          for (let child = node.firstChild; child; child = child.nextSibling) walk(child);
        };
        walk(document);
        expect(elements).toEqual(["User", "Name", "Note", "Raw"]);
        const note = document.getElementsByTagName("Note")[0] as Element;
        expect(Array.from({ length: note.attributes.length }, (_, i) => note.attributes.item(i)?.name)).toEqual(["kind", "by"]);
        expect(document.getElementsByTagName("Name")[0]?.textContent).toBe(xmlText(q1));
        expect(note.getAttribute("kind")).toBe(xmlText(q2));
        expect(note.getAttribute("by")).toBe(xmlText(q1));
        expect(note.textContent).toBe(xmlText(q2));
        // CDATA cannot escape: the parser reads its line ends (CR LF, CR, NEL, LS, PS) as "\n", as it does wherever they are not escaped.
        expect(document.getElementsByTagName("Raw")[0]?.textContent).toBe(xmlText(q2).replace(/\r\n|\r\u0085|[\r\u0085\u2028\u2029]/g, "\n"));
      }),
      { numRuns: RUNS },
    );
  });
});

describe("answers in a Request Body", () => {
  const schema = {
    type: "object",
    required: ["name", "nested"],
    properties: {
      name: { type: "string" },
      nested: { type: "object", required: ["tag", "fixed"], properties: { tag: { type: "string" }, fixed: { type: "number" } } },
    },
  };

  test("an object body: each leaf is the answer, placed as a typed value; the keys are the author's", async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, hostileText, async (q1, q2) => {
        const body = { name: "=[q1]", nested: { tag: "{{q2}}", fixed: 1 } };
        const { result, requests } = await runOne({ URL: "/body", "Request Body": body, "Request Schema": schema }, { q1, q2 });
        succeeded(result);
        expect(JSON.parse(requests[0]?.body ?? "")).toEqual({ name: q1, nested: { tag: q2, fixed: 1 } });
      }),
      { numRuns: RUNS },
    );
  });

  test("a template body: answers stay inside their strings, so the exact schema always passes", async () => {
    await fc.assert(
      fc.asyncProperty(hostileText, hostileText, async (q1, q2) => {
        const body = '{"name": "{{q1}}", "nested": {"tag": {{q2}}, "fixed": 1}}';
        const { result, requests } = await runOne({ URL: "/body", "Request Body": body, "Request Schema": schema }, { q1, q2 });
        succeeded(result);
        expect(JSON.parse(requests[0]?.body ?? "")).toEqual({ name: q1, nested: { tag: q2, fixed: 1 } });
      }),
      { numRuns: RUNS },
    );
  });
});

describe("answers that look like code arrive verbatim", () => {
  test.each(["=Chr(65)", "{{q2}}", "{{{q2}}}", "=[q2]", "[q2]", "={{q2}}", "{{#each q2}}x{{/each}}", "{{> partial}}", "{{constructor.constructor}}"])("%j", async (q1) => {
    const body = { name: "=[q1]", nested: { tag: "{{q1}}", fixed: 1 } };
    const schema = {
      type: "object",
      properties: { name: { type: "string" }, nested: { type: "object", properties: { tag: { type: "string" }, fixed: { type: "number" } } } },
    };
    const { result, requests } = await runOne(
      { URL: "/body/{{q1}}?v={{q1}}", "Custom Headers": { "X-One": "{{q1}}", "X-Two": "=[q1]" }, "Request Body": body, "Request Schema": schema },
      { q1, q2: "SECOND" },
    );
    succeeded(result);
    const request = requests[0] as RecordedRequest;
    expect(JSON.parse(request.body)).toEqual({ name: q1, nested: { tag: q1, fixed: 1 } });
    expect(request.headers["x-one"]).toBe(q1);
    expect(request.headers["x-two"]).toBe(q1);
    expect(decodeURIComponent(request.url.split("/")[3]?.split("?")[0] ?? "")).toBe(q1);
    expect(JSON.stringify(request)).not.toContain("SECOND");
  });
});
