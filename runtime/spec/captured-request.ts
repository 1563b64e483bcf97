/**
 * A request as the spec runner sees it: method, absolute URL, lower-case headers, and the body
 * read whole (text, and form fields for url-encoded and multipart bodies), so it can be compared
 * with the spec's entries and shown in a report.
 */
import type { Dispatcher } from "undici";

export interface CapturedRequest {
  /** Upper case. */
  method: string;
  /** Absolute URL, normalised by the URL parser (lower-case host, default port dropped). */
  url: string;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The body as text; undefined when there is none or it is multipart (see `form`). */
  body: string | undefined;
  /** Fields of a url-encoded or multipart body (a repeated field gives a list); part files give their text. */
  form: Record<string, string | string[]> | undefined;
  /** True for a multipart/form-data body. */
  multipart: boolean;
}

interface FormDataLike {
  entries(): IterableIterator<[string, unknown]>;
}

function isFormData(body: unknown): body is FormDataLike {
  return body !== null && typeof body === "object" && typeof (body as { entries?: unknown }).entries === "function" && typeof (body as { append?: unknown }).append === "function";
}

function isAsyncIterable(body: unknown): body is AsyncIterable<unknown> {
  return body !== null && typeof body === "object" && typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function";
}

/** Normalises a URL the way the URL parser does; returns the text unchanged when it is not one. */
export function normalizeUrl(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** Headers in any form undici accepts, as one lower-case record. */
export function headerRecord(headers: Dispatcher.DispatchOptions["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (name: unknown, value: unknown) => {
    if (value === undefined || value === null) return;
    const key = String(name).toLowerCase();
    const text = Array.isArray(value) ? value.map(String).join(", ") : String(value);
    out[key] = out[key] === undefined ? text : `${out[key]}, ${text}`;
  };
  if (!headers) return out;
  if (Array.isArray(headers)) {
    if (headers.length > 0 && Array.isArray(headers[0])) for (const pair of headers as unknown as unknown[][]) add(pair[0], pair[1]);
    else for (let i = 0; i + 1 < headers.length; i += 2) add(headers[i], headers[i + 1]);
    return out;
  }
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === "function") {
    for (const pair of headers as Iterable<[string, string]>) add(pair[0], pair[1]);
    return out;
  }
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) add(name, value);
  return out;
}

/**
 * Reads the request of a dispatch. Returns it, and the body to pass on when reading consumed a
 * stream (the mock never reads it, but the handler may expect one).
 */
export async function captureRequest(opts: Dispatcher.DispatchOptions): Promise<{ request: CapturedRequest; body: Dispatcher.DispatchOptions["body"] }> {
  const origin = String(opts.origin ?? "");
  const url = normalizeUrl(new URL(opts.path, origin).href);
  const headers = headerRecord(opts.headers);
  const raw: unknown = opts.body;
  let body: string | undefined;
  let form: Record<string, string | string[]> | undefined;
  let multipart = false;
  let passOn = opts.body;
  if (typeof raw === "string") body = raw;
  else if (raw instanceof Uint8Array) body = Buffer.from(raw).toString("utf8");
  else if (isFormData(raw)) {
    multipart = true;
    form = {};
    for (const [name, value] of raw.entries()) {
      const text = typeof value === "string" ? value : await (value as Blob).text();
      addField(form, name, text);
    }
    // undici sets the multipart Content-Type (with its boundary) itself when it sends the body.
    headers["content-type"] ??= "multipart/form-data";
  } else if (isAsyncIterable(raw)) {
    const chunks: Buffer[] = [];
    for await (const chunk of raw) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
    const bytes = Buffer.concat(chunks);
    body = bytes.toString("utf8");
    passOn = bytes;
  }
  if (body !== undefined && /^application\/x-www-form-urlencoded\b/i.test(headers["content-type"] ?? "")) {
    form = {};
    for (const [name, value] of new URLSearchParams(body)) addField(form, name, value);
  }
  return { request: { method: opts.method.toUpperCase(), url, headers, body, form, multipart }, body: passOn };
}

function addField(form: Record<string, string | string[]>, name: string, value: string): void {
  const existing = form[name];
  if (existing === undefined) form[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else form[name] = [existing, value];
}
