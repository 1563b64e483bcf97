/**
 * Requests and differences as a spec report shows them, secrets masked: Authorization, Cookie,
 * API keys and other sensitive headers and fields show `***` (keeping the scheme, `Bearer ***`),
 * and every secret the run knows (connection credentials, tokens) is masked wherever it appears.
 */
import type { SpecRequest } from "../../schemas/spec";
import type { PathSegment } from "../pipeline/problems";
import { formatJsonPath } from "../pipeline/problems";
import { MASK, isSensitiveKey, type Redactor } from "../redact";
import type { CapturedRequest } from "./captured-request";
import { describeExpected, type Mismatch } from "./matchers";
import type { SpecRequestRecord } from "./types";

const MAX_BODY = 600;

/** A credential value as shown: its scheme kept (`Bearer ***`), the rest masked. */
export function maskCredential(value: string): string {
  const scheme = /^(Bearer|Basic|Digest|Token|Negotiate)\s+/i.exec(value);
  return scheme ? `${scheme[1]} ${MASK}` : MASK;
}

export function maskedHeaders(headers: Readonly<Record<string, string>>, redactor: Redactor): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = isSensitiveKey(name) ? maskCredential(value) : redactor.maskText(value);
  return out;
}

/** The body as shown: JSON with sensitive fields masked, form fields masked by name, or text. */
export function maskedBody(request: CapturedRequest, redactor: Redactor): string | undefined {
  if (request.form !== undefined) {
    const shown = JSON.stringify(redactor.mask(request.form));
    return request.multipart ? `multipart ${shown}` : shown;
  }
  if (request.body === undefined || request.body === "") return undefined;
  try {
    return JSON.stringify(redactor.mask(JSON.parse(request.body) as unknown));
  } catch {
    return redactor.maskText(request.body);
  }
}

export function requestRecord(request: CapturedRequest, redactor: Redactor, entry: number | undefined): SpecRequestRecord {
  const body = maskedBody(request, redactor);
  return {
    method: request.method,
    url: redactor.maskText(request.url),
    headers: maskedHeaders(request.headers, redactor),
    ...(body !== undefined ? { body } : {}),
    ...(entry !== undefined ? { entry } : {}),
  };
}

/** The request, one line for the request line and one per header, then the body. */
export function showRequest(record: SpecRequestRecord, indent: string): string[] {
  const lines = [`${indent}${record.method} ${record.url}`];
  for (const [name, value] of Object.entries(record.headers)) lines.push(`${indent}  ${name}: ${value}`);
  if (record.body !== undefined) lines.push(`${indent}  body: ${cut(record.body)}`);
  return lines;
}

/** An entry's request line as shown: `POST https://crm.example.com/v1/users`. */
export function showEntryRequest(request: SpecRequest): string {
  return `${request.method.toUpperCase()} ${typeof request.url === "string" ? request.url : describeExpected(request.url)}`;
}

/** A difference as `path: expected X, got Y`, masked when it is under a sensitive name. */
export function showMismatch(mismatch: Mismatch, redactor: Redactor, prefix: readonly PathSegment[] = []): string {
  const { path, message } = describeMismatch(mismatch, redactor, prefix);
  return `${path}: ${message}`;
}

/** A difference's path and `expected X, got Y`, masked when it is under a sensitive name. */
export function describeMismatch(mismatch: Mismatch, redactor: Redactor, prefix: readonly PathSegment[] = []): { path: string; message: string } {
  const path = formatJsonPath([...prefix, ...mismatch.path]);
  const sensitive = mismatch.path.some((segment) => typeof segment === "string" && isSensitiveKey(segment));
  const expected = sensitive ? maskShown(mismatch.expected) : redactor.maskText(mismatch.expected);
  const actual = sensitive ? maskShown(mismatch.actual) : redactor.maskText(mismatch.actual);
  // Masking can make two different values look alike; say so rather than show a puzzle.
  const note = sensitive && expected === actual ? " (masked: the values differ)" : "";
  return { path, message: `expected ${expected}, got ${actual}${note}` };
}

/** A shown value under a sensitive name: quoted text is masked (scheme kept); words (`nothing`, `a string`) stay. */
function maskShown(shown: string): string {
  if (!shown.startsWith('"')) return shown;
  try {
    const value = JSON.parse(shown) as unknown;
    if (typeof value === "string") return JSON.stringify(maskCredential(value));
  } catch {
    // A cut value (`"abc…`): mask it whole.
  }
  return JSON.stringify(MASK);
}

function cut(text: string): string {
  return text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}… (${text.length} characters)` : text;
}
