/**
 * Request URLs (SPEC rule 3): joining an action's URL to a connection's base URL, resolving
 * links found in responses, and showing URLs with their secrets masked.
 */
import { SiqError } from "../errors";
import { isSensitiveKey, MASK, type Redactor } from "../redact";

const ABSOLUTE = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** True when the text starts with a URL scheme (`https:`, `mailto:`...). */
export function hasScheme(url: string): boolean {
  return ABSOLUTE.test(url);
}

/**
 * Parses an absolute http(s) URL, or fails with `URL_INVALID` naming where it came from.
 * `what` completes "The ... is not a valid URL", for example "URL input".
 */
export function parseHttpUrl(url: string, what = "request URL"): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SiqError("URL_INVALID", `The ${what} is not a valid absolute URL; write it as https://host/path, or make it relative to a Connection.`, {
      details: { url: maskUrlText(url) },
    });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new SiqError("URL_INVALID", `The ${what} uses the scheme "${parsed.protocol}"; only http and https are supported.`, {
      details: { url: maskUrlText(url) },
    });
  }
  return parsed;
}

/**
 * The URL a request goes to: an absolute URL stays as it is; any other URL is joined to the
 * base URL as a path, so `/users` and `users` under `https://h/v1` both give
 * `https://h/v1/users` (never `https://h/users`, which RFC 3986 resolution would give for `/users`).
 * A leading `//` is a path too: a relative URL cannot leave the base URL's origin.
 * Query parameters of the base come first, then the relative URL's.
 */
export function joinUrl(baseUrl: string | undefined, url: string): string {
  // Joining parses three URLs and sets four parts; an action's URL is usually the same text
  // run after run, so results are kept (by base, then URL; errors are not kept).
  const base = baseUrl ?? "";
  let byUrl = joinedUrls.get(base);
  const known = byUrl?.get(url);
  if (known !== undefined) return known;
  const joined = joinUncached(baseUrl, url);
  if (joinedCount >= MAX_CACHED_URLS) {
    joinedUrls.clear();
    joinedCount = 0;
    byUrl = undefined;
  }
  if (!byUrl) joinedUrls.set(base, (byUrl = new Map()));
  byUrl.set(url, joined);
  joinedCount++;
  return joined;
}

/** Most URLs kept by {@link joinUrl} and {@link requestTarget} each; past it they start again. */
const MAX_CACHED_URLS = 1000;
const joinedUrls = new Map<string, Map<string, string>>();
let joinedCount = 0;

function joinUncached(baseUrl: string | undefined, url: string): string {
  const trimmed = url.trim();
  if (hasScheme(trimmed)) return parseHttpUrl(trimmed).href;
  if (baseUrl === undefined || baseUrl.trim() === "") {
    throw new SiqError("URL_INVALID", `The URL "${maskUrlText(trimmed)}" is relative, but there is no base URL: give an absolute URL or set Connection to a connection with a baseUrl.`);
  }
  const base = parseHttpUrl(baseUrl.trim(), "connection's baseUrl");
  const hashAt = trimmed.indexOf("#");
  const withoutFragment = hashAt === -1 ? trimmed : trimmed.slice(0, hashAt);
  const queryAt = withoutFragment.indexOf("?");
  const path = (queryAt === -1 ? withoutFragment : withoutFragment.slice(0, queryAt)).replace(/^\/+/, "");
  const query = queryAt === -1 ? "" : withoutFragment.slice(queryAt + 1);
  const basePath = base.pathname.replace(/\/+$/, "");
  const baseQuery = base.search.replace(/^\?/, "");
  const search = [baseQuery, query].filter((part) => part !== "").join("&");
  const joined = new URL(base.origin);
  joined.username = base.username;
  joined.password = base.password;
  // Assigning pathname percent-encodes what must be and normalises dot segments.
  joined.pathname = path === "" ? basePath || "/" : `${basePath}/${path}`;
  joined.search = search === "" ? "" : `?${search}`;
  return joined.href;
}

/** What sending needs of an absolute http(s) URL, parsed once. */
export interface RequestTarget {
  readonly href: string;
  readonly origin: string;
  /** Path and query, as sent in the request line. */
  readonly path: string;
  /** Userinfo, still percent-encoded as in the URL ("" when none). */
  readonly username: string;
  readonly password: string;
}

