/**
 * The one request pipeline: sends a request through undici and follows redirects, waits out
 * Retry-After, limits the response size and time, and maps failures to stable codes.
 *
 * Everything here is bounded by one deadline (the Timeout): every hop, every Retry-After wait
 * and every body read. Waits go through the injected clock so tests can use fake time.
 */
import type { Dispatcher } from "undici";
import type { Clock, DryRunRequest, Logger } from "../context";
import { SiqError, toSiqError } from "../errors";
import type { Redactor } from "../redact";
import { toDryRunRequest } from "./curl";
import { Exchange, type ExchangeOutcome } from "./exchange";
import { crossOriginHeaders, toUndiciHeaders, withoutBodyHeaders, type RequestHeader } from "./headers";
import { errorCodeOf, formatSeconds, networkError, timeoutError } from "./network-errors";
import { decodeBody, DEFAULT_MAX_RESPONSE_BYTES, responseTooLarge } from "./read-body";
import type { HttpRequest, HttpResponse, RequestBody } from "./request";
import { parseRetryAfter } from "./retry-after";
import { isSilentLogger } from "../silent-logger";
import { systemClock } from "../system-clock";
import { displayUrl, originOf, requestTarget, resolveReference, targetOf, withQueryParams, type RequestTarget } from "./url";

/** Redirects followed before `TOO_MANY_REDIRECTS` (SPEC 5.1). */
export const MAX_REDIRECTS = 10;
/** Default whole-request limit: Timeout (Seconds) defaults to 100. */
export const DEFAULT_TIMEOUT_MS = 100_000;
/**
 * Retry-After rounds per request. The timeout bounds the waits, but a server answering
 * `Retry-After: 0` forever would otherwise be hammered until then; after this many rounds the
 * last 429/503 is returned as the response it is.
 */
export const MAX_RETRY_AFTER_ROUNDS = 20;
/** Bytes of a redirect or 429/503 body read and thrown away before the next hop. */
const DISCARD_LIMIT = 64 * 1024;

export interface SendOptions {
  dispatcher: Dispatcher;
  /** Cancels the request (the run was cancelled): fails with `CANCELLED`. */
  signal?: AbortSignal | undefined;
  /** The whole request, redirects, Retry-After waits and body read included. Default 100 s. */
  timeoutMs?: number | undefined;
  /** Largest body read (default 10 MB); larger fails with `RESPONSE_TOO_LARGE`. */
  maxResponseBytes?: number | undefined;
  clock?: Clock | undefined;
  /** Masks secrets in errors and log lines. */
  redactor?: Redactor | undefined;
  logger?: Logger | undefined;
  /** Set for `--dry-run`: the request is recorded (masked) and nothing is sent. */
  dryRun?: ((request: DryRunRequest) => void) | undefined;
  /** The pipeline action's name, for dry-run records and errors. */
  action?: string | undefined;
  /** Called before every hop (the first included) with its URL; throw to refuse it (egress checks). */
  onHop?: ((url: string) => void | Promise<void>) | undefined;
  /** Default true. When false, a 3xx is returned as the response. */
  followRedirects?: boolean | undefined;
  /** Default true. When false, a 429/503 is returned at once whatever its Retry-After. */
  waitOnRetryAfter?: boolean | undefined;
  /**
   * The body carries credentials (a token request's client secret or password): a redirect that
   * would send it to another origin (307, 308) fails with `REDIRECT_INVALID` instead.
   */
  credentialBody?: boolean | undefined;
}

export interface Hop {
  method: string;
  url: string;
  headers: readonly RequestHeader[];
  body: RequestBody | undefined;
  /** False once a cross-origin hop dropped them; they are never restored. */
  credentials: boolean;
}

/**
 * Sends a request and returns its final response. 4xx and 5xx are responses, not errors (see
 * {@link errorForStatus}). Fails with `CONNECTION_FAILED`, `TIMEOUT`, `RESPONSE_TOO_LARGE`,
 * `TOO_MANY_REDIRECTS`, `REDIRECT_INVALID`, `RATE_LIMITED`, `URL_INVALID` or `CANCELLED`.
 */
