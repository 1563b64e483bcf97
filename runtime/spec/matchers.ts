/**
 * Expected values with matchers: deep equality, where an object whose only key is a matcher
 * name stands for a test instead of a value.
 *
 *   { "$any": "string" }     any string (also number, boolean, object, array, null, any)
 *   { "$regex": "^j" }       text the pattern finds a match in (re2js: linear time, no backtracking)
 *   { "$absent": true }      no value: the key, header or output is not there
 *   { "$json": X }           text that is JSON, whose parsed value matches X
 *   { "$partial": { ... } }  an object with at least these keys, each matching
 *   { "$literal": X }        exactly X, matchers inside taken as plain data
 *   { "$userGuid": "jdoe" }  the GUID of that user in the spec's directory
 *
 * `checkMatchers` validates a spec's matchers once, before anything runs; `matchValue` compares
 * and collects every difference with its path, so a diff can name each one.
 */
import { RE2JS } from "re2js";
import type { PathSegment } from "../pipeline/problems";
import { closest } from "../util/suggest";

export const MATCHER_NAMES = ["$any", "$regex", "$absent", "$json", "$partial", "$literal", "$userGuid"] as const;

/** What matchers may look up while comparing: the directory the spec runs against. */
export interface MatchContext {
  /** The GUID of a user (username ignoring case), or undefined when there is none. */
  userGuid(username: string): string | undefined;
}

const NO_CONTEXT: MatchContext = { userGuid: () => undefined };
export type MatcherName = (typeof MATCHER_NAMES)[number];

export const ANY_TYPES = ["string", "number", "boolean", "object", "array", "null", "any"] as const;
type AnyType = (typeof ANY_TYPES)[number];

/** One difference between what a spec expects and what happened. */
export interface Mismatch {
  /** Where, below the place being compared (empty: the value itself). */
  path: PathSegment[];
  /** The expected value or test, as shown to people. */
  expected: string;
  /** The actual value, as shown to people. */
  actual: string;
}

/** A problem with a matcher in the spec itself (the spec is invalid). */
export interface MatcherProblem {
  path: PathSegment[];
  message: string;
}

const regexCache = new Map<string, RE2JS>();

function compileRegex(pattern: string): RE2JS {
  let compiled = regexCache.get(pattern);
  if (!compiled) {
    compiled = RE2JS.compile(pattern);
    regexCache.set(pattern, compiled);
  }
  return compiled;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The matcher an expected value is, if it is one: an object whose only key is a matcher name. */
export function matcherOf(value: unknown): { name: MatcherName; argument: unknown } | undefined {
  if (!isPlainObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0] as string;
  return (MATCHER_NAMES as readonly string[]).includes(key) ? { name: key as MatcherName, argument: value[key] } : undefined;
}

/** Every problem with the matchers inside an expected value (unknown names, bad arguments, bad patterns). */
export function checkMatchers(value: unknown, path: PathSegment[] = []): MatcherProblem[] {
  const problems: MatcherProblem[] = [];
  const visit = (item: unknown, at: PathSegment[]): void => {
    if (Array.isArray(item)) {
      item.forEach((entry, i) => visit(entry, [...at, i]));
      return;
    }
    if (!isPlainObject(item)) return;
    const matcher = matcherOf(item);
    if (!matcher) {
      const keys = Object.keys(item);
      const known = keys.filter((key) => (MATCHER_NAMES as readonly string[]).includes(key));
      if (known.length > 0) {
        problems.push({ path: at, message: `a matcher object has exactly one key, but this one has ${keys.map((k) => `"${k}"`).join(", ")}; write { "${known[0]}": ... } alone, or { "$literal": ... } for data that has such keys` });
        return;
      }
      if (keys.length === 1 && (keys[0] as string).startsWith("$")) {
        const near = closest(keys[0] as string, MATCHER_NAMES);
        if (near !== undefined) {
          problems.push({ path: at, message: `"${keys[0]}" is not a matcher (did you mean "${near}"?); wrap data that has this key in { "$literal": ... }` });
          return;
        }
      }
      for (const [key, entry] of Object.entries(item)) visit(entry, [...at, key]);
      return;
    }
    const { name, argument } = matcher;
    const where = [...at, name];
    switch (name) {
      case "$any":
        if (typeof argument !== "string" || !(ANY_TYPES as readonly string[]).includes(argument)) {
          problems.push({ path: where, message: `$any takes one of ${ANY_TYPES.map((t) => `"${t}"`).join(", ")}` });
        }
        break;
      case "$regex":
        if (typeof argument !== "string") {
          problems.push({ path: where, message: "$regex takes a pattern as text" });
          break;
        }
        try {
          compileRegex(argument);
        } catch (error) {
          problems.push({ path: where, message: `the pattern cannot be used: ${(error as Error).message} (patterns run on a linear-time engine: no backreferences or lookaround)` });
        }
        break;
      case "$absent":
        if (argument !== true) problems.push({ path: where, message: "$absent takes true" });
        break;
      case "$json":
        visit(argument, where);
        break;
      case "$partial":
        if (!isPlainObject(argument)) problems.push({ path: where, message: "$partial takes an object: the keys that must be there" });
        else for (const [key, entry] of Object.entries(argument)) visit(entry, [...where, key]);
        break;
      case "$literal":
        break;
      case "$userGuid":
        if (typeof argument !== "string" || argument.trim() === "") problems.push({ path: where, message: "$userGuid takes a username" });
        break;
    }
  };
  visit(value, path);
  return problems;
}

/**
 * Compares an actual value (undefined: absent) with an expected one, adding every difference to
 * `out` with its path below `path`. Objects must have exactly the expected keys (unless $partial);
 * lists must have the same length.
 */
export function matchValue(expected: unknown, actual: unknown, out: Mismatch[] = [], path: PathSegment[] = [], context: MatchContext = NO_CONTEXT): Mismatch[] {
  const matcher = matcherOf(expected);
  if (matcher) {
    matchWith(matcher.name, matcher.argument, actual, out, path, context);
    return out;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      out.push({ path, expected: describeExpected(expected), actual: describeActual(actual) });
      return out;
    }
    if (expected.length !== actual.length) {
      out.push({ path, expected: `${describeExpected(expected)} (${count(expected.length, "item")})`, actual: `${describeActual(actual)} (${count(actual.length, "item")})` });
      return out;
    }
    expected.forEach((item, i) => matchValue(item, actual[i], out, [...path, i], context));
    return out;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) {
      out.push({ path, expected: describeExpected(expected), actual: describeActual(actual) });
      return out;
    }
    for (const [key, item] of Object.entries(expected)) matchValue(item, Object.hasOwn(actual, key) ? actual[key] : undefined, out, [...path, key], context);
    for (const key of Object.keys(actual)) {
      if (!Object.hasOwn(expected, key)) out.push({ path: [...path, key], expected: "nothing (the key is not expected)", actual: describeActual(actual[key]) });
    }
    return out;
  }
  if (!Object.is(expected, actual) && !(expected === 0 && actual === 0)) {
    out.push({ path, expected: describeExpected(expected), actual: describeActual(actual) });
  }
  return out;
}

