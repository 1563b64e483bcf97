/**
 * Comparing a request with a spec's `http[].request` (and `expect.requests[]`): method, URL, a
 * subset of headers, and the body as JSON, text or form fields. Each part's differences are
 * kept apart, so a report can say which part of the nearest entry differs.
 */
import type { SpecRequest } from "../../schemas/spec";
import { normalizeUrl, type CapturedRequest } from "./captured-request";
import { describeActual, matchValue, type MatchContext, type Mismatch } from "./matchers";

export type RequestPart = "method" | "url" | "headers" | "body";

export interface RequestComparison {
  /** Differences by part; a part with none matches. */
  method: Mismatch[];
  url: Mismatch[];
  headers: Mismatch[];
  body: Mismatch[];
}

export function compareRequest(expected: SpecRequest, actual: CapturedRequest, context?: MatchContext): RequestComparison {
  const method: Mismatch[] = [];
  if (expected.method.toUpperCase() !== actual.method) method.push({ path: ["method"], expected: JSON.stringify(expected.method.toUpperCase()), actual: JSON.stringify(actual.method) });

  const url: Mismatch[] = [];
  if (typeof expected.url === "string") {
    const wanted = normalizeUrl(expected.url);
    if (wanted !== actual.url) url.push({ path: ["url"], expected: JSON.stringify(wanted), actual: JSON.stringify(actual.url) });
  } else {
    matchValue(expected.url, actual.url, url, ["url"], context);
  }

  const headers: Mismatch[] = [];
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    matchValue(value, actual.headers[name.toLowerCase()], headers, ["headers", name], context);
  }

  const body: Mismatch[] = [];
  if (expected.json !== undefined) compareJsonBody(expected.json, actual, body, context);
  if (expected.body !== undefined) matchValue(expected.body, actual.body, body, ["body"], context);
  if (expected.form !== undefined) {
    if (actual.form === undefined) {
      body.push({ path: ["form"], expected: "a form body (url-encoded or multipart)", actual: actual.body === undefined ? "no body" : `a ${actual.headers["content-type"] ?? "body without Content-Type"} body` });
    } else {
      matchValue(expected.form, actual.form, body, ["form"], context);
    }
  }
  return { method, url, headers, body };
}

function compareJsonBody(expected: unknown, actual: CapturedRequest, out: Mismatch[], context: MatchContext | undefined): void {
  if (actual.body === undefined) {
    out.push({ path: ["json"], expected: "a JSON body", actual: actual.multipart ? "a multipart body (match it with form)" : "no body" });
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(actual.body);
  } catch {
    out.push({ path: ["json"], expected: "a JSON body", actual: `text that is not JSON: ${describeActual(actual.body)}` });
    return;
  }
  matchValue(expected, parsed, out, ["json"], context);
}

export function isMatch(comparison: RequestComparison): boolean {
  return comparison.method.length === 0 && comparison.url.length === 0 && comparison.headers.length === 0 && comparison.body.length === 0;
}

export function differingParts(comparison: RequestComparison): RequestPart[] {
  return (["method", "url", "headers", "body"] as const).filter((part) => comparison[part].length > 0);
}

/**
 * How close a request is to an entry, to pick the nearest one when none matches: the URL
 * counts most (same URL, then same path, then same origin), then the method, the body and
 * the headers.
 */
export function closeness(expected: SpecRequest, actual: CapturedRequest, comparison: RequestComparison): number {
  let score = 0;
  if (comparison.url.length === 0) score += 8;
  else if (typeof expected.url === "string") {
    const wanted = safeUrl(expected.url);
    const got = safeUrl(actual.url);
    if (wanted && got && wanted.origin === got.origin) score += wanted.pathname === got.pathname ? 6 : 2 + sharedSegments(wanted.pathname, got.pathname) / 10;
  }
  if (comparison.method.length === 0) score += 4;
  if (comparison.body.length === 0) score += 2;
  if (comparison.headers.length === 0) score += 1;
  return score;
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function sharedSegments(a: string, b: string): number {
  const left = a.split("/");
  const right = b.split("/");
  let n = 0;
  while (n < left.length && n < right.length && left[n] === right[n]) n++;
  return Math.min(n, 9);
}
