/**
 * Requests as `--dry-run` shows them: curl-like text with every secret masked
 * (Authorization values, API keys, userinfo, secret form fields and JSON members).
 */
import type { DryRunRequest } from "../context";
import { isSensitiveKey, MASK, type Redactor } from "../redact";
import type { RequestHeader } from "./headers";
import type { HttpRequest, RequestBody } from "./request";
import { displayUrl, withQueryParams } from "./url";

const AUTH_SCHEME = /^(Bearer|Basic|Digest|Token|ApiKey|Negotiate|NTLM|AWS4-HMAC-SHA256)\s+/i;

/** A header's value as shown: credentials and sensitive headers masked, keeping the scheme. */
export function maskHeaderValue(header: Pick<RequestHeader, "name" | "value"> & { kind?: RequestHeader["kind"] }, redactor?: Redactor): string {
  if (header.kind === "credential" || isSensitiveKey(header.name)) {
    const scheme = AUTH_SCHEME.exec(header.value);
    return scheme ? `${scheme[1]} ${MASK}` : MASK;
  }
  return redactor ? redactor.maskText(header.value) : header.value;
}

/** One part of a multipart body as shown. */
interface ShownPart {
  name: string;
  filename?: string;
  type?: string;
  content: string;
}

/** The body as text with secrets masked: JSON members under sensitive names, form fields, known secrets. */
export function maskBodyText(text: string, contentType: string | undefined, redactor?: Redactor): string {
  const type = (contentType ?? "").toLowerCase();
  const trimmed = text.trimStart();
  if (type.includes("json") || ((type === "" || type.startsWith("text/plain")) && (trimmed.startsWith("{") || trimmed.startsWith("[")))) {
    try {
      const parsed = JSON.parse(text) as unknown;
      const masked = redactor ? redactor.mask(parsed) : maskKeys(parsed);
      return JSON.stringify(masked);
    } catch {
      // Not JSON after all: mask it as text.
    }
  }
  if (type.includes("x-www-form-urlencoded")) {
    const fields = text.split("&").map((field) => {
      const eq = field.indexOf("=");
      if (eq === -1) return field;
      const name = decodeSafe(field.slice(0, eq));
      return isSensitiveKey(name) ? `${field.slice(0, eq)}=${MASK}` : field;
    });
    text = fields.join("&");
  }
  return redactor ? redactor.maskText(text) : text;
}

function maskKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    out[key] = isSensitiveKey(key) && typeof item !== "boolean" && item !== null ? MASK : maskKeys(item);
  }
  return out;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

function contentTypeOf(headers: readonly Pick<RequestHeader, "name" | "value">[]): string | undefined {
  return headers.find((header) => header.name.toLowerCase() === "content-type")?.value;
}

function showParts(form: FormDataLike, redactor?: Redactor): ShownPart[] {
  const parts: ShownPart[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === "string") {
      parts.push({ name, content: isSensitiveKey(name) ? MASK : redactor ? redactor.maskText(value) : value });
    } else {
      // Parts are built from documents (text), kept beside the Blob for showing.
      const text = partText.get(value as object) ?? `<${value.size} bytes>`;
      const part: ShownPart = { name, content: maskBodyText(text, value.type, redactor) };
      if (value.name) part.filename = value.name;
      if (value.type) part.type = value.type;
      parts.push(part);
    }
  }
  return parts;
}

interface FormDataLike {
  entries(): IterableIterator<[string, string | { name?: string; type: string; size: number }]>;
}

/** Text of multipart parts, so dry runs can show what a Blob holds without reading it. */
const partText = new WeakMap<object, string>();

/** Remembers the text a multipart part was made from (see {@link buildRequestBody}). */
export function rememberPartText(part: object, text: string): void {
  partText.set(part, text);
}

function isFormData(body: RequestBody | undefined): body is RequestBody & FormDataLike {
  return body !== undefined && typeof body !== "string" && !Buffer.isBuffer(body);
}

function bodyForShow(body: RequestBody | undefined, contentType: string | undefined, redactor?: Redactor): string | ShownPart[] | undefined {
  if (body === undefined) return undefined;
  if (typeof body === "string") return maskBodyText(body, contentType, redactor);
  if (Buffer.isBuffer(body)) return maskBodyText(body.toString("utf8"), contentType, redactor);
  if (isFormData(body)) return showParts(body, redactor);
  return undefined;
}

/** The request as the dry-run hook records it: URL, headers and body all masked. */
export function toDryRunRequest(request: HttpRequest, redactor: Redactor | undefined, action: string): DryRunRequest {
  const secretParams = (request.credentialQuery ?? []).map(([name]) => name);
  const url = displayUrl(withQueryParams(request.url, request.credentialQuery ?? []), redactor, secretParams);
  const headers: Record<string, string> = {};
  for (const header of request.headers) {
    const value = maskHeaderValue(header, redactor);
    headers[header.name] = headers[header.name] === undefined ? value : `${headers[header.name]}, ${value}`;
  }
  const shown = bodyForShow(request.body, contentTypeOf(request.headers), redactor);
  const entry: DryRunRequest = { action, method: request.method, url, headers };
  if (typeof shown === "string") entry.body = shown;
  else if (shown !== undefined) {
    headers["Content-Type"] = "multipart/form-data";
    entry.body = shown.map((part) => formatPart(part)).join("\n");
  }
  return entry;
}

function formatPart(part: ShownPart): string {
  const params = [part.filename === undefined ? "" : `;filename=${part.filename}`, part.type === undefined ? "" : `;type=${part.type}`].join("");
  return `--form ${quote(`${part.name}=${part.content}${params}`)}`;
}

/**
 * The request as curl-like text, secrets masked:
 * ```
 * curl -X POST 'https://h/v1/users?api_key=***' \
 *   -H 'Authorization: Bearer ***' \
 *   -H 'Content-Type: application/json; charset=utf-8' \
 *   --data-raw '{"name":"jdoe"}'
 * ```
 * Accepts a request or a recorded dry-run entry (already masked; masking again changes nothing).
 */
export function formatCurl(request: HttpRequest | DryRunRequest, redactor?: Redactor): string {
  const lines: string[] = [];
  if (isDryRunEntry(request)) {
    lines.push(`curl -X ${request.method} ${quote(displayUrl(request.url, redactor))}`);
    for (const [name, value] of Object.entries(request.headers)) {
      lines.push(`-H ${quote(`${name}: ${maskHeaderValue({ name, value }, redactor)}`)}`);
    }
    if (request.body !== undefined) {
      lines.push(request.body.startsWith("--form ") ? request.body : `--data-raw ${quote(maskBodyText(request.body, request.headers["Content-Type"], redactor))}`);
    }
    return lines.join(" \\\n  ");
  }
  const entry = toDryRunRequest(request, redactor, "");
  lines.push(`curl -X ${entry.method} ${quote(entry.url)}`);
  for (const header of request.headers) {
    if (isFormData(request.body) && header.name.toLowerCase() === "content-type") continue;
    lines.push(`-H ${quote(`${header.name}: ${maskHeaderValue(header, redactor)}`)}`);
  }
  const shown = bodyForShow(request.body, contentTypeOf(request.headers), redactor);
  if (typeof shown === "string") lines.push(`--data-raw ${quote(shown)}`);
  else if (shown !== undefined) for (const part of shown) lines.push(formatPart(part));
  return lines.join(" \\\n  ");
}

function isDryRunEntry(request: HttpRequest | DryRunRequest): request is DryRunRequest {
  return !Array.isArray(request.headers);
}

/** Single-quotes text for a POSIX shell. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