/** True when the actual value matches (no differences). */
export function matches(expected: unknown, actual: unknown, context: MatchContext = NO_CONTEXT): boolean {
  return matchValue(expected, actual, [], [], context).length === 0;
}

function matchWith(name: MatcherName, argument: unknown, actual: unknown, out: Mismatch[], path: PathSegment[], context: MatchContext): void {
  const fail = () => out.push({ path, expected: describeExpected({ [name]: argument }), actual: describeActual(actual) });
  switch (name) {
    case "$any":
      if (!isOfType(actual, argument as AnyType)) fail();
      return;
    case "$regex":
      if (typeof actual !== "string" || !compileRegex(argument as string).test(actual)) fail();
      return;
    case "$absent":
      if (actual !== undefined) fail();
      return;
    case "$json": {
      if (typeof actual !== "string") {
        fail();
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(actual);
      } catch {
        out.push({ path, expected: "JSON text", actual: describeActual(actual) });
        return;
      }
      matchValue(argument, parsed, out, path, context);
      return;
    }
    case "$partial":
      if (!isPlainObject(actual)) {
        fail();
        return;
      }
      for (const [key, item] of Object.entries(argument as Record<string, unknown>)) {
        matchValue(item, Object.hasOwn(actual, key) ? actual[key] : undefined, out, [...path, key], context);
      }
      return;
    case "$literal":
      if (!deepEqual(argument, actual)) out.push({ path, expected: describeActual(argument), actual: describeActual(actual) });
      return;
    case "$userGuid": {
      const guid = context.userGuid(argument as string);
      if (guid === undefined) out.push({ path, expected: `the GUID of the user "${String(argument)}", who is not in the directory`, actual: describeActual(actual) });
      else if (typeof actual !== "string" || actual.toLowerCase() !== guid.toLowerCase()) out.push({ path, expected: `${JSON.stringify(guid)} (the GUID of "${String(argument)}")`, actual: describeActual(actual) });
      return;
    }
  }
}

function isOfType(value: unknown, type: AnyType): boolean {
  switch (type) {
    case "any":
      return value !== undefined;
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return isPlainObject(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b) || (a === 0 && b === 0)) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

const MAX_SHOWN = 160;

/** A value as shown in a diff: JSON, cut when long; `nothing` when absent. */
export function describeActual(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}… (${text.length} characters)` : text;
}

/** An expected value as shown in a diff, with matchers in words. */
export function describeExpected(value: unknown): string {
  const matcher = matcherOf(value);
  if (!matcher) {
    if (value !== null && typeof value === "object") return describeActual(stripMatchers(value));
    return describeActual(value);
  }
  const { name, argument } = matcher;
  switch (name) {
    case "$any":
      return argument === "any" ? "any value" : argument === "null" ? "null" : `${/^[aeiou]/.test(String(argument)) ? "an" : "a"} ${String(argument)}`;
    case "$regex":
      return `text matching /${String(argument)}/`;
    case "$absent":
      return "nothing";
    case "$json":
      return `JSON text of ${describeExpected(argument)}`;
    case "$partial":
      return `an object with ${describeExpected(argument)}`;
    case "$literal":
      return describeActual(argument);
    case "$userGuid":
      return `the GUID of the user "${String(argument)}"`;
  }
}

/** The expected value with each matcher written as a short placeholder, for showing whole values. */
function stripMatchers(value: unknown): unknown {
  const matcher = matcherOf(value);
  if (matcher) return matcher.name === "$literal" ? matcher.argument : `<${describeExpected(value)}>`;
  if (Array.isArray(value)) return value.map(stripMatchers);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, stripMatchers(item)]));
  return value;
}
