/**
 * Request Schema as an exact specification (SPEC 5.4, rule 14).
 *
 * A Request Body is sent only if it matches its Request Schema exactly: every element in the
 * body must be described by the schema, whatever the schema says about extra elements. This
 * is what stops an answer from adding `"isAdmin": true` to a request. The user's schema is
 * rewritten so every object and array in it is closed (see schema/close-schema.ts for the
 * algorithm), validated by Ajv (JSON Schema 2020-12) with every `pattern` on a linear-time
 * regex engine, and compiled validators are cached by the rewritten schema's content.
 */
import { createHash } from "node:crypto";
import Ajv2020 from "ajv/dist/2020";
import type { ErrorObject, ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { fullFormats } from "ajv-formats/dist/formats";
import { SiqError } from "../errors";
import { isImmutableJson } from "../util/immutable-json";
import { JsonData, isPlainObject } from "../values";
import type { ClosedSchema, SchemaObject, SchemaProblem } from "./schema/close-schema";
import { EVALUATION_METER, closeSchema, pointerToFragment, schemaProblemsError, setOwn } from "./schema/close-schema";
import type { BodyProblem } from "./schema/explain-errors";
import { explainErrors } from "./schema/explain-errors";
import { linearRegExpEngine } from "./schema/linear-regexp";

/** Largest Request Schema accepted, as UTF-8 JSON (SPEC 11.14). */
export const REQUEST_SCHEMA_MAX_BYTES = 256 * 1024;
/** Deepest nesting of objects and arrays accepted in a Request Schema document (SPEC 11.14). */
export const REQUEST_SCHEMA_MAX_DEPTH = 64;

/** What is wrong with a body, by JSON Pointer; never a value from the body. */
export interface RequestBodyProblems {
  /** Elements in the body that the schema does not describe. */
  extra: string[];
  /** Required elements absent from the body. */
  missing: string[];
  /** Other violations (type, format, pattern, ...), with the rule broken. */
  other: Array<{ pointer: string; message: string }>;
}

/** A Request Schema compiled as an exact specification. */
export interface ExactSchema {
  /** The closed schema that bodies are validated against (read only; for docs and debugging). */
  readonly schema: Readonly<Record<string, unknown>>;
  /** Throws `REQUEST_BODY_INVALID` listing every extra, missing and invalid element. */
  check(body: unknown): void;
  /** The problems of a body, or `undefined` when it matches exactly. */
  problems(body: unknown): RequestBodyProblems | undefined;
}

/**
 * Why a Request Body needs a Request Schema, in one text for the static check (`siq validate`)
 * and the action.
 */
export const REQUEST_SCHEMA_REQUIRED_MESSAGE =
  "Request Body is set but Request Schema is not. A Request Body must have a Request Schema that describes it " +
  "exactly: the body is checked against it before anything is sent, so that no answer can add an element the " +
  "request was not meant to carry (such as \"isAdmin\": true). Add a Request Schema listing every element of the body.";

/** The `REQUEST_SCHEMA_REQUIRED` error, for the action and the static check alike. */
export function requestSchemaRequiredError(options: { action?: string; input?: string } = {}): SiqError {
  return new SiqError("REQUEST_SCHEMA_REQUIRED", REQUEST_SCHEMA_REQUIRED_MESSAGE, {
    input: options.input ?? "Request Schema",
    ...(options.action !== undefined ? { action: options.action } : {}),
  });
}

/**
 * Compiles a Request Schema given for a Request Body: a missing or blank schema is
 * `REQUEST_SCHEMA_REQUIRED`, anything else goes to {@link compileRequestSchema}.
 */
export function requireRequestSchema(schema: unknown, options: { action?: string } = {}): ExactSchema {
  const blank = schema === undefined || schema === null || (typeof schema === "string" && schema.trim() === "");
  if (blank) throw requestSchemaRequiredError(options);
  return compileRequestSchema(schema);
}

/**
 * Compiles a Request Schema (an object, JSON text, or JSON data) as an exact specification.
 * Throws `REQUEST_SCHEMA_INVALID`, `REQUEST_SCHEMA_TOO_LARGE` or `REQUEST_SCHEMA_TOO_DEEP`.
 * Cached: the same schema content gives the same compiled validator.
 */
export function compileRequestSchema(schema: unknown): ExactSchema {
  // A schema given as JSON text (a literal string in the pipeline) is the same text every run:
  // found by the text itself, before parsing it again.
  if (typeof schema === "string") {
    const known = byJsonText.get(schema);
    if (known && byUserText.get(known.key) === known.schema) return touch(byUserText, known.key, known.schema);
  }
  const userSchema = readSchemaValue(schema);
  // A schema the runtime froze (a literal in the pipeline) cannot change: its compiled form is
  // found by identity, without re-checking limits or re-writing its canonical text each run.
  const frozen = isImmutableJson(userSchema) ? byFrozenObject.get(userSchema) : undefined;
  if (frozen && byUserText.get(frozen.key) === frozen.schema) return touch(byUserText, frozen.key, frozen.schema);
  const compiled = compileUserSchema(userSchema);
  if (isImmutableJson(userSchema)) byFrozenObject.set(userSchema, compiled);
  if (typeof schema === "string") remember(byJsonText, schema, compiled);
  return compiled.schema;
}

function compileUserSchema(userSchema: unknown): KnownSchema {
  checkLimits(userSchema);
  if (!isPlainObject(userSchema)) {
    throw schemaProblemsError([{ pointer: "", message: "a Request Schema must be a JSON object (a JSON Schema)" }]);
  }
  const userText = canonicalJson(userSchema);
  const known = byUserText.get(userText);
  if (known) return { key: userText, schema: touch(byUserText, userText, known), used: false };

  const closed = closeSchema(userSchema, () => checkAgainstMetaSchema(userSchema));
  const closedText = canonicalJson(closed.document);
  const same = byClosedText.get(closedText);
  const compiled = same ? touch(byClosedText, closedText, same) : remember(byClosedText, closedText, new CompiledSchema(closed, closedText));
  // Schemas differing only in what the rewrite overrides share a validator, but each keeps
  // its own knowledge of where it had allowed extra elements (for the message).
  return { key: userText, schema: remember(byUserText, userText, new UserSchema(compiled, closed.openLocations())), used: false };
}

/** Drops every cached validator (tests; hosts reloading many pipelines). */
export function clearRequestSchemaCache(): void {
  byJsonText.clear();
  byUserText.clear();
  byClosedText.clear();
}

const CACHE_LIMIT = 256;
const byUserText = new Map<string, UserSchema>();
const byClosedText = new Map<string, CompiledSchema>();
/** JSON texts to their cache entry; valid while that entry is still in byUserText. */
const byJsonText = new Map<string, KnownSchema>();
/** Frozen schema objects to their cache entry; valid while that entry is still in byUserText. */
const byFrozenObject = new WeakMap<object, KnownSchema>();

/** A user schema's entry in byUserText, as the other caches point at it. */
interface KnownSchema extends CacheEntry {
  key: string;
  schema: UserSchema;
}

/**
 * The caches are least-recently-used in effect, by second chance: a hit only marks its entry
 * (moving it to the end of a Map on every hit was a visible share of a run; so was a WeakSet of
 * marked entries), and eviction moves marked entries to the end, unmarked, instead of dropping them.
 */
interface CacheEntry {
  used: boolean;
}

function touch<T extends CacheEntry>(_cache: Map<string, T>, _key: string, value: T): T {
  value.used = true;
  return value;
}

function remember<T extends CacheEntry>(cache: Map<string, T>, key: string, value: T): T {
  // Room is made before the new entry goes in, so entries given a second chance queue before it.
  while (!cache.has(key) && cache.size >= CACHE_LIMIT) {
    const [oldestKey, oldest] = cache.entries().next().value as [string, T];
    cache.delete(oldestKey);
    if (!oldest.used) break;
    oldest.used = false;
    cache.set(oldestKey, oldest);
  }
  cache.set(key, value);
  return value;
}

/** One user's schema: the shared compiled validator plus what the message needs. */
class UserSchema implements ExactSchema, CacheEntry {
  readonly schema: Readonly<Record<string, unknown>>;
  /** Marked when found in the cache (see {@link touch}). */
  used = false;

  constructor(private readonly compiled: CompiledSchema, private readonly openLocations: Set<string>) {
    this.schema = compiled.schema;
  }

  check(body: unknown): void {
    const found = this.compiled.explain(body instanceof JsonData ? body.data : body);
    if (found) throw bodyError(groupProblems(found), found.some((p) => p.location !== undefined && this.openLocations.has(p.location)));
  }

  problems(body: unknown): RequestBodyProblems | undefined {
    const found = this.compiled.explain(body instanceof JsonData ? body.data : body);
    return found ? groupProblems(found) : undefined;
  }
}

/** Alternative validations allowed while explaining one failure. */
const EXPLAIN_BUDGET = 200;
/** Pointers shown per list in a message; details keep up to {@link DETAILS_LIMIT}. */
const MESSAGE_LIST_LIMIT = 20;
const DETAILS_LIMIT = 200;
const POINTER_DISPLAY_LIMIT = 200;

/** The validator of one closed schema, shared by every user schema that closes to it. */
class CompiledSchema implements CacheEntry {
  readonly schema: Readonly<Record<string, unknown>>;
  /** Marked when found in the cache (see {@link touch}). */
  used = false;
  private readonly ajv: Ajv2020;
  private readonly validate: ValidateFunction;
  private readonly id: string;
  private readonly fragments = new Map<object, ValidateFunction>();
  /** Schema evaluations left for the body being checked (see close-schema.ts, step 7). */
  private readonly meter: Meter = { left: 0, body: undefined, extended: true };

  constructor(private readonly closed: ClosedSchema, closedText: string) {
    this.id = `https://siq-actions.invalid/request-schema/${createHash("sha256").update(closedText).digest("hex").slice(0, 32)}`;
    closed.document["$id"] = this.id;
    this.schema = closed.document;
    // One Ajv per schema: cheap (well under a millisecond), and dropped with the cache entry.
    this.ajv = new Ajv2020({
      allErrors: true,
      verbose: true, // errors carry their schema object: how reporting knows where each came from
      strictSchema: true,
      strictNumbers: true,
      strictTypes: false,
      strictTuples: false,
      strictRequired: false,
      allowMatchingProperties: true, // a name in properties may also match patternProperties
      validateSchema: false, // validated against the 2020-12 meta-schema before the rewrite
      meta: false,
      $data: false,
      ownProperties: true, // `required: ["toString"]` must not be met by Object.prototype
      logger: false,
      code: { regExp: linearRegExpEngine },
    });
    addFormats(this.ajv);
    this.ajv.addFormat("url", BOUNDED_URL_FORMAT);
    this.ajv.addKeyword("$anchor"); // Ajv resolves $anchor but does not list it as a keyword
    const meter = this.meter;
    this.ajv.addKeyword({
      keyword: EVALUATION_METER,
      schemaType: "boolean",
      errors: false,
      validate: () => {
        if (--meter.left < 0 && !extendBudget(meter)) throw new BudgetExceeded();
        return true;
      },
    });
    try {
      this.validate = this.ajv.compile(closed.document);
    } catch (error) {
      throw new SiqError("REQUEST_SCHEMA_INVALID", `Request Schema is not valid: ${describeCompileError(error)}.`, { cause: error });
    }
  }

  /** The problems of a body, or undefined when it matches exactly. */
  explain(body: unknown): BodyProblem[] | undefined {
    // The base allowance covers any honest body; the part that grows with the body's size is
    // counted only when a check runs past the base (counting every body cost a tenth of a check).
    this.meter.left = BASE_EVALUATIONS;
    this.meter.body = body;
    this.meter.extended = false;
    try {
      if (this.validate(body)) return undefined;
      const errors: ErrorObject[] = this.validate.errors ?? [];
      const found = explainErrors(errors, body, "", {
        closed: this.closed,
        validatorFor: (schema) => this.validatorFor(schema),
        budget: EXPLAIN_BUDGET,
      });
      return found.length > 0 ? found : [{ kind: "other", pointer: "", message: "does not match the Request Schema", weight: 1 }];
    } catch (error) {
      if (error instanceof BudgetExceeded) {
        throw new SiqError("REQUEST_SCHEMA_INVALID",
          "Request Schema is too complex to check this body: its anyOf/oneOf/$ref combinations multiply beyond the evaluation limit. Simplify the schema (fewer nested alternatives).");
      }
      if (error instanceof RangeError) {
        throw new SiqError("REQUEST_BODY_INVALID", "Request Body is nested too deeply to be checked against its Request Schema.", { cause: error });
      }
      throw error;
    } finally {
      this.meter.body = undefined; // not kept alive until the next check
    }
  }

  private validatorFor(schema: SchemaObject): ValidateFunction {
    const known = this.fragments.get(schema);
    if (known) return known;
    const node = this.closed.node(schema);
    const validate = node ? this.ajv.getSchema(this.id + pointerToFragment(node.docPointer)) : undefined;
    if (!validate) throw new SiqError("INTERNAL", `Request Schema: no validator for the subschema at ${node?.docPointer ?? "?"}.`);
    this.fragments.set(schema, validate);
    return validate;
  }
}

class BudgetExceeded extends Error {}

/** Schema evaluations left for the body being checked, and that body (see {@link extendBudget}). */
interface Meter {
  left: number;
  /** The body being checked. */
  body: unknown;
  /** True once the body's size allowance has been added. */
  extended: boolean;
}

/**
 * Evaluations allowed for one body are BASE_EVALUATIONS plus EVALUATIONS_PER_VALUE per value in
 * it: generous for honest schemas, fatal for multiplying ones. The per-value part is added the
 * first time the base runs out; true when that leaves evaluations to go on with.
 */
function extendBudget(meter: Meter): boolean {
  if (meter.extended) return false;
  meter.extended = true;
  meter.left += EVALUATIONS_PER_VALUE * countValues(meter.body);
  return meter.left >= 0;
}

/** The values in a body (objects, arrays and scalars), counted up to MAX_COUNTED_VALUES. */
function countValues(body: unknown): number {
  let values = 0;
  const stack: unknown[] = [body];
  while (stack.length > 0 && values < MAX_COUNTED_VALUES) {
    const value = stack.pop();
    values++;
    if (typeof value === "object" && value !== null) for (const child of Object.values(value)) stack.push(child);
  }
  return values;
}

const BASE_EVALUATIONS = 200_000;
const EVALUATIONS_PER_VALUE = 64;
const MAX_COUNTED_VALUES = 10_000_000;

/** Ajv's compile errors, in the terms of the user's schema. */
function describeCompileError(error: unknown): string {
  const message = error instanceof Error ? error.message.replace(/^strict mode: /, "") : String(error);
  const format = /^unknown format "(.*)" ignored in schema at path "#(.*)"$/.exec(message);
  if (format) {
    const where = decodeURIComponent(format[2] ?? "");
    return `${where === "" ? "at the schema's root" : `at ${where}`}: unknown format "${format[1] ?? ""}" (known formats: ${KNOWN_FORMATS})`;
  }
  return message.replace(/at path "#(.*?)"/, (_m, path: string) => `at ${decodeURIComponent(path) || "the schema's root"}`);
}

const KNOWN_FORMATS = Object.keys(fullFormats).join(", ");

/**
 * Longest text the `url` format accepts (the classic browser limit). Its regular expression
 * (ajv-formats' only format that backtracks badly) takes time that grows with the square of the
 * text's length or worse: an answer of a megabyte would hold the runtime for minutes.
 */
export const MAX_URL_FORMAT_LENGTH = 2083;
const URL_PATTERN = fullFormats.url as RegExp;
const BOUNDED_URL_FORMAT = { type: "string" as const, validate: (text: string) => text.length <= MAX_URL_FORMAT_LENGTH && URL_PATTERN.test(text) };

function groupProblems(problems: BodyProblem[]): RequestBodyProblems {
  const grouped: RequestBodyProblems = { extra: [], missing: [], other: [] };
  for (const problem of problems) {
    if (problem.kind === "extra") grouped.extra.push(problem.pointer);
    else if (problem.kind === "missing") grouped.missing.push(problem.pointer);
    else grouped.other.push({ pointer: problem.pointer, message: problem.message });
  }
  return grouped;
}

function bodyError(problems: RequestBodyProblems, overridden: boolean): SiqError {
  const parts = ["Request Body does not match its Request Schema exactly."];
  if (problems.extra.length > 0) parts.push(`Not in the schema: ${listPointers(problems.extra)}.`);
  if (problems.missing.length > 0) parts.push(`Missing: ${listPointers(problems.missing)}.`);
  if (problems.other.length > 0) {
    const shown = problems.other.slice(0, MESSAGE_LIST_LIMIT).map((p) => `${displayPointer(p.pointer)} ${p.message}`);
    const more = problems.other.length > MESSAGE_LIST_LIMIT ? ` (and ${problems.other.length - MESSAGE_LIST_LIMIT} more)` : "";
    parts.push(`Also: ${shown.join("; ")}${more}.`);
  }
  if (overridden) {
    parts.push("Extra elements are never allowed: a Request Schema is an exact specification, whatever additionalProperties says.");
  }
  const first = problems.extra[0] ?? problems.missing[0] ?? problems.other[0]?.pointer ?? "";
  return new SiqError("REQUEST_BODY_INVALID", parts.join(" "), {
    path: first,
    details: {
      extra: problems.extra.slice(0, DETAILS_LIMIT).map(limitPointer),
      missing: problems.missing.slice(0, DETAILS_LIMIT).map(limitPointer),
      other: problems.other.slice(0, DETAILS_LIMIT).map((p) => ({ pointer: limitPointer(p.pointer), message: p.message })),
    } satisfies RequestBodyProblems,
  });
}

function listPointers(pointers: string[]): string {
  const shown = pointers.slice(0, MESSAGE_LIST_LIMIT).map(displayPointer).join(", ");
  return pointers.length > MESSAGE_LIST_LIMIT ? `${shown} (and ${pointers.length - MESSAGE_LIST_LIMIT} more)` : shown;
}

/** A pointer for a one-line message: names may hold control characters or be very long. */
function displayPointer(pointer: string): string {
  if (pointer === "") return "(the body)";
  // eslint-disable-next-line no-control-regex
  const safe = limitPointer(pointer).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return safe;
}

function limitPointer(pointer: string): string {
  return pointer.length > POINTER_DISPLAY_LIMIT ? `${pointer.slice(0, POINTER_DISPLAY_LIMIT)}…` : pointer;
}

function readSchemaValue(schema: unknown): unknown {
  if (schema instanceof JsonData) return schema.data;
  if (typeof schema !== "string") return schema;
  try {
    return JSON.parse(schema) as unknown;
  } catch (error) {
    throw new SiqError("REQUEST_SCHEMA_INVALID", `Request Schema is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`, { cause: error });
  }
}

/** Depth first (iteratively, so a hostile nesting cannot overflow the stack), then size. */
function checkLimits(schema: unknown): void {
  const stack: Array<[unknown, number]> = [[schema, 1]];
  let values = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    // Every JSON value takes at least one byte, so this many values are over the size limit.
    if (++values > REQUEST_SCHEMA_MAX_BYTES) throw tooLarge();
    if (typeof value !== "object" || value === null) continue;
    if (depth > REQUEST_SCHEMA_MAX_DEPTH) {
      throw new SiqError("REQUEST_SCHEMA_TOO_DEEP",
        `Request Schema is nested deeper than ${REQUEST_SCHEMA_MAX_DEPTH} levels of objects and arrays; simplify it or move shared parts to $defs.`);
    }
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(schema);
  } catch (error) {
    throw new SiqError("REQUEST_SCHEMA_INVALID", "Request Schema is not plain JSON.", { cause: error });
  }
  if (text !== undefined && Buffer.byteLength(text, "utf8") > REQUEST_SCHEMA_MAX_BYTES) throw tooLarge();
}

