/**
 * Requests to token endpoints: OAuth 2.0 (RFC 6749 client credentials and password grants)
 * and the SmartIQ login (`POST /api/v1/admin/login/forms`).
 *
 * Client authentication (RFC 6749 section 2.3.1): HTTP Basic first, the method every server must
 * accept, with id and secret form-encoded as the RFC says; when the server refuses it (401, or
 * 400 `invalid_client`/`invalid_request`/`unauthorized_client`, as servers configured for
 * `client_secret_post` answer), once more with `client_id`/`client_secret` in the form body.
 * Between them the two cover the common servers (Azure AD, Okta, Auth0, Keycloak, Google).
 */
import { SiqError } from "../../errors";
import { maskedExcerpt, type Redactor } from "../../redact";
import { buildRequestHeaders } from "../headers";
import type { HttpRequest, HttpResponse } from "../request";
import { displayUrl } from "../url";
import type { FetchedToken } from "./token-cache";

/** Sends one request through the pipeline (sendRequest with the caller's options bound). */
export type Send = (request: HttpRequest) => Promise<HttpResponse>;

export interface OAuth2Config {
  tokenUrl: string;
  clientId: string;
  clientSecret?: string | undefined;
  scope?: string | undefined;
  /** Set for the password grant. */
  username?: string | undefined;
  password?: string | undefined;
}

const EXCERPT = 300;

/** Form encoding (application/x-www-form-urlencoded), as RFC 6749 appendix B asks. */
function formEncode(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, "+").replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function formBody(fields: ReadonlyArray<readonly [string, string | undefined]>): string {
  return fields
    .filter((field): field is readonly [string, string] => field[1] !== undefined)
    .map(([name, value]) => `${formEncode(name)}=${formEncode(value)}`)
    .join("&");
}

/** The token request as it is sent; `clientInBody` picks the client authentication. */
export function oauthTokenRequest(config: OAuth2Config, clientInBody: boolean): HttpRequest {
  const grant: Array<readonly [string, string | undefined]> =
    config.username !== undefined
      ? [["grant_type", "password"], ["username", config.username], ["password", config.password ?? ""]]
      : [["grant_type", "client_credentials"]];
  const scope = config.scope !== undefined && config.scope.trim() !== "" ? config.scope.trim() : undefined;
  const fields: Array<readonly [string, string | undefined]> = [...grant, ["scope", scope]];
  const credentials: Array<readonly [string, string]> = [];
  if (clientInBody || config.clientSecret === undefined) {
    fields.push(["client_id", config.clientId], ["client_secret", config.clientSecret]);
  } else {
    const basic = Buffer.from(`${formEncode(config.clientId)}:${formEncode(config.clientSecret)}`, "utf8").toString("base64");
    credentials.push(["Authorization", `Basic ${basic}`]);
  }
  const headers = buildRequestHeaders({
    contentType: "application/x-www-form-urlencoded",
    custom: [["Accept", "application/json"]],
    credentials,
  });
  return { method: "POST", url: config.tokenUrl, headers, body: formBody(fields) };
}

