/**
 * Request mapping on its own: value sources as data-driven cases, and hostile answers (fast-check)
 * that must never change the path, the query, or the structure of a JSON or XML body.
 */
import { DOMParser } from "@xmldom/xmldom";
import fc from "fast-check";
import type { BoundInput, InputDefinition } from "../../runtime/definition";
import { mapRequest } from "../../runtime/connectors/build-request";
import { statusMatches } from "../../runtime/connectors/response-rules";
import { OMIT, resolveSource, type MappingScope } from "../../runtime/connectors/value-sources";
import { writeXmlBody } from "../../runtime/connectors/xml-body";
import { joinUrl } from "../../runtime/http/url";
import type { ConnectorAction, ValueSource } from "../../schemas/connector";

const DEFINITIONS: InputDefinition[] = [
  { name: "Text", type: "text", description: "text" },
  { name: "Other", type: "text", description: "text" },
  { name: "Lines", type: "multiline", description: "lines" },
  { name: "Count", type: "number", description: "number" },
  { name: "Flag", type: "boolean", description: "boolean" },
  { name: "Data", type: "json", description: "json" },
  { name: "Pairs", type: "keyValueList", separator: ":", description: "pairs" },
];

function scope(inputs: Record<string, BoundInput>): MappingScope {
  return {
    action: "Step",
    inputs: new Map(Object.entries(inputs)),
    definitions: new Map(DEFINITIONS.map((definition) => [definition.name, definition])),
    credential: () => "the-api-key",
  };
}

const CASES: Array<[string, ValueSource, Record<string, BoundInput>, unknown]> = [
  ["a literal number", 42, {}, 42],
  ["a literal string", "fixed", {}, "fixed"],
  ["a template", "Hello {{Text}} and {{Other}}", { Text: "Ann" }, "Hello Ann and "],
  ["a template whose every input is blank", "Hello {{Text}}", { Text: "  " }, OMIT],
  ["an input, typed", { $input: "Count" }, { Count: 7 }, 7],
  ["an absent input", { $input: "Text" }, {}, OMIT],
  ["whenBlank null", { $input: "Text", whenBlank: "null" }, { Text: "" }, null],
  ["whenBlank empty", { $input: "Text", whenBlank: "empty" }, {}, ""],
  ["false is not blank", { $input: "Flag" }, { Flag: false }, false],
  ["0 is not blank", { $input: "Count" }, { Count: 0 }, 0],
  ["as text from a number", { $input: "Count", as: "text" }, { Count: 1.5 }, "1.5"],
  ["as number from text", { $input: "Text", as: "number" }, { Text: " 12.5 " }, 12.5],
  ["as integer", { $input: "Count", as: "integer" }, { Count: 3 }, 3],
  ["as boolean from yes", { $input: "Text", as: "boolean" }, { Text: "Yes" }, true],
  ["as boolean from off", { $input: "Text", as: "boolean" }, { Text: "off" }, false],
  ["as lines", { $input: "Lines", as: "lines" }, { Lines: " a \r\n\n b\n" }, ["a", "b"]],
  ["as lines with no line, then whenBlank", { $input: "Lines", as: "lines", whenBlank: "null" }, { Lines: "\n \n" }, null],
  ["json as is", { $input: "Data" }, { Data: { a: [1, { b: null }] } }, { a: [1, { b: null }] }],
  ["a key/value list as an object", { $input: "Pairs" }, { Pairs: [["x", "1"], ["y", "2"]] }, { x: "1", y: "2" }],
  ["a map, ignoring case", { $input: "Text", map: { json: "application/json", xml: "application/xml" } }, { Text: "XML" }, "application/xml"],
  ["a map then as", { $input: "Text", map: { one: "1" }, as: "integer" }, { Text: "One" }, 1],
  ["an OData template", { $template: "Name eq '{{Text}}'", escape: "odata-string" }, { Text: "O'Brien" }, "Name eq 'O''Brien'"],
  ["a credential", { $credential: "apiKey" }, {}, "the-api-key"],
];

test.each(CASES)("%s", (_name, source, inputs, expected) => {
  expect(resolveSource(source, scope(inputs))).toEqual(expected);
});

test.each([
  ["an integer with a fraction", { $input: "Count", as: "integer" }, { Count: 2.5 }, 'The input "Count" of action "Step" must be a whole number for this connector.'],
  ["a number from words", { $input: "Text", as: "number" }, { Text: "ten" }, 'The input "Text" of action "Step" must be a number for this connector.'],
  ["a boolean from words", { $input: "Text", as: "boolean" }, { Text: "maybe" }, 'The input "Text" of action "Step" must be true or false for this connector.'],
  ["a value the map does not list", { $input: "Text", map: { json: 1, xml: 2 } }, { Text: "csv" }, 'The input "Text" of action "Step" must be one of json, xml for this connector.'],
] as Array<[string, ValueSource, Record<string, BoundInput>, string]>)("refuses %s with INPUT_CONVERSION", (_name, source, inputs, message) => {
  expect(() => resolveSource(source, scope(inputs))).toThrow(expect.objectContaining({ code: "INPUT_CONVERSION", message, input: (source as { $input: string }).$input }));
});

test.each([
  [404, 404, true],
  [[400, 409], 409, true],
  [[400, 409], 404, false],
  ["4xx", 499, true],
  ["4xx", 500, false],
  ["2xx", 204, true],
] as Array<[number | number[] | string, number, boolean]>)("status %j matches %i: %s", (status, actual, expected) => {
  expect(statusMatches(status, actual)).toBe(expected);
});

