import {
  REQUEST_SCHEMA_REQUIRED_MESSAGE, clearRequestSchemaCache, compileRequestSchema, requestSchemaRequiredError,
  requireRequestSchema,
} from "../../runtime/http/request-schema";
import type { RequestBodyProblems } from "../../runtime/http/request-schema";
import { SiqError } from "../../runtime/errors";
import { JsonData } from "../../runtime/values";

/** The thrown error of a failing check, or undefined when the body passes. */
function checkBody(schema: unknown, body: unknown): SiqError | undefined {
  try {
    compileRequestSchema(schema).check(body);
    return undefined;
  } catch (error) {
    if (error instanceof SiqError) return error;
    throw error;
  }
}

function problemsOf(schema: unknown, body: unknown): RequestBodyProblems | undefined {
  return compileRequestSchema(schema).problems(body);
}

const address = {
  type: "object",
  properties: { street: { type: "string" }, city: { type: "string" } },
  required: ["city"],
};

const person = {
  type: "object",
  properties: {
    name: { type: "string" },
    age: { type: "integer", minimum: 0 },
    address,
    tags: { type: "array", items: { type: "string" } },
  },
  required: ["name"],
};

interface Case {
  name: string;
  schema: unknown;
  body: unknown;
  /** Expected problems; omitted means the body passes. */
  expect?: Partial<RequestBodyProblems> & { otherPointers?: string[] };
}

