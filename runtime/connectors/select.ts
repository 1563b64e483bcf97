/**
 * Reading values out of a response body by JSONPath (RFC 9535) or XPath 1.0: the only place the
 * connector engine touches json-p3, xpath and xmldom.
 *
 * It has the shape of the Output Path module (runtime/extract): one expression, applied to a
 * response given as `{ contentType, body, headers }`, gives a list of values. It is kept this
 * small on purpose, so that moving to runtime/extract is a change inside this one function.
 */
import { DOMParser } from "@xmldom/xmldom";
import { compile, type JSONPathQuery, type JSONValue } from "json-p3";
import * as xpath from "xpath";
import { SiqError } from "../errors";
import { fromJson, type Value } from "../values";

export interface SelectableResponse {
  contentType: string;
  body: string;
  headers: Readonly<Record<string, string>>;
}

/** The parsed body of the last response read: every path of one response reads one parse. */
let lastBody: string | undefined;
let lastParsed: unknown;

const compiledJson = new Map<string, JSONPathQuery>();
const compiledXml = new Map<string, ParsedXPath>();

/** The part of xpath's parsed expression we use (its typings do not declare `parse`). */
interface ParsedXPath {
  evaluate(options: { node: Node; allowAnyNamespaceForNoPrefix: boolean }): XPathValue;
}
/** The result classes xpath exports at run time (its typings do not declare them). */
interface XPathTypes {
  XNumber: abstract new () => unknown;
  XBoolean: abstract new () => unknown;
}
interface XPathValue {
  toArray?: () => Node[];
  stringValue(): string;
  numberValue(): number;
  booleanValue(): boolean;
}

/**
 * The values `expression` selects in the response body: a JSONPath when the content type is
 * JSON, an XPath when it is XML (unprefixed names match that local name in any namespace,
 * SPEC 11.5; an element gives its text, or its XML when it has child elements). Fails with
 * `CONNECTOR_RESPONSE_INVALID` when the body is not valid JSON or XML.
 */
export function selectValues(expression: string, response: SelectableResponse): Value[] {
  const xml = /xml/i.test(response.contentType);
  const document = parsed(response.body, xml);
  if (document === undefined) return [];
  if (!xml) {
    let query = compiledJson.get(expression);
    if (!query) {
      query = compile(expression);
      compiledJson.set(expression, query);
    }
    return query.query(document as JSONValue).values().map(fromJson);
  }
  let compiled = compiledXml.get(expression);
  if (!compiled) {
    compiled = (xpath as unknown as { parse(expression: string): ParsedXPath }).parse(expression);
    compiledXml.set(expression, compiled);
  }
  const result = compiled.evaluate({ node: document as Node, allowAnyNamespaceForNoPrefix: true });
  if (typeof result.toArray === "function") return result.toArray().map(nodeValue);
  const types = xpath as unknown as XPathTypes;
  if (isInstance(result, types.XNumber)) return [result.numberValue()];
  if (isInstance(result, types.XBoolean)) return [result.booleanValue()];
  return [result.stringValue()];
}

/** `instanceof` without narrowing: every XPath result has the same methods. */
function isInstance(value: unknown, type: abstract new () => unknown): boolean {
  return value instanceof type;
}

function parsed(body: string, xml: boolean): unknown {
  if (body.trim() === "") return undefined;
  if (body === lastBody) return lastParsed;
  let value: unknown;
  try {
    value = xml ? parseXml(body) : (JSON.parse(body) as unknown);
  } catch (error) {
    throw new SiqError("CONNECTOR_RESPONSE_INVALID", `The response body is not valid ${xml ? "XML" : "JSON"} (${(error as Error).message.split("\n")[0] ?? ""}).`, { cause: error });
  }
  lastBody = body;
  lastParsed = value;
  return value;
}

function parseXml(body: string): unknown {
  return new DOMParser({
    onError: (level, message) => {
      if (level !== "warning") throw new Error(message);
    },
  }).parseFromString(body, "application/xml");
}

function nodeValue(node: Node): Value {
  if (node.nodeType === 1) {
    for (let child = node.firstChild; child; child = child.nextSibling) if (child.nodeType === 1) return node.toString();
    return node.textContent ?? "";
  }
  if (node.nodeType === 2) return (node as Attr).value;
  return node.textContent ?? "";
}
