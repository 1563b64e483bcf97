import {
  REQUEST_SCHEMA_MAX_BYTES, REQUEST_SCHEMA_MAX_DEPTH, clearRequestSchemaCache, compileRequestSchema,
} from "../../runtime/http/request-schema";
import { SiqError } from "../../runtime/errors";

function compileError(schema: unknown): SiqError {
  try {
    compileRequestSchema(schema);
  } catch (error) {
    if (error instanceof SiqError) return error;
    throw error;
  }
  throw new Error("the schema compiled");
}

interface InvalidCase {
  name: string;
  schema: unknown;
  code?: string;
  /** The pointer in the user's schema the error names. */
  path?: string;
  message: RegExp;
}

const invalid: InvalidCase[] = [
  { name: "not an object", schema: ["type", "object"], path: "", message: /must be a JSON object/ },
  { name: "boolean schema", schema: true, path: "", message: /must be a JSON object/ },
  { name: "JSON text that is not JSON", schema: "{ properties: ", message: /not valid JSON/ },
  { name: "unknown type name", schema: { properties: { a: { type: "strng" } } }, path: "/properties/a/type", message: /allowed values: array, boolean/ },
  { name: "required not a list", schema: { properties: { a: {} }, required: "a" }, path: "/required", message: /must be array/ },
  { name: "minimum not a number", schema: { properties: { a: { minimum: "1" } } }, path: "/properties/a/minimum", message: /must be number/ },
  { name: "misspelt keyword", schema: { properties: { a: {} }, requried: ["a"] }, path: "/requried", message: /unknown keyword "requried"/ },
  { name: "draft-07 dialect", schema: { $schema: "http://json-schema.org/draft-07/schema#" }, path: "/$schema", message: /read as JSON Schema 2020-12/ },
  { name: "draft-07 items array", schema: { items: [{}, {}] }, path: "/items", message: /use prefixItems/ },
  { name: "additionalItems", schema: { prefixItems: [{}], additionalItems: false }, path: "/additionalItems", message: /use prefixItems and items/ },
  { name: "dependencies", schema: { properties: { a: {} }, dependencies: { a: ["b"] } }, path: "/dependencies", message: /dependentRequired/ },
  { name: "OpenAPI nullable", schema: { properties: { a: { type: "string", nullable: true } } }, path: "/properties/a/nullable", message: /type: \["string", "null"\]/ },
  { name: "remote $ref", schema: { properties: { a: { $ref: "https://example.com/a.json" } } }, path: "/properties/a/$ref", message: /points outside the schema/ },
  { name: "relative file $ref", schema: { $ref: "other.json#/x" }, path: "/$ref", message: /points outside the schema/ },
  { name: "$ref to nothing", schema: { properties: { a: { $ref: "#/$defs/missing" } } }, path: "/properties/a/$ref", message: /does not point to a schema/ },
  { name: "$ref to an unknown anchor", schema: { $ref: "#nowhere" }, path: "/$ref", message: /does not point to a schema/ },
  { name: "$ref into a not test", schema: { not: { properties: { x: {} } }, properties: { a: { $ref: "#/not" } } }, path: "/properties/a/$ref", message: /points into a not\/if\/contains\/propertyNames test/ },
  { name: "$ref loop on the same value", schema: { $defs: { a: { allOf: [{ $ref: "#/$defs/b" }] }, b: { $ref: "#/$defs/a" } }, $ref: "#/$defs/a" }, message: /leads back to itself/ },
  { name: "$ref to the root in place", schema: { properties: { a: {} }, anyOf: [{ $ref: "#" }] }, message: /leads back to itself/ },
  { name: "nested $id", schema: { properties: { a: { $id: "https://example.com/a" } } }, path: "/properties/a/$id", message: /nested|inside a schema/ },
  { name: "$dynamicRef", schema: { $dynamicRef: "#meta" }, path: "/$dynamicRef", message: /not supported/ },
  { name: "$data in minimum", schema: { properties: { a: { minimum: { $data: "1/b" } }, b: {} } }, path: "/properties/a/minimum/$data", message: /\$data references are not allowed/ },
  { name: "$data in const", schema: { properties: { a: { const: { $data: "/b" } } } }, path: "/properties/a/const/$data", message: /\$data/ },
  { name: "backreference pattern", schema: { properties: { a: { pattern: "^(a)\\1$" } } }, path: "/properties/a/pattern", message: /linear-time engine/ },
  { name: "lookahead pattern", schema: { properties: { a: { pattern: "^(?=.*[0-9]).{8,}$" } } }, path: "/properties/a/pattern", message: /lookahead/ },
  { name: "lookbehind in patternProperties", schema: { patternProperties: { "(?<=a)b": {} } }, path: "/patternProperties/(?<=a)b", message: /linear-time engine/ },
  { name: "invalid regex", schema: { properties: { a: { pattern: "(" } } }, path: "/properties/a/pattern", message: /must match format "regex"|cannot be used/ },
  { name: "unknown format", schema: { properties: { a: { format: "emial" } } }, message: /unknown format "emial" \(known formats: date, time/ },
  { name: "required but never described", schema: { properties: { a: {} }, required: ["a", "b"] }, path: "/required", message: /"b" is required but not described/ },
  { name: "required in a branch but never described", schema: { properties: { a: {} }, anyOf: [{ required: ["z"] }] }, path: "/anyOf/0/required", message: /"z" is required/ },
  { name: "then without if", schema: { properties: { a: {} }, then: { required: ["a"] } }, message: /"then" without "if"/ },
  { name: "several problems in one error", schema: { properties: { a: { typo: 1 }, b: { $ref: "http://x" } } }, path: "/properties/a/typo", message: /typo.*; at \/properties\/b\/\$ref/ },
];

describe("Request Schema: invalid schemas", () => {
  beforeEach(() => clearRequestSchemaCache());

  test.each(invalid)("$name", ({ schema, code, path, message }) => {
    const error = compileError(schema);
    expect(error.code).toBe(code ?? "REQUEST_SCHEMA_INVALID");
    expect(error.message).toMatch(message);
    if (path !== undefined) expect(error.path).toBe(path);
  });
});

describe("Request Schema: limits", () => {
  function nested(depth: number): Record<string, unknown> {
    // Each level of `properties: {x: ...}` is two levels of JSON nesting.
    let schema: Record<string, unknown> = { type: "string" };
    for (let level = 1; level < depth; level += 2) schema = { properties: { x: schema } };
    return schema;
  }

  test(`a schema nested ${REQUEST_SCHEMA_MAX_DEPTH} levels deep is accepted`, () => {
    expect(() => compileRequestSchema(nested(REQUEST_SCHEMA_MAX_DEPTH - 1))).not.toThrow();
  });

  test("a schema nested deeper is refused with REQUEST_SCHEMA_TOO_DEEP", () => {
    const error = compileError(nested(REQUEST_SCHEMA_MAX_DEPTH + 2));
    expect(error.code).toBe("REQUEST_SCHEMA_TOO_DEEP");
    expect(error.message).toMatch(/deeper than 64 levels/);
  });

  test("hostile nesting far beyond the stack is refused without a stack overflow", () => {
    let deep: unknown = {};
    for (let i = 0; i < 200_000; i++) deep = { not: deep };
    expect(compileError(deep).code).toBe("REQUEST_SCHEMA_TOO_DEEP");
  });

  test("a schema over 256 KB is refused with REQUEST_SCHEMA_TOO_LARGE", () => {
    const properties: Record<string, unknown> = {};
    for (let i = 0; JSON.stringify(properties).length <= REQUEST_SCHEMA_MAX_BYTES; i++) properties[`property${i}`] = { type: "string", description: "x".repeat(200) };
    const error = compileError({ properties });
    expect(error.code).toBe("REQUEST_SCHEMA_TOO_LARGE");
    expect(error.message).toMatch(/256 KB/);
  });

  test("a schema just under 256 KB is accepted", () => {
    const properties: Record<string, unknown> = {};
    for (let i = 0; JSON.stringify({ properties }).length < REQUEST_SCHEMA_MAX_BYTES - 1000; i++) properties[`p${i}`] = { type: "string", description: "x".repeat(200) };
    expect(() => compileRequestSchema({ properties })).not.toThrow();
  });

  test("size counts UTF-8 bytes", () => {
    const description = "é".repeat(REQUEST_SCHEMA_MAX_BYTES / 2 + 10); // under 256 K characters, over 256 KB
    expect(compileError({ description }).code).toBe("REQUEST_SCHEMA_TOO_LARGE");
  });
});

describe("Request Schema: patterns run in linear time", () => {
  beforeEach(() => clearRequestSchemaCache());

  const hostile = "a".repeat(100_000) + "b";

  test.each([
    ["^(a+)+$"],
    ["^(a|a)*$"],
    ["^(a|aa)+$"],
    ["(x+x+)+y"],
    ["^([a-z]+)*[0-9]$"],
  ])("pattern %s on a long hostile string finishes at once", (pattern) => {
    const exact = compileRequestSchema({ properties: { value: { type: "string", pattern } } });
    const started = Date.now();
    const problems = exact.problems({ value: hostile });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(problems?.other).toEqual([{ pointer: "/value", message: `must match pattern "${pattern}"` }]);
  });

  test("a hostile patternProperties name finishes at once", () => {
    const exact = compileRequestSchema({ patternProperties: { "^(a+)+$": { type: "string" } } });
    const started = Date.now();
    expect(exact.problems({ [hostile]: "x" })?.extra).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test.each([
    // pattern, matching, not matching (ECMAScript meaning)
    ["^[a-z]+$", "abc", "abC"],
    ["^\\d{3}-\\d{4}$", "555-1234", "555-12345"],
    ["^\\p{Lu}", "Ébc", "ébc"],
    ["^a.b$", "a\u{1F600}b", "a\nb"],
    ["^a.b$", "axb", "a\u2028b"],
    ["^\\s+$", " \u00a0\u2003\t", "x"],
    ["^\\S+$", "abc", "a\u00a0b"],
    ["^[\\s,]+$", ", \u3000", "a"],
    ["^\\u00e9$", "é", "e"],
    ["^(?<word>\\w+)$", "hello", "hello world"],
    ["^[^]$", "\n", ""],
    ["colou?r", "my colour", "colr"],
  ])("pattern %s keeps its ECMAScript meaning", (pattern, matching, notMatching) => {
    const exact = compileRequestSchema({ properties: { v: { pattern } } });
    expect(exact.problems({ v: matching })).toBeUndefined();
    expect(exact.problems({ v: notMatching })?.other).toHaveLength(1);
  });
});
