/**
 * What every route of the host shares: the directory, tokens, the login throttle, the inbox,
 * the pipelines folder and the runtime that runs them, and the per-request state (who is
 * calling, as whom) that permission checks, the audit log and the request log read.
 */
import { setMaxListeners } from "node:events";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Clock, DirectoryUserSummary, Logger, Permission } from "../context";
import type { SqliteDirectory } from "../directory";
import type { Runtime } from "../runtime";
import { ApiError } from "./api-error";
import type { HostTokens } from "./host-tokens";
import type { Inbox } from "./inbox";
import type { LoginThrottle } from "./login-throttle";
import type { PipelinesFolder } from "./pipelines-folder";
import { toXml, type XmlShape } from "./xml";

/** Who a request comes from, filled in as it is authenticated. */
export interface RequestState {
  /** The token's user. */
  caller: DirectoryUserSummary | undefined;
  /** The user of X-As-User, once the impersonation was allowed. */
  asUser: DirectoryUserSummary | undefined;
  /** X-As-User as sent (trimmed, shortened), for the audit log of denied impersonations. */
  asUserHeader: string | undefined;
  /** The username a login attempt named. */
  loginName: string | undefined;
  /** The error code the request ended with, if any. */
  errorCode: string | undefined;
}

declare module "fastify" {
  interface FastifyRequest {
    siq: RequestState;
  }
  interface FastifyContextConfig {
    /** The route needs no token (login). */
    public?: boolean;
  }
}

export interface HostContext {
  directory: SqliteDirectory;
  tokens: HostTokens;
  throttle: LoginThrottle;
  clock: Clock;
  inbox: Inbox;
  pipelines: PipelinesFolder | undefined;
  /** The runtime for pipeline runs (created once the host knows its own URL). */
  runtime(): Runtime;
  logger: Logger;
}

const connectionSignals = new WeakMap<object, AbortSignal>();

/**
 * A signal that aborts when the request's connection closes: a caller that goes away cancels
 * the runs it started and has not had the answer of. One per connection rather than one per
 * request (creating an AbortSignal and its first listener costs about 4 µs on Node 20, a
 * visible share of a run through the host); requests on one connection come one after another,
 * and the request pipeline removes its listeners when each request ends. A connection carrying
 * pipelined requests may hold more than ten listeners at once, which is not a leak.
 */
export function connectionSignal(request: FastifyRequest): AbortSignal {
  const socket = request.raw.socket;
  let signal = connectionSignals.get(socket);
  if (!signal) {
    const controller = new AbortController();
    signal = controller.signal;
    setMaxListeners(0, signal);
    socket.once("close", () => controller.abort(new Error("The caller closed the connection.")));
    connectionSignals.set(socket, signal);
  }
  return signal;
}

/** The user a request acts as: the impersonated user, else the caller. */
export function actingUser(request: FastifyRequest): DirectoryUserSummary {
  const user = request.siq.asUser ?? request.siq.caller;
  if (!user) throw new ApiError(401, "AUTH_REQUIRED", "This endpoint needs a bearer token; log in first (POST /api/v1/admin/login/forms).");
  return user;
}

/** Throws 403 PERMISSION_DENIED unless the acting user holds the permission. */
export function requirePermission(host: HostContext, request: FastifyRequest, permission: Permission, what: string): DirectoryUserSummary {
  const user = actingUser(request);
  if (!host.directory.hasPermission(user.guid, permission)) {
    const as = request.siq.asUser ? ` (impersonated by "${request.siq.caller?.username ?? "?"}")` : "";
    throw new ApiError(403, "PERMISSION_DENIED", `"${user.username}"${as} may not ${what}: it needs the ${permission} permission, through a role of one of the user's groups.`);
  }
  return user;
}

/** True when `?format=xml` was asked for. */
export function wantsXml(request: FastifyRequest): boolean {
  const at = request.url.indexOf("?");
  if (at < 0) return false;
  return new URLSearchParams(request.url.slice(at + 1)).get("format")?.toLowerCase() === "xml";
}

/** Sends a value as JSON, or as XML when asked. */
export function respond(request: FastifyRequest, reply: FastifyReply, status: number, value: unknown, shape: XmlShape): FastifyReply {
  reply.code(status);
  if (wantsXml(request)) return reply.type("application/xml; charset=utf-8").send(toXml(value, shape));
  return reply.type("application/json; charset=utf-8").send(JSON.stringify(value));
}

/** The request's path without its query. */
export function pathOf(request: FastifyRequest): string {
  const at = request.url.indexOf("?");
  return at < 0 ? request.url : request.url.slice(0, at);
}
