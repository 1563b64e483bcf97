/**
 * Where in the document a template value lands, found by scanning the template's literal text
 * (SPEC 11.6): inside a JSON string or between JSON tokens; in XML text, an attribute value, a
 * tag, a CDATA section, a comment or a processing instruction. Escaping follows from it.
 */
import type { TemplateKind } from "./kinds";

export type InsertContext =
  | "text"
  | "url"
  | "url-query"
  | "line"
  | "json-value"
  | "json-string"
  | "json-escape"
  | "xml-text"
  | "xml-attribute"
  | "xml-tag"
  | "xml-cdata"
  | "xml-comment"
  | "xml-pi";

/** The scanner state between literal chunks; a small number so blocks can save and restore it. */
export type LexicalState = number;

/** In a URL template: before the first literal `?` or `#` (the path), or after it. */
const URL_PATH = 0;
const URL_QUERY = 1;

const JSON_OUTSIDE = 0;
const JSON_STRING = 1;
const JSON_ESCAPE = 2;

const XML_TEXT = 0;
const XML_TAG = 1;
const XML_ATTR_DOUBLE = 2;
const XML_ATTR_SINGLE = 3;
const XML_COMMENT = 4;
const XML_CDATA = 5;
const XML_PI = 6;

export const INITIAL_STATE: LexicalState = 0;

/** The state after `text` of the template's literal content. */
export function advance(kind: TemplateKind, state: LexicalState, text: string): LexicalState {
  if (kind === "json") return advanceJson(state, text);
  if (kind === "xml") return advanceXml(state, text);
  if (kind === "url") return state === URL_PATH && /[?#]/.test(text) ? URL_QUERY : state;
  return state;
}

export function contextOf(kind: TemplateKind, state: LexicalState): InsertContext {
  switch (kind) {
    case "text": return "text";
    case "url": return state === URL_QUERY ? "url-query" : "url";
    case "line": return "line";
    case "json": return state === JSON_STRING ? "json-string" : state === JSON_ESCAPE ? "json-escape" : "json-value";
    case "xml":
      switch (state) {
        case XML_TAG: return "xml-tag";
        case XML_ATTR_DOUBLE: case XML_ATTR_SINGLE: return "xml-attribute";
        case XML_COMMENT: return "xml-comment";
        case XML_CDATA: return "xml-cdata";
        case XML_PI: return "xml-pi";
        default: return "xml-text";
      }
  }
}

/** The state after a value was inserted in the given state (escaping keeps it where it was). */
export function afterInsert(kind: TemplateKind, state: LexicalState): LexicalState {
  // A value after a backslash inside a JSON string is written after an added backslash, which
  // completes the escape; the string goes on.
  return kind === "json" && state === JSON_ESCAPE ? JSON_STRING : state;
}

function advanceJson(state: LexicalState, text: string): LexicalState {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (state === JSON_OUTSIDE) {
      if (c === 0x22) state = JSON_STRING;
    } else if (state === JSON_STRING) {
      if (c === 0x5c) state = JSON_ESCAPE;
      else if (c === 0x22) state = JSON_OUTSIDE;
    } else {
      state = JSON_STRING;
    }
  }
  return state;
}

function advanceXml(state: LexicalState, text: string): LexicalState {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    switch (state) {
      case XML_TEXT:
        if (c === "<") {
          if (text.startsWith("<!--", i)) { state = XML_COMMENT; i += 3; }
          else if (text.startsWith("<![CDATA[", i)) { state = XML_CDATA; i += 8; }
          else if (text.startsWith("<?", i)) { state = XML_PI; i += 1; }
          else state = XML_TAG;
        }
        break;
      case XML_TAG:
        if (c === "\"") state = XML_ATTR_DOUBLE;
        else if (c === "'") state = XML_ATTR_SINGLE;
        else if (c === ">") state = XML_TEXT;
        break;
      case XML_ATTR_DOUBLE:
        if (c === "\"") state = XML_TAG;
        break;
      case XML_ATTR_SINGLE:
        if (c === "'") state = XML_TAG;
        break;
      case XML_COMMENT:
        if (text.startsWith("-->", i)) { state = XML_TEXT; i += 2; }
        break;
      case XML_CDATA:
        if (text.startsWith("]]>", i)) { state = XML_TEXT; i += 2; }
        break;
      case XML_PI:
        if (text.startsWith("?>", i)) { state = XML_TEXT; i += 1; }
        break;
    }
  }
  return state;
}
