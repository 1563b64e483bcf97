/**
 * What the two Users APIs (v1 SUser and v2 User, seeds formsfly-suser-api-v1.txt and
 * users-api-v2.txt) share: the `format` query parameter, JSON or XML bodies, the XML namespace,
 * and the ResponseStatus error shape.
 *
 * Both seeds show a .NET ServiceStack service: the response namespace is
 * "http://schemas.servicestack.net/types" and errors come as ResponseStatus { ErrorCode, Message,
 * Errors[] of ResponseError { ErrorCode, FieldName, Message } }. Where the seeds are silent
 * (status codes, error codes, element order), the stand-ins follow ServiceStack's conventions:
 * elements in alphabetical order, null members left out, 400 for validation with the first
 * field error's code and message at the top, 401 for bad credentials, 404 for unknown users.
 */
import { DOMParser } from "@xmldom/xmldom";
import type { Element as XmlElement } from "@xmldom/xmldom";
import type { StandInReply, StandInRequest } from "./stand-in-kit";
import { isRecord, queryIgnoringCase } from "./stand-in-kit";

export const SERVICE_STACK_NAMESPACE = "http://schemas.servicestack.net/types";
const XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance";

export type Format = "json" | "xml";

// A type alias (not an interface) so it is assignable to Member's index signature.
export type ResponseError = {
  ErrorCode: string;
  FieldName: string;
  Message: string;
};

/** A member value of a response object; undefined and null members are left out. */
export type Member = string | number | boolean | null | undefined | Member[] | { [name: string]: Member };

/**
 * The response format from the `format` query parameter: "The format query string parameter
 * controls the desired response format. Specify either xml or json." It is "Required: Yes", so a
 * missing or other value is refused (400), answered in JSON unless the Accept header asks for XML.
 */
export function negotiateFormat(request: StandInRequest, rootName: string): Format | StandInReply {
  const value = queryIgnoringCase(request.query, "format")?.trim().toLowerCase();
  if (value === "json" || value === "xml") return value;
  const fallback: Format = /\bxml\b/i.test(String(request.headers.accept ?? "")) ? "xml" : "json";
  const error: ResponseError =
    value === undefined || value === ""
      ? { ErrorCode: "NotEmpty", FieldName: "Format", Message: "'Format' must not be empty." }
      : { ErrorCode: "Invalid", FieldName: "Format", Message: "'Format' must be either JSON or XML." };
  return errorReply(fallback, 400, rootName, error.ErrorCode, error.Message, [error]);
}

/** A response object `{ [member]: value }` written as JSON or as `<rootName>` XML. */
export function reply(format: Format, status: number, rootName: string, members: Record<string, Member>, arrayItems: Record<string, string>): StandInReply {
  if (format === "json") {
    return { status, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(dropNulls(members)) };
  }
  const inner = writeMembers(members, arrayItems);
  const body = `<?xml version="1.0" encoding="utf-8"?><${rootName} xmlns:i="${XSI_NAMESPACE}" xmlns="${SERVICE_STACK_NAMESPACE}">${inner}</${rootName}>`;
  return { status, headers: { "content-type": "application/xml; charset=utf-8" }, body };
}

/** A failure: the response object holding only ResponseStatus, in the requested format. */
export function errorReply(format: Format, status: number, rootName: string, errorCode: string, message: string, errors: ResponseError[] = []): StandInReply {
  return reply(format, status, rootName, { ResponseStatus: { ErrorCode: errorCode, Message: message, Errors: errors } }, { Errors: "ResponseError" });
}

/** A validation failure: ServiceStack puts the first field error's code and message at the top. */
export function validationReply(format: Format, rootName: string, errors: ResponseError[]): StandInReply {
  const first = errors[0] ?? { ErrorCode: "Invalid", FieldName: "", Message: "The request is not valid." };
  return errorReply(format, 400, rootName, first.ErrorCode, first.Message, errors);
}

function dropNulls(value: Member): Member {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (isRecord(value)) {
    const out: Record<string, Member> = {};
    for (const [key, member] of Object.entries(value as Record<string, Member>)) {
      if (member !== null && member !== undefined) out[key] = dropNulls(member);
    }
    return out;
  }
  return value;
}

