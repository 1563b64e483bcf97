/**
 * What the host writes about each request once it is answered: one audit record (every call,
 * allowed or denied, with the caller and the impersonated user) and one structured request log
 * line. Neither holds a header, a body, a token or a password; query parameters with sensitive
 * names are masked.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { AuditRecord } from "../context";
import { MASK, isSensitiveKey } from "../redact";

/** One line of the request log. */
export interface RequestLogEntry {
  time: string;
  level: "info" | "warn" | "error";
  event: "request";
  method: string;
  url: string;
  status: number;
  durationMs: number;
  /** The caller (token user), the login's username, or "anonymous". */
  user: string;
  asUser?: string;
  ip: string;
  code?: string;
}

const MAX_NAME = 256;

/** The host's own query parameters, which never hold a secret; every other value is masked. */
const LOGGED_PARAMS = new Set(["format", "skip", "top", "next"]);

/**
 * The URL as logged: path and query, every query value masked but the host's own parameters'.
 * A caller may put anything in a query (an `?apikey=` meant for another service, a token under
 * a name no list foresees), and the request is refused with QUERY_INVALID, but the log keeps it.
 */
export function maskedUrl(url: string): string {
  const at = url.indexOf("?");
  if (at < 0) return url;
  const params = new URLSearchParams(url.slice(at + 1));
  let masked = false;
  for (const [name, value] of params) {
    if (value !== "" && value !== MASK && (!LOGGED_PARAMS.has(name) || isSensitiveKey(name))) {
      params.set(name, MASK);
      masked = true;
    }
  }
  return masked ? `${url.slice(0, at)}?${params.toString()}` : url;
}

function shorten(text: string): string {
  return text.length > MAX_NAME ? `${text.slice(0, MAX_NAME)}…` : text;
}

export function whoCalled(request: FastifyRequest): { user: string; asUser: string | undefined } {
  const state = request.siq;
  const user = state.caller?.username ?? (state.loginName !== undefined ? shorten(state.loginName) : "anonymous");
  const asUser = state.asUser?.username ?? state.asUserHeader;
  return { user, asUser };
}

export function auditRecordOf(request: FastifyRequest, reply: FastifyReply, time: Date): AuditRecord {
  const { user, asUser } = whoCalled(request);
  const record: AuditRecord = {
    time: time.toISOString(),
    event: request.siq.loginName !== undefined ? "host.login" : "host.request",
    user,
    method: request.method,
    url: maskedUrl(request.url),
    status: reply.statusCode,
  };
  if (asUser !== undefined) record.asUser = asUser;
  if (request.siq.errorCode !== undefined) record.detail = request.siq.errorCode;
  return record;
}

export function logEntryOf(request: FastifyRequest, reply: FastifyReply, time: Date): RequestLogEntry {
  const { user, asUser } = whoCalled(request);
  const status = reply.statusCode;
  const entry: RequestLogEntry = {
    time: time.toISOString(),
    level: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
    event: "request",
    method: request.method,
    url: maskedUrl(request.url),
    status,
    durationMs: Math.round(reply.elapsedTime * 10) / 10,
    user,
    ip: request.ip,
  };
  if (asUser !== undefined) entry.asUser = asUser;
  if (request.siq.errorCode !== undefined) entry.code = request.siq.errorCode;
  return entry;
}
