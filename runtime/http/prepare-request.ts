/**
 * Assembles the request an HTTP action sends from its bound inputs: URL joined to the
 * connection, body by the precedence of SPEC 5.1, headers by the precedence of
 * {@link buildRequestHeaders}, credentials from {@link resolveAuth}. Nothing is sent here, so a
 * refused body (Request Schema) sends nothing.
 */
import { SiqError } from "../errors";
import type { ResolvedAuth } from "./auth/resolve-auth";
import { buildRequestBody, type BodyHooks, type BodyInputs } from "./body";
import { buildRequestHeaders } from "./headers";
import type { HttpRequest } from "./request";
import { joinUrl } from "./url";

const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface RequestParts {
  /** The URL input: absolute, or relative to `baseUrl`. */
  url: string;
  /** The connection's base URL, when the action names a connection. */
  baseUrl?: string | undefined;
  /** HTTP Method; default POST (SPEC 5.1). */
  method?: string | undefined;
  /** Custom Headers, in order. */
  customHeaders?: ReadonlyArray<readonly [string, string]> | undefined;
  body?: BodyInputs | undefined;
  auth?: ResolvedAuth | undefined;
  /** More credential headers (for example X-As-User), dropped on a cross-origin hop. */
  credentials?: ReadonlyArray<readonly [string, string]> | undefined;
}

export function prepareRequest(parts: RequestParts, hooks: BodyHooks = {}): HttpRequest {
  const method = (parts.method ?? "POST").trim().toUpperCase() || "POST";
  if (!METHOD.test(method)) {
    throw new SiqError("INPUT_CONVERSION", `HTTP Method "${method}" is not an HTTP method; use GET, POST, PUT, DELETE or PATCH.`, { input: "HTTP Method" });
  }
  const url = joinUrl(parts.baseUrl, parts.url);
  const body = buildRequestBody(parts.body ?? {}, hooks);
  const headers = buildRequestHeaders({
    auth: parts.auth,
    custom: parts.customHeaders,
    contentType: body?.contentType,
    multipart: body?.kind === "multipart",
    credentials: parts.credentials,
  });
  const request: HttpRequest = { method, url, headers, body: body?.body };
  if (parts.auth && parts.auth.query.length > 0) request.credentialQuery = parts.auth.query;
  return request;
}