export async function sendRequest(request: HttpRequest, options: SendOptions): Promise<HttpResponse> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const method = request.method.toUpperCase();
  const first = requestTarget(request.url);
  const originUrl = first.href;
  const secretParams = (request.credentialQuery ?? []).map(([name]) => name);
  const show = (url: string): string => displayUrl(url, options.redactor, secretParams);

  if (options.dryRun) {
    options.dryRun(toDryRunRequest({ ...request, method, url: originUrl }, options.redactor, options.action ?? ""));
    return { status: 0, statusText: "Dry run", headers: {}, body: "", bodyBytes: Buffer.alloc(0), method, url: originUrl, redirects: [], durationMs: 0, dryRun: true };
  }
  if (options.signal?.aborted) throw cancelled(method, show(originUrl));

  const started = performance.now();
  const deadline = clock.now().getTime() + timeoutMs;
  const origin = first.origin;
  const credentialQuery = request.credentialQuery ?? [];
  // Log lines are built (and masked) only for a logger that keeps them.
  const logging = !isSilentLogger(options.logger);
  let hop: Hop = { method, url: originUrl, headers: request.headers, body: request.body, credentials: true };
  const redirects: string[] = [];
  let rounds = 0;

  for (;;) {
    // The first hop reuses the URL parsed above (parsing is a visible share of a request's cost).
    let target = hop.url === originUrl ? first : targetOf(new URL(hop.url));
    if (hop.credentials && credentialQuery.length > 0 && target.origin === origin) target = targetOf(new URL(withQueryParams(hop.url, credentialQuery)));
    const url = target.href;
    if (options.onHop) await options.onHop(url);
    // Timed only for the log lines that show it.
    const hopStarted = logging ? performance.now() : 0;
    if (logging) log(options, "debug", "http.request", { method: hop.method, url: show(url) });

    const left = deadline - clock.now().getTime();
    if (left <= 0) throw timeoutError(hop.method, show(url), timeoutMs);
    const exchange = new Exchange({
      method: hop.method,
      maxBytes,
      discardBytes: DISCARD_LIMIT,
      // Bodies of a redirect that is followed and of a 429/503 that is waited out are thrown away.
      discard: (status, headers) =>
        (isRedirect(status) && headers["location"] !== undefined && options.followRedirects !== false) ||
        ((status === 429 || status === 503) && options.waitOnRetryAfter !== false && rounds < MAX_RETRY_AFTER_ROUNDS && parseRetryAfter(headers["retry-after"], clock.now()) !== undefined),
    });
    // The exchange is aborted by the deadline or by the run's signal; no AbortSignal per hop.
    const external = options.signal;
    const onCancel = (): void => exchange.abort(external?.reason);
    if (external) {
      if (external.aborted) onCancel();
      else external.addEventListener("abort", onCancel, { once: true });
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      exchange.abort(new Error("timeout"));
    }, left);

    try {
      exchange.send(options.dispatcher, {
        origin: target.origin,
        path: target.path,
        method: hop.method as Dispatcher.HttpMethod,
        headers: withUserinfo(toUndiciHeaders(hop.headers), target),
        body: hop.body ?? null,
        // The deadline's timer bounds the request; undici's own limits must not cut it shorter,
        // and timers of its own at the same deadline would only cost time.
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      let outcome: ExchangeOutcome;
      try {
        outcome = await exchange.done;
      } catch (error) {
        throw failure(error, hop.method, show(url), timedOut, options.signal, timeoutMs);
      }

      if (outcome.kind === "discarded") {
        // Redirects (SPEC rule 13): followed by hand so every hop is checked and credentials handled.
        const location = outcome.headers["location"];
        if (isRedirect(outcome.status) && location !== undefined && options.followRedirects !== false) {
          if (redirects.length >= MAX_REDIRECTS) {
            throw new SiqError("TOO_MANY_REDIRECTS", `${method} ${show(originUrl)} was redirected more than ${MAX_REDIRECTS} times (last to ${show(url)}); the service may be in a redirect loop.`, {
              details: { method, url: show(originUrl), redirects: redirects.map(show) },
            });
          }
          let next: string;
          try {
            next = resolveReference(location, url, "redirect target");
          } catch (error) {
            throw new SiqError("REDIRECT_INVALID", `${hop.method} ${show(url)} redirected to a URL that cannot be followed: ${(error as Error).message}`, { cause: error });
          }
          if (logging) log(options, "debug", "http.response", { method: hop.method, url: show(url), status: outcome.status, durationMs: ms(hopStarted), bytes: 0, location: show(next) });
          const previous = hop;
          hop = nextHop(hop, outcome.status, next);
          if (options.credentialBody && hop.body !== undefined && originOf(next) !== originOf(previous.url)) {
            throw new SiqError(
              "REDIRECT_INVALID",
              `${previous.method} ${show(url)} redirected (${outcome.status}) to ${show(next)}, another origin; the request's body holds credentials, which are never sent to another origin. Use the final URL instead.`,
              { details: { method: previous.method, url: show(url), status: outcome.status, location: show(next) } },
            );
          }
          redirects.push(next);
          continue;
        }

        // Retry-After (SPEC 5.1, rule 19): waits happen inside the attempt and do not count as one.
        const wait = parseRetryAfter(outcome.headers["retry-after"], clock.now()) as number;
        clearTimeout(timer);
        const remaining = deadline - clock.now().getTime();
        if (wait > remaining) {
          throw new SiqError(
            "RATE_LIMITED",
            `${hop.method} ${show(url)} answered ${outcome.status} asking to wait ${formatSeconds(wait)} (Retry-After), longer than the ${formatSeconds(Math.max(0, remaining))} left of the timeout. Try again later or raise Timeout (Seconds).`,
            { retryable: true, details: { method: hop.method, url: show(url), status: outcome.status, retryAfterSeconds: Math.ceil(wait / 1000), remainingSeconds: Math.max(0, Math.floor(remaining / 1000)) } },
          );
        }
        log(options, "info", "http.retry-after", { method: hop.method, url: show(url), status: outcome.status, waitMs: wait });
        rounds++;
        try {
          await clock.sleep(wait, options.signal);
        } catch (error) {
          throw failure(error, hop.method, show(url), false, options.signal, timeoutMs);
        }
        continue;
      }

      if (outcome.kind === "too-large") throw responseTooLarge(`${hop.method} ${show(url)}`, maxBytes);
      const bytes = outcome.bytes;
      if (logging) log(options, "debug", "http.response", { method: hop.method, url: show(url), status: outcome.status, durationMs: ms(hopStarted), bytes: bytes.length });
      return {
        status: outcome.status,
        statusText: outcome.statusText,
        headers: outcome.headers,
        body: decodeBody(bytes, outcome.headers["content-type"]),
        bodyBytes: bytes,
        method: hop.method,
        // Without the credential query parameters: callers resolve links against it and may show it.
        url: hop.url,
        redirects,
        durationMs: ms(started),
      };
    } catch (error) {
      if (error instanceof SiqError && logging) log(options, "warn", "http.error", { method: hop.method, url: show(url), code: error.code });
      throw error;
    } finally {
      clearTimeout(timer);
      external?.removeEventListener("abort", onCancel);
    }
  }
}

