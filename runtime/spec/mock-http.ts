/**
 * The only network a spec has: undici's MockAgent with real connections disabled, behind a
 * small dispatcher that reads each request whole (multipart parts and streamed bodies are only
 * readable asynchronously), picks the spec entry that answers it, and then lets the MockAgent
 * answer with that entry's response (or fail the request as a network error).
 *
 * A request takes the first entry, in file order, that matches it and has uses left. A request
 * no entry matches is recorded with the nearest entry and fails as a refused connection, so the
 * action fails as it would against a real service that is not there.
 */
import { Dispatcher, MockAgent } from "undici";
import type { SpecHttpEntry, SpecResponse } from "../../schemas/spec";
import { captureRequest, type CapturedRequest } from "./captured-request";
import type { MatchContext } from "./matchers";
import { closeness, compareRequest, isMatch, type RequestComparison } from "./request-match";

export interface HttpExchange {
  request: CapturedRequest;
  /** The index of the entry that answered it; undefined when none matched. */
  entry: number | undefined;
}

export interface NearestEntry {
  index: number;
  comparison: RequestComparison;
  /** True when the entry matches but has answered all the requests it allows. */
  usedUp: boolean;
}

export interface UnmatchedRequest {
  request: CapturedRequest;
  nearest: NearestEntry | undefined;
}

export interface EntryUse {
  index: number;
  used: number;
  times: number;
}

const NETWORK_ERRORS: Record<NonNullable<SpecResponse["error"]>, { code: string; message: string }> = {
  ECONNREFUSED: { code: "ECONNREFUSED", message: "connect ECONNREFUSED (spec)" },
  ECONNRESET: { code: "ECONNRESET", message: "socket hang up (spec)" },
  ENOTFOUND: { code: "ENOTFOUND", message: "getaddrinfo ENOTFOUND (spec)" },
  TIMEOUT: { code: "UND_ERR_HEADERS_TIMEOUT", message: "Headers Timeout Error (spec)" },
};

export class SpecHttp {
  /** Every request, in the order sent. */
  readonly exchanges: HttpExchange[] = [];
  readonly unmatched: UnmatchedRequest[] = [];
  readonly dispatcher: Dispatcher;
  private readonly uses: number[];
  private readonly agent: MockAgent;

  constructor(
    readonly entries: readonly SpecHttpEntry[],
    private readonly context?: MatchContext,
  ) {
    this.uses = entries.map(() => 0);
    this.agent = new MockAgent();
    this.agent.disableNetConnect();
    this.dispatcher = new SpecDispatcher(this, this.agent);
  }

  /** Entries that answered fewer requests than they must. */
  unused(): EntryUse[] {
    return this.entries
      .map((entry, index) => ({ index, used: this.uses[index] ?? 0, times: entry.times ?? 1 }))
      .filter((use) => use.used < use.times);
  }

  /** Picks the entry for a request and records the exchange; undefined when none matches. */
  take(request: CapturedRequest): SpecHttpEntry | undefined {
    let nearest: NearestEntry | undefined;
    let bestScore = -1;
    for (let index = 0; index < this.entries.length; index++) {
      const entry = this.entries[index] as SpecHttpEntry;
      const comparison = compareRequest(entry.request, request, this.context);
      const left = (entry.times ?? 1) - (this.uses[index] ?? 0);
      if (isMatch(comparison) && left > 0) {
        this.uses[index] = (this.uses[index] ?? 0) + 1;
        this.exchanges.push({ request, entry: index });
        return entry;
      }
      // A matching entry that is used up is the most useful thing to point at.
      const score = closeness(entry.request, request, comparison) + (isMatch(comparison) ? 100 : 0);
      if (score > bestScore) {
        bestScore = score;
        nearest = { index, comparison, usedUp: isMatch(comparison) };
      }
    }
    this.exchanges.push({ request, entry: undefined });
    this.unmatched.push({ request, nearest });
    return undefined;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Reads the request, asks the SpecHttp for its entry, and has the MockAgent answer. */
class SpecDispatcher extends Dispatcher {
  constructor(
    private readonly http: SpecHttp,
    private readonly agent: MockAgent,
  ) {
    super();
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.answer(options, handler).catch((error: unknown) => {
      // Only a bug here gets this far; fail the request rather than leave it hanging.
      const failure = error instanceof Error ? error : new Error(String(error));
      const target = handler as { onError?: (error: Error) => void; onResponseError?: (controller: unknown, error: Error) => void };
      if (typeof target.onError === "function") target.onError(failure);
      else target.onResponseError?.(undefined, failure);
    });
    return true;
  }

  private async answer(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): Promise<void> {
    const origin = new URL(String(options.origin)).origin;
    let body = options.body;
    let entry: SpecHttpEntry | undefined;
    let failure: Error | undefined;
    try {
      const captured = await captureRequest(options);
      body = captured.body;
      entry = this.http.take(captured.request);
      if (!entry) failure = networkError("ECONNREFUSED", `no http entry of the spec matches ${captured.request.method} ${captured.request.url}`);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    // Registered and consumed in one synchronous step: the MockAgent's dispatch matches at once.
    const interceptor = this.agent.get(origin).intercept({ path: () => true, method: () => true });
    if (failure) interceptor.replyWithError(failure);
    else if (entry?.response.error) {
      const { code, message } = NETWORK_ERRORS[entry.response.error];
      interceptor.replyWithError(networkError(code, message));
    } else {
      const response = (entry as SpecHttpEntry).response;
      interceptor.reply(response.status ?? 200, responseBody(response), { headers: responseHeaders(response) });
    }
    this.agent.dispatch({ ...options, origin, body: body ?? null }, handler);
  }

  override async close(): Promise<void> {
    await this.agent.close();
  }

  override async destroy(): Promise<void> {
    await this.agent.destroy();
  }
}

function networkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function responseBody(response: SpecResponse): string {
  if (response.json !== undefined) return JSON.stringify(response.json);
  return response.body ?? "";
}

function responseHeaders(response: SpecResponse): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers ?? {})) headers[name.toLowerCase()] = value;
  if (headers["content-type"] === undefined) {
    if (response.json !== undefined) headers["content-type"] = "application/json; charset=utf-8";
    else if (response.body !== undefined && response.body !== "") {
      headers["content-type"] = response.body.trimStart().startsWith("<") ? "application/xml; charset=utf-8" : "text/plain; charset=utf-8";
    }
  }
  return headers;
}
