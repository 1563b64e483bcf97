/**
 * Hostile text for end-to-end property tests: answers and secrets built from the characters
 * that change structure somewhere (line breaks, quotes, braces, template and formula syntax,
 * URL delimiters, XML markup, control characters, lone surrogates), random Unicode, and now and
 * then very long text.
 */
import fc from "fast-check";
import { wellFormed } from "../../runtime/formula/unicode";

export const SPECIALS = [
  "\r", "\n", "\r\n", "\"", "'", "`", "{", "}", "{{", "}}", "{{{", "}}}", "=", "[", "]", "#", "%", "%2e", "%2E%2e", "%0d%0a", "%2F", "/",
  "..", ".", "?", "&", "\\", "<", ">", "</Name>", "<Admin>true</Admin>", "]]>", "<!--", "-->", "\u0000", "\u0007", "\t", " ", "é", "ÿ", "😀",
  "\u2028", "\u2029", "\u0085", "\ud800", "\udc00", "\ufffe", "=Chr(65)", "{{q2}}", "{{{q2}}}", "[q2]", "=[q2]", ":", ";", ",", "+", "@",
  "__proto__", "constructor", "$", "*", "\", \"isAdmin\": true, \"x\": \"", "X-Evil: 1", "\nX-Evil: 1", "Authorization: Bearer x",
];

/** A short piece: a special, random UTF-16 (lone surrogates included) or random code points. */
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIALS) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 6 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 6 }) },
);

/** Hostile text of any length from 0; about one in twenty is thousands of characters long. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 19, arbitrary: fc.array(piece, { maxLength: 12 }).map((parts) => parts.join("")) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...SPECIALS, "a", "1"), fc.integer({ min: 2_000, max: 20_000 })).map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n)),
  },
);

/**
 * A secret: hostile text around six random letters and digits, so it is at least 4 characters
 * long and never turns up by chance in text the run writes for other reasons.
 */
export const secretText: fc.Arbitrary<string> = fc
  .tuple(fc.array(piece, { maxLength: 4 }), fc.stringMatching(/^[A-Za-z0-9]{6}$/), fc.array(piece, { maxLength: 4 }))
  .map(([before, core, after]) => `${before.join("")}Zq${core}${after.join("")}`);

/** Secrets that can travel in an HTTP header as they are (bearer tokens, API keys). */
export const headerSafeSecret: fc.Arbitrary<string> = fc
  .tuple(fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{0,8}$/), fc.stringMatching(/^[A-Za-z0-9]{6}$/), fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z=/-]{0,8}$/))
  .map(([before, core, after]) => `${before}Zq${core}${after}`);

/** The forms in which a secret leaks as it is written in text: raw, URL-, form- and JSON-encoded. */
export function leakedForms(secret: string): string[] {
  const forms = new Set<string>([secret, encodeURIComponent(safe(secret)), formEncode(safe(secret)), JSON.stringify(secret).slice(1, -1)]);
  return [...forms].filter((form) => form.length >= 4);
}

function safe(text: string): string {
  return wellFormed(text);
}

function formEncode(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, "+").replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Every string inside a value (object keys included), for searching a result or a log for leaks. */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      stringsIn(item, out);
    }
  }
  return out;
}

/** The first form of a secret found in the texts, with where; undefined when none leaks. */
export function findLeak(secrets: readonly string[], places: Readonly<Record<string, unknown>>): string | undefined {
  for (const [where, value] of Object.entries(places)) {
    const texts = stringsIn(value);
    for (const secret of secrets) {
      for (const form of leakedForms(secret)) {
        const hit = texts.find((text) => text.includes(form));
        if (hit !== undefined) return `${JSON.stringify(form)} (a form of the secret ${JSON.stringify(secret)}) appears in ${where}: ${JSON.stringify(hit.slice(0, 400))}`;
      }
    }
  }
  return undefined;
}
