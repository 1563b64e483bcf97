/**
 * The request and response shapes of the one request pipeline.
 */
import type { FormData } from "undici";
import type { RequestHeader } from "./headers";

export type RequestBody = string | Buffer | FormData;

export interface HttpRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** Absolute http(s) URL (already joined to the connection's base URL). */
  url: string;
  /** Headers in sending order, each with its kind (see {@link RequestHeader}). */
  headers: readonly RequestHeader[];
  body?: RequestBody | undefined;
  /**
   * Credentials sent as query parameters (an `apiKey` with `in: "query"`). They are set on
   * every hop and page to the request's own origin and never sent to another one.
   */
  credentialQuery?: ReadonlyArray<readonly [string, string]> | undefined;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  /** Lower-case names; repeated headers joined with `, ` (SPEC rule 15). */
  headers: Record<string, string>;
  /** The body decoded by its charset (UTF-8 by default). */
  body: string;
  /** The body's bytes, for callers that need them undecoded. */
  bodyBytes: Buffer;
  /** The method of the last hop (a 303 turns POST into GET). */
  method: string;
  /** The final URL, after redirects. */
  url: string;
  /** Every URL a redirect led to, in order; its length is the number of redirects followed. */
  redirects: string[];
  /** Milliseconds from the first byte sent to the last byte read, waits included. */
  durationMs: number;
  /** True when the request was only recorded (dry run) and nothing was sent. */
  dryRun?: true;
}
