/**
 * Escaping by where a value lands (SPEC 11.6). In JSON, a value inside a string is escaped as
 * string content and a value between tokens is a complete JSON literal, so no answer can add a
 * member; in XML, values are escaped for text and attributes (and kept inside CDATA sections,
 * comments and tag names); in URLs, values are URI components; plain text is left as it is.
 */
import { SiqError } from "../errors";
import { toJson, toText, type Value } from "../values";
import { urlEncode, xmlEscape } from "../formula/functions/encoding";
import type { InsertContext } from "./lexical-state";

/** Helpers whose output is already document syntax for a kind, so it is not escaped again. */
export type EncoderHelper = "jsonencode" | "xmlencode" | "urlencode";

function jsonStringContent(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

// eslint-disable-next-line no-control-regex -- these are the characters XML 1.0 cannot hold
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function xmlChars(text: string): string {
  return text.replace(XML_INVALID, "\ufffd");
}

/** Characters that may appear in an XML name; anything else in a tag becomes `_`. */
const NOT_NAME_CHAR = /[^\p{L}\p{N}\p{M}_.\-\u00b7\u203f\u2040]/gu;

export function escapeFor(context: InsertContext, value: Value, encoder: EncoderHelper | undefined): string {
  switch (context) {
    case "text":
      return toText(value);
    case "url": {
      const text = encoder === "urlencode" ? toText(value) : urlEncode(toText(value));
      // URL parsers remove "." and ".." path segments (encoded or not): such a value would move
      // the request to another resource. A value can only make such a segment by being one.
      if (text === "." || text === "..") {
        throw new SiqError("URL_INVALID", `A value inserted into the URL's path is "${text}", which would move the request to another resource (URL parsers resolve "." and ".." segments); check the answer it comes from.`);
      }
      return text;
    }
    case "url-query":
      return encoder === "urlencode" ? toText(value) : urlEncode(toText(value));
    case "line": {
      const text = toText(value);
      if (/[\r\n]/.test(text)) {
        throw new SiqError("INPUT_CONVERSION", "A value inserted into a line holds a line break, which would add a line (a header or a field) of the answer's choosing; use the object form ({ \"Name\": \"=[q1]\" }) or check the answer it comes from.");
      }
      return text;
    }
    case "json-value":
      if (encoder === "jsonencode" && typeof value === "string") return value;
      return JSON.stringify(toJson(value));
    case "json-string":
    case "json-escape": {
      const prefix = context === "json-escape" ? "\\" : "";
      if (encoder === "jsonencode" && typeof value === "string" && value.length >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        return prefix + value.slice(1, -1);
      }
      return prefix + jsonStringContent(toText(value));
    }
    case "xml-text":
      return encoder === "xmlencode" ? toText(value) : xmlEscape(toText(value));
    case "xml-attribute": {
      const text = encoder === "xmlencode" ? toText(value) : xmlEscape(toText(value));
      // Attribute values normalise tabs and line breaks to spaces unless written as references.
      return text.replace(/\n/g, "&#10;").replace(/\t/g, "&#9;");
    }
    case "xml-tag": {
      // Only name characters (no ':', which would need a namespace), starting as a name must, so a
      // value cannot add attributes or close the tag.
      const name = xmlChars(toText(value)).replace(NOT_NAME_CHAR, "_");
      return /^[\p{L}_]/u.test(name) ? name : `_${name}`;
    }
    case "xml-cdata":
      return xmlChars(toText(value)).replace(/\]\]>/g, "]]]]><![CDATA[>");
    case "xml-comment": {
      const text = xmlChars(toText(value)).replace(/-(?=-)/g, "- ");
      return text.endsWith("-") ? `${text} ` : text;
    }
    case "xml-pi":
      return xmlChars(toText(value)).replace(/\?>/g, "? >");
  }
}
