/**
 * The form pages: a sign-in page, the list of the pipelines folder, and a form per pipeline,
 * rendered in the browser from the pipeline's questions. Static HTML, CSS and JavaScript
 * committed beside this file (no build step, nothing fetched from elsewhere), served with a
 * strict Content-Security-Policy; the session is an HttpOnly cookie (see page-session.ts).
 *
 * - `GET /login`, `GET /`, `GET /pipelines/{name}`: the pages (the last two send a browser
 *   without a session to /login);
 * - `GET /assets/{file}`: their styles and scripts;
 * - `GET /ui/session` (who is signed in, and the CSRF token), `POST /ui/session`
 *   { username, password } (sign in: sets the cookie), `DELETE /ui/session` (sign out).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { DirectoryUserSummary } from "../../context";
import { ApiError } from "../api-error";
import type { HostContext } from "../host-context";
import { checkLogin } from "../routes/login-routes";
import { LOGIN_BODY } from "../schemas";
import { clearedSessionCookie, cookieSessionToken, csrfTokenFor, requireSameOrigin, sessionCookie, sessionToken } from "./page-session";
import { pageAsset, type PageAsset } from "./page-assets";

/**
 * Scripts and styles from this origin only, no inline code or style attributes, no plugins,
 * no framing, forms post only here; DOM sinks that parse HTML are off (Trusted Types with no
 * policy), which the pages never use: they build elements and set textContent.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join("; ");

const NO_QUERY = { type: "object", additionalProperties: false, properties: {} } as const;
/** The sign-in page takes where to go next (a path of this host). */
const LOGIN_QUERY = { type: "object", additionalProperties: false, properties: { next: { type: "string", maxLength: 300 } } } as const;

export function registerPageRoutes(app: FastifyInstance, host: HostContext): void {
  const page = { public: true } as const;
  const asset = { public: true, audit: false } as const;

  app.get("/login", { schema: { querystring: LOGIN_QUERY }, config: page }, async (_request, reply) => sendAsset(reply, pageAsset("sign-in.html")));

  app.get("/", { schema: { querystring: NO_QUERY }, config: page }, async (request, reply) => {
    if (!signedIn(host, request)) return reply.redirect("/login", 303);
    return sendAsset(reply, pageAsset("pipelines.html"));
  });

  app.get<{ Params: { name: string } }>("/pipelines/:name", { schema: { querystring: NO_QUERY }, config: page }, async (request, reply) => {
    if (!signedIn(host, request)) return reply.redirect(`/login?next=${encodeURIComponent(`/pipelines/${request.params.name}`)}`, 303);
    return sendAsset(reply, pageAsset("form.html"));
  });

  app.get<{ Params: { file: string } }>("/assets/:file", { schema: { querystring: NO_QUERY }, config: asset }, async (request, reply) => {
    const file = pageAsset(request.params.file);
    if (!file || file.page) throw new ApiError(404, "NOT_FOUND", `The form pages have no file "${request.params.file}".`);
    return sendAsset(reply, file);
  });

  app.get("/ui/session", { schema: { querystring: NO_QUERY }, config: page }, async (request, reply) => {
    const token = sessionToken(request);
    const user = token === undefined ? undefined : verified(host, request, token);
    if (token === undefined || !user) throw new ApiError(401, "AUTH_REQUIRED", "Not signed in to the form pages; sign in at /login.");
    return sendSession(host, reply, user, token);
  });

  app.post<{ Body: { username: string; password: string } }>("/ui/session", { schema: { body: LOGIN_BODY, querystring: NO_QUERY }, config: page }, async (request, reply) => {
    // No session yet, so no CSRF token: another site must not sign a browser in to an account of its choosing.
    requireSameOrigin(request);
    const user = await checkLogin(host, request, request.body.username, request.body.password);
    request.siq.caller = user;
    const issued = host.tokens.issue(user, "session");
    reply.header("set-cookie", sessionCookie(issued.token, host.tokens.lifetimeSeconds, request.protocol === "https"));
    return sendSession(host, reply, user, issued.token);
  });

  app.delete("/ui/session", { schema: { querystring: NO_QUERY }, config: page }, async (request, reply) => {
    // Signing out changes state too: same site, with the session's CSRF token.
    const token = cookieSessionToken(host.tokens, request);
    // The session is revoked, not only forgotten by this browser: a copy of the cookie dies too.
    if (token !== undefined && verified(host, request, token)) host.tokens.revoke(token, "session");
    reply.header("set-cookie", clearedSessionCookie(request.protocol === "https"));
    return reply.code(204).send();
  });
}

/** True when the request's session cookie holds a valid token; names the user in the audit record. */
function signedIn(host: HostContext, request: FastifyRequest): boolean {
  const token = sessionToken(request);
  return token !== undefined && verified(host, request, token) !== undefined;
}

function verified(host: HostContext, request: FastifyRequest, token: string): DirectoryUserSummary | undefined {
  try {
    request.siq.caller = host.tokens.verify(token, "session");
    return request.siq.caller;
  } catch {
    return undefined;
  }
}

function sendSession(host: HostContext, reply: FastifyReply, user: DirectoryUserSummary, token: string): FastifyReply {
  const expiresAt = new Date(host.tokens.claims(token).exp * 1000).toISOString();
  return reply
    .code(200)
    .type("application/json; charset=utf-8")
    .send(JSON.stringify({ username: user.username, expiresAt, csrfToken: csrfTokenFor(host.tokens, token) }));
}

function sendAsset(reply: FastifyReply, file: PageAsset | undefined): FastifyReply {
  if (!file) throw new ApiError(404, "NOT_FOUND", "The form pages' files are missing from this installation.");
  reply.header("content-security-policy", PAGE_CSP);
  reply.header("x-frame-options", "DENY");
  reply.header("referrer-policy", "no-referrer");
  reply.header("cross-origin-opener-policy", "same-origin");
  reply.header("cross-origin-resource-policy", "same-origin");
  return reply.code(200).type(file.contentType).send(file.body);
}
