/**
 * The exact-specification rewrite of a Request Schema (SPEC 5.4).
 *
 * Goal: a body passes only if every element in it is described by the schema, whatever the
 * schema says about extra elements, while a body that matches a composed schema exactly still
 * passes. The algorithm:
 *
 * 1. Locations. Every schema that applies to a new JSON value is a *location*: the root, each
 *    `properties`/`patternProperties` value, `items` and each `prefixItems` entry. Every other
 *    schema applies *in place* to the same value as its parent (`allOf`/`anyOf`/`oneOf` members,
 *    `then`/`else`, `dependentSchemas` values, and `$ref` targets such as `$defs` entries).
 * 2. Closing. Each location gets `unevaluatedProperties: false` and `unevaluatedItems: false`
 *    (except a location fixed to a `const`/`enum` value, exact by deep equality already).
 *    These see through every in-place applicator, so `{allOf: [{properties: {a}}, {properties:
 *    {b}}]}` accepts `{a, b}` and refuses `{a, b, c}`. In-place schemas are never closed
 *    themselves: closing an `allOf` member would refuse what its siblings declare.
 *    `additionalProperties`, `unevaluatedProperties` and `unevaluatedItems` written by the user
 *    are removed (any value: `true`, `false` or a schema), so the only way to allow a property
 *    is to declare it in `properties` or match it by `patternProperties`; the only way to allow
 *    array items is `items`/`prefixItems`. Hence `{type: "object"}` accepts only `{}`, and
 *    `{type: "array"}` only `[]`. Boolean subschemas become objects (`true` → `{}`, `false` →
 *    `{not: {}}`) so that every schema has an identity for error reporting.
 * 3. Alternatives. An `anyOf`/`oneOf` alternative that is open would match a body meant for
 *    another alternative (a `oneOf` would then match twice). Each alternative gets a
 *    `propertyNames` test allowing only the names it declares plus the names declared at the
 *    same location outside this `anyOf`/`oneOf` (its context, through every place the schema is
 *    used). `propertyNames` produces no annotations, so this narrows which alternative matches
 *    without allowing anything: step 2 remains the only gate.
 * 4. Conditions. `if`, `not`, `contains` and `propertyNames` subschemas are tests, not
 *    descriptions; they are kept as written. Ajv counts the properties of an `if` schema as
 *    evaluated even when it fails, which would open the object, so `if: C` becomes
 *    `if: {not: {not: C}}` (same truth value, no annotations). Names that appear only in a
 *    condition are therefore not allowed in the body. Likewise Ajv counts every item as
 *    evaluated when `contains` is present, so `contains` (with min/maxContains) moves into an
 *    added `allOf` member `{not: {not: {contains: ...}}}`: it never allows items.
 * 5. Prototype names. Ajv looks evaluated names up in a plain object when annotations merge
 *    dynamically (anyOf, oneOf, if, dependentSchemas), where `constructor`, `toString` or
 *    `__proto__` always look evaluated. Each location refuses those names unless it declares them.
 * 6. Safety. Only local `$ref`s (`#...`); no `$data`; every `pattern` and `patternProperties`
 *    name must compile on the linear-time engine; unknown keywords are refused (a misspelt
 *    keyword would silently check nothing); a `required` name that the location never declares
 *    is refused (no body could pass); a `$ref` loop that never descends into the body (which
 *    would recurse forever) is refused.
 * 7. Work. Every shape schema carries a counting keyword; one check may evaluate schemas only
 *    so many times (a budget growing with the body's size), so combinations that multiply
 *    (anyOf of anyOfs through $ref) fail fast instead of hanging the runtime.
 *
 * Known limits, by design: a `$ref` to a location (for example `#/properties/a`) is closed
 * there too, so inside an `allOf` it refuses what its siblings declare; use `$defs` for shared
 * parts. A `$ref` from a condition to `$defs` sees the closed form.
 */
import { SiqError } from "../../errors";
import { isPlainObject } from "../../values";
import {
  CHILD_LISTS, CHILD_MAPS, CHILD_SINGLES, CONDITION_SINGLES, DEFINITION_MAPS, DIALECT_2020_12,
  DROPPED_ANNOTATIONS, IN_PLACE_LISTS, IN_PLACE_MAPS, IN_PLACE_SINGLES, OPENING_KEYWORDS,
  REFUSED_KEYWORDS, VALUE_KEYWORDS,
} from "./keywords";
import { compileLinearPattern, UnsupportedPatternError } from "./linear-regexp";