/** Userinfo in the URL (`https://user:pass@h/`) becomes Basic auth, as browsers and curl do. */
function withUserinfo(headers: string[], url: RequestTarget): string[] {
  if (url.username === "" && url.password === "") return headers;
  for (let i = 0; i < headers.length; i += 2) if (headers[i]?.toLowerCase() === "authorization") return headers;
  const token = Buffer.from(`${safeDecode(url.username)}:${safeDecode(url.password)}`).toString("base64");
  return [...headers, "Authorization", `Basic ${token}`];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/**
 * The next hop of a redirect: 303 turns every method but HEAD into a GET without body; 301 and
 * 302 turn POST into GET without body (as browsers do); 307 and 308 keep method and body.
 * A hop to another origin drops Authorization, Proxy-Authorization, Cookie, credentials and
 * every Custom Header, for good.
 */
export function nextHop(hop: Hop, status: number, next: string): Hop {
  let { method, headers, body } = hop;
  if ((status === 303 && method !== "HEAD" && method !== "GET") || ((status === 301 || status === 302) && method === "POST")) {
    method = "GET";
    body = undefined;
    headers = withoutBodyHeaders(headers);
  }
  let credentials = hop.credentials;
  if (originOf(next) !== originOf(hop.url)) {
    headers = crossOriginHeaders(headers);
    credentials = false;
  }
  return { method, url: next, headers, body, credentials };
}

function failure(error: unknown, method: string, url: string, timedOut: boolean, external: AbortSignal | undefined, timeoutMs: number): SiqError {
  if (error instanceof SiqError) return error;
  if (timedOut) return timeoutError(method, url, timeoutMs, error);
  if (external?.aborted) return cancelled(method, url, error);
  if (errorCodeOf(error) === "UND_ERR_INVALID_ARG") {
    return new SiqError("INTERNAL", `${method} ${url} could not be sent: ${(error as Error).message}.`, { cause: error });
  }
  const mapped = networkError(error, method, url, timeoutMs);
  if (mapped) return mapped;
  // A bug rather than the network: not retryable, reported as it is.
  return toSiqError(error);
}

function cancelled(method: string, url: string, cause?: unknown): SiqError {
  return new SiqError("CANCELLED", `${method} ${url} was cancelled because the run was cancelled.`, { cause });
}

function ms(since: number): number {
  return Math.round(performance.now() - since);
}

function log(options: SendOptions, level: "debug" | "info" | "warn", event: string, fields: Record<string, unknown>): void {
  if (!options.logger || isSilentLogger(options.logger)) return;
  const masked = options.redactor ? options.redactor.mask(fields) : fields;
  options.logger.log(level, event, options.action === undefined ? masked : { action: options.action, ...masked });
}
