/**
 * Output Path (SPEC 5.1): what an HTTP action's `Output Path Data` selects from a response.
 *
 * - `$...`: JSONPath (RFC 9535) on a JSON response;
 * - `header:Name`: the response header of that name (any case);
 * - anything else: XPath 1.0 on an XML response, where an unprefixed name matches elements
 *   of that local name in any namespace (SPEC 11.5, see xpath-names.ts).
 *
 * Whether a response is JSON or XML follows its content type (`application/json`, `+json`;
 * `application/xml`, `text/xml`, `+xml`), else its first non-blank character (`<` is XML).
 * A JSONPath meeting XML, or an XPath meeting JSON, is `OUTPUT_PATH_MISMATCH`: the path was
 * written for another kind of response, and guessing would return wrong data silently. A blank
 * body has no matches. Paths are parsed once and cached.
 */
import type { JSONPathQuery, JSONValue } from "json-p3";
import { SiqError } from "../errors";
import type { JsonValue, Value } from "../values";
import { JsonData } from "../values";
import { parseJsonPath } from "./jsonpath";
import { lazy } from "../util/lazy";
import type * as XmlDocumentModule from "./xml-document";
import type { XmlDocument, XmlNode } from "./xml-document";
import { XPathSyntaxError, rewriteXPathNames } from "./xpath-names";
import { installLinearNodeSets } from "./xpath-speed";

/** What Output Path reads from a response. Header names may be in any case. */
export interface ExtractableResponse {
  contentType: string;
  body: string;
  headers: Record<string, string>;
}

export type OutputPathKind = "jsonpath" | "xpath" | "header";

/** A compiled Output Path. */
export interface OutputPath {
  /** The path as the user wrote it. */
  readonly source: string;
  readonly kind: OutputPathKind;
  /**
   * Every match, in document order. JSON objects and arrays come as {@link JsonData}, JSON
   * scalars as they are; XML gives text (see xml-document.ts) or XPath's string, number or
   * boolean. Throws `OUTPUT_PATH_MISMATCH` or `OUTPUT_PATH_RESPONSE_INVALID`.
   */
  select(response: ExtractableResponse | ParsedResponse): Value[];
}

/** JSON or XML, by content type, else by the first non-blank character; undefined for a blank body. */
export function responseBodyKind(contentType: string, body: string): "json" | "xml" | undefined {
  // A visible ASCII character first (most bodies) needs no search for the first non-blank one.
  const code = body.charCodeAt(0);
  const first = code > 0x20 && code < 0x7f ? body[0] : /[^\s\uFEFF]/.exec(body)?.[0];
  if (first === undefined) return undefined;
  return kindOfMedia(contentType) ?? (first === "<" ? "xml" : "json");
}

/** What a content type says of the body: json, xml, or nothing (then the first character decides). */
const mediaKinds = new Map<string, "json" | "xml" | null>();

function kindOfMedia(contentType: string): "json" | "xml" | undefined {
  let kind = mediaKinds.get(contentType);
  if (kind === undefined) {
    const media = (contentType.split(";")[0] ?? "").trim().toLowerCase();
    if (media === "application/json" || media === "text/json" || media.endsWith("+json")) kind = "json";
    else if (media === "application/xml" || media === "text/xml" || media.endsWith("+xml")) kind = "xml";
    else kind = null;
    if (mediaKinds.size >= CACHE_LIMIT) mediaKinds.clear();
    mediaKinds.set(contentType, kind);
  }
  return kind ?? undefined;
}

/**
 * A response whose body is parsed at most once, however many paths read it (Output Path,
 * a pagination next link).
 */
export class ParsedResponse {
  readonly kind: "json" | "xml" | undefined;
  private json: { value: JSONValue } | undefined;
  private xml: { document: XmlDocument; prefixes: Record<string, string> } | undefined;

  constructor(readonly response: ExtractableResponse) {
    this.kind = responseBodyKind(response.contentType, response.body);
  }

  jsonValue(): JSONValue {
    if (!this.json) {
      try {
        this.json = { value: JSON.parse(this.response.body) as JSONValue };
      } catch {
        // The parser's message quotes the body; it may hold secrets, so it is not repeated.
        throw new SiqError("OUTPUT_PATH_RESPONSE_INVALID",
          `Output Path cannot read the response: it is ${describeType(this.response.contentType, "JSON")} but not valid JSON.`);
      }
    }
    return this.json.value;
  }