export type SchemaObject = Record<string, unknown>;

/** How a schema applies: to a new value (location), to its parent's value, or as a test. */
export type NodeRole = "location" | "inplace" | "condition";

export interface SchemaNode {
  readonly schema: SchemaObject;
  /** JSON Pointer in the rewritten document (what Ajv sees). */
  readonly docPointer: string;
  /** JSON Pointer in the user's schema, for messages. */
  readonly userPointer: string;
  readonly role: NodeRole;
  /** A `false` schema, rewritten as `{not: {}}`. */
  readonly forbidden: boolean;
  /** The user allowed extra elements here (additionalProperties: true or a schema, ...). */
  opens: boolean;
  /** A location fixed to a constant (const/enum): exact without closing keywords. */
  constant?: boolean;
  /** For the hidden `contains` test (see step 4): how many matching items it asks for. */
  containsTest?: { min: number; max?: number };
  /** Every subschema object directly under this one. */
  readonly children: SchemaObject[];
  /** Subschemas applied in place (see the module comment); the `$ref` target is added later. */
  readonly inPlace: Array<{ keyword: string; schema: SchemaObject }>;
  ref: SchemaObject | undefined;
}

export interface SchemaProblem {
  pointer: string;
  message: string;
}

/** Names a schema declares: `properties` keys and `patternProperties` patterns. */
export interface DeclaredNames {
  names: Set<string>;
  patterns: Set<string>;
}

const MAX_PROBLEMS = 10;

/**
 * A keyword on every shape schema that counts its evaluations (step 7): nested anyOf/oneOf
 * through $ref can make validation exponential, and the count stops it.
 */
export const EVALUATION_METER = "siqEvaluationMeter";

/** Names that Ajv's evaluated-property lookups find on Object.prototype (see guardPrototypeNames). */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

/** The rewritten schema and what error reporting needs to know about it. */
export class ClosedSchema {
  private readonly closureMemo = new Map<object, Set<SchemaObject>>();
  private readonly reachMemo = new Map<object, Set<object>>();
  private locationsByNode: Map<object, SchemaObject[]> | undefined;

  private readonly declaredMemo = new Map<object, DeclaredNames>();

  constructor(
    readonly document: SchemaObject,
    readonly nodes: ReadonlyMap<object, SchemaNode>,
  ) {}

  /** Document pointers of the locations where the user's schema allowed extra elements. */
  openLocations(): Set<string> {
    const result = new Set<string>();
    for (const node of this.nodes.values()) if (node.opens && node.role === "location") result.add(node.docPointer);
    return result;
  }

  /** Every name and pattern declared at a location, through all its in-place schemas. */
  declaredAt(location: SchemaObject): DeclaredNames {
    let declared = this.declaredMemo.get(location);
    if (!declared) {
      declared = declaredNames(this.inPlaceClosure(location));
      this.declaredMemo.set(location, declared);
    }
    return declared;
  }

  node(schema: unknown): SchemaNode | undefined {
    return typeof schema === "object" && schema !== null ? this.nodes.get(schema) : undefined;
  }

  /** Schemas applied in place from `start`, itself included, optionally not through one keyword of one schema. */
  inPlaceClosure(start: SchemaObject, skip?: { owner: SchemaObject; keyword: string }): Set<SchemaObject> {
    if (!skip) {
      const memo = this.closureMemo.get(start);
      if (memo) return memo;
    }
    const seen = new Set<SchemaObject>([start]);
    const stack = [start];
    while (stack.length > 0) {
      const current = stack.pop() as SchemaObject;
      const node = this.nodes.get(current);
      if (!node || node.role === "condition") continue;
      const next: SchemaObject[] = [];
      for (const edge of node.inPlace) {
        if (skip && current === skip.owner && edge.keyword === skip.keyword) continue;
        next.push(edge.schema);
      }
      if (node.ref) next.push(node.ref);
      for (const schema of next) {
        if (!seen.has(schema)) {
          seen.add(schema);
          stack.push(schema);
        }
      }
    }
    if (!skip) this.closureMemo.set(start, seen);
    return seen;
  }

