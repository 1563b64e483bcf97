/**
 * Real HTTP servers on 127.0.0.1 (port 0) for the request pipeline's tests, recording every
 * request they receive; a fake clock; a logger that keeps its lines.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Clock, Logger, LogLevel } from "../../../runtime/context";

export interface ReceivedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

export type Handler = (request: ReceivedRequest, response: ServerResponse, raw: IncomingMessage) => unknown;

export interface Loopback {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  requests: ReceivedRequest[];
  server: Server;
  close(): Promise<void>;
}

export async function startServer(handler: Handler): Promise<Loopback> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((raw, response) => {
    const chunks: Buffer[] = [];
    raw.on("data", (chunk: Buffer) => chunks.push(chunk));
    raw.on("end", () => {
      const request: ReceivedRequest = { method: raw.method ?? "", url: raw.url ?? "", headers: raw.headers, body: Buffer.concat(chunks) };
      requests.push(request);
      Promise.resolve(handler(request, response, raw)).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a JSON response. */
export function sendJson(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
  response.end(body);
}

/**
 * A clock whose sleeps return at once, moving its time forward by the wait: Retry-After and
 * token expiry can be tested without waiting. `sleeps` records every wait asked for.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private time = Date.UTC(2026, 10, 22, 12, 0, 0)) {}
  now(): Date {
    return new Date(this.time);
  }
  advance(ms: number): void {
    this.time += ms;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.time += ms;
    await Promise.resolve();
  }
}

export interface LogLine {
  level: LogLevel;
  event: string;
  fields: Record<string, unknown> | undefined;
}

export class CapturingLogger implements Logger {
  readonly lines: LogLine[] = [];
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level, event, fields });
  }
  text(): string {
    return this.lines.map((line) => `${line.level} ${line.event} ${JSON.stringify(line.fields)}`).join("\n");
  }
}

/** Runs a function and returns what it threw (fails the test when it does not throw). */
export async function caught(run: () => Promise<unknown>): Promise<Error & { code?: string; retryable?: boolean; details?: unknown }> {
  try {
    await run();
  } catch (error) {
    return error as Error & { code?: string; retryable?: boolean; details?: unknown };
  }
  throw new Error("expected the call to fail, but it succeeded");
}