/** Gets a token from an OAuth 2.0 token endpoint, or fails with `OAUTH_TOKEN_FAILED`. */
export async function requestOAuthToken(config: OAuth2Config, send: Send, redactor?: Redactor): Promise<FetchedToken> {
  const viaBasic = config.clientSecret !== undefined;
  let response = await send(oauthTokenRequest(config, !viaBasic));
  if (viaBasic && refusedClientAuth(response)) response = await send(oauthTokenRequest(config, true));
  const fields = parseTokenResponse(response);
  if (response.status < 200 || response.status >= 300) {
    const error = typeof fields?.["error"] === "string" ? fields["error"] : undefined;
    const description = typeof fields?.["error_description"] === "string" ? fields["error_description"] : undefined;
    const said = error !== undefined ? [error, description].filter((part) => part !== undefined).join(": ") : maskedExcerpt(response.body, EXCERPT, redactor);
    const hint =
      response.status === 401 || error === "invalid_client"
        ? "Check OAuth 2.0 Client Id and OAuth Client Secret (or the connection's clientId and clientSecret)."
        : error === "invalid_grant"
          ? "Check OAuth 2.0 Username and OAuth 2.0 Password (or the connection's username and password)."
          : error === "invalid_scope"
            ? "Check OAuth 2.0 Scope."
            : "Check the OAuth 2.0 settings and that the token endpoint is available.";
    throw new SiqError(
      "OAUTH_TOKEN_FAILED",
      mask(`The OAuth 2.0 token request to ${displayUrl(config.tokenUrl, redactor)} was refused with ${response.status}${said === "" ? "" : `: ${said}`}. ${hint}`, redactor),
      { retryable: response.status >= 500 || response.status === 429, details: { status: response.status, ...(error === undefined ? {} : { error }) } },
    );
  }
  const token = fields?.["access_token"];
  if (typeof token !== "string" || token === "") {
    throw new SiqError("OAUTH_TOKEN_FAILED", `The OAuth 2.0 token endpoint ${displayUrl(config.tokenUrl, redactor)} answered ${response.status} without an access_token; check OAuth 2.0 Token URL.`, {
      details: { status: response.status },
    });
  }
  redactor?.addSecret(token);
  const refresh = fields?.["refresh_token"];
  if (typeof refresh === "string") redactor?.addSecret(refresh);
  const expires = Number(fields?.["expires_in"]);
  return { token, expiresInSeconds: Number.isFinite(expires) && expires > 0 ? expires : undefined };
}

function refusedClientAuth(response: HttpResponse): boolean {
  if (response.status === 401) return true;
  if (response.status !== 400) return false;
  const error = parseTokenResponse(response)?.["error"];
  return error === "invalid_client" || error === "invalid_request" || error === "unauthorized_client";
}

/** Token responses are JSON (RFC 6749); a few servers answer form-encoded, so that is read too. */
function parseTokenResponse(response: HttpResponse): Record<string, unknown> | undefined {
  const type = (response.headers["content-type"] ?? "").toLowerCase();
  if (type.includes("x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(response.body));
  try {
    const parsed = JSON.parse(response.body) as unknown;
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The SmartIQ login request of a `login` connection. */
export function loginRequest(loginUrl: string, username: string, password: string): HttpRequest {
  return {
    method: "POST",
    url: loginUrl,
    headers: buildRequestHeaders({ contentType: "application/json; charset=utf-8", custom: [["Accept", "application/json"]] }),
    body: JSON.stringify({ username, password }),
  };
}

/** Logs in to SmartIQ and returns `authorizationToken`, or fails with `LOGIN_FAILED`. */
export async function requestLoginToken(loginUrl: string, username: string, password: string, send: Send, redactor?: Redactor): Promise<FetchedToken> {
  const response = await send(loginRequest(loginUrl, username, password));
  const fields = parseTokenResponse(response);
  if (response.status < 200 || response.status >= 300) {
    const said = typeof fields?.["message"] === "string" ? fields["message"] : maskedExcerpt(response.body, EXCERPT, redactor);
    throw new SiqError(
      "LOGIN_FAILED",
      mask(`The SmartIQ login at ${displayUrl(loginUrl, redactor)} was refused with ${response.status}${said === "" ? "" : `: ${said}`}. Check the smartiq connection's auth username and password.`, redactor),
      { retryable: response.status >= 500 || response.status === 429, details: { status: response.status } },
    );
  }
  const token = fields?.["authorizationToken"];
  if (typeof token !== "string" || token === "") {
    throw new SiqError("LOGIN_FAILED", `The SmartIQ login at ${displayUrl(loginUrl, redactor)} answered ${response.status} without an authorizationToken; check the smartiq connection's baseUrl.`, {
      details: { status: response.status },
    });
  }
  redactor?.addSecret(token);
  const expires = Number(fields?.["expiresIn"] ?? fields?.["expires_in"]);
  return { token, expiresInSeconds: Number.isFinite(expires) && expires > 0 ? expires : undefined };
}

function mask(text: string, redactor: Redactor | undefined): string {
  return redactor ? redactor.maskText(text) : text;
}