  /** Every schema whose errors can come from validating `start` (all keywords, through `$ref`). */
  reach(start: object): Set<object> {
    const memo = this.reachMemo.get(start);
    if (memo) return memo;
    const seen = new Set<object>([start]);
    const stack: object[] = [start];
    while (stack.length > 0) {
      const node = this.nodes.get(stack.pop() as object);
      if (!node) continue;
      const next: object[] = node.ref ? [...node.children, node.ref] : node.children;
      for (const schema of next) {
        if (!seen.has(schema)) {
          seen.add(schema);
          stack.push(schema);
        }
      }
    }
    this.reachMemo.set(start, seen);
    return seen;
  }

  /** The locations whose in-place closure holds this schema. */
  locationsContaining(schema: SchemaObject): SchemaObject[] {
    if (!this.locationsByNode) {
      const map = new Map<object, SchemaObject[]>();
      for (const [schemaObject, node] of this.nodes) {
        if (node.role !== "location") continue;
        for (const member of this.inPlaceClosure(schemaObject as SchemaObject)) {
          const list = map.get(member);
          if (list) list.push(schemaObject as SchemaObject);
          else map.set(member, [schemaObject as SchemaObject]);
        }
      }
      this.locationsByNode = map;
    }
    return this.locationsByNode.get(schema) ?? [];
  }

  /** True when the schema itself (not its subschemas) declares this property name. */
  declaresName(schema: SchemaObject, name: string): boolean {
    const properties = schema["properties"];
    if (isPlainObject(properties) && Object.prototype.hasOwnProperty.call(properties, name)) return true;
    const patterns = schema["patternProperties"];
    if (isPlainObject(patterns)) {
      for (const pattern of Object.keys(patterns)) if (compileLinearPattern(pattern).test(name)) return true;
    }
    return false;
  }

  /** True when the schema itself describes array items. */
  declaresItems(schema: SchemaObject): boolean {
    return schema["items"] !== undefined || schema["prefixItems"] !== undefined;
  }

  /** Forgets derived sets after the document changed. */
  invalidate(): void {
    this.declaredMemo.clear();
    this.closureMemo.clear();
    this.reachMemo.clear();
    this.locationsByNode = undefined;
  }
}

/** Names declared by a set of schemas. */
export function declaredNames(schemas: Iterable<SchemaObject>): DeclaredNames {
  const result: DeclaredNames = { names: new Set(), patterns: new Set() };
  for (const schema of schemas) {
    const properties = schema["properties"];
    if (isPlainObject(properties)) for (const name of Object.keys(properties)) result.names.add(name);
    const patterns = schema["patternProperties"];
    if (isPlainObject(patterns)) for (const pattern of Object.keys(patterns)) result.patterns.add(pattern);
  }
  return result;
}

/** Sets a property even when its name is `__proto__` (names come from users). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A deep copy of JSON data made of this realm's objects (so that deep equality, which compares
 * constructors, holds against bodies) and safe for a `__proto__` key.
 */
export function copyJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyJson);
  if (typeof value !== "object" || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) setOwn(copy, key, copyJson(item));
  return copy;
}

/** One JSON Pointer segment. */
export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** A JSON Pointer as a URI fragment (`#/...`), as `$ref` and Ajv's schema ids expect. */
export function pointerToFragment(pointer: string): string {
  return "#" + pointer.split("/").map((segment) => encodeURIComponent(segment)).join("/");
}

/** Rewrites a (meta-valid) user schema into its closed form; refuses what cannot be made safe. */
export function closeSchema(userSchema: SchemaObject, checkAgainstMetaSchema: () => void): ClosedSchema {
  const rewriter = new Rewriter();
  const document = rewriter.rewriteRoot(userSchema);
  rewriter.throwIfProblems();
  // Our own checks first: they name refused features precisely ($data, remote $ref) where the
  // meta-schema would only say "must be number".
  checkAgainstMetaSchema();
  rewriter.resolveRefs(document);
  rewriter.throwIfProblems();
  rewriter.refuseInPlaceLoops();
  rewriter.throwIfProblems();
  rewriter.openConstantLocations();
  const closed = new ClosedSchema(document, rewriter.nodes);
  rewriter.checkRequiredNamesAreDeclared(closed);
  rewriter.throwIfProblems();
  rewriter.narrowAlternatives(closed);
  closed.invalidate();
  rewriter.guardPrototypeNames(closed);
  closed.invalidate();
  return closed;
}

