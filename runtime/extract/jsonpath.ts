/**
 * JSONPath (RFC 9535) through json-p3, with `match()` and `search()` on a linear-time engine.
 *
 * json-p3 runs the I-Regexp patterns of `match()`/`search()` on JavaScript's backtracking
 * RegExp. The pattern may come from the response itself (`$.values[?match(@, $.regex)]`), so a
 * server could send `(a+)+$` and hang the runtime. We register RE2-backed (re2js) versions:
 * I-Regexp (RFC 9485) is a subset of RE2's syntax, mapped as RFC 9485 section 5 describes
 * (`.` excludes CR and LF; `match` is anchored at both ends, `search` is not). A pattern RE2
 * cannot compile makes the function false, as RFC 9535 requires for invalid patterns.
 */
import { FunctionExpressionType, JSONPathEnvironment } from "json-p3";
import type { FilterFunction, JSONPathQuery } from "json-p3";
import { RE2JS } from "re2js";

/** Deepest nesting the descendant segment (`..`) walks before giving up. */
const MAX_DESCENT_DEPTH = 512;
const PATTERN_CACHE_LIMIT = 256;

type Matcher = { test(input: string): boolean } | null;

class LinearRegexpFunction implements FilterFunction {
  readonly argTypes = [FunctionExpressionType.ValueType, FunctionExpressionType.ValueType];
  readonly returnType = FunctionExpressionType.LogicalType;
  private readonly cache = new Map<string, Matcher>();

  constructor(private readonly anchored: boolean) {}

  call(value: unknown, pattern: unknown): boolean {
    if (typeof value !== "string" || typeof pattern !== "string") return false;
    const matcher = this.compile(pattern);
    return matcher !== null && matcher.test(value);
  }

  private compile(pattern: string): Matcher {
    if (this.cache.has(pattern)) return this.cache.get(pattern) ?? null;
    let matcher: Matcher;
    try {
      const re2 = iRegexpToRe2(pattern);
      matcher = RE2JS.compile(this.anchored ? `^(?:${re2})$` : re2);
    } catch {
      matcher = null;
    }
    if (this.cache.size >= PATTERN_CACHE_LIMIT) this.cache.clear();
    this.cache.set(pattern, matcher);
    return matcher;
  }
}

/** RFC 9485 section 5.3: I-Regexp to RE2. Only `.` outside a class differs in meaning. */
export function iRegexpToRe2(pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === "\\") {
      out += ch + (pattern[i + 1] ?? "");
      i++;
    } else if (inClass) {
      if (ch === "]") inClass = false;
      out += ch;
    } else if (ch === "[") {
      inClass = true;
      out += ch;
    } else {
      out += ch === "." ? "[^\\n\\r]" : ch;
    }
  }
  return out;
}

let environment: JSONPathEnvironment | undefined;

/** The one JSONPath environment: RFC 9535 strict, with the linear-time functions. */
function jsonPathEnvironment(): JSONPathEnvironment {
  if (!environment) {
    environment = new JSONPathEnvironment({ strict: true, maxRecursionDepth: MAX_DESCENT_DEPTH });
    environment.functionRegister.set("match", new LinearRegexpFunction(true));
    environment.functionRegister.set("search", new LinearRegexpFunction(false));
  }
  return environment;
}

/** Parses a JSONPath query; throws json-p3's errors for invalid ones. */
export function parseJsonPath(path: string): JSONPathQuery {
  return jsonPathEnvironment().compile(path);
}
