/**
 * Regular expressions that cannot backtrack.
 *
 * JSON Schema `pattern`s and `patternProperties` names run on RE2 (re2js), whose matching time
 * is linear in the input: a schema such as `^(a+)+$` cannot hang the runtime on a long
 * `aaaa…b` (SPEC 11.14). Schema patterns are ECMAScript regular expressions; RE2 reads nearly
 * the same syntax. Where the two differ in meaning we translate, so a pattern means what
 * ECMAScript says: `.` excludes all four ECMAScript line terminators, and `\s`/`\S` use
 * ECMAScript's whitespace set (RE2's is ASCII only). What RE2 cannot run in linear time
 * (backreferences, lookahead, lookbehind) is refused, and with it the schema.
 */
import { RE2JS } from "re2js";
import type { RegExpEngine } from "ajv/dist/types";

/** What Ajv needs from a compiled pattern. */
export interface LinearRegExp {
  test(input: string): boolean;
  /** Ajv keys compiled patterns by this text, so it must differ between patterns. */
  toString(): string;
}

/** A pattern RE2 cannot run; the message says why, in the user's terms. */
export class UnsupportedPatternError extends Error {
  override readonly name = "UnsupportedPatternError";
}

/** ECMAScript's WhiteSpace and LineTerminator code points, as RE2 class contents. */
const ECMASCRIPT_SPACE =
  "\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}";
/** ECMAScript's `.` without the s flag: anything but a line terminator. */
const ECMASCRIPT_DOT = "[^\\n\\r\\x{2028}\\x{2029}]";

const CACHE_LIMIT = 2000;
const cache = new Map<string, LinearRegExp>();

/**
 * Compiles an ECMAScript pattern (as JSON Schema writes them, unanchored) to a linear-time
 * matcher. Throws {@link UnsupportedPatternError} when RE2 cannot run it.
 */
export function compileLinearPattern(source: string): LinearRegExp {
  const cached = cache.get(source);
  if (cached) return cached;
  let translated: string;
  try {
    translated = alignWithEcmaScript(RE2JS.translateRegExp(source));
  } catch (error) {
    if (error instanceof UnsupportedPatternError) throw error;
    throw new UnsupportedPatternError(describeRe2Failure(error));
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(translated);
  } catch (error) {
    throw new UnsupportedPatternError(describeRe2Failure(error));
  }
  const compiled: LinearRegExp = {
    test: (input: string) => re.test(input),
    toString: () => `re2:${source}`,
  };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, compiled);
  return compiled;
}

/** Ajv's `code.regExp` option: every pattern Ajv compiles goes through RE2. */
export const linearRegExpEngine: RegExpEngine = Object.assign(
  (pattern: string, _flags: string): LinearRegExp => compileLinearPattern(pattern),
  { code: "linearRegExp" },
);

function describeRe2Failure(error: unknown): string {
  const detail = error instanceof Error ? error.message.replace(/^error parsing regexp:\s*/, "") : String(error);
  return `${detail} (patterns run on a linear-time engine: backreferences, lookahead and lookbehind are not supported)`;
}

/**
 * Rewrites the RE2-syntax translation of an ECMAScript pattern where the same text means
 * something else in RE2. Works on the token level: escapes are kept whole, and character
 * classes are tracked so `.` inside `[...]` stays a dot.
 */
function alignWithEcmaScript(pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === "\\") {
      const next = pattern[i + 1] ?? "";
      i++;
      if (next === "s") {
        out += inClass ? ECMASCRIPT_SPACE : `[${ECMASCRIPT_SPACE}]`;
      } else if (next === "S") {
        if (inClass) throw new UnsupportedPatternError("\\S inside a character class is not supported; list the characters instead");
        out += `[^${ECMASCRIPT_SPACE}]`;
      } else {
        out += ch + next;
      }
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
      out += ch;
      continue;
    }
    if (ch === "[") {
      // ECMAScript `[^]` matches any character; `[]` matches nothing. RE2 reads both differently.
      if (pattern.startsWith("[^]", i)) {
        out += "(?s:.)";
        i += 2;
        continue;
      }
      if (pattern[i + 1] === "]") throw new UnsupportedPatternError("the empty class [] is not supported");
      inClass = true;
      out += ch;
      if (pattern[i + 1] === "^") {
        out += "^";
        i++;
      }
      continue;
    }
    out += ch === "." ? ECMASCRIPT_DOT : ch;
  }
  return out;
}
