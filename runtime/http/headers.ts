/**
 * Request headers as the pipeline models them: each header knows where it came from, so a
 * cross-origin redirect can drop credentials and every Custom Header (SPEC rule 13), and a
 * redirect that turns into a GET can drop the body's headers.
 */
import { SiqError } from "../errors";
import type { ResolvedAuth } from "./auth/resolve-auth";

/**
 * - `standard`: set by the pipeline itself (Accept, User-Agent); kept on every hop;
 * - `content`: describes the body (Content-Type); dropped with the body;
 * - `custom`: from the Custom Headers input; dropped on a cross-origin hop;
 * - `credential`: from auth (Authorization, an API key header, X-As-User); dropped on a
 *   cross-origin hop.
 */
export type HeaderKind = "standard" | "content" | "custom" | "credential";

export interface RequestHeader {
  name: string;
  value: string;
  kind: HeaderKind;
}

/** Headers dropped on a cross-origin hop whatever their kind. */
const CROSS_ORIGIN_DROPPED = new Set(["authorization", "proxy-authorization", "cookie"]);

/** Headers that describe the body, dropped when a redirect turns the request into a GET. */
const BODY_HEADERS = new Set(["content-type", "content-length", "content-encoding", "content-language", "content-location", "transfer-encoding"]);

/** The pipeline sets these from the body itself; a value from the user would corrupt the framing. */
const FRAMING_HEADERS = new Set(["content-length", "transfer-encoding", "host", "connection", "keep-alive", "upgrade", "te", "trailer"]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Field values: visible ASCII, obs-text, spaces and tabs; never CR, LF or NUL (header injection).
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export const USER_AGENT = "siq-actions";

/** Fails with `HEADER_INVALID` (naming the header, never its value) when HTTP does not allow it. */
export function checkHeader(name: string, value: string, where = "Custom Headers"): void {
  if (!TOKEN.test(name)) {
    throw new SiqError("HEADER_INVALID", `The header name "${name.replace(/[^\x20-\x7e]/g, "?")}" in ${where} is not a valid HTTP header name (letters, digits and !#$%&'*+.^_\`|~- only).`, { input: where });
  }
  if (!FIELD_VALUE.test(value)) {
    throw new SiqError("HEADER_INVALID", `The value of header "${name}" in ${where} contains a line break or control character, which HTTP does not allow.`, { input: where });
  }
}

export interface HeaderParts {
  /** Credentials from {@link resolveAuth} (or built by the caller, e.g. a SmartIQ token). */
  auth?: ResolvedAuth | undefined;
  /** Custom Headers, in order. Repeated names are all sent. */
  custom?: ReadonlyArray<readonly [string, string]> | undefined;
  /** The body's content type; for multipart, undici adds it with the boundary. */
  contentType?: string | undefined;
  multipart?: boolean | undefined;
  /** More credential headers (for example X-As-User), dropped on a cross-origin hop. */
  credentials?: ReadonlyArray<readonly [string, string]> | undefined;
}

/**
 * The request's headers in sending order: standard, content, custom, credential.
 *
 * Precedence, most specific first: credentials set by the action's own auth inputs replace a
 * Custom Header of the same name; a Custom Header replaces a connection's credential of the same
 * name (the action's settings beat the connection's) and the body's Content-Type (so a user can
 * send `application/merge-patch+json`), except for multipart, whose boundary must stay ours.
 */
export function buildRequestHeaders(parts: HeaderParts): RequestHeader[] {
  // No custom headers and no credentials (most requests): the standard ones and the body's type.
  if ((parts.custom === undefined || parts.custom.length === 0) && (parts.auth === undefined || parts.auth.headers.length === 0) && (parts.credentials === undefined || parts.credentials.length === 0)) {
    const out: RequestHeader[] = [
      { name: "Accept", value: "*/*", kind: "standard" },
      { name: "User-Agent", value: USER_AGENT, kind: "standard" },
    ];
    if (parts.contentType !== undefined && !parts.multipart) out.push({ name: "Content-Type", value: parts.contentType, kind: "content" });
    return out;
  }
  const custom: RequestHeader[] = [];
  for (const [name, value] of parts.custom ?? []) {
    checkHeader(name, value);
    const lower = name.toLowerCase();
    if (FRAMING_HEADERS.has(lower)) continue;
    if (lower === "content-type" && parts.multipart) continue;
    custom.push({ name, value, kind: "custom" });
  }
  const customNames = new Set(custom.map((header) => header.name.toLowerCase()));

  const credential: RequestHeader[] = [];
  const actionAuth = parts.auth?.source === "action";
  for (const [name, value] of [...(parts.auth?.headers ?? []), ...(parts.credentials ?? [])]) {
    checkHeader(name, value, "auth");
    credential.push({ name, value, kind: "credential" });
  }
  const credentialNames = new Set(credential.map((header) => header.name.toLowerCase()));

  const out: RequestHeader[] = [];
  if (!customNames.has("accept")) out.push({ name: "Accept", value: "*/*", kind: "standard" });
  if (!customNames.has("user-agent")) out.push({ name: "User-Agent", value: USER_AGENT, kind: "standard" });
  if (parts.contentType !== undefined && !parts.multipart && !customNames.has("content-type")) {
    out.push({ name: "Content-Type", value: parts.contentType, kind: "content" });
  }
  for (const header of custom) {
    if (actionAuth && credentialNames.has(header.name.toLowerCase())) continue;
    out.push(header);
  }
  for (const header of credential) {
    if (!actionAuth && customNames.has(header.name.toLowerCase())) continue;
    out.push(header);
  }
  return out;
}

/** The headers that may cross to another origin (SPEC rule 13). */
export function crossOriginHeaders(headers: readonly RequestHeader[]): RequestHeader[] {
  return headers.filter((header) => header.kind !== "custom" && header.kind !== "credential" && !CROSS_ORIGIN_DROPPED.has(header.name.toLowerCase()));
}

/** The headers left when a redirect drops the body. */
export function withoutBodyHeaders(headers: readonly RequestHeader[]): RequestHeader[] {
  return headers.filter((header) => header.kind !== "content" && !BODY_HEADERS.has(header.name.toLowerCase()));
}

/** The first value of a header, by name ignoring case. */
export function findHeader(headers: readonly RequestHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((header) => header.name.toLowerCase() === lower)?.value;
}

/** Flattens headers for undici, which keeps order and repeats from a flat name/value array. */
export function toUndiciHeaders(headers: readonly RequestHeader[]): string[] {
  const out: string[] = [];
  for (const header of headers) out.push(header.name, header.value);
  return out;
}

/**
 * Response headers as the Response Headers output shows them (SPEC rule 15): lower-case names,
 * repeated headers joined with `, ` (Set-Cookie too, so the output stays one object of text).
 */
export function normalizeResponseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    const text = Array.isArray(value) ? value.join(", ") : value;
    out[lower] = out[lower] === undefined ? text : `${out[lower]}, ${text}`;
  }
  return out;
}