const targets = new Map<string, RequestTarget>();

/**
 * {@link parseHttpUrl} for sending, kept by URL text (the same URL is sent run after run; a
 * parse is a visible share of a request's own cost). The result is frozen: it is shared.
 */
export function requestTarget(url: string, what?: string): RequestTarget {
  const known = targets.get(url);
  if (known) return known;
  const target = targetOf(parseHttpUrl(url, what));
  if (targets.size >= MAX_CACHED_URLS) targets.clear();
  targets.set(url, target);
  return target;
}

/** The parts of a parsed URL that sending reads. */
export function targetOf(parsed: URL): RequestTarget {
  return Object.freeze({ href: parsed.href, origin: parsed.origin, path: `${parsed.pathname}${parsed.search}`, username: parsed.username, password: parsed.password });
}

/** Resolves a link found in a response (a next-page link, a Location) as an RFC 3986 reference. */
export function resolveReference(reference: string, againstUrl: string, what = "link"): string {
  let resolved: URL;
  try {
    resolved = new URL(reference.trim(), againstUrl);
  } catch {
    throw new SiqError("URL_INVALID", `The ${what} "${maskUrlText(reference)}" is not a valid URL reference.`);
  }
  if (resolved.protocol !== "http:" && resolved.protocol !== "https:") {
    throw new SiqError("URL_INVALID", `The ${what} "${maskUrlText(reference)}" uses the scheme "${resolved.protocol}"; only http and https are followed.`);
  }
  resolved.hash = "";
  return resolved.href;
}

/** Scheme, host and port: two URLs with the same origin may share credentials. */
export function originOf(url: string): string {
  return new URL(url).origin;
}

/**
 * Sets query parameters (replacing any of the same name in place), leaving every other part
 * of the query exactly as written: re-serialising it would turn `%20` into `+` and the like,
 * which not every server reads the same way.
 */
export function withQueryParams(url: string, params: ReadonlyArray<readonly [string, string]>): string {
  if (params.length === 0) return url;
  const parsed = new URL(url);
  const parts = parsed.search === "" ? [] : parsed.search.slice(1).split("&");
  for (const [name, value] of params) {
    const encoded = `${encodeQueryComponent(name)}=${encodeQueryComponent(value)}`;
    const at = parts.findIndex((part) => safeDecode(part.split("=")[0] ?? "") === name);
    if (at === -1) {
      parts.push(encoded);
      continue;
    }
    parts[at] = encoded;
    for (let i = parts.length - 1; i > at; i--) if (safeDecode(parts[i]?.split("=")[0] ?? "") === name) parts.splice(i, 1);
  }
  parsed.search = `?${parts.join("&")}`;
  return parsed.href;
}

/** Encodes a query name or value, keeping `$` and a few other safe characters readable (`$skip`). */
function encodeQueryComponent(text: string): string {
  return encodeURIComponent(text).replace(/%24/g, "$").replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%40/g, "@");
}

/**
 * A URL as logs, errors and dry runs show it: the userinfo password and the values of
 * sensitive query parameters (`api_key`, `token`, ...) and of `secretParams` are `***`, and
 * every secret the redactor knows is masked too.
 */
export function displayUrl(url: string, redactor?: Redactor, secretParams: readonly string[] = []): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactor ? redactor.maskText(maskUrlText(url)) : maskUrlText(url);
  }
  if (parsed.password !== "") parsed.password = MASK;
  const secret = new Set(secretParams.map((name) => name.toLowerCase()));
  if (parsed.search !== "") {
    // Rebuild the query by hand: URLSearchParams would re-encode the values that are kept.
    const parts = parsed.search.slice(1).split("&").map((part) => {
      const eq = part.indexOf("=");
      if (eq === -1) return part;
      const name = safeDecode(part.slice(0, eq));
      return secret.has(name.toLowerCase()) || isSensitiveKey(name) ? `${part.slice(0, eq)}=${MASK}` : part;
    });
    parsed.search = `?${parts.join("&")}`;
  }
  const text = parsed.href.replace(/%2A%2A%2A/g, MASK);
  return redactor ? redactor.maskText(text) : text;
}

/** Masks a userinfo password in URL-like text that does not parse. */
function maskUrlText(text: string): string {
  return text.replace(/(\/\/[^/\s:@]*:)[^@/\s]*@/g, `$1${MASK}@`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}
