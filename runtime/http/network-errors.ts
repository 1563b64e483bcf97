/**
 * Turning what undici and Node throw into SiqErrors with stable codes:
 * `CONNECTION_FAILED` (refused, reset, DNS, TLS) and `TIMEOUT`, both retryable, each naming
 * the method and the URL (already masked by the caller).
 */
import { SiqError } from "../errors";

const REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by the server",
  EPIPE: "connection closed by the server while sending",
  ENOTFOUND: "host name not found (DNS)",
  EAI_AGAIN: "DNS lookup failed temporarily",
  EAI_FAIL: "DNS lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ENETDOWN: "network down",
  ETIMEDOUT: "connection timed out",
  ECONNABORTED: "connection aborted",
  UND_ERR_CONNECT_TIMEOUT: "could not connect in time",
  UND_ERR_SOCKET: "connection closed unexpectedly",
  UND_ERR_CLOSED: "connection closed",
  UND_ERR_DESTROYED: "connection closed",
  UND_ERR_INFO: "the server sent an invalid response",
  HPE_INVALID_CONSTANT: "the server sent an invalid HTTP response",
};

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/** The first `code` found on the error, its cause or the errors it aggregates. */
export function errorCodeOf(error: unknown, depth = 0): string | undefined {
  if (error === null || typeof error !== "object" || depth > 4) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code !== "") return code;
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested)) {
    for (const item of nested) {
      const found = errorCodeOf(item, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return errorCodeOf((error as { cause?: unknown }).cause, depth + 1);
}

function isTlsCode(code: string): boolean {
  return /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_OSSL)/.test(code) || code.includes("CERT");
}

export function timeoutError(method: string, url: string, timeoutMs: number, cause?: unknown): SiqError {
  return new SiqError(
    "TIMEOUT",
    `${method} ${url} did not complete within ${formatSeconds(timeoutMs)} (Timeout (Seconds)). The service may be slow or down: try again later or raise Timeout (Seconds).`,
    { retryable: true, details: { method, url, timeoutMs }, cause },
  );
}

/**
 * A network failure as a SiqError. `url` must already be masked. Undici's own timeouts become
 * `TIMEOUT`; connection, DNS and TLS failures `CONNECTION_FAILED`; anything else without a
 * network code is returned as undefined so the caller can rethrow it as it is.
 */
export function networkError(error: unknown, method: string, url: string, timeoutMs: number): SiqError | undefined {
  const code = errorCodeOf(error);
  if (code === undefined) return undefined;
  if (TIMEOUT_CODES.has(code)) return timeoutError(method, url, timeoutMs, error);
  let reason = REASONS[code];
  if (reason === undefined && isTlsCode(code)) reason = "TLS handshake failed";
  if (reason === undefined && (code.startsWith("E") || code.startsWith("UND_ERR") || code.startsWith("HPE_"))) reason = "network error";
  if (reason === undefined) return undefined;
  const hint = isTlsCode(code)
    ? "Check that the URL's scheme (https) and host name are right and that the server's certificate is valid."
    : "Check the URL and that the service is running and reachable; the action can be retried.";
  return new SiqError("CONNECTION_FAILED", `${method} ${url} failed: ${reason} (${code}). ${hint}`, {
    retryable: true,
    details: { method, url, reason: code },
    cause: error,
  });
}

/** Seconds for messages: whole seconds from 10 s up, one decimal below (`0.3 s`, `42 s`). */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  if (seconds >= 10 || Number.isInteger(seconds)) return `${Math.floor(seconds)} s`;
  return `${seconds.toFixed(1).replace(/\.0$/, "")} s`;
}