// --- hostile answers ------------------------------------------------------------------------------

const action = (body?: ConnectorAction["request"]["body"]): ConnectorAction => ({
  id: "a",
  displayName: "A",
  description: "d",
  inputs: [],
  request: { method: body ? "POST" : "GET", path: "/things({{Text}})/{{Other}}", query: { q: { $input: "Text" }, $filter: { $template: "x eq '{{Other}}'", escape: "odata-string" } }, ...(body ? { body } : {}) },
  responseFormats: ["json"],
  success: [200],
  outputs: [],
});

const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 });
/** Text that may fill a whole path segment: "." and ".." are refused (tested above). */
const segmentText = text.filter((t) => !/^\.{1,2}$/.test(t));

test.each([".", ".."])("a path segment %j from an answer is refused (URL parsers would remove it)", (value) => {
  expect(() => mapRequest(action(), scope({ Text: "1", Other: value }))).toThrow(expect.objectContaining({ code: "INPUT_CONVERSION" }));
});

test("dots inside a segment, and an encoded dot, are plain text", () => {
  expect(mapRequest(action(), scope({ Text: "..", Other: "%2e" })).url).toMatch(/^\/things\(\.\.\)\/%252e\?/);
});

test("an answer in the path stays one path segment, and in the query one value", () => {
  fc.assert(
    fc.property(text, segmentText, (first, second) => {
      const mapped = mapRequest(action(), scope({ Text: first, Other: second }));
      const url = new URL(joinUrl("https://api.example.com/v1", mapped.url));
      const segments = url.pathname.split("/");
      expect(segments.length).toBe(4);
      expect(decodeURIComponent(segments[2] ?? "")).toBe(`things(${first})`);
      expect(decodeURIComponent(segments[3] ?? "")).toBe(second);
      expect(url.origin).toBe("https://api.example.com");
      // A blank value leaves its parameter out (a template is blank when every input it names is).
      const expected: Array<[string, string]> = [];
      if (first.trim() !== "") expected.push(["q", first]);
      if (second.trim() !== "") expected.push(["$filter", `x eq '${second.replace(/'/g, "''")}'`]);
      expect([...url.searchParams.entries()]).toEqual(expected);
      expect(url.hash).toBe("");
    }),
  );
});

test("an answer in a JSON body stays the value of its member", () => {
  const body = { format: "json" as const, content: { name: { $input: "Text" }, nested: { other: { $input: "Other" } }, list: [{ $input: "Text" }] } };
  fc.assert(
    fc.property(text.filter((t) => t.trim() !== ""), segmentText.filter((t) => t.trim() !== ""), (first, second) => {
      const mapped = mapRequest(action(body), scope({ Text: first, Other: second }));
      expect(JSON.parse(mapped.body?.content ?? "")).toEqual({ name: first, nested: { other: second }, list: [first] });
    }),
  );
});

// Characters XML 1.0 can carry (others are refused before sending, see below).
// eslint-disable-next-line no-control-regex
const xmlText = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).filter((t) => t.trim() !== "" && !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(t));

test("an answer in an XML body stays the text of its element", () => {
  fc.assert(
    fc.property(xmlText, xmlText, (first, second) => {
      const xml = writeXmlBody({ Name: first, Items: [second, first], Inner: { Other: second } }, { root: "Thing", namespace: "urn:x", arrayItems: { Items: "Item" } });
      let problem: string | undefined;
      const document = new DOMParser({ onError: (level, message) => (level === "warning" ? undefined : (problem ??= message)) }).parseFromString(xml, "text/xml");
      expect(problem).toBeUndefined();
      const root = document.documentElement;
      const children = (node: { childNodes: ArrayLike<{ nodeType: number; nodeName: string; textContent: string | null; childNodes: ArrayLike<never> }> }) =>
        Array.from(node.childNodes).filter((child) => child.nodeType === 1);
      expect(root?.nodeName).toBe("Thing");
      expect(root?.getAttribute("xmlns")).toBe("urn:x");
      const members = children(root as never);
      expect(members.map((member) => member.nodeName)).toEqual(["Name", "Items", "Inner"]);
      expect(members[0]?.textContent).toBe(first);
      expect(children(members[1] as never).map((item) => [item.nodeName, item.textContent])).toEqual([["Item", second], ["Item", first]]);
      expect(members[2]?.textContent).toBe(second);
    }),
  );
});

test("XML: line ends a parser would normalise (CR, NEL, LINE and PARAGRAPH SEPARATOR) go as character references", () => {
  expect(writeXmlBody({ A: "a\rb\u0085c\u2028d\u2029e\nf" }, { root: "R" })).toBe("<R><A>a&#13;b&#133;c&#8232;d&#8233;e\nf</A></R>");
});

test("XML: null is an empty element, booleans and numbers their text; characters XML cannot carry are refused", () => {
  expect(writeXmlBody({ A: null, B: true, C: 1e21, D: -0.5 }, { root: "R" })).toBe("<R><A /><B>true</B><C>1e+21</C><D>-0.5</D></R>");
  expect(() => writeXmlBody({ Name: "bell\u0007" }, { root: "R" })).toThrow(expect.objectContaining({ code: "INPUT_CONVERSION" }));
});
