/**
 * XML responses: safe parsing, and what an XPath result becomes as a value (SPEC 11.5).
 *
 * Parsing uses @xmldom/xmldom, which never loads external resources and does not expand
 * entities declared in a DTD: a document that relies on them (`&xxe;`, billion laughs) is not
 * well-formed for us and is refused, instead of being fetched or expanded.
 */
import { DOMParser, XMLSerializer } from "@xmldom/xmldom";
import type { Document as XmlDocument, Node as XmlNode } from "@xmldom/xmldom";
import { indexDocumentOrder } from "./xpath-speed";

export type { XmlDocument, XmlNode };

export class XmlNotWellFormed extends Error {
  override readonly name = "XmlNotWellFormed";
}

const ELEMENT_NODE = 1;
const ATTRIBUTE_NODE = 2;
const DOCUMENT_NODE = 9;

/** Parses an XML document; throws {@link XmlNotWellFormed} with a position, never document text. */
export function parseXmlDocument(text: string): XmlDocument {
  let problem: string | undefined;
  const parser = new DOMParser({
    onError: (level: string, message: string) => {
      if (level === "warning" || problem !== undefined) return;
      problem = locate(message);
      if (level === "fatalError") throw new XmlNotWellFormed(problem);
    },
  });
  let document: XmlDocument;
  try {
    // A byte order mark or blank lines before the root are common in responses; both are harmless.
    document = parser.parseFromString(text.replace(/^[\uFEFF\s]+/, ""), "text/xml");
  } catch (error) {
    throw error instanceof XmlNotWellFormed ? error : new XmlNotWellFormed(problem ?? "it cannot be parsed");
  }
  if (problem !== undefined) throw new XmlNotWellFormed(problem);
  if (!document.documentElement) throw new XmlNotWellFormed("it has no root element");
  indexDocumentOrder(document);
  return document;
}

/**
 * Where a parser message points, without the message itself: xmldom quotes document text
 * (names, entity references), which may hold values that must not reach logs.
 */
function locate(message: string): string {
  const where = /line:(\d+),col:(\d+)/.exec(message);
  if (/entity not found/i.test(message)) return `it refers to an entity that is not predefined (DTD entities are not expanded)${where ? ` at line ${where[1]}, column ${where[2]}` : ""}`;
  return where ? `it is not well-formed at line ${where[1]}, column ${where[2]}` : "it is not well-formed";
}

/** Prefix → namespace URI for every `xmlns:prefix` declared in the document (first declaration wins). */
export function declaredPrefixes(document: XmlDocument): Record<string, string> {
  const prefixes: Record<string, string> = {};
  const stack: XmlNode[] = document.documentElement ? [document.documentElement] : [];
  while (stack.length > 0) {
    const node = stack.pop() as XmlNode;
    if (node.nodeType !== ELEMENT_NODE) continue;
    const element = node as unknown as { attributes: { length: number; item(i: number): { name: string; value: string } | null } };
    for (let i = 0; i < element.attributes.length; i++) {
      const attribute = element.attributes.item(i);
      if (attribute && attribute.name.startsWith("xmlns:")) {
        const prefix = attribute.name.slice(6);
        if (!(prefix in prefixes)) prefixes[prefix] = attribute.value;
      }
    }
    for (let child = node.lastChild; child; child = child.previousSibling) stack.push(child);
  }
  return prefixes;
}

const serializer = new XMLSerializer();

/**
 * An XPath node as a value: an element gives its text, or its XML when it has child elements;
 * an attribute its value; text, CDATA, comments and processing instructions their text; the
 * document its root element, as an element.
 */
export function xmlNodeValue(node: XmlNode): string {
  if (node.nodeType === DOCUMENT_NODE) {
    const root = (node as XmlDocument).documentElement;
    return root ? xmlNodeValue(root) : "";
  }
  if (node.nodeType === ELEMENT_NODE) {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === ELEMENT_NODE) return serializer.serializeToString(node);
    }
    return node.textContent ?? "";
  }
  if (node.nodeType === ATTRIBUTE_NODE) return (node as unknown as { value: string }).value;
  return node.nodeValue ?? "";
}