function writeMembers(members: Record<string, Member>, arrayItems: Record<string, string>): string {
  let out = "";
  for (const [name, value] of Object.entries(members)) {
    if (value === null || value === undefined) continue;
    out += writeElement(name, value, arrayItems);
  }
  return out;
}

function writeElement(name: string, value: Member, arrayItems: Record<string, string>): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) {
    // The seed writes a GUID list as <Folders><Id>...</Id></Folders>, objects as <SUserDevices><SUserDevice>.
    const item = arrayItems[name] ?? "item";
    return `<${name}>${value.map((entry) => writeElement(item, entry, arrayItems)).join("")}</${name}>`;
  }
  if (typeof value === "object") return `<${name}>${writeMembers(value, arrayItems)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c] ?? ""};`);
}

/** A parsed request body: members by name; XML leaves are text, XML lists are arrays of text or members. */
export type RequestBody = { ok: true; members: Record<string, unknown>; format: Format } | { ok: false; message: string; status: number };

/**
 * Reads a JSON or XML request body by its Content-Type. An XML body must be the request type's
 * element (`<SUser>`) in the ServiceStack namespace, as a .NET DataContract service requires;
 * element order does not matter here (a real DataContract reader wants alphabetical order, which
 * is why the connectors write members alphabetically). Elements listed in `lists` are lists of
 * their child elements, whatever the children are named.
 */
export function readRequestBody(request: StandInRequest, rootName: string, lists: ReadonlySet<string>): RequestBody {
  const contentType = String(request.headers["content-type"] ?? "").toLowerCase();
  const text = request.body.toString("utf8");
  if (text.trim() === "") return { ok: false, status: 400, message: "The request body is empty." };
  if (contentType.includes("json")) {
    try {
      const value: unknown = JSON.parse(text);
      if (!isRecord(value)) return { ok: false, status: 400, message: "The request body must be a JSON object." };
      return { ok: true, members: value, format: "json" };
    } catch {
      return { ok: false, status: 400, message: "The request body is not valid JSON." };
    }
  }
  if (contentType.includes("xml")) {
    let root: XmlElement | null = null;
    try {
      const document = new DOMParser({ onError: (level, message) => { if (level !== "warning") throw new Error(message); } }).parseFromString(text, "application/xml");
      root = document.documentElement;
    } catch {
      root = null;
    }
    if (!root) return { ok: false, status: 400, message: "The request body is not well-formed XML." };
    if (root.localName !== rootName || root.namespaceURI !== SERVICE_STACK_NAMESPACE) {
      return { ok: false, status: 400, message: `Expected element '${rootName}' in namespace '${SERVICE_STACK_NAMESPACE}'.` };
    }
    return { ok: true, members: readXmlMembers(root, lists), format: "xml" };
  }
  return { ok: false, status: 415, message: "Send the body as application/json or application/xml." };
}

function childElements(element: XmlElement): XmlElement[] {
  const children: XmlElement[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1) children.push(node as XmlElement);
  }
  return children;
}

function readXmlMembers(element: XmlElement, lists: ReadonlySet<string>): Record<string, unknown> {
  const members: Record<string, unknown> = {};
  for (const child of childElements(element)) {
    const name = child.localName ?? child.nodeName;
    if (child.getAttributeNS(XSI_NAMESPACE, "nil") === "true") members[name] = null;
    else if (lists.has(name)) {
      members[name] = childElements(child).map((item) => (childElements(item).length > 0 ? readXmlMembers(item, lists) : (item.textContent ?? "")));
    } else if (childElements(child).length > 0) members[name] = readXmlMembers(child, lists);
    else members[name] = child.textContent ?? "";
  }
  return members;
}

/** A boolean member: JSON true/false, or XML text "true"/"false". */
export function readBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  return undefined;
}

/** An integer member: a JSON integer, or XML text of digits. */
export function readInteger(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** The seed's DateTime form "YYYY-MM-DDTHH:MI:SS", UTC, 24-hour. */
export function formatDateTime(date: Date): string {
  return date.toISOString().slice(0, 19);
}