  xmlDocument(): { document: XmlDocument; prefixes: Record<string, string> } {
    if (!this.xml) {
      try {
        const { parseXmlDocument, declaredPrefixes } = xmlDocument();
        const document = parseXmlDocument(this.response.body);
        this.xml = { document, prefixes: declaredPrefixes(document) };
      } catch (error) {
        const reason = error instanceof xmlDocument().XmlNotWellFormed ? error.message : "it cannot be parsed";
        throw new SiqError("OUTPUT_PATH_RESPONSE_INVALID",
          `Output Path cannot read the response as XML (${describeType(this.response.contentType, "XML")}): ${reason}.`);
      }
    }
    return this.xml;
  }
}

function describeType(contentType: string, kind: string): string {
  const media = (contentType.split(";")[0] ?? "").trim();
  return media === "" ? `taken for ${kind} by its first character` : `declared ${media}`;
}

/** SPEC 5.1: one match gives its value, several give a list, none gives "". */
export function shapeOutput(matches: Value[]): Value {
  if (matches.length === 0) return "";
  if (matches.length === 1) return matches[0] as Value;
  return matches;
}

const CACHE_LIMIT = 512;
const cache = new Map<string, OutputPath>();

/** Compiles an Output Path (cached by its text); throws `OUTPUT_PATH_INVALID`. */
export function compileOutputPath(path: string): OutputPath {
  const cached = cache.get(path);
  if (cached) return cached;
  const compiled = compileUncached(path);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(path, compiled);
  return compiled;
}

function compileUncached(path: string): OutputPath {
  const trimmed = path.trim();
  if (trimmed === "") throw invalid(path, "it is empty");
  if (trimmed.startsWith("$")) return new JsonPathOutput(path);
  const header = /^header:(.*)$/is.exec(trimmed);
  if (header) return new HeaderOutput(path, (header[1] ?? "").trim());
  return new XPathOutput(path);
}

function invalid(path: string, reason: string): SiqError {
  return new SiqError("OUTPUT_PATH_INVALID",
    `Output Path ${JSON.stringify(path)} is not valid: ${reason}. Write a JSONPath starting with $ (JSON responses), an XPath such as /Root/Name (XML responses), or header:Name.`);
}

function asParsed(response: ExtractableResponse | ParsedResponse): ParsedResponse {
  return response instanceof ParsedResponse ? response : new ParsedResponse(response);
}

/**
 * `$.name.name...` with ASCII shorthand names: a chain of child segments of one name selector
 * each, which RFC 9535 defines as "the member of that name of an object, else nothing". Most
 * Output Paths are this; they are read by walking the names instead of through the general
 * query (a generator per segment), with the same result.
 */
const DOTTED_NAMES = /^\$(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/;

class JsonPathOutput implements OutputPath {
  readonly kind = "jsonpath";
  private readonly query: JSONPathQuery;
  /** The names of a {@link DOTTED_NAMES} path, else undefined. */
  private readonly names: readonly string[] | undefined;

  constructor(readonly source: string) {
    try {
      // Not trimmed: RFC 9535 allows no whitespace around the query.
      this.query = parseJsonPath(source);
    } catch (error) {
      throw invalid(source, error instanceof Error ? error.message : String(error));
    }
    this.names = DOTTED_NAMES.test(source) ? source.slice(2).split(".") : undefined;
  }

  select(response: ExtractableResponse | ParsedResponse): Value[] {
    const parsed = asParsed(response);
    if (parsed.kind === undefined) return [];
    if (parsed.kind === "xml") {
      throw new SiqError("OUTPUT_PATH_MISMATCH",
        `Output Path ${JSON.stringify(this.source)} is a JSONPath, but the response is XML; use an XPath such as /Root/Element.`);
    }
    const data = parsed.jsonValue();
    if (this.names) return selectNames(data, this.names);
    const matches: Value[] = [];
    try {
      // Lazily: only the matched values are kept, not a node (with its location) per match.
      for (const node of this.query.lazyQuery(data)) matches.push(toValue(node.value));
    } catch (error) {
      throw new SiqError("OUTPUT_PATH_RESPONSE_INVALID",
        `Output Path ${JSON.stringify(this.source)} cannot read the response: ${error instanceof Error ? error.message : String(error)}.`);
    }
    return matches;
  }
}

/** A {@link DOTTED_NAMES} path on parsed JSON: each name is an own member of an object (not an array). */
function selectNames(data: JSONValue, names: readonly string[]): Value[] {
  let value: unknown = data;
  for (const name of names) {
    if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.hasOwn(value, name)) return [];
    value = (value as Record<string, unknown>)[name];
  }
  return [toValue(value as JSONValue)];
}

function toValue(value: JSONValue): Value {
  if (value === undefined || value === null) return null;
  if (typeof value !== "object") return value;
  return new JsonData(value as JsonValue);
}

