/** Encoding functions: values as JSON, XML, URL and Base64 text. */
import { toJson } from "../../values";
import { toText } from "../coerce";
import { formulaError } from "../failure";
import { wellFormed } from "../unicode";
import type { FormulaFunction } from "./types";

/** Characters XML 1.0 cannot hold at all, even escaped; they become U+FFFD. */
// eslint-disable-next-line no-control-regex -- matching the control characters XML forbids is the point
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * XML-escapes text for element content and attribute values (both quote kinds). Carriage
 * returns, NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR are written as references, since parsers
 * read them as "\n" otherwise (XML 1.1 treats NEL and LINE SEPARATOR as line ends; xmldom, the
 * parser this runtime reads XML with, PARAGRAPH SEPARATOR too).
 */
export function xmlEscape(text: string): string {
  return text.replace(XML_INVALID, "\ufffd").replace(/[&<>"'\r\u0085\u2028\u2029]/g, (c) => XML_ENTITIES[c] ?? c);
}

const XML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&apos;", "\r": "&#13;", "\u0085": "&#133;", "\u2028": "&#8232;", "\u2029": "&#8233;" };

/** RFC 3986 component encoding: everything but letters, digits and - . _ ~ is %-encoded (UTF-8). */
export function urlEncode(text: string): string {
  return encodeURIComponent(wellFormed(text)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** JSON text of a value (a string with its quotes, a number as a number...). */
export function jsonEncode(value: Parameters<typeof toJson>[0]): string {
  return JSON.stringify(toJson(value));
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

export const ENCODING_FUNCTIONS: FormulaFunction[] = [
  {
    name: "JsonEncode", category: "Encoding", minArgs: 1, maxArgs: 1,
    signature: "JsonEncode(value)",
    description: "The value as JSON text: text becomes a quoted JSON string (quotes, backslashes and control characters escaped), numbers and booleans stay as they are, blank is `null`, a list is a JSON array, a date is its `yyyy-MM-dd` text in quotes.",
    examples: [
      { formula: "=JsonEncode(\"say \"\"hi\"\"\")", result: "\"\\\"say \\\\\\\"hi\\\\\\\"\\\"\"" },
      { formula: "=JsonEncode([q37.GroupName])", result: "\"[\\\"GroupA\\\",\\\"GroupB\\\",\\\"GroupC\\\"]\"" },
      { formula: "=JsonEncode([q3])", result: "\"1234.5\"" },
    ],
    evaluate(args) {
      return jsonEncode(args[0] ?? null);
    },
  },
  {
    name: "XmlEncode", category: "Encoding", minArgs: 1, maxArgs: 1,
    signature: "XmlEncode(text)",
    description: "The text with `&`, `<`, `>`, `\"` and `'` escaped for XML elements and attributes; characters XML cannot hold (most control characters) become U+FFFD.",
    examples: [{ formula: "=XmlEncode(\"Tom & Jerry <tj@example.com>\")", result: "\"Tom &amp; Jerry &lt;tj@example.com&gt;\"" }],
    evaluate(args) {
      return xmlEscape(toText(args[0] ?? null));
    },
  },
  {
    name: "UrlEncode", category: "Encoding", minArgs: 1, maxArgs: 1,
    signature: "UrlEncode(text)",
    description: "The text encoded as a URL component (RFC 3986): UTF-8, every character but letters, digits and `- . _ ~` as `%XX`; a space is `%20`.",
    examples: [{ formula: "=UrlEncode(\"a b&c/é\")", result: "\"a%20b%26c%2F%C3%A9\"" }],
    evaluate(args) {
      return urlEncode(toText(args[0] ?? null));
    },
  },
  {
    name: "Base64Encode", category: "Encoding", minArgs: 1, maxArgs: 1,
    signature: "Base64Encode(text)",
    description: "The UTF-8 bytes of the text in Base64.",
    examples: [{ formula: "=Base64Encode(\"jdoe:pässword\")", result: "\"amRvZTpww6Rzc3dvcmQ=\"" }],
    evaluate(args) {
      return Buffer.from(wellFormed(toText(args[0] ?? null)), "utf8").toString("base64");
    },
  },
  {
    name: "Base64Decode", category: "Encoding", minArgs: 1, maxArgs: 1,
    signature: "Base64Decode(base64)",
    description: "The text whose UTF-8 bytes the Base64 (or Base64url) text holds; white space is ignored. Fails when the text is not Base64 or the bytes are not UTF-8 text.",
    examples: [{ formula: "=Base64Decode(\"amRvZTpww6Rzc3dvcmQ=\")", result: "\"jdoe:pässword\"" }],
    evaluate(args, site) {
      const encoded = toText(args[0] ?? null).replace(/\s+/g, "");
      if (!BASE64.test(encoded) || encoded.length % 4 === 1) {
        throw formulaError(site, "The text is not Base64; it may hold only A-Z, a-z, 0-9, + / (or - _) and = padding at the end.");
      }
      try {
        return utf8.decode(Buffer.from(encoded, "base64"));
      } catch (error) {
        throw formulaError(site, "The decoded bytes are not UTF-8 text (this is binary data, which a formula cannot hold as text).", error);
      }
    },
  },
];
