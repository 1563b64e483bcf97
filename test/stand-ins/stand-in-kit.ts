/**
 * The small shared machinery of the stand-in servers: one routing table per server, request
 * bodies, JSON and XML replies, listening on 127.0.0.1 port 0 and closing.
 *
 * Stand-ins behave as the vendor documents describe (../shared/seeds/); everything
 * vendor-specific lives in each server's module, never here.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A running stand-in: its base URL, its in-memory state (seed it, inspect it), and close(). */
export interface StandIn<State> {
  /** The base URL to put in a connection, without a trailing slash. */
  url: string;
  state: State;
  close(): Promise<void>;
}

/** What a route handler sees of a request. */
export interface StandInRequest {
  /** A fresh id for this request, for APIs that quote one back (insightIQ's request-id). */
  id: string;
  method: string;
  /** The path below the server's mount prefix, still percent-encoded. */
  path: string;
  /** The full request URL (for links). */
  url: URL;
  /** Query parameters (each name's first value); names as sent. */
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The route pattern's capture groups, percent-decoded. */
  params: string[];
  body: Buffer;
}

/** What a route handler answers. */
export interface StandInReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface Route {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Matched against the whole path below the prefix. */
  pattern: RegExp;
  handle(request: StandInRequest): StandInReply | Promise<StandInReply>;
}

export interface ServeOptions {
  /** A path prefix the API is mounted under, for example "/v1"; it becomes part of the URL. */
  prefix?: string;
  /** Every reply (errors included) goes through this first, for headers every response carries. */
  decorate?: (reply: StandInReply, request: StandInRequest) => StandInReply;
  /** Reply when no route's pattern matches the path. */
  notFound(request: StandInRequest): StandInReply;
  /** Reply when a pattern matches but not with this method. */
  methodNotAllowed?(request: StandInRequest): StandInReply;
  /** Larger request bodies fail the request (default 1 MB). */
  maxBodyBytes?: number;
}

/** Starts a server on 127.0.0.1 port 0 that dispatches through `routes` in order. */
export async function serve<State>(state: State, routes: readonly Route[], options: ServeOptions): Promise<StandIn<State>> {
  const prefix = options.prefix ?? "";
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;

  const server = createServer((incoming, outgoing) => {
    void handle(incoming, outgoing);
  });

  async function handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const url = new URL(incoming.url ?? "/", `http://${incoming.headers.host ?? "127.0.0.1"}`);
    const request: StandInRequest = {
      id: randomUUID(),
      method: (incoming.method ?? "GET").toUpperCase(),
      path: url.pathname,
      url,
      query: url.searchParams,
      headers: incoming.headers,
      params: [],
      body: Buffer.alloc(0),
    };
    let reply: StandInReply;
    try {
      request.body = await readBody(incoming, maxBodyBytes);
      reply = await dispatch(request);
    } catch (error) {
      reply = { status: 500, headers: { "content-type": "text/plain" }, body: `stand-in failure: ${String(error)}` };
    }
    if (options.decorate) reply = options.decorate(reply, request);
    outgoing.writeHead(reply.status, reply.headers ?? {});
    outgoing.end(reply.body ?? "");
  }

  async function dispatch(request: StandInRequest): Promise<StandInReply> {
    if (!startsWithPrefix(request.url.pathname, prefix)) return options.notFound(request);
    request.path = request.url.pathname.slice(prefix.length) || "/";
    let pathMatched = false;
    for (const route of routes) {
      const match = route.pattern.exec(request.path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== request.method) continue;
      request.params = match.slice(1).map((part) => safeDecode(part ?? ""));
      return route.handle(request);
    }
    if (pathMatched && options.methodNotAllowed) return options.methodNotAllowed(request);
    return options.notFound(request);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function startsWithPrefix(pathname: string, prefix: string): boolean {
  if (prefix === "") return true;
  const lower = pathname.toLowerCase();
  const p = prefix.toLowerCase();
  return lower === p || lower.startsWith(`${p}/`);
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

async function readBody(incoming: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new Error(`request body over ${limit} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** A JSON reply. */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): StandInReply {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(value) };
}

/** The parsed JSON body; `ok: false` when it is missing or not JSON. */
export function parseJsonBody(request: StandInRequest): { ok: true; value: unknown } | { ok: false } {
  const text = request.body.toString("utf8");
  if (text.trim() === "") return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The value of `Authorization` after `scheme ` (scheme compared ignoring case), or undefined. */
export function authorizationCredentials(headers: IncomingHttpHeaders, scheme: string): string | undefined {
  const header = headers.authorization;
  if (typeof header !== "string") return undefined;
  const space = header.indexOf(" ");
  if (space < 0 || header.slice(0, space).toLowerCase() !== scheme.toLowerCase()) return undefined;
  return header.slice(space + 1).trim();
}

/** A query parameter looked up ignoring the name's case (ServiceStack-style services do). */
export function queryIgnoringCase(query: URLSearchParams, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of query) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** True for a JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True for an RFC 4122-shaped GUID. */
export function isGuid(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}
