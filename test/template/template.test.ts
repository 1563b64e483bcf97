import { DOMParser } from "@xmldom/xmldom";
import { createDataScope } from "../../runtime/formula/data-scope";
import { exampleData } from "../../runtime/formula/examples";
import { analyzeTemplate, type TemplateKind } from "../../runtime/template";
import { JsonData } from "../../runtime/values";

function scopeWith(overrides: Record<string, unknown> = {}) {
  return createDataScope({
    data: { ...exampleData(), "Tell CRM": { "Response Headers": new JsonData({ "content-type": "application/json", etag: "\"x\"" }) }, ...overrides },
    now: () => new Date("2026-11-22T14:30:00Z"),
    timeZone: "UTC",
  });
}

function render(source: string, kind: TemplateKind = "text", overrides: Record<string, unknown> = {}): string {
  const analysis = analyzeTemplate(source, kind);
  expect(analysis.problems).toEqual([]);
  if (analysis.template === undefined) throw new Error("no template");
  return analysis.template.render(scopeWith(overrides));
}

describe("references", () => {
  test.each([
    ["{{q1}}", [["q1", 3]]],
    ["Hi {{ q37.GroupName }}", [["q37.GroupName", 7]]],
    ["{{[Create User].[User Guid]}}", [["Create User.User Guid", 3]]],
    ["{{#each q37}}{{GroupName}}{{this.GroupName}}{{../q1}}{{@root.q2}}{{@index}}{{/each}}", [["q37", 9], ["q1", 47], ["q2", 56]]],
    ["{{#if q5}}{{q1}}{{else}}{{q2}}{{/if}}", [["q5", 7], ["q1", 13], ["q2", 27]]],
    ["{{#with [Create User]}}{{[User Guid]}}{{/with}}", [["Create User", 9]]],
    ["{{#each q37 as |row|}}{{row.GroupName}}{{/each}}", [["q37", 9]]],
    ["{{replace q1 \"a\" \"b\"}} {{upper (trim q2)}}", [["q1", 11], ["q2", 38]]],
    ["line one\n  {{q3}}", [["q3", 14]]],
    ["{{today}} {{this}}", []],
  ])("%s", (source, expected) => {
    const analysis = analyzeTemplate(source, "text");
    expect(analysis.problems).toEqual([]);
    expect(analysis.references.map((r) => [r.text, r.column])).toEqual(expected);
  });
});

describe("rendering", () => {
  test.each([
    ["Hello {{q1}}!", "Hello jdoe!"],
    ["{{q37.GroupName}}", "GroupA|GroupB|GroupC"],
    ["{{#each q37}}[{{@index}}:{{GroupName}}/{{this.Amount}}]{{/each}}", "[0:GroupA/10][1:GroupB/20.5][2:GroupC/30]"],
    ["{{#each q37 as |row|}}{{row.GroupName}}{{#unless @last}},{{/unless}}{{/each}}", "GroupA,GroupB,GroupC"],
    ["{{#each q37}}{{../q1}}{{@root.q1}}{{/each}}", "jdoejdoejdoejdoejdoejdoe"],
    ["{{[Create User].[User Guid]}}", "9f0c2b7e-5d1a-4c3e-8f00-1234567890ab"],
    ["{{#with [Create User]}}{{[User Guid]}}{{/with}}", "9f0c2b7e-5d1a-4c3e-8f00-1234567890ab"],
    ["{{replace q37.GroupName \"|\" (chr 10)}}", "GroupA\nGroupB\nGroupC"],
    ["{{jsonEncode q1}} {{JSONENCODE q1}} {{Replace q1 \"d\" \"D\"}}", "\"jdoe\" \"jdoe\" jDoe"],
    ["{{upper (trim q2)}}", "JANE DOE"],
    ["{{format q3 \"N2\"}} {{format q4 \"dd/MM/yyyy\"}}", "1,234.50 15/06/1990"],
    ["{{today}} {{now}} {{q4}}", "2026-11-22 2026-11-22T14:30:00 1990-06-15"],
    ["{{if true \"a\" \"b\"}}{{iif false \"a\" \"b\"}}", "ab"],
    ["{{#if q5}}x{{else}}y{{/if}}{{#if q1}}z{{/if}}", "yz"],
    ["{{#if (isBlank q5)}}blank{{/if}}", "blank"],
    ["{{#each [Tell CRM].[Response Headers]}}{{@key}}={{this}};{{/each}}", "content-type=application/json;etag=\"x\";"],
    ["{{[Tell CRM].[Response Headers].etag}}", "\"x\""],
    ["{{q5}}|{{nothing}}|{{q1.nothing}}", "||"],
    ["{{count q37}} {{sum q37.Amount}}", "3 60.5"],
    ["<b>{{q1}}</b> & {{q2}}", "<b>jdoe</b> &   Jane Doe  "],
  ])("%s", (source, expected) => {
    expect(render(source)).toBe(expected);
  });

  test("no prototype access through any path", () => {
    for (const source of ["{{constructor}}", "{{q1.constructor}}", "{{__proto__}}", "{{q1.length}}", "{{#each q37}}{{constructor.name}}{{/each}}", "{{q1.toString}}", "{{lookup}}"]) {
      expect(render(source)).toBe("");
    }
  });

  test("a path through a repeat gives each row's field (blank where a row has none)", () => {
    expect(render("{{q37.length}}")).toBe("||");
  });

  test("a mustache followed by } parses (JSON objects end that way)", () => {
    expect(JSON.parse(render("{\"a\": {{q3}}}", "json"))).toEqual({ a: 1234.5 });
    expect(JSON.parse(render("{\"a\": {\"b\": {{jsonEncode q1}}}}", "json"))).toEqual({ a: { b: "jdoe" } });
    expect(render("{{#each q37}}{{GroupName}}}{{/each}}}")).toBe("GroupA}GroupB}GroupC}}");
    const analysis = analyzeTemplate("{\"a\": {{q3}}}\n{{mid q1}}}", "json");
    expect(analysis.problems[0]).toMatchObject({ code: "ARGUMENT_COUNT", column: 17 });
  });

  test("answers are data, never template code", () => {
    expect(render("{{q1}}", "text", { q1: "{{q2}}" })).toBe("{{q2}}");
  });
});

