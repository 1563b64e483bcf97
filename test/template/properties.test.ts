/**
 * Hostile input for templates: analysis never throws; JSON templates always render valid JSON
 * with the template's own keys, and XML templates well-formed XML with the template's own
 * elements and attributes, whatever the answers.
 */
import { DOMParser, type Element } from "@xmldom/xmldom";
import fc from "fast-check";
import type { SiqError } from "../../runtime/errors";
import { createDataScope } from "../../runtime/formula/data-scope";
import { analyzeTemplate } from "../../runtime/template";
import { analyzeUncached } from "../../runtime/template/analyze";
import { JsonData, SiqDate, type JsonValue, type Value } from "../../runtime/values";

const ATTACKS = [
  "\", \"isAdmin\": true, \"x\": \"", "1, \"isAdmin\": true", "}", "{", "\\", "\\u0041", "\"", "'", "</Name><Admin>true</Admin>",
  "<![CDATA[", "]]>", "-->", "--", "?>", "&amp;", "&#0;", "\u0000", "\u0001", "\r\n", "\t", "\u2028", "\ud800", "\udc00x", "\ufffe", "{{q2}}", "{{{q2}}}", "a b=\"c\"",
];

const scalar: fc.Arbitrary<Value> = fc.oneof(
  fc.string({ unit: "binary", maxLength: 24 }),
  fc.constantFrom(...ATTACKS),
  fc.array(fc.constantFrom(...ATTACKS), { maxLength: 4 }).map((parts) => parts.join("")),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.integer({ min: -62135596800000, max: 253402300799000 }).map((ms) => new SiqDate(ms, ms % 2 === 0)),
);
const answer: fc.Arbitrary<Value> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: (fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<JsonValue>).map((data) => new JsonData(data)) },
);
const data = fc.record({
  q1: answer, q2: answer, q3: answer,
  q37: fc.array(fc.record({ GroupName: answer }), { maxLength: 3 }),
});

describe("analysis of any text", () => {
  const pieces = ["{{", "}}", "{{{", "}}}", "{{#if q1}}", "{{/if}}", "{{#each q37}}", "{{/each}}", "{{else}}", "[", "]", "\"", "q1", " ", "~", "!", "{{>", "@root.", "../", "(", ")", "{{!--", "--}}", "\\{{", "\n", "{{{{raw}}}}", "as |x|", "=", "upper", "mid"];
  test("returns problems and never throws", () => {
    fc.assert(fc.property(fc.oneof(
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((parts) => parts.join("")),
    ), fc.constantFrom("text" as const, "json" as const, "xml" as const, "url" as const), (source, kind) => {
      const analysis = analyzeUncached(source, kind);
      if (analysis.template === undefined) expect(analysis.problems.length).toBeGreaterThan(0);
      for (const problem of analysis.problems) {
        expect(problem.column).toBeGreaterThanOrEqual(1);
        expect(problem.column).toBeLessThanOrEqual(source.length + 1);
      }
    }), { numRuns: 2000 });
  });
});

describe("analysis time", () => {
  const families: [string, (n: number) => string][] = [
    ["unclosed blocks", (n) => "{{#if a}}".repeat(n)],
    ["nested blocks at the limit", (n) => ("{{#if a}}".repeat(99) + "{{/if}}".repeat(99)).repeat(Math.ceil(n / 100))],
    ["else-if chains", (n) => "{{#if a}}" + "{{else if b}}".repeat(n) + "{{/if}}"],
    ["nested helper calls", (n) => `{{upper ${"(upper ".repeat(n)}q1${")".repeat(n)}}}`],
    ["mustaches followed by }", (n) => "{{q1}}}".repeat(n)],
    ["mustaches", (n) => "{{q1}} ".repeat(n)],
    ["unclosed mustaches", (n) => "{{x \"".repeat(n)],
    ["escaped mustaches", (n) => "\\{{".repeat(n)],
  ];

  function timeOf(source: string): number {
    let best = Infinity;
    for (let run = 0; run < 2; run++) {
      const start = performance.now();
      analyzeUncached(source, "json");
      best = Math.min(best, performance.now() - start);
    }
    return best;
  }

  test.each(families)("%s: time grows linearly", (_name, make) => {
    timeOf(make(200));
    const small = timeOf(make(500));
    const large = timeOf(make(2000));
    expect(large).toBeLessThan(Math.max(small * 10, 50));
  });
});

// ---- JSON -----------------------------------------------------------------------------------

type Shape = { kind: "object"; entries: [string, Shape][] } | { kind: "array"; items: Shape[] } | { kind: "string" } | { kind: "any" };
interface JsonTemplate { text: string; shape: Shape }

