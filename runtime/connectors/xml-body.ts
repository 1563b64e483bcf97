/**
 * Writes a connector body as XML: the root element in its default namespace, each member an
 * element in the order written (.NET DataContract services read members in alphabetical order,
 * so connector files list them that way), text escaped, lists as a wrapper element whose
 * children are named by `arrayItems`.
 */
import { SiqError } from "../errors";
import { numberToText, type JsonValue } from "../values";

export interface XmlBodyOptions {
  root: string;
  namespace?: string | undefined;
  arrayItems?: Readonly<Record<string, string>> | undefined;
  defaultArrayItem?: string | undefined;
}

/** XML 1.0 names, ASCII and the letters beyond it (no colon: there are no prefixes here). */
const XML_NAME = /^[A-Za-z_\u00C0-\uFFFD][A-Za-z0-9._\u00B7\u00C0-\uFFFD-]*$/;
/** Characters XML 1.0 cannot carry at all, even escaped. */
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isXmlName(name: string): boolean {
  return XML_NAME.test(name);
}

export function writeXmlBody(content: JsonValue, options: XmlBodyOptions): string {
  if (content === null || typeof content !== "object" || Array.isArray(content)) {
    throw new SiqError("INTERNAL", "An XML body's content must be an object.");
  }
  const namespace = options.namespace === undefined ? "" : ` xmlns="${escapeAttribute(options.namespace)}"`;
  const parts: string[] = [`<${options.root}${namespace}>`];
  for (const [name, value] of Object.entries(content)) writeElement(parts, name, value, options);
  parts.push(`</${options.root}>`);
  return parts.join("");
}

function writeElement(parts: string[], name: string, value: JsonValue, options: XmlBodyOptions): void {
  if (value === null) {
    parts.push(`<${name} />`);
    return;
  }
  if (Array.isArray(value)) {
    const item = options.arrayItems?.[name] ?? options.defaultArrayItem ?? "item";
    parts.push(`<${name}>`);
    for (const entry of value) writeElement(parts, item, entry, options);
    parts.push(`</${name}>`);
    return;
  }
  if (typeof value === "object") {
    parts.push(`<${name}>`);
    for (const [member, entry] of Object.entries(value)) writeElement(parts, member, entry, options);
    parts.push(`</${name}>`);
    return;
  }
  const text = typeof value === "string" ? value : typeof value === "number" ? numberToText(value) : value ? "true" : "false";
  parts.push(`<${name}>${escapeText(text, name)}</${name}>`);
}

function escapeText(text: string, element: string): string {
  if (NOT_XML_CHAR.test(text)) {
    throw new SiqError("INPUT_CONVERSION", `The value of the XML element <${element}> holds a control character that XML cannot carry; remove it from the input.`);
  }
  // Line ends a parser may normalise (CR; NEL and LINE SEPARATOR for XML 1.1 parsers; PARAGRAPH
  // SEPARATOR for xmldom) go as character references, which parsers keep as they are.
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\r\u0085\u2028\u2029]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
}