describe("escaping by document type", () => {
  const jsonAttacks = [
    "\", \"isAdmin\": true, \"x\": \"",
    "1, \"isAdmin\": true",
    "\\",
    "\u2028\u0000\"}",
    "</Name><Admin>true</Admin>",
  ];

  test.each(jsonAttacks)("json: %j stays a value", (attack) => {
    const output = render("{\"name\": \"{{q1}}\", \"n\": {{q1}}, \"groups\": {{q37.GroupName}}, \"raw\": \"x\\{{q1}}\"}", "json", { q1: attack });
    const parsed = JSON.parse(output) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["name", "n", "groups", "raw"]);
    expect(parsed.name).toBe(attack);
    expect(parsed.n).toBe(attack);
    expect(parsed.groups).toEqual(["GroupA", "GroupB", "GroupC"]);
  });

  test("json: numbers, blanks and dates outside strings are typed literals", () => {
    expect(JSON.parse(render("{\"a\": {{q3}}, \"b\": {{q5}}, \"c\": {{q4}}, \"d\": \"{{q3}}\"}", "json"))).toEqual({ a: 1234.5, b: null, c: "1990-06-15", d: "1234.5" });
  });

  test("json: jsonEncode is not escaped twice, inside or outside a string", () => {
    const attack = "say \"hi\"\n";
    expect(JSON.parse(render("{\"a\": {{jsonEncode q1}}, \"b\": \"{{jsonEncode q1}}\"}", "json", { q1: attack }))).toEqual({ a: attack, b: attack });
  });

  test("xml: text, attributes, CDATA, comments and tag names keep their place", () => {
    const attack = "</Name><Admin>true</Admin>\"'&]]>--";
    const output = render("<User id=\"{{q1}}\" alt='{{q1}}'><Name>{{q1}}</Name><Raw><![CDATA[{{q1}}]]></Raw><!-- {{q1}} --><{{q1}}/></User>", "xml", { q1: attack });
    const document = new DOMParser({ onError: (level, message) => { throw new Error(`${level}: ${message}`); } }).parseFromString(output, "text/xml");
    const user = document.documentElement;
    expect(user?.getAttribute("id")).toBe(attack);
    expect(user?.getAttribute("alt")).toBe(attack);
    expect(document.getElementsByTagName("Admin").length).toBe(0);
    expect(document.getElementsByTagName("Name")[0]?.textContent).toBe(attack);
    expect(document.getElementsByTagName("Raw")[0]?.textContent).toBe(attack);
  });

  test("xml: xmlEncode is not escaped twice", () => {
    expect(render("<a>{{xmlEncode q1}}</a>", "xml", { q1: "Tom & Jerry" })).toBe("<a>Tom &amp; Jerry</a>");
  });

  test("url: values are URI components", () => {
    expect(render("/api/v1/admin/users/name/{{q1}}?q={{q2}}", "url", { q1: "a/b?c=d#e", q2: "x y&z" })).toBe("/api/v1/admin/users/name/a%2Fb%3Fc%3Dd%23e?q=x%20y%26z");
    expect(render("/x/{{urlEncode q1}}", "url", { q1: "a b" })).toBe("/x/a%20b");
  });

  test("text: nothing is escaped", () => {
    expect(render("{{q1}}", "text", { q1: "<&\"'>" })).toBe("<&\"'>");
  });

  test("{{{ }}} inserts raw text with a TEMPLATE_RAW warning", () => {
    const analysis = analyzeTemplate("{\"a\": {{{q1}}}}", "json");
    expect(analysis.warnings).toEqual([expect.objectContaining({ code: "TEMPLATE_RAW", column: 7 })]);
    expect(analysis.template?.render(scopeWith({ q1: "[1, 2]" }))).toBe("{\"a\": [1, 2]}");
  });
});