/** Turns collected schema problems into one error. */
export function schemaProblemsError(problems: SchemaProblem[]): SiqError {
  const shown = problems.slice(0, MAX_PROBLEMS).map((p) => `${describeSchemaPointer(p.pointer)}: ${p.message}`);
  const more = problems.length > MAX_PROBLEMS ? ` (and ${problems.length - MAX_PROBLEMS} more)` : "";
  return new SiqError(
    "REQUEST_SCHEMA_INVALID",
    `Request Schema is not valid: ${shown.join("; ")}${more}.`,
    { path: problems[0]?.pointer ?? "", details: { problems: problems.slice(0, 100) } },
  );
}

export function describeSchemaPointer(pointer: string): string {
  return pointer === "" ? "at the schema's root" : `at ${pointer}`;
}

interface PendingRef {
  owner: SchemaObject;
  ref: string;
  pointer: string;
}

class Rewriter {
  readonly nodes = new Map<object, SchemaNode>();
  private readonly problems: SchemaProblem[] = [];
  private readonly byUserPointer = new Map<string, SchemaObject>();
  private readonly anchors = new Map<string, SchemaObject>();
  private readonly refs: PendingRef[] = [];

  rewriteRoot(schema: SchemaObject): SchemaObject {
    return this.object(schema, "", "", "location");
  }

  throwIfProblems(): void {
    if (this.problems.length > 0) throw schemaProblemsError(this.problems);
  }

  private problem(pointer: string, message: string): void {
    this.problems.push({ pointer, message });
  }

  private register(schema: SchemaObject, userPointer: string, docPointer: string, role: NodeRole, forbidden = false): SchemaNode {
    const node: SchemaNode = {
      schema, docPointer, userPointer, role, forbidden, opens: false, children: [], inPlace: [], ref: undefined,
    };
    this.nodes.set(schema, node);
    if (!this.byUserPointer.has(userPointer)) this.byUserPointer.set(userPointer, schema);
    return node;
  }

  /** A subschema at any position; booleans become objects except inside conditions. */
  private subschema(value: unknown, userPointer: string, docPointer: string, role: NodeRole): SchemaObject | boolean {
    if (typeof value === "boolean") {
      if (role === "condition") return value;
      if (value) return this.object({}, userPointer, docPointer, role);
      const inner: SchemaObject = {};
      const marker: SchemaObject = { not: inner };
      this.register(marker, userPointer, docPointer, role, true).children.push(inner);
      this.register(inner, `${userPointer}/not`, `${docPointer}/not`, "condition");
      return marker;
    }
    if (!isPlainObject(value)) {
      this.problem(userPointer, "must be a schema (an object or true/false)");
      return {};
    }
    return this.object(value, userPointer, docPointer, role);
  }

  private object(input: SchemaObject, userPointer: string, docPointer: string, role: NodeRole): SchemaObject {
    const out: SchemaObject = {};
    const node = this.register(out, userPointer, docPointer, role);
    const shape = role !== "condition";
    const childRole: NodeRole = shape ? "location" : "condition";
    const inPlaceRole: NodeRole = shape ? "inplace" : "condition";

    const containsTest: SchemaObject = {};
    const add = (keyword: string, value: unknown, keyUser: string, keyDoc: string, asRole: NodeRole, inPlace: boolean): SchemaObject | boolean => {
      const sub = this.subschema(value, keyUser, keyDoc, asRole);
      if (typeof sub === "object") {
        node.children.push(sub);
        if (inPlace) node.inPlace.push({ keyword, schema: sub });
      }
      return sub;
    };

