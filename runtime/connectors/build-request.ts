/**
 * Request mapping: a connector action's `request` and its bound inputs become the parts of one
 * HTTP request (path and query, headers, body). Input values land as typed values: encoded as a
 * URI component in the path and query, as a header value, as a JSON value or escaped XML text
 * in the body. No input can change the structure of any of them.
 */
import { SiqError } from "../errors";
import { JSON_CONTENT_TYPE, XML_CONTENT_TYPE } from "../http/body";
import type { JsonValue } from "../values";
import type { ConnectorAction, ConnectorBody } from "../../schemas/connector";
import { placeholdersOf } from "./placeholders";
import { buildBodyContent, inputText, OMIT, resolveSource, textsOf, type MappingScope } from "./value-sources";
import { writeXmlBody } from "./xml-body";

export interface MappedRequest {
  method: string;
  /** The path and query, relative to the connection's base URL. */
  url: string;
  /** Headers the connector sets (Accept included), in order. */
  headers: Array<[string, string]>;
  /** Headers that carry the connection's credential (`$credential`): dropped on a cross-origin hop. */
  credentialHeaders: Array<[string, string]>;
  body: { contentType: string; content: string } | undefined;
}

export function mapRequest(action: ConnectorAction, scope: MappingScope, extraQuery: ReadonlyArray<readonly [string, string]> = []): MappedRequest {
  const request = action.request;
  const query: string[] = [];
  for (const [name, source] of Object.entries(request.query ?? {})) {
    const value = resolveSource(source, scope);
    if (value === OMIT) continue;
    for (const text of textsOf(value)) query.push(`${encodeQuery(name)}=${encodeQuery(text)}`);
  }
  for (const [name, text] of extraQuery) query.push(`${encodeQuery(name)}=${encodeQuery(text)}`);
  const path = renderPath(request.path, scope, action);

  const headers: Array<[string, string]> = [];
  const credentialHeaders: Array<[string, string]> = [];
  for (const [name, source] of Object.entries(request.headers ?? {})) {
    if (typeof source === "object" && "$credential" in source) {
      credentialHeaders.push([name, scope.credential()]);
      continue;
    }
    const value = resolveSource(source, scope);
    if (value !== OMIT) headers.push([name, textsOf(value).join(", ")]);
  }
  if (request.accept !== undefined) {
    const value = resolveSource(request.accept, scope);
    if (value !== OMIT) headers.push(["Accept", textsOf(value).join(", ")]);
  }

  return {
    method: request.method,
    url: query.length === 0 ? path : `${path}?${query.join("&")}`,
    headers,
    credentialHeaders,
    body: request.body === undefined ? undefined : buildBody(request.body, scope),
  };
}

/**
 * `{{Input Name}}` in the path: the input's text as one URI component, so it cannot change the
 * path. A segment that comes out as `.` or `..` is refused: URL parsers remove dot segments
 * (encoded or not), so `..` would reach another resource.
 */
function renderPath(template: string, scope: MappingScope, action: ConnectorAction): string {
  let out = "";
  let last = 0;
  const placeholders = placeholdersOf(template);
  for (const placeholder of placeholders) {
    const text = inputText(scope.inputs.get(placeholder.name), scope.definitions.get(placeholder.name));
    out += template.slice(last, placeholder.start) + encodePathSegment(text);
    last = placeholder.end;
  }
  out += template.slice(last);
  if (placeholders.length > 0 && out.split("/").some((segment) => /^(\.|%2e){1,2}$/i.test(segment))) {
    const inputs = placeholders.map((placeholder) => placeholder.name);
    throw new SiqError("INPUT_CONVERSION", `The path of action "${scope.action}" (${action.request.path}) would have a "." or ".." segment, which would reach another resource; check ${inputs.map((name) => `"${name}"`).join(", ")}.`, {
      action: scope.action,
      input: inputs[0] ?? "",
    });
  }
  return out;
}

/**
 * A URI component with the sub-delimiters `!'()*` encoded too: an OData key such as
 * `Users({{User Id}})` must not be closed early by a `)` in an answer.
 */
export function encodePathSegment(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A query name or value as a URI component; `$` stays readable (`$skip`, `$filter`), as the HTTP pipeline writes it. */
function encodeQuery(text: string): string {
  return encodeURIComponent(text).replace(/%24/g, "$").replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%40/g, "@");
}

function buildBody(body: ConnectorBody, scope: MappingScope): { contentType: string; content: string } {
  const format = bodyFormat(body, scope);
  const built = buildBodyContent(body.content, scope);
  const content: JsonValue = built === OMIT ? (Array.isArray(body.content) ? [] : {}) : built;
  if (format === "json") return { contentType: body.contentType ?? JSON_CONTENT_TYPE, content: JSON.stringify(content) };
  if (!body.xml) throw new SiqError("INTERNAL", "An XML body needs xml options (checked when the connector is loaded).");
  return { contentType: body.contentType ?? XML_CONTENT_TYPE, content: writeXmlBody(content, body.xml) };
}

function bodyFormat(body: ConnectorBody, scope: MappingScope): "json" | "xml" {
  if (body.format === "json" || body.format === "xml") return body.format;
  const value = resolveSource(body.format, scope);
  const text = typeof value === "string" ? value.trim().toLowerCase() : "";
  if (text === "json" || text === "xml") return text;
  const input = body.format.$input;
  throw new SiqError("INPUT_CONVERSION", `The input "${input}" of action "${scope.action}" chooses the body format, so it must be json or xml.`, { action: scope.action, input });
}
