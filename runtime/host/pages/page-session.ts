/**
 * The form pages' session: the host's own token in an HttpOnly, SameSite=Strict cookie, so no
 * script on the page can read it and no page URL or storage ever holds it.
 *
 * The cookie is honoured only by the few API routes the pages call (route config
 * `pageSession`), and only when no Authorization header is sent: bearer clients work exactly as
 * before. A state-changing request signed in by the cookie must also carry the CSRF token
 * (an HMAC of the session token under the host's key, read from GET /ui/session, which other
 * sites cannot read) and must not come from another site (Sec-Fetch-Site, Origin).
 */
import { timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { ApiError } from "../api-error";
import type { HostTokens } from "../host-tokens";

export const SESSION_COOKIE = "siq_session";
export const CSRF_HEADER = "x-csrf-token";
const CSRF_PURPOSE = "csrf";

declare module "fastify" {
  interface FastifyContextConfig {
    /** An API route the form pages call: it accepts the session cookie (with CSRF checks) as well as a bearer token. */
    pageSession?: boolean;
    /** false: no audit record (the pages' static files); the request log still has the request. */
    audit?: boolean;
  }
}

/** The session token from the request's cookie, if it has one. */
export function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== "string") return undefined;
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at < 0) continue;
    if (part.slice(0, at).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(at + 1).trim();
    return value === "" ? undefined : value;
  }
  return undefined;
}

/** The CSRF token of a session: derived, so the host stores nothing and it ends with the session. */
export function csrfTokenFor(tokens: HostTokens, token: string): string {
  return tokens.bound(CSRF_PURPOSE, token);
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The token of a cookie-signed request to a page-session route; throws 403 CSRF_INVALID when a
 * state-changing request lacks the session's CSRF token or comes from another site.
 */
export function cookieSessionToken(tokens: HostTokens, request: FastifyRequest): string | undefined {
  const token = sessionToken(request);
  if (token === undefined) return undefined;
  if (!SAFE_METHODS.has(request.method)) {
    requireSameOrigin(request);
    const given = request.headers[CSRF_HEADER];
    const expected = Buffer.from(csrfTokenFor(tokens, token));
    const actual = Buffer.from(typeof given === "string" ? given : "");
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      throw new ApiError(403, "CSRF_INVALID", `A request signed in by the form pages' session must carry its ${CSRF_HEADER} header; reload the page and try again.`);
    }
  }
  return token;
}

/**
 * Refuses requests a browser marks as coming from another site (Sec-Fetch-Site), or whose
 * Origin is not this host as the browser addressed it. Clients that send neither (curl) pass:
 * they are not a victim's browser.
 */
export function requireSameOrigin(request: FastifyRequest): void {
  const site = request.headers["sec-fetch-site"];
  if (typeof site === "string" && site !== "same-origin") {
    throw new ApiError(403, "CSRF_INVALID", "The form pages' session cannot be used from another site.");
  }
  const origin = request.headers.origin;
  if (typeof origin === "string" && origin !== `${request.protocol}://${request.headers.host ?? ""}`) {
    throw new ApiError(403, "CSRF_INVALID", "The form pages' session cannot be used from another site.");
  }
}

/** Set-Cookie for a new session: HttpOnly, SameSite=Strict, for as long as the token lasts. */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? "; Secure" : ""}`;
}

/** Set-Cookie that ends the session in the browser. */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? "; Secure" : ""}`;
}