const cases: Case[] = [
  // Plain objects, nested objects, arrays.
  { name: "exact body passes", schema: person, body: { name: "Ann", age: 3, address: { city: "Oslo" }, tags: ["a"] } },
  { name: "extra at the root", schema: person, body: { name: "Ann", isAdmin: true }, expect: { extra: ["/isAdmin"] } },
  { name: "extra in a nested object", schema: person, body: { name: "Ann", address: { city: "Oslo", isAdmin: true } }, expect: { extra: ["/address/isAdmin"] } },
  { name: "extra inside an array item", schema: { properties: { people: { type: "array", items: person } } }, body: { people: [{ name: "A" }, { name: "B", role: "admin" }] }, expect: { extra: ["/people/1/role"] } },
  { name: "missing required at two levels", schema: person, body: { address: {} }, expect: { missing: ["/name", "/address/city"] } },
  { name: "extra and missing together", schema: person, body: { address: { x: 1 }, y: 2 }, expect: { extra: ["/address/x", "/y"], missing: ["/name", "/address/city"] } },
  { name: "type error", schema: person, body: { name: "Ann", age: -1 }, expect: { otherPointers: ["/age"] } },

  // What the schema says about extra elements is overridden.
  { name: "additionalProperties: true is overridden", schema: { properties: { a: {} }, additionalProperties: true }, body: { a: 1, isAdmin: true }, expect: { extra: ["/isAdmin"] } },
  { name: "additionalProperties as a schema is overridden", schema: { properties: { a: {} }, additionalProperties: { type: "boolean" } }, body: { a: 1, isAdmin: true }, expect: { extra: ["/isAdmin"] } },
  { name: "unevaluatedProperties: true is overridden", schema: { properties: { a: {} }, unevaluatedProperties: true }, body: { a: 1, b: 2 }, expect: { extra: ["/b"] } },
  { name: "nested additionalProperties: true is overridden", schema: { properties: { o: { type: "object", properties: { a: {} }, additionalProperties: true } } }, body: { o: { a: 1, b: 2 } }, expect: { extra: ["/o/b"] } },
  { name: "additionalProperties: false inside allOf no longer breaks composition", schema: { allOf: [{ properties: { a: {} }, additionalProperties: false }, { properties: { b: {} } }] }, body: { a: 1, b: 2 } },

  // Objects and arrays without a description accept only empty ones.
  { name: "type object without properties accepts {}", schema: { type: "object" }, body: {} },
  { name: "type object without properties refuses keys", schema: { type: "object" }, body: { a: 1 }, expect: { extra: ["/a"] } },
  { name: "type array without items accepts []", schema: { type: "array" }, body: [] },
  { name: "type array without items refuses items", schema: { type: "array" }, body: [1, 2], expect: { extra: ["/0", "/1"] } },
  { name: "true property schema accepts a scalar", schema: { properties: { a: true } }, body: { a: "x" } },
  { name: "true property schema refuses an object with keys", schema: { properties: { a: true } }, body: { a: { b: 1 } }, expect: { extra: ["/a/b"] } },
  { name: "false property schema refuses the property", schema: { properties: { a: {}, isAdmin: false } }, body: { a: 1, isAdmin: false }, expect: { extra: ["/isAdmin"] } },

  // Tuples.
  { name: "tuple exact", schema: { type: "array", prefixItems: [{ type: "string" }, { type: "number" }] }, body: ["a", 1] },
  { name: "tuple with an extra item", schema: { type: "array", prefixItems: [{ type: "string" }, { type: "number" }] }, body: ["a", 1, true], expect: { extra: ["/2"] } },
  { name: "tuple with items: true still closes objects in extra items", schema: { prefixItems: [{}], items: true }, body: [1, { x: 1 }], expect: { extra: ["/1/x"] } },
  { name: "contains does not open items", schema: { type: "array", contains: { properties: { id: {} } } }, body: [{ id: 1 }], expect: { extra: ["/0"] } },
  { name: "contains with items", schema: { type: "array", items: { properties: { id: {}, primary: {} } }, contains: { properties: { primary: { const: true } }, required: ["primary"] } }, body: [{ id: 1 }, { id: 2, primary: true }] },

  // $ref and $defs.
  { name: "$ref into $defs passes exactly", schema: { $defs: { address }, properties: { home: { $ref: "#/$defs/address" } } }, body: { home: { city: "Oslo" } } },
  { name: "$ref into $defs is closed", schema: { $defs: { address }, properties: { home: { $ref: "#/$defs/address" } } }, body: { home: { city: "Oslo", isAdmin: true } }, expect: { extra: ["/home/isAdmin"] } },
  { name: "root $ref", schema: { $ref: "#/$defs/p", $defs: { p: person } }, body: { name: "A", x: 1 }, expect: { extra: ["/x"] } },
  { name: "$ref by $anchor", schema: { $defs: { a: { $anchor: "addr", ...address } }, properties: { home: { $ref: "#addr" } } }, body: { home: { city: "O", zip: 1 } }, expect: { extra: ["/home/zip"] } },
  { name: "definitions (draft-07 name) work too", schema: { definitions: { a: address }, properties: { home: { $ref: "#/definitions/a" } } }, body: { home: { city: "O" } } },
  {
    name: "recursive $ref is closed at every depth",
    schema: { $defs: { node: { type: "object", properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#/$defs/node" } } } } }, $ref: "#/$defs/node" },
    body: { name: "a", children: [{ name: "b", children: [{ name: "c", secret: 1 }] }] },
    expect: { extra: ["/children/0/children/0/secret"] },
  },
  { name: "$ref with siblings composes", schema: { $defs: { base: { properties: { id: {} } } }, $ref: "#/$defs/base", properties: { name: {} } }, body: { id: 1, name: "x" } },
  { name: "$ref with siblings composes, extra refused", schema: { $defs: { base: { properties: { id: {} } } }, $ref: "#/$defs/base", properties: { name: {} } }, body: { id: 1, name: "x", z: 0 }, expect: { extra: ["/z"] } },
  { name: "names with / and ~ are escaped in pointers", schema: { properties: { "a/b": { type: "object", properties: {} } } }, body: { "a/b": { "c~d": 1 } }, expect: { extra: ["/a~1b/c~0d"] } },

  // allOf.
  { name: "allOf accepts the union", schema: { allOf: [{ properties: { a: {} } }, { properties: { b: {} } }] }, body: { a: 1, b: 2 } },
  { name: "allOf refuses more than the union", schema: { allOf: [{ properties: { a: {} } }, { properties: { b: {} } }] }, body: { a: 1, b: 2, c: 3 }, expect: { extra: ["/c"] } },
  { name: "allOf of $refs", schema: { $defs: { a: { properties: { a: {} } }, b: { properties: { b: {} }, required: ["b"] } }, allOf: [{ $ref: "#/$defs/a" }, { $ref: "#/$defs/b" }] }, body: { a: 1 }, expect: { missing: ["/b"] } },

  // anyOf / oneOf.
  { name: "oneOf first alternative exactly", schema: { oneOf: [{ properties: { email: { format: "email" } } }, { properties: { phone: { type: "string" } } }] }, body: { email: "a@example.com" } },
  { name: "oneOf second alternative exactly", schema: { oneOf: [{ properties: { email: { format: "email" } } }, { properties: { phone: { type: "string" } } }] }, body: { phone: "555" } },
  { name: "oneOf mixing two alternatives", schema: { oneOf: [{ properties: { email: {} } }, { properties: { phone: {} } }] }, body: { email: "e", phone: "p" }, expect: { extra: ["/phone"] } },
  { name: "anyOf mixing two alternatives", schema: { anyOf: [{ properties: { email: {} } }, { properties: { phone: {} } }] }, body: { email: "e", phone: "p" }, expect: { extra: ["/phone"] } },
  { name: "anyOf alternative plus context", schema: { properties: { id: {} }, anyOf: [{ properties: { email: {} } }, { properties: { phone: {} } }] }, body: { id: 1, phone: "p" } },
  { name: "anyOf extra is named", schema: { properties: { id: {} }, anyOf: [{ properties: { email: {} } }, { properties: { phone: {} } }] }, body: { id: 1, phone: "p", isAdmin: true }, expect: { extra: ["/isAdmin"] } },
  {
    name: "discriminated oneOf reports the intended alternative",
    schema: { properties: { kind: { type: "string" } }, required: ["kind"], oneOf: [
      { properties: { kind: { const: "person" }, name: {} }, required: ["name"] },
      { properties: { kind: { const: "team" }, members: { type: "array", items: { type: "string" } } }, required: ["members"] },
    ] },
    body: { kind: "person", members: ["x"] },
    expect: { extra: ["/members"], missing: ["/name"] },
  },
  { name: "two independent oneOfs combine", schema: { allOf: [{ oneOf: [{ properties: { card: {} }, required: ["card"] }, { properties: { iban: {} }, required: ["iban"] }] }, { oneOf: [{ properties: { post: {} }, required: ["post"] }, { properties: { pickup: {} }, required: ["pickup"] }] }] }, body: { iban: "x", pickup: "y" } },
  { name: "oneOf inside array items", schema: { type: "array", items: { oneOf: [{ properties: { a: {} }, required: ["a"] }, { properties: { b: {} }, required: ["b"] }] } }, body: [{ a: 1 }, { b: 2 }, { b: 3, c: 4 }], expect: { extra: ["/2/c"] } },
  { name: "oneOf over $refs into $defs", schema: { $defs: { cat: { properties: { meow: { type: "boolean" } }, required: ["meow"] }, dog: { properties: { bark: { type: "boolean" } }, required: ["bark"] } }, properties: { pet: { oneOf: [{ $ref: "#/$defs/cat" }, { $ref: "#/$defs/dog" }] } } }, body: { pet: { bark: true } } },
  { name: "oneOf over $refs: extra inside", schema: { $defs: { cat: { properties: { meow: { type: "boolean" } }, required: ["meow"] }, dog: { properties: { bark: { type: "boolean" } }, required: ["bark"] } }, properties: { pet: { oneOf: [{ $ref: "#/$defs/cat" }, { $ref: "#/$defs/dog" }] } } }, body: { pet: { bark: true, bite: true } }, expect: { extra: ["/pet/bite"] } },
  { name: "oneOf of a scalar and an object", schema: { properties: { v: { oneOf: [{ type: "string" }, { type: "object", properties: { text: {} } }] } } }, body: { v: { text: "x", z: 1 } }, expect: { extra: ["/v/z"] } },

  // if / then / else and dependentSchemas.
  { name: "then applies", schema: { properties: { country: { type: "string" } }, if: { properties: { country: { const: "US" } } }, then: { properties: { zip: { pattern: "^[0-9]{5}$" } }, required: ["zip"] }, else: { properties: { postcode: {} } } }, body: { country: "US", zip: "12345" } },
  { name: "else applies", schema: { properties: { country: { type: "string" } }, if: { properties: { country: { const: "US" } } }, then: { properties: { zip: {} }, required: ["zip"] }, else: { properties: { postcode: {} } } }, body: { country: "NO", postcode: "0150" } },
  { name: "a then property when else applies is extra", schema: { properties: { country: { type: "string" } }, if: { properties: { country: { const: "US" } } }, then: { properties: { zip: {} } }, else: { properties: { postcode: {} } } }, body: { country: "NO", zip: "1" }, expect: { extra: ["/zip"] } },
  { name: "failing then reports its own problem only", schema: { properties: { country: {} }, if: { properties: { country: { const: "US" } } }, then: { properties: { zip: { pattern: "^[0-9]{5}$" }, state: {} }, required: ["zip", "state"] } }, body: { country: "US", zip: "1" }, expect: { missing: ["/state"], otherPointers: ["/zip"] } },
  { name: "a name only in if is not allowed", schema: { properties: { a: {} }, if: { properties: { isAdmin: { const: false } } }, then: { required: ["a"] } }, body: { a: 1, isAdmin: false }, expect: { extra: ["/isAdmin"] } },
  { name: "dependentSchemas adds names when present", schema: { properties: { card: {} }, dependentSchemas: { card: { properties: { cvv: {} }, required: ["cvv"] } } }, body: { card: "x", cvv: "1" } },
  { name: "dependentSchemas missing", schema: { properties: { card: {} }, dependentSchemas: { card: { properties: { cvv: {} }, required: ["cvv"] } } }, body: { card: "x" }, expect: { missing: ["/cvv"] } },
  { name: "not stays a test", schema: { properties: { a: {}, b: {} }, not: { required: ["b"] } }, body: { a: 1, b: 2 }, expect: { otherPointers: [""] } },

  // patternProperties name the allowed keys.
  { name: "patternProperties allow matching names", schema: { patternProperties: { "^x-": { type: "string" } } }, body: { "x-a": "1", "x-b": "2" } },
  { name: "patternProperties refuse other names", schema: { patternProperties: { "^x-": { type: "string" } } }, body: { "x-a": "1", y: "2" }, expect: { extra: ["/y"] } },
  { name: "patternProperties values are closed", schema: { patternProperties: { "^x-": { type: "object" } } }, body: { "x-a": { q: 1 } }, expect: { extra: ["/x-a/q"] } },

  // Regression: with dynamically merged annotations Ajv counted Object.prototype names as evaluated.
  ...["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"].map((name): Case => ({
    name: `"${name}" is refused beside anyOf`,
    schema: { anyOf: [{ properties: { a: {} } }, { properties: { b: {} } }] },
    body: JSON.parse(`{"a": 1, "${name}": {"isAdmin": true}}`) as unknown,
    expect: { extra: [`/${name}`] },
  })),
  { name: "prototype names are refused beside if/then", schema: { properties: { a: {} }, if: { properties: { a: { const: 1 } } }, then: { properties: { b: {} } } }, body: JSON.parse('{"a": 1, "constructor": 1}') as unknown, expect: { extra: ["/constructor"] } },
  { name: "prototype names are refused beside dependentSchemas", schema: { properties: { a: {} }, dependentSchemas: { a: { properties: { b: {} } } } }, body: JSON.parse('{"a": 1, "toString": 1}') as unknown, expect: { extra: ["/toString"] } },
  { name: "a declared prototype name is allowed", schema: { properties: { constructor: { type: "string" } }, anyOf: [{ properties: { a: {} } }] }, body: JSON.parse('{"constructor": "x", "a": 1}') as unknown },
  { name: "a required prototype name must really be present", schema: { properties: { toString: {} }, required: ["toString"] }, body: {}, expect: { missing: ["/toString"] } },
  { name: "contains failing is reported", schema: { type: "array", items: { properties: { primary: {} } }, contains: { properties: { primary: { const: true } }, required: ["primary"] } }, body: [{ primary: false }], expect: { otherPointers: [""] } },
  { name: "contains inside allOf branch does not open items", schema: { properties: { l: { allOf: [{ type: "array", contains: { type: "object" } }] } } }, body: { l: [{ isAdmin: true }] }, expect: { extra: ["/l/0"] } },

  // Constants are exact by themselves.
  { name: "an object const passes exactly", schema: { properties: { mode: { const: { kind: "fast", level: 2 } } } }, body: { mode: { kind: "fast", level: 2 } } },
  { name: "an object const refuses anything else", schema: { properties: { mode: { const: { kind: "fast" } } } }, body: { mode: { kind: "fast", isAdmin: true } }, expect: { otherPointers: ["/mode"] } },
  { name: "an enum of objects through allOf", schema: { properties: { m: { allOf: [{ enum: [{ a: 1 }, [1, 2]] }] } } }, body: { m: [1, 2] } },

  // Composition details.
  { name: "a name in properties and patternProperties", schema: { properties: { "x-id": { type: "string" } }, patternProperties: { "^x-": { type: "string" } } }, body: { "x-id": "1", "x-other": "2" } },
  { name: "user propertyNames and anyOf together", schema: { propertyNames: { maxLength: 5 }, anyOf: [{ properties: { a: {} } }, { properties: { b: {} } }] }, body: { a: 1 } },
  { name: "user propertyNames and anyOf together, extra", schema: { propertyNames: { maxLength: 5 }, anyOf: [{ properties: { a: {} } }, { properties: { b: {} } }] }, body: { a: 1, b: 2 }, expect: { extra: ["/b"] } },
  { name: "unevaluatedProperties: false inside allOf members no longer breaks composition", schema: { allOf: [{ properties: { a: {} }, unevaluatedProperties: false }, { properties: { b: {} }, unevaluatedProperties: false }] }, body: { a: 1, b: 2 } },
  { name: "tuple alternatives", schema: { anyOf: [{ prefixItems: [{ type: "string" }] }, { prefixItems: [{ type: "number" }, { type: "number" }] }] }, body: [1, 2] },
  { name: "tuple alternatives, one item too many", schema: { anyOf: [{ prefixItems: [{ type: "string" }] }, { prefixItems: [{ type: "number" }, { type: "number" }] }] }, body: [1, 2, 3], expect: { extra: ["/2"] } },
  { name: "anyOf inside dependentSchemas", schema: { properties: { pay: {} }, dependentSchemas: { pay: { anyOf: [{ properties: { card: {} }, required: ["card"] }, { properties: { iban: {} }, required: ["iban"] }] } } }, body: { pay: 1, iban: "x" } },
  { name: "anyOf inside dependentSchemas, mixed", schema: { properties: { pay: {} }, dependentSchemas: { pay: { anyOf: [{ properties: { card: {} }, required: ["card"] }, { properties: { iban: {} }, required: ["iban"] }] } } }, body: { pay: 1, iban: "x", card: "y" }, expect: { extra: ["/iban"] } }, // a tie: the first alternative explains
  { name: "content and metadata keywords are accepted", schema: { properties: { file: { type: "string", contentEncoding: "base64", contentMediaType: "image/png", readOnly: false, deprecated: true, examples: ["aGk="], default: "", $comment: "c" } } }, body: { file: "aGk=" } },

  // Annotations from OpenAPI and x- keys are accepted and ignored.
  { name: "example and x- keys are ignored", schema: { properties: { a: { type: "string", example: "x", "x-internal": true } } }, body: { a: "y" } },
];

describe("Request Schema: exact specification", () => {
  beforeEach(() => clearRequestSchemaCache());

  test.each(cases)("$name", ({ schema, body, expect: expected }) => {
    const problems = problemsOf(schema, body);
    if (!expected) {
      expect(problems).toBeUndefined();
      return;
    }
    expect(problems).toBeDefined();
    expect([...(problems?.extra ?? [])].sort()).toEqual([...(expected.extra ?? [])].sort());
    expect([...(problems?.missing ?? [])].sort()).toEqual([...(expected.missing ?? [])].sort());
    if (expected.otherPointers) {
      expect(problems?.other.map((o) => o.pointer).sort()).toEqual([...expected.otherPointers].sort());
    } else {
      expect(problems?.other).toEqual([]);
    }
  });

  test("one error lists every extra and every missing element, by JSON Pointer", () => {
    const error = checkBody(person, { address: { isAdmin: true }, role: "admin", age: "x" });
    expect(error?.code).toBe("REQUEST_BODY_INVALID");
    expect(error?.message).toContain("/address/isAdmin");
    expect(error?.message).toContain("/role");
    expect(error?.message).toContain("/name");
    expect(error?.message).toContain("/address/city");
    expect(error?.message).toContain("/age must be integer");
    expect(error?.details).toEqual({
      extra: ["/address/isAdmin", "/role"],
      missing: ["/name", "/address/city"],
      other: [{ pointer: "/age", message: "must be integer" }],
    });
  });

  test("no value of the body appears in the error", () => {
    const secret = "s3cr3t-P@ssw0rd-value";
    const error = checkBody(
      { properties: { password: { type: "string", minLength: 100, pattern: "^[a-z]+$", format: "email" }, n: { type: "integer" }, k: { enum: ["a", "b"] } } },
      { password: secret, n: secret, k: secret, extra: secret, [`${secret}-key-is-a-name`]: 1 },
    );
    expect(error?.code).toBe("REQUEST_BODY_INVALID");
    expect(error?.message.replace(`${secret}-key-is-a-name`, "")).not.toContain(secret);
    expect(JSON.stringify(error?.details).replace(`${secret}-key-is-a-name`, "")).not.toContain(secret);
  });

  test("the message says when a schema's additionalProperties was overridden", () => {
    const error = checkBody({ properties: { a: {} }, additionalProperties: true }, { a: 1, b: 2 });
    expect(error?.message).toMatch(/exact specification, whatever additionalProperties says/);
    const plain = checkBody({ properties: { a: {} } }, { a: 1, b: 2 });
    expect(plain?.message).not.toMatch(/additionalProperties/);
  });

  test("control characters and long names are shown safely in the message", () => {
    const long = "k".repeat(500);
    const error = checkBody({ properties: {} }, { "line\nbreak": 1, [long]: 2 });
    expect(error?.message).toContain("/line\\u000abreak");
    expect(error?.message).not.toContain("\n");
    expect(error?.message.length).toBeLessThan(1000);
  });

  test("a body at the root of the wrong type", () => {
    const error = checkBody(person, "just text");
    expect(error?.details).toEqual({ extra: [], missing: [], other: [{ pointer: "", message: "must be object" }] });
    expect(error?.message).toContain("(the body) must be object");
  });

  test("oneOf that matches twice says so", () => {
    const problems = problemsOf({ oneOf: [{ properties: { a: { type: "string" } } }, { properties: { a: { type: "string" }, b: {} } }] }, { a: "x" });
    expect(problems?.other).toEqual([{ pointer: "", message: "matches more than one alternative of oneOf (1 and 2); the schema must tell them apart" }]);
  });

  test("alternatives that multiply through $ref fail fast instead of hanging", () => {
    // 2^30 paths through the alternatives: every one would be evaluated.
    const $defs: Record<string, unknown> = { l0: { properties: { leaf: { type: "string" } }, required: ["leaf"] } };
    for (let i = 1; i <= 30; i++) $defs[`l${i}`] = { anyOf: [{ $ref: `#/$defs/l${i - 1}` }, { $ref: `#/$defs/l${i - 1}`, required: ["leaf"] }] };
    const schema = { $defs, $ref: "#/$defs/l30" };
    for (const body of [{ leaf: 1 }, { leaf: "x" }]) {
      const started = Date.now();
      const error = checkBody(schema, body);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(error?.code).toBe("REQUEST_SCHEMA_INVALID");
      expect(error?.message).toMatch(/too complex/);
    }
  });

  test("nested alternatives of honest depth are explained by the closest one", () => {
    const $defs: Record<string, unknown> = { l0: { properties: { leaf: { type: "string" } }, required: ["leaf"] } };
    for (let i = 1; i <= 6; i++) $defs[`l${i}`] = { anyOf: [{ $ref: `#/$defs/l${i - 1}` }, { $ref: `#/$defs/l${i - 1}`, required: ["leaf"] }] };
    const schema = { $defs, $ref: "#/$defs/l6" };
    expect(problemsOf(schema, { leaf: "x" })).toBeUndefined();
    expect(problemsOf(schema, { leaf: 1 })).toEqual({ extra: [], missing: [], other: [{ pointer: "/leaf", message: "must be string" }] });
  });

  test("a large honest body stays within the evaluation budget", () => {
    const schema = { properties: { items: { type: "array", items: { oneOf: [{ properties: { id: { type: "integer" } }, required: ["id"] }, { properties: { name: { type: "string" } }, required: ["name"] }] } } } };
    const body = { items: Array.from({ length: 50_000 }, (_, i) => (i % 2 === 0 ? { id: i } : { name: `n${i}` })) };
    expect(problemsOf(schema, body)).toBeUndefined();
  });
});

describe("Request Schema: compiling and caching", () => {
  beforeEach(() => clearRequestSchemaCache());

  test("the same content gives the same compiled schema, whatever the key order", () => {
    const a = compileRequestSchema({ type: "object", properties: { a: {}, b: {} } });
    const b = compileRequestSchema({ properties: { b: {}, a: {} }, type: "object" });
    expect(b).toBe(a);
  });

  test("schemas differing only in what the rewrite overrides share one validator", () => {
    const a = compileRequestSchema({ properties: { a: {} }, additionalProperties: true });
    const b = compileRequestSchema({ properties: { a: {} }, additionalProperties: false });
    expect(b).not.toBe(a);
    expect(b.schema).toBe(a.schema);
  });

  test("JSON text and JSON data are accepted as schemas", () => {
    expect(compileRequestSchema('{"properties": {"a": {}}}').problems({ a: 1 })).toBeUndefined();
    expect(compileRequestSchema(new JsonData({ properties: { a: {} } })).problems({ b: 1 })?.extra).toEqual(["/b"]);
  });

  test("the rewritten schema closes every location and keeps the user's schema untouched", () => {
    const user = { properties: { a: { type: "object", additionalProperties: true } }, additionalProperties: true };
    const before = JSON.stringify(user);
    const exact = compileRequestSchema(user);
    expect(JSON.stringify(user)).toBe(before);
    expect(exact.schema["unevaluatedProperties"]).toBe(false);
    expect(exact.schema["additionalProperties"]).toBeUndefined();
    const a = (exact.schema["properties"] as Record<string, Record<string, unknown>>)["a"];
    expect(a?.["unevaluatedProperties"]).toBe(false);
    expect(a?.["additionalProperties"]).toBeUndefined();
  });

  test("a property named __proto__ is refused in a schema and in a body", () => {
    const schema = JSON.parse('{"properties": {"__proto__": {"type": "object", "properties": {"x": {}}}}}') as unknown;
    expect(() => compileRequestSchema(schema)).toThrow(expect.objectContaining({ code: "REQUEST_SCHEMA_INVALID", path: "/properties/__proto__" }));
    expect(problemsOf({ properties: { a: {} } }, JSON.parse('{"a": 1, "__proto__": {"isAdmin": true}}'))?.extra).toEqual(["/__proto__"]);
  });
});

describe("Request Body without Request Schema", () => {
  test("REQUEST_SCHEMA_REQUIRED explains why a schema is needed", () => {
    for (const blank of [undefined, null, "", "  "]) {
      let error: unknown;
      try {
        requireRequestSchema(blank, { action: "Create user" });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(SiqError);
      expect((error as SiqError).code).toBe("REQUEST_SCHEMA_REQUIRED");
      expect((error as SiqError).action).toBe("Create user");
      expect((error as SiqError).message).toBe(REQUEST_SCHEMA_REQUIRED_MESSAGE);
    }
    expect(REQUEST_SCHEMA_REQUIRED_MESSAGE).toMatch(/no answer can add an element/);
    expect(requestSchemaRequiredError().input).toBe("Request Schema");
  });

  test("a given schema is compiled", () => {
    expect(requireRequestSchema({ properties: { a: {} } }).problems({ a: 1 })).toBeUndefined();
  });
});