    for (const [key, value] of Object.entries(input)) {
      const keyUser = `${userPointer}/${escapePointerSegment(key)}`;
      const keyDoc = `${docPointer}/${escapePointerSegment(key)}`;
      if (key.startsWith("x-") || DROPPED_ANNOTATIONS.has(key)) continue;
      const refused = REFUSED_KEYWORDS.get(key);
      if (refused !== undefined) {
        this.problem(keyUser, refused);
        continue;
      }
      if ((OPENING_KEYWORDS as readonly string[]).includes(key)) {
        if (shape) {
          if (value !== false) node.opens = true;
        } else {
          out[key] = add(key, value, keyUser, keyDoc, "condition", false);
        }
        continue;
      }
      if ((IN_PLACE_LISTS as readonly string[]).includes(key) || (CHILD_LISTS as readonly string[]).includes(key)) {
        const asRole = (CHILD_LISTS as readonly string[]).includes(key) ? childRole : inPlaceRole;
        const list = Array.isArray(value) ? value : [];
        out[key] = list.map((item, i) => add(key, item, `${keyUser}/${i}`, `${keyDoc}/${i}`, asRole, asRole === "inplace"));
        continue;
      }
      if ((IN_PLACE_SINGLES as readonly string[]).includes(key)) {
        out[key] = add(key, value, keyUser, keyDoc, inPlaceRole, shape);
        continue;
      }
      if ((CHILD_SINGLES as readonly string[]).includes(key)) {
        if (Array.isArray(value)) {
          this.problem(keyUser, "items as an array is draft-07; in JSON Schema 2020-12 use prefixItems for a tuple");
          continue;
        }
        out[key] = add(key, value, keyUser, keyDoc, childRole, false);
        continue;
      }
      if ((IN_PLACE_MAPS as readonly string[]).includes(key) || (CHILD_MAPS as readonly string[]).includes(key)
        || (DEFINITION_MAPS as readonly string[]).includes(key)) {
        const asRole: NodeRole = (CHILD_MAPS as readonly string[]).includes(key)
          ? childRole
          : (DEFINITION_MAPS as readonly string[]).includes(key) ? "inplace" : inPlaceRole;
        const inPlace = (IN_PLACE_MAPS as readonly string[]).includes(key) && shape;
        const map: SchemaObject = {};
        for (const [name, sub] of Object.entries(isPlainObject(value) ? value : {})) {
          const segment = escapePointerSegment(name);
          if (key === "patternProperties") this.checkPattern(name, `${keyUser}/${segment}`);
          if (name === "__proto__" && (key === "properties" || key === "dependentSchemas")) {
            this.problem(`${keyUser}/${segment}`, "a property named __proto__ cannot be checked reliably and is a prototype-pollution risk; it is not allowed in a Request Schema");
            continue;
          }
          setOwn(map, name, add(key, sub, `${keyUser}/${segment}`, `${keyDoc}/${segment}`, asRole, inPlace));
        }
        out[key] = map;
        continue;
      }
      if (shape && (key === "contains" || key === "minContains" || key === "maxContains")) {
        // Moved by hideContains into allOf, after the user's own members.
        const movedTo = `${docPointer}/allOf/${Array.isArray(input["allOf"]) ? input["allOf"].length : 0}/not/not/contains`;
        containsTest[key] = key === "contains" ? this.subschema(value, keyUser, movedTo, "condition") : value;
        continue;
      }
      if ((CONDITION_SINGLES as readonly string[]).includes(key)) {
        if (key === "if" && shape) {
          const condition = this.subschema(value, keyUser, `${keyDoc}/not/not`, "condition");
          const innerNot: SchemaObject = { not: condition };
          const outerNot: SchemaObject = { not: innerNot };
          this.register(outerNot, `${keyUser}#outer`, keyDoc, "condition").children.push(innerNot);
          const inner = this.register(innerNot, `${keyUser}#inner`, `${keyDoc}/not`, "condition");
          if (typeof condition === "object") inner.children.push(condition);
          node.children.push(outerNot);
          out[key] = outerNot;
        } else {
          out[key] = add(key, value, keyUser, keyDoc, "condition", false);
        }
        continue;
      }
      if (VALUE_KEYWORDS.has(key)) {
        this.valueKeyword(out, key, value, userPointer, keyUser);
        continue;
      }
      this.problem(keyUser, `unknown keyword "${key}" (a misspelt keyword would check nothing; Request Schema uses JSON Schema 2020-12, and keys starting x- are ignored)`);
    }
    if (containsTest["contains"] !== undefined) this.hideContains(node, containsTest);
    else Object.assign(out, containsTest); // min/maxContains alone: Ajv refuses them with its own message
    if (role === "location") {
      out["unevaluatedProperties"] = false;
      out["unevaluatedItems"] = false;
    }
    if (shape) out[EVALUATION_METER] = true;
    return out;
  }

