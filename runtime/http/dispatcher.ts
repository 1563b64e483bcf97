/**
 * The runtime's HTTP dispatcher: one keep-alive undici Agent per runtime, shared by every
 * request (actions, token requests, pages). Hosts and tests may pass their own instead.
 */
import { Agent, type Dispatcher } from "undici";

export interface DispatcherOptions {
  /** Milliseconds to wait for a TCP/TLS connection (default 10 s). */
  connectTimeoutMs?: number;
  /** Milliseconds an idle keep-alive connection is kept (default 4 s, under common server limits). */
  keepAliveTimeoutMs?: number;
  /** Connections per origin (default 32). */
  connectionsPerOrigin?: number;
  /** TLS: reject servers whose certificate does not verify (default true; false only for tests). */
  rejectUnauthorized?: boolean;
}

export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  return new Agent({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
    keepAliveMaxTimeout: 600_000,
    connections: options.connectionsPerOrigin ?? 32,
    // The pipeline's own deadline bounds each request; these only stop undici cutting it shorter.
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: {
      timeout: options.connectTimeoutMs ?? 10_000,
      rejectUnauthorized: options.rejectUnauthorized ?? true,
    },
  });
}
