/**
 * One hop of the request pipeline, sent with `dispatcher.dispatch` and a handler that collects
 * the response into memory. This is what `dispatcher.request()` followed by reading its body
 * stream did, without what that costs per request: an async resource, a body stream and its
 * async iterator, and an AbortSignal (about 2 µs each to create on Node 20). Together they
 * were about a third of the CPU time of a run against a local service.
 *
 * What stays as it was with the stream:
 * - a response to be read is collected up to `maxBytes`: a declared Content-Length over the
 *   limit, or the first chunk past it, ends the exchange as `too-large` and drops the
 *   connection instead of draining it;
 * - a response to be thrown away (a redirect that is followed, a 429/503 that is waited out) is
 *   read up to `discardBytes` (and not at all when its Content-Length says more; never for
 *   HEAD) and the connection dropped past that; errors while throwing it away do not matter;
 * - `abort(reason)` before the request has reached a connection takes effect when it does, as
 *   undici's own request handler does; the exchange then fails with `reason`;
 * - 1xx interim responses are ignored; response headers are normalised as before
 *   (SPEC rule 15: lower-case names, repeats joined with `, `).
 *
 * Only the legacy handler methods are implemented: every undici dispatcher calls them
 * directly (handlers with the newer methods are wrapped into these by undici itself).
 */
import type { Dispatcher } from "undici";

export interface ExchangeResponse {
  status: number;
  statusText: string;
  headers: Record<string, string>;
}

export type ExchangeOutcome =
  | (ExchangeResponse & { kind: "read"; bytes: Buffer })
  | (ExchangeResponse & { kind: "discarded" })
  | (ExchangeResponse & { kind: "too-large" });

export interface ExchangePlan {
  /** The request's method (HEAD bodies are never judged by their Content-Length when discarding). */
  method: string;
  /** Largest body read; past it the exchange ends as `too-large`. */
  maxBytes: number;
  /** Largest body read and thrown away before the connection is dropped instead. */
  discardBytes: number;
  /** Called once with the final status and headers: true when the body is to be thrown away. */
  discard(status: number, headers: Record<string, string>): boolean;
}

type RawHeaderValue = Buffer | string | ReadonlyArray<Buffer | string>;

const EMPTY = Buffer.alloc(0);

export class Exchange {
  /** Settles once the response is read, thrown away or found too large; rejects with the failure. */
  readonly done: Promise<ExchangeOutcome>;
  private resolve!: (outcome: ExchangeOutcome) => void;
  private reject!: (error: unknown) => void;
  private settled = false;
  private abortRequest: ((reason?: unknown) => void) | undefined;
  private pendingAbort: unknown;
  private response: ExchangeResponse | undefined;
  private discarding = false;
  private chunks: Buffer[] = [];
  private total = 0;

  constructor(private readonly plan: ExchangePlan) {
    this.done = new Promise<ExchangeOutcome>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** Hands the request to the dispatcher; the outcome arrives through {@link done}. */
  send(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions): void {
    // As `dispatcher.request()` refuses it: CONNECT would hand over the socket, not a response.
    if (options.method === "CONNECT") {
      this.fail(Object.assign(new Error("invalid method"), { name: "InvalidArgumentError", code: "UND_ERR_INVALID_ARG" }));
      return;
    }
    try {
      dispatcher.dispatch(options, this as unknown as Dispatcher.DispatchHandler);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Stops the exchange (deadline, cancellation); ignored once it has settled. */
  abort(reason: unknown): void {
    if (this.settled) return;
    if (this.abortRequest) this.abortRequest(reason);
    else if (this.pendingAbort === undefined) this.pendingAbort = reason;
  }

  // ------------------------------------------------------------ undici's handler interface

  onConnect(abort: (reason?: unknown) => void): void {
    if (this.pendingAbort !== undefined) {
      abort(this.pendingAbort);
      return;
    }
    this.abortRequest = abort;
  }

  onHeaders(status: number, rawHeaders: readonly RawHeaderValue[] | null, _resume: () => void, statusText: string): boolean {
    if (status < 200 || this.settled) return true;
    const headers = responseHeaders(rawHeaders ?? []);
    const response: ExchangeResponse = { status, statusText: statusText ?? "", headers };
    this.response = response;
    const declared = headers["content-length"] === undefined ? NaN : Number(headers["content-length"]);
    if (this.plan.discard(status, headers)) {
      this.discarding = true;
      if (this.plan.method !== "HEAD" && declared > this.plan.discardBytes) this.drop({ kind: "discarded", ...response });
    } else if (Number.isFinite(declared) && declared > this.plan.maxBytes) {
      this.drop({ kind: "too-large", ...response });
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.settled) return true;
    this.total += chunk.byteLength;
    if (this.discarding) {
      if (this.total > this.plan.discardBytes) this.drop({ kind: "discarded", ...(this.response as ExchangeResponse) });
      return true;
    }
    if (this.total > this.plan.maxBytes) {
      this.drop({ kind: "too-large", ...(this.response as ExchangeResponse) });
      return true;
    }
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from((chunk as Uint8Array).buffer, (chunk as Uint8Array).byteOffset, (chunk as Uint8Array).byteLength));
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    const response = this.response;
    if (!response) {
      this.fail(Object.assign(new Error("The response ended before its headers."), { code: "UND_ERR_INFO" }));
      return;
    }
    if (this.discarding) {
      this.finish({ kind: "discarded", ...response });
      return;
    }
    const chunks = this.chunks;
    const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : chunks.length === 0 ? EMPTY : Buffer.concat(chunks, this.total);
    this.finish({ kind: "read", ...response, bytes });
  }

  onError(error: unknown): void {
    if (this.settled) return;
    // A body being thrown away may fail to drain; the connection is then simply not reused.
    if (this.discarding && this.response) this.finish({ kind: "discarded", ...this.response });
    else this.fail(error);
  }

  onUpgrade(): void {
    this.fail(Object.assign(new Error("The server switched protocols, which an HTTP action cannot follow."), { code: "UND_ERR_INFO" }));
  }

  // ------------------------------------------------------------ internals

  /** Settles with `outcome` and drops the connection: the rest of the body is not wanted. */
  private drop(outcome: ExchangeOutcome): void {
    this.finish(outcome);
    this.abortRequest?.(new Error("The response body is not read further."));
  }

  private finish(outcome: ExchangeOutcome): void {
    this.settled = true;
    this.chunks = [];
    this.resolve(outcome);
  }

  private fail(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.chunks = [];
    this.reject(error);
  }
}

/**
 * Raw response headers as the Response Headers output shows them: names lower-cased (Latin-1),
 * values decoded as Latin-1, repeated headers joined with `, ` in the order received. Own
 * properties only, so a header named like an Object.prototype member is kept as it is.
 */
export function responseHeaders(raw: readonly RawHeaderValue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as RawHeaderValue;
    const key = (typeof name === "string" ? name : Array.isArray(name) ? name.join(",") : (name as Buffer).toString("latin1")).toLowerCase();
    const value = raw[i + 1] as RawHeaderValue;
    const text = typeof value === "string" ? value : Array.isArray(value) ? value.map(latin1).join(", ") : (value as Buffer).toString("latin1");
    if (Object.hasOwn(out, key)) out[key] = `${out[key] as string}, ${text}`;
    else if (key === "__proto__") Object.defineProperty(out, key, { value: text, enumerable: true, configurable: true, writable: true });
    else out[key] = text;
  }
  return out;
}

function latin1(value: Buffer | string): string {
  return typeof value === "string" ? value : value.toString("latin1");
}