  /**
   * Ajv marks every item of an array evaluated when `contains` is present, which would let
   * undescribed items through. The test moves under `not: {not: ...}` (same truth value, no
   * annotations) in an added allOf member; items are then allowed only by items/prefixItems.
   */
  private hideContains(node: SchemaNode, test: SchemaObject): void {
    const min = typeof test["minContains"] === "number" ? test["minContains"] : 1;
    const max = typeof test["maxContains"] === "number" ? test["maxContains"] : undefined;
    const inner: SchemaObject = { not: test };
    const holder: SchemaObject = { not: inner };
    const allOf = Array.isArray(node.schema["allOf"]) ? (node.schema["allOf"] as unknown[]) : [];
    const at = `${node.docPointer}/allOf/${allOf.length}`;
    node.schema["allOf"] = [...allOf, holder];
    const holderNode = this.register(holder, `${node.userPointer}/contains#test`, at, "inplace");
    holderNode.containsTest = max === undefined ? { min } : { min, max };
    holderNode.children.push(inner);
    this.register(inner, `${node.userPointer}/contains#inner`, `${at}/not`, "condition").children.push(test);
    this.register(test, `${node.userPointer}/contains#outer`, `${at}/not/not`, "condition");
    const condition = test["contains"];
    if (typeof condition === "object" && condition !== null) this.nodes.get(test)?.children.push(condition as SchemaObject);
    node.children.push(holder);
    node.inPlace.push({ keyword: "allOf", schema: holder });
  }

  private valueKeyword(out: SchemaObject, key: string, value: unknown, userPointer: string, keyUser: string): void {
    switch (key) {
      case "$schema":
        if (userPointer !== "") this.problem(keyUser, "$schema is allowed only at the schema's root");
        else if (typeof value !== "string" || !DIALECT_2020_12.has(value)) {
          this.problem(keyUser, `a Request Schema is read as JSON Schema 2020-12; remove $schema or set it to https://json-schema.org/draft/2020-12/schema`);
        }
        return;
      case "$id":
        if (userPointer !== "") this.problem(keyUser, "$id inside a schema is not supported (it changes how $ref resolves); use $defs and $ref \"#/$defs/...\"");
        return;
      case "$vocabulary":
        return;
      case "$ref":
        if (typeof value !== "string" || !value.startsWith("#")) {
          this.problem(keyUser, `$ref ${JSON.stringify(value)} points outside the schema; only references inside it (such as "#/$defs/address") are allowed, so checking a body never loads anything`);
          return;
        }
        this.refs.push({ owner: out, ref: value, pointer: keyUser });
        out[key] = value;
        return;
      case "$anchor":
        if (typeof value === "string") this.anchors.set(value, out);
        out[key] = value;
        return;
      case "pattern":
        if (typeof value === "string") this.checkPattern(value, keyUser);
        out[key] = value;
        return;
      default:
        if (isPlainObject(value) && "$data" in value && key !== "default" && key !== "examples") {
          this.problem(`${keyUser}/$data`, REFUSED_KEYWORDS.get("$data") ?? "$data is not allowed");
          return;
        }
        out[key] = copyJson(value);
    }
  }

  private checkPattern(pattern: string, pointer: string): void {
    try {
      compileLinearPattern(pattern);
    } catch (error) {
      const reason = error instanceof UnsupportedPatternError ? error.message : String(error);
      this.problem(pointer, `pattern ${JSON.stringify(pattern)} cannot be used: ${reason}`);
    }
  }

  resolveRefs(document: SchemaObject): void {
    for (const pending of this.refs) {
      const target = this.resolve(pending.ref, document);
      const owner = this.nodes.get(pending.owner);
      if (!target || !owner) {
        this.problem(pending.pointer, `$ref ${JSON.stringify(pending.ref)} does not point to a schema inside the Request Schema`);
        continue;
      }
      const targetNode = this.nodes.get(target);
      if (!targetNode) continue;
      if (owner.role !== "condition" && targetNode.role === "condition") {
        this.problem(pending.pointer, `$ref ${JSON.stringify(pending.ref)} points into a not/if/contains/propertyNames test; move the shared schema to $defs`);
        continue;
      }
      owner.ref = target;
      if (pending.ref.startsWith("#/") || pending.ref === "#") pending.owner["$ref"] = pointerToFragment(targetNode.docPointer);
    }
  }

  private resolve(ref: string, document: SchemaObject): SchemaObject | undefined {
    const fragment = ref.slice(1);
    if (fragment === "" || fragment === "/") return document;
    if (!fragment.startsWith("/")) return this.anchors.get(fragment);
    let pointer: string;
    try {
      pointer = decodeURIComponent(fragment);
    } catch {
      return undefined;
    }
    return this.byUserPointer.get(pointer);
  }

