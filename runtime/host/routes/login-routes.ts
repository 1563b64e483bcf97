/**
 * `POST /api/v1/admin/login/forms` { username, password } → { authorizationToken, expiresAt };
 * `POST /api/v1/admin/logout` signs the bearer token out (204): it is refused from then on.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { DirectoryUser } from "../../directory";
import { ApiError } from "../api-error";
import { respond, type HostContext } from "../host-context";
import { bearerToken } from "../host-tokens";
import { FORMAT_QUERY, LOGIN_BODY } from "../schemas";

export const LOGIN_PATH = "/api/v1/admin/login/forms";
export const LOGOUT_PATH = "/api/v1/admin/logout";

export function registerLoginRoutes(app: FastifyInstance, host: HostContext): void {
  app.post<{ Body: { username: string; password: string } }>(
    LOGIN_PATH,
    { schema: { body: LOGIN_BODY, querystring: FORMAT_QUERY }, config: { public: true } },
    async (request, reply) => {
      const user = await checkLogin(host, request, request.body.username, request.body.password);
      const issued = host.tokens.issue(user);
      return respond(request, reply, 200, { authorizationToken: issued.token, expiresAt: issued.expiresAt.toISOString() }, { root: "Login" });
    },
  );

  // Authenticated like every other call (so a bad token is 401 and audited); the token revoked is
  // the caller's own, whatever X-As-User says.
  app.post(LOGOUT_PATH, { schema: { querystring: FORMAT_QUERY } }, async (request, reply) => {
    const token = bearerToken(request.headers.authorization);
    if (token !== undefined) host.tokens.revoke(token);
    return reply.code(204).send();
  });
}

/**
 * A login attempt, throttled per username and per address (the API's login and the form pages'
 * sign-in share it): the user, or ApiError 429 LOGIN_LOCKED / 401 CREDENTIALS_INVALID.
 */
export async function checkLogin(host: HostContext, request: FastifyRequest, username: string, password: string): Promise<DirectoryUser> {
  request.siq.loginName = username;
  const lockout = host.throttle.check(username, request.ip);
  if (lockout) {
    const seconds = Math.max(1, Math.ceil(lockout.retryAfterMs / 1000));
    const what = lockout.scope === "username" ? `for "${username}"` : "from your address";
    throw new ApiError(429, "LOGIN_LOCKED", `Too many failed logins ${what}; try again in ${seconds} s.`, { headers: { "retry-after": String(seconds) } });
  }
  const user = await host.directory.verifyPassword(username, password);
  if (!user) {
    host.throttle.failed(username, request.ip);
    throw new ApiError(401, "CREDENTIALS_INVALID", "The username or password is wrong, or the account is disabled.");
  }
  host.throttle.succeeded(username);
  return user;
}
