/**
 * Property tests: for random schemas (nested objects and arrays, written plainly or composed
 * through allOf, $ref/$defs, anyOf/oneOf, if/then, additionalProperties: true), a body built
 * only from the schema's properties passes, and adding an unknown key at any object in it
 * fails, naming exactly that key's pointer.
 */
import fc from "fast-check";
import { compileRequestSchema } from "../../runtime/http/request-schema";

type Style = "plain" | "allOf" | "defs" | "open" | "anyOf" | "oneOf" | "ifThen";

type Shape =
  | { kind: "string" | "integer" | "boolean" }
  | { kind: "object"; style: Style; props: Prop[] }
  | { kind: "array"; items: Shape };

interface Prop {
  name: string;
  shape: Shape;
  required: boolean;
}

// Includes names that need escaping in pointers and names of Object.prototype members.
const names = fc.constantFrom("id", "name", "address", "a/b", "t~x", "first name", "ünï", "0", "constructor", "toString");

const shapes = fc.letrec<{ shape: Shape; object: Shape; array: Shape }>((tie) => ({
  shape: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom<Shape>({ kind: "string" }, { kind: "integer" }, { kind: "boolean" }),
    tie("object"),
    tie("array"),
  ),
  object: fc.record({
    kind: fc.constant("object" as const),
    style: fc.constantFrom<Style>("plain", "allOf", "defs", "open", "anyOf", "oneOf", "ifThen"),
    props: fc.uniqueArray(fc.record({ name: names, shape: tie("shape"), required: fc.boolean() }), { selector: (p) => p.name, maxLength: 4 }),
  }),
  array: fc.record({ kind: fc.constant("array" as const), items: tie("shape") }),
}));

const rootShapes = shapes.object as fc.Arbitrary<Extract<Shape, { kind: "object" }>>;

function objectPart(props: Prop[], defs: Record<string, unknown>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const p of props) Object.defineProperty(properties, p.name, { value: toSchema(p.shape, defs), enumerable: true });
  return { properties, required: props.filter((p) => p.required).map((p) => p.name) };
}

function toSchema(shape: Shape, defs: Record<string, unknown>): Record<string, unknown> {
  if (shape.kind === "array") return { type: "array", items: toSchema(shape.items, defs) };
  if (shape.kind !== "object") return { type: shape.kind };
  const half = Math.ceil(shape.props.length / 2);
  switch (shape.style) {
    case "plain":
      return { type: "object", ...objectPart(shape.props, defs) };
    case "open":
      return { type: "object", ...objectPart(shape.props, defs), additionalProperties: true };
    case "allOf":
      return { type: "object", allOf: [objectPart(shape.props.slice(0, half), defs), objectPart(shape.props.slice(half), defs)] };
    case "defs": {
      const name = `d${Object.keys(defs).length}`;
      defs[name] = {}; // reserve the name before nested definitions take theirs
      defs[name] = { type: "object", ...objectPart(shape.props, defs) };
      return { $ref: `#/$defs/${name}` };
    }
    case "anyOf":
    case "oneOf":
      // The second alternative requires a name bodies never have: the first one must be chosen.
      return { [shape.style]: [objectPart(shape.props, defs), { properties: { onlyInB: { type: "string" } }, required: ["onlyInB"] }] };
    case "ifThen":
      return {
        type: "object",
        ...objectPart(shape.props.slice(0, half), defs),
        if: { type: "object" },
        then: objectPart(shape.props.slice(half), defs),
      };
  }
}

function schemaOf(root: Shape): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  const schema = toSchema(root, defs);
  return Object.keys(defs).length > 0 ? { ...schema, $defs: defs } : schema;
}

function bodyOf(shape: Shape): fc.Arbitrary<unknown> {
  switch (shape.kind) {
    case "string":
      return fc.string({ maxLength: 8 });
    case "integer":
      return fc.integer();
    case "boolean":
      return fc.boolean();
    case "array":
      return fc.array(bodyOf(shape.items), { maxLength: 3 });
    case "object": {
      const entries = shape.props.map((p) =>
        (p.required ? bodyOf(p.shape).map((v) => [v]) : fc.option(bodyOf(p.shape).map((v) => [v]), { nil: undefined }))
          .map((v) => [p.name, v] as const));
      return fc.tuple(...entries).map((pairs) => {
        const object: Record<string, unknown> = {};
        for (const [name, value] of pairs) if (value !== undefined) Object.defineProperty(object, name, { value: value[0], enumerable: true, writable: true, configurable: true });
        return object;
      });
    }
  }
}

const cases = rootShapes.chain((shape) => fc.tuple(fc.constant(shape), bodyOf(shape), fc.nat()));

/** Pointers of every object in a body. */
function objectPointers(value: unknown, pointer = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => objectPointers(item, `${pointer}/${i}`));
  if (typeof value !== "object" || value === null) return [];
  const own = Object.entries(value).flatMap(([key, v]) => objectPointers(v, `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`));
  return [pointer, ...own];
}

function objectAt(body: unknown, pointer: string): Record<string, unknown> {
  let current = body;
  for (const segment of pointer.split("/").slice(1)) {
    const key = segment.replace(/~1/g, "/").replace(/~0/g, "~");
    current = (current as Record<string, unknown>)[key];
  }
  return current as Record<string, unknown>;
}

describe("Request Schema: properties of the exact check", () => {
  test("a body built only from the schema's properties passes", () => {
    fc.assert(
      fc.property(cases, ([shape, body]) => {
        expect(compileRequestSchema(schemaOf(shape)).problems(body)).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });

  test("an unknown key added at any object fails, naming its pointer", () => {
    fc.assert(
      fc.property(cases, fc.constantFrom("injected", "isAdmin", "__proto__", "valueOf"), ([shape, generated, pick], key) => {
        const body = structuredClone(generated); // fast-check reuses generated values while shrinking
        const pointers = objectPointers(body);
        const target = pointers[pick % pointers.length] as string;
        const object = objectAt(body, target);
        if (Object.prototype.hasOwnProperty.call(object, key)) return; // declared and present already
        Object.defineProperty(object, key, { value: true, enumerable: true, writable: true, configurable: true });
        const problems = compileRequestSchema(schemaOf(shape)).problems(body);
        expect(problems).toEqual({ extra: [`${target}/${key}`], missing: [], other: [] });
      }),
      { numRuns: 150 },
    );
  });
});
