/**
 * Fail On Error Status: a 4xx or 5xx response as an `HTTP_ERROR_STATUS` error.
 * Without that input set, such responses are results like any other (SPEC 5.1).
 */
import { SiqError } from "../errors";
import { maskedExcerpt, type Redactor } from "../redact";
import type { HttpResponse } from "./request";
import { displayUrl } from "./url";

/** Characters of the response body quoted in the message, to say what the service complained about. */
const BODY_EXCERPT = 300;

/**
 * The error for a 4xx/5xx response, or undefined for any other status. Retryable for 5xx and
 * 429 (SPEC rule 11). `statusName` gives the .NET-style name (`NotFound`) when the caller has it.
 */
export function errorForStatus(response: HttpResponse, options: { redactor?: Redactor | undefined; statusName?: string | undefined; action?: string | undefined } = {}): SiqError | undefined {
  if (response.status < 400) return undefined;
  const url = displayUrl(response.url, options.redactor);
  const name = options.statusName ?? response.statusText;
  const excerpt = maskedExcerpt(response.body, BODY_EXCERPT, options.redactor);
  const message =
    `${response.method} ${url} answered ${response.status}${name ? ` ${name}` : ""}, and Fail On Error Status is set.` +
    (excerpt === "" ? "" : ` The service said: ${excerpt}`);
  return new SiqError("HTTP_ERROR_STATUS", message, {
    retryable: response.status >= 500 || response.status === 429,
    ...(options.action === undefined ? {} : { action: options.action }),
    details: { status: response.status, method: response.method, url },
  });
}