  /**
   * A location that must equal a constant (`const`, or one of `enum`) is exact already: deep
   * equality allows no extra element. Its closing keywords are removed, since `const` marks no
   * property as evaluated and the location could never pass. Looked for in the location and
   * in what always applies with it (allOf members, $ref targets).
   */
  openConstantLocations(): void {
    for (const [schema, node] of this.nodes) {
      if (node.role !== "location") continue;
      const seen = new Set<SchemaObject>();
      const stack = [schema as SchemaObject];
      let constant = false;
      while (stack.length > 0 && !constant) {
        const current = stack.pop() as SchemaObject;
        if (seen.has(current)) continue;
        seen.add(current);
        if (current["const"] !== undefined || current["enum"] !== undefined) constant = true;
        const currentNode = this.nodes.get(current);
        if (!currentNode) continue;
        for (const edge of currentNode.inPlace) if (edge.keyword === "allOf") stack.push(edge.schema);
        if (currentNode.ref) stack.push(currentNode.ref);
      }
      if (constant) {
        delete (schema as SchemaObject)["unevaluatedProperties"];
        delete (schema as SchemaObject)["unevaluatedItems"];
        node.constant = true;
      }
    }
  }

  /** Refuses `$ref` loops that stay on the same value: validating would recurse forever. */
  refuseInPlaceLoops(): void {
    const state = new Map<object, "open" | "done">();
    const edgesOf = (schema: SchemaObject): SchemaObject[] => {
      const node = this.nodes.get(schema);
      if (!node || node.role === "condition") return [];
      const edges = node.inPlace.map((e) => e.schema);
      if (node.ref) edges.push(node.ref);
      return edges;
    };
    for (const start of this.nodes.keys()) {
      if (state.has(start)) continue;
      const stack: Array<{ schema: SchemaObject; edges: SchemaObject[]; next: number }> = [];
      const push = (schema: SchemaObject): void => {
        state.set(schema, "open");
        stack.push({ schema, edges: edgesOf(schema), next: 0 });
      };
      push(start as SchemaObject);
      while (stack.length > 0) {
        const top = stack[stack.length - 1] as { schema: SchemaObject; edges: SchemaObject[]; next: number };
        const edge = top.edges[top.next++];
        if (edge === undefined) {
          state.set(top.schema, "done");
          stack.pop();
          continue;
        }
        const seen = state.get(edge);
        if (seen === "open") {
          const where = this.nodes.get(top.schema)?.userPointer ?? "";
          this.problem(where, "this $ref (through allOf/anyOf/oneOf/then/else) leads back to itself without descending into a property or item, so checking would never end");
          return;
        }
        if (seen === undefined) push(edge);
      }
    }
  }

  /** Refuses `required` names that no schema at the same location declares: no body could pass. */
  checkRequiredNamesAreDeclared(closed: ClosedSchema): void {
    const reported = new Set<string>();
    for (const [schema, node] of this.nodes) {
      if (node.role !== "location" || node.constant) continue;
      const closure = closed.inPlaceClosure(schema as SchemaObject);
      const declared = declaredNames(closure);
      const patterns = [...declared.patterns].map((p) => compileLinearPattern(p));
      for (const member of closure) {
        const required = member["required"];
        if (!Array.isArray(required)) continue;
        const memberNode = this.nodes.get(member);
        for (const name of required) {
          if (typeof name !== "string" || declared.names.has(name) || patterns.some((p) => p.test(name))) continue;
          const pointer = `${memberNode?.userPointer ?? ""}/required`;
          const key = `${pointer}\u0000${name}`;
          if (reported.has(key)) continue;
          reported.add(key);
          this.problem(pointer, `"${name}" is required but not described in properties at this level, so no body could pass; add it to properties`);
        }
      }
    }
  }