const stringPart = fc.oneof(
  fc.constantFrom("a", " ", "Name: ", "\\n", "\\\"", "\\\\", "\\u00e9", "é", "😀", "|"),
  fc.constantFrom("{{q1}}", "{{q2}}", "{{q3}}", "{{q37.GroupName}}", "{{jsonEncode q1}}", "{{upper q2}}", "{{replace q1 \"a\" \"b\"}}", "{{#if q1}}{{q1}}{{else}}none{{/if}}", "{{#each q37}}{{GroupName}};{{/each}}"),
);
const jsonTemplate: fc.Arbitrary<JsonTemplate> = fc.letrec<{ value: JsonTemplate }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.array(stringPart, { maxLength: 5 }).map((parts) => ({ text: `"${parts.join("")}"`, shape: { kind: "string" } as Shape })),
    fc.constantFrom("{{q1}}", "{{q2}}", "{{q3}}", "{{q37.GroupName}}", "{{jsonEncode q1}}", "{{count q37}}", "{{q37}}", "12", "true", "null").map((text) => ({ text, shape: { kind: "any" } as Shape })),
    fc.constant({ text: "[{{#each q37}}{{#unless @first}}, {{/unless}}\"{{GroupName}}\"{{/each}}]", shape: { kind: "any" } as Shape }),
    fc.constant({ text: "[{{#each q37}}{{#unless @first}}, {{/unless}}{{GroupName}}{{/each}}]", shape: { kind: "any" } as Shape }),
    fc.uniqueArray(fc.tuple(fc.constantFrom("name", "email", "n", "isAdmin", "x", "groups", "a b", "é"), tie("value")), { selector: ([key]) => key, maxLength: 4 })
      .map((entries) => ({
        text: `{${entries.map(([key, value]) => `"${key}": ${value.text}`).join(", ")}}`,
        shape: { kind: "object", entries: entries.map(([key, value]) => [key, value.shape]) } as Shape,
      })),
    fc.array(tie("value"), { maxLength: 3 }).map((items) => ({ text: `[${items.map((item) => item.text).join(", ")}]`, shape: { kind: "array", items: items.map((item) => item.shape) } as Shape })),
  ),
})).value;

function matchesShape(value: unknown, shape: Shape): boolean {
  switch (shape.kind) {
    case "any": return true;
    case "string": return typeof value === "string";
    case "array":
      return Array.isArray(value) && value.length === shape.items.length && shape.items.every((item, i) => matchesShape(value[i], item));
    case "object": {
      if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      return keys.length === shape.entries.length && shape.entries.every(([key, inner]) => Object.hasOwn(record, key) && matchesShape(record[key], inner));
    }
  }
}

test("json templates always render valid JSON with the template's keys", () => {
  fc.assert(fc.property(jsonTemplate.filter((t) => t.shape.kind === "object"), data, (template, answers) => {
    const analysis = analyzeTemplate(template.text, "json");
    expect(analysis.problems).toEqual([]);
    let output: string;
    try {
      output = analysis.template?.render(createDataScope({ data: answers, now: () => new Date("2026-11-22T14:30:00Z") })) ?? "";
    } catch (error) {
      // Functions may fail on odd answers (TEMPLATE_ERROR); they never produce broken output.
      expect((error as SiqError).code).toBe("TEMPLATE_ERROR");
      return;
    }
    const parsed: unknown = JSON.parse(output);
    expect(matchesShape(parsed, template.shape)).toBe(true);
  }), { numRuns: 1500 });
});

// ---- XML ------------------------------------------------------------------------------------

interface XmlTemplate { text: string; elements: { name: string; attributes: string[] }[] }

const VALUES = ["{{q1}}", "{{q2}}", "{{q3}}", "{{q37.GroupName}}", "{{xmlEncode q1}}", "{{upper q2}}", "{{#each q37}}{{GroupName}},{{/each}}", "{{#if q1}}{{q1}}{{/if}}"];
const textPart = fc.oneof(fc.constantFrom("a", " ", "&amp;", "&lt;", "é", "\n"), fc.constantFrom(...VALUES));
let counter = 0;
const xmlElement: fc.Arbitrary<XmlTemplate> = fc.letrec<{ element: XmlTemplate }>((tie) => ({
  element: fc.record({
    attributes: fc.uniqueArray(fc.tuple(fc.constantFrom("id", "name", "type", "xml:lang"), fc.array(textPart, { maxLength: 3 }), fc.boolean()), { selector: ([name]) => name, maxLength: 3 }),
    children: fc.array(fc.oneof(
      { depthSize: "small" },
      fc.array(textPart, { minLength: 1, maxLength: 3 }).map((parts) => ({ text: parts.join(""), elements: [] })),
      fc.array(textPart, { maxLength: 3 }).map((parts) => ({ text: `<![CDATA[${parts.join("")}]]>`, elements: [] })),
      fc.array(textPart, { maxLength: 3 }).map((parts) => ({ text: `<!-- ${parts.join("")} -->`, elements: [] })),
      tie("element"),
    ), { maxLength: 3 }),
  }).map(({ attributes, children }) => {
    const name = `E${counter++}`;
    const attributeText = attributes.map(([attribute, parts, double]) => (double ? ` ${attribute}="${parts.join("")}"` : ` ${attribute}='${parts.join("")}'`)).join("");
    return {
      text: `<${name}${attributeText}>${children.map((child) => child.text).join("")}</${name}>`,
      elements: [{ name, attributes: attributes.map(([attribute]) => attribute).sort() }, ...children.flatMap((child) => child.elements)],
    };
  }),
})).element;

test("xml templates always render well-formed XML with the template's elements and attributes", () => {
  fc.assert(fc.property(xmlElement, data, fc.boolean(), (template, answers, declaration) => {
    const source = (declaration ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : "") + template.text;
    const analysis = analyzeTemplate(source, "xml");
    expect(analysis.problems).toEqual([]);
    let output: string;
    try {
      output = analysis.template?.render(createDataScope({ data: answers })) ?? "";
    } catch (error) {
      expect((error as SiqError).code).toBe("TEMPLATE_ERROR");
      return;
    }
    const document = new DOMParser({
      onError: (level, message) => {
        if (level !== "warning") throw new Error(`${level}: ${message}\n${output}`);
      },
    }).parseFromString(output, "text/xml");
    const found = Array.from(document.getElementsByTagName("*") as unknown as ArrayLike<Element>).map((element) => ({
      name: element.tagName,
      attributes: Array.from(element.attributes as unknown as ArrayLike<{ name: string }>).map((attribute) => attribute.name).sort(),
    }));
    expect(found).toEqual(template.elements);
  }), { numRuns: 1000 });
});