class HeaderOutput implements OutputPath {
  readonly kind = "header";
  private readonly name: string;

  constructor(readonly source: string, name: string) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) throw invalid(source, "header: must be followed by a header name");
    this.name = name.toLowerCase();
  }

  select(response: ExtractableResponse | ParsedResponse): Value[] {
    const headers = response instanceof ParsedResponse ? response.response.headers : response.headers;
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() === this.name) return [value];
    }
    return [];
  }
}

/** The part of the xpath package we use; its own typings lack parse() and pull in the DOM library. */
interface XPathEvaluator {
  evaluate(options: { node: XmlNode; namespaces: Record<string, string> }): XPathValue;
}
interface XPathValue {
  toArray?: () => XmlNode[];
  stringValue(): string;
  numberValue(): number;
  booleanValue(): boolean;
}
interface XPathModule {
  parse(expression: string): XPathEvaluator;
  XNumber: abstract new (...args: never[]) => unknown;
  XBoolean: abstract new (...args: never[]) => unknown;
  XNodeSet: { prototype: object };
}
// The XML stack (xpath, @xmldom/xmldom) is loaded on first use: most pipelines never meet XML.
const xpathModule = lazy(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see XPathModule
  const module = require("xpath") as XPathModule;
  installLinearNodeSets(module.XNodeSet);
  return module;
});
// eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, as above
const xmlDocument = lazy(() => require("./xml-document") as typeof XmlDocumentModule);

class XPathOutput implements OutputPath {
  readonly kind = "xpath";
  private readonly evaluator: XPathEvaluator;
  private readonly prefixes: Set<string>;

  constructor(readonly source: string) {
    try {
      const rewritten = rewriteXPathNames(source.trim());
      this.prefixes = rewritten.prefixes;
      this.evaluator = xpathModule().parse(rewritten.expression);
    } catch (error) {
      const reason = error instanceof XPathSyntaxError ? error.message : "it is not an XPath 1.0 expression";
      throw invalid(source, reason);
    }
  }

  select(response: ExtractableResponse | ParsedResponse): Value[] {
    const parsed = asParsed(response);
    if (parsed.kind === undefined) return [];
    if (parsed.kind === "json") {
      throw new SiqError("OUTPUT_PATH_MISMATCH",
        `Output Path ${JSON.stringify(this.source)} is an XPath, but the response is JSON; use a JSONPath such as $.name.`);
    }
    const { document, prefixes } = parsed.xmlDocument();
    for (const prefix of this.prefixes) {
      if (!(prefix in prefixes)) {
        throw new SiqError("OUTPUT_PATH_MISMATCH",
          `Output Path ${JSON.stringify(this.source)} uses the prefix "${prefix}", which the response does not declare; write the name without a prefix to match it in any namespace.`);
      }
    }
    let result: XPathValue;
    try {
      result = this.evaluator.evaluate({ node: document as unknown as XmlNode, namespaces: prefixes });
    } catch (error) {
      throw invalid(this.source, error instanceof Error ? error.message : String(error));
    }
    if (typeof result.toArray === "function") return this.values(result.toArray(), parsed.response.body.length);
    if (result instanceof xpathModule().XNumber) return [result.numberValue()];
    if (result instanceof xpathModule().XBoolean) return [result.booleanValue()];
    return [result.stringValue()];
  }

  /**
   * The selected nodes' values, up to a budget: an element gives its whole XML, so `//a` on
   * nested elements gives text that grows with the square of the response (a 1 MB response of
   * nested elements would give a hundred gigabytes and exhaust memory).
   */
  private values(nodes: readonly XmlNode[], bodyLength: number): Value[] {
    const budget = Math.max(MIN_OUTPUT_BUDGET, OUTPUT_BUDGET_FACTOR * bodyLength);
    let used = 0;
    const out: Value[] = [];
    for (const node of nodes) {
      const value = xmlDocument().xmlNodeValue(node);
      used += value.length;
      if (used > budget) {
        throw new SiqError(
          "OUTPUT_PATH_TOO_LARGE",
          `Output Path ${JSON.stringify(this.source)} selects more than ${Math.round(budget / 1024)} KB of XML (${OUTPUT_BUDGET_FACTOR} times the response, at least 1 MB): nested elements each give their whole XML. Select the elements you need, such as their text (…/Name/text()).`,
        );
      }
      out.push(value);
    }
    return out;
  }
}

/** What an XPath Output Path may select, in characters: this many times the response, and at least MIN_OUTPUT_BUDGET. */
const OUTPUT_BUDGET_FACTOR = 8;
const MIN_OUTPUT_BUDGET = 1024 * 1024;