describe("problems", () => {
  test.each([
    ["{{#if q1}}", "TEMPLATE_SYNTAX", 11, /ends too early/],
    ["{{q1", "TEMPLATE_SYNTAX", 3, /cannot be read/],
    ["{{#if q1}}{{/each}}", "TEMPLATE_SYNTAX", 4, /closed by \{\{\/each\}\}/],
    ["ok\n{{repalce q1 \"a\" \"b\"}}", "UNKNOWN_FUNCTION", 6, /did you mean Replace\?/],
    ["{{mid q1}}", "ARGUMENT_COUNT", 3, /Mid takes 2 or 3 arguments/],
    ["{{upper (left q1)}}", "ARGUMENT_COUNT", 10, /Left takes 2 arguments/],
    ["{{> header}}", "TEMPLATE_SYNTAX", 1, /Partials/],
    ["{{#replace q1}}x{{/replace}}", "TEMPLATE_SYNTAX", 1, /not a block/],
    ["{{#each}}x{{/each}}", "TEMPLATE_SYNTAX", 1, /takes exactly one value/],
    ["{{@secret}}", "TEMPLATE_SYNTAX", 3, /not a template variable/],
    ["{{format q3 format=\"N2\"}}", "TEMPLATE_SYNTAX", 3, /named arguments/],
  ])("%s", (source, code, column, message) => {
    const analysis = analyzeTemplate(source, "text");
    expect(analysis.template).toBeUndefined();
    expect(analysis.problems[0]).toMatchObject({ code, column });
    expect(analysis.problems[0]?.message).toMatch(message);
  });

  test("reports every unknown function and argument count", () => {
    const analysis = analyzeTemplate("{{foo q1}} {{mid q1}} {{bar (baz)}}", "text");
    expect(analysis.problems.map((p) => [p.code, p.column])).toEqual([
      ["UNKNOWN_FUNCTION", 3], ["ARGUMENT_COUNT", 14], ["UNKNOWN_FUNCTION", 25], ["UNKNOWN_FUNCTION", 30],
    ]);
  });

  test("a failing function fails the render with TEMPLATE_ERROR naming it", () => {
    const template = analyzeTemplate("x {{mid q1 0}}", "text").template;
    expect(() => template?.render(scopeWith())).toThrow(expect.objectContaining({ code: "TEMPLATE_ERROR", message: expect.stringMatching(/Mid \(column 5\): The start must be 1 or more/) }));
  });

  test("analysis is cached by kind and source", () => {
    expect(analyzeTemplate("{{q1}}", "json")).toBe(analyzeTemplate("{{q1}}", "json"));
    expect(analyzeTemplate("{{q1}}", "json")).not.toBe(analyzeTemplate("{{q1}}", "xml"));
  });
});

describe("positions after a mustache followed by }", () => {
  test("columns map back to the source as written, however many separators were added", () => {
    const source = "{\"a\": {{q3}}}, {\"b\": {{q3}}}}\n{{mid q1}} {{foo q1}}";
    const analysis = analyzeTemplate(source, "json");
    expect(analysis.problems.map((p) => p.column)).toEqual([source.indexOf("mid") + 1, source.indexOf("foo") + 1]);
  });
});