function tooLarge(): SiqError {
  return new SiqError("REQUEST_SCHEMA_TOO_LARGE",
    `Request Schema is larger than ${REQUEST_SCHEMA_MAX_BYTES / 1024} KB as JSON; describe only the request's body.`);
}

let metaAjv: Ajv2020 | undefined;

/** Validates the user's schema against the JSON Schema 2020-12 meta-schema, naming each problem's location. */
function checkAgainstMetaSchema(schema: SchemaObject): void {
  if (!metaAjv) {
    metaAjv = new Ajv2020({ allErrors: false, strict: false, logger: false, code: { regExp: linearRegExpEngine } });
    addFormats(metaAjv);
  }
  const { $schema: _ignored, ...withoutDialect } = schema;
  if (metaAjv.validateSchema(withoutDialect)) return;
  const byPointer = new Map<string, SchemaProblem>();
  for (const error of metaAjv.errors ?? []) {
    const pointer = error.instancePath;
    const allowed = (error.params as Record<string, unknown>)["allowedValues"];
    const message = `${error.message ?? "is not valid"}${Array.isArray(allowed) ? `: ${allowed.join(", ")}` : ""}`;
    const combinator = error.keyword === "anyOf" || error.keyword === "oneOf";
    if (!byPointer.has(pointer) || (!combinator && byPointer.get(pointer)?.message.startsWith("must match"))) {
      byPointer.set(pointer, { pointer, message });
    }
  }
  throw schemaProblemsError([...byPointer.values()]);
}

/** JSON with object keys sorted: equal content gives equal text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (!isPlainObject(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) setOwn(sorted, key, v[key]);
    return sorted;
  });
}