  /** Step 3 of the module comment: each anyOf/oneOf alternative accepts only names it or its context declares. */
  narrowAlternatives(closed: ClosedSchema): void {
    const pads: Array<{ alternative: SchemaObject; pad: SchemaObject }> = [];
    for (const [schema, node] of this.nodes) {
      if (node.role === "condition") continue;
      const owner = schema as SchemaObject;
      const locations = closed.locationsContaining(owner);
      if (locations.length === 0) continue;
      for (const keyword of ["anyOf", "oneOf"]) {
        const alternatives = owner[keyword];
        if (!Array.isArray(alternatives)) continue;
        const outside: DeclaredNames = { names: new Set(), patterns: new Set() };
        for (const location of locations) {
          const names = declaredNames(closed.inPlaceClosure(location, { owner, keyword }));
          for (const name of names.names) outside.names.add(name);
          for (const pattern of names.patterns) outside.patterns.add(pattern);
        }
        for (const alternative of alternatives as SchemaObject[]) {
          if (this.nodes.get(alternative)?.forbidden) continue;
          const own = declaredNames(closed.inPlaceClosure(alternative));
          const names = new Set([...own.names, ...outside.names]);
          const patterns = new Set([...own.patterns, ...outside.patterns]);
          pads.push({ alternative, pad: this.namePad(names, patterns, this.nodes.get(alternative)) });
        }
      }
    }
    for (const { alternative, pad } of pads) this.addNameTest(alternative, pad);
  }

  /**
   * Ajv looks evaluated property names up in a plain object, so when annotations are merged
   * dynamically (anyOf, oneOf, if/then/else, dependentSchemas) names such as `constructor`,
   * `toString` or `__proto__` count as evaluated. Each location therefore refuses the names of
   * Object.prototype members outright, unless it declares them.
   */
  guardPrototypeNames(closed: ClosedSchema): void {
    const guards: Array<{ location: SchemaObject; pad: SchemaObject }> = [];
    for (const [schema, node] of this.nodes) {
      if (node.role !== "location" || node.constant) continue;
      const declared = closed.declaredAt(schema as SchemaObject);
      const patterns = [...declared.patterns].map((p) => compileLinearPattern(p));
      const refused = PROTOTYPE_NAMES.filter((name) => !declared.names.has(name) && !patterns.some((p) => p.test(name)));
      if (refused.length === 0) continue;
      const pad: SchemaObject = { not: { enum: refused } };
      this.registerTest(pad, `${node.docPointer}/propertyNames`);
      guards.push({ location: schema as SchemaObject, pad });
    }
    for (const { location, pad } of guards) this.addNameTest(location, pad);
  }

  /** Adds a propertyNames test to a schema, beside any propertyNames the user wrote. */
  private addNameTest(schema: SchemaObject, pad: SchemaObject): void {
    const node = this.nodes.get(schema);
    if (!node) return;
    if (schema["propertyNames"] === undefined) {
      schema["propertyNames"] = pad;
      node.children.push(pad);
      return;
    }
    const holder: SchemaObject = { propertyNames: pad };
    const allOf = Array.isArray(schema["allOf"]) ? (schema["allOf"] as unknown[]) : [];
    const index = allOf.length;
    schema["allOf"] = [...allOf, holder];
    const holderNode = this.register(holder, `${node.userPointer}/propertyNames#test`, `${node.docPointer}/allOf/${index}`, "inplace");
    holderNode.children.push(pad);
    node.children.push(holder);
    node.inPlace.push({ keyword: "allOf", schema: holder });
  }

  /** Registers a generated test schema (and the schemas inside it) as conditions. */
  private registerTest(schema: SchemaObject, pointer: string): void {
    this.register(schema, `${pointer}#test`, pointer, "condition");
    for (const [key, value] of Object.entries(schema)) {
      if (key === "not" && isPlainObject(value)) this.registerTest(value, `${pointer}/not`);
      if (key === "anyOf" && Array.isArray(value)) value.forEach((v, i) => this.registerTest(v as SchemaObject, `${pointer}/anyOf/${i}`));
    }
  }

  private namePad(names: Set<string>, patterns: Set<string>, owner: SchemaNode | undefined): SchemaObject {
    const sortedNames = [...names].sort();
    const sortedPatterns = [...patterns].sort();
    let pad: SchemaObject;
    if (sortedNames.length === 0 && sortedPatterns.length === 0) pad = { not: {} };
    else if (sortedPatterns.length === 0) pad = { enum: sortedNames };
    else {
      const options: SchemaObject[] = sortedNames.length > 0 ? [{ enum: sortedNames }] : [];
      for (const pattern of sortedPatterns) options.push({ pattern });
      pad = { anyOf: options };
    }
    // The pad is a test: its errors are never shown; the propertyNames error of its owner is.
    this.registerTest(pad, owner ? `${owner.docPointer}/propertyNames` : "/propertyNames");
    return pad;
  }
}
