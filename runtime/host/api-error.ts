/**
 * Errors of the embedded host's API: a SiqError with an HTTP status. Every error response is
 * `{ "error": { "code", "message" } }` (plus `problems` where there is a list), with a stable
 * upper-case code; directory errors keep their own codes and get the status that fits them.
 */
import { SiqError, type ErrorCode, type SiqErrorOptions } from "../errors";

export class ApiError extends SiqError {
  constructor(
    readonly status: number,
    code: ErrorCode,
    message: string,
    options: SiqErrorOptions & { headers?: Record<string, string> } = {},
  ) {
    super(code, message, options);
    this.headers = options.headers ?? {};
  }

  /** Extra response headers (Retry-After, WWW-Authenticate). */
  readonly headers: Record<string, string>;
}

/** The status for errors thrown by the directory and the runtime, by code. */
const STATUS_BY_CODE: Record<string, number> = {
  ADMIN_GROUP_DENIED: 403,
  ADMIN_USER_DENIED: 403,
  ANSWERS_INVALID: 400,
  DIRECTORY_BUSY: 503,
  GROUP_EXISTS: 409,
  INVALID_CUSTOM_FIELD: 400,
  INVALID_EMAIL: 400,
  INVALID_FIELD: 400,
  INVALID_NAME: 400,
  INVALID_PASSWORD: 400,
  INVALID_PERMISSION: 400,
  LAST_ADMIN_GROUP: 409,
  PIPELINE_INVALID: 500,
  ROLE_EXISTS: 409,
  // Names in a body (groups of a new user, roles of a group) that do not exist.
  UNKNOWN_GROUP: 400,
  UNKNOWN_ROLE: 400,
  UNKNOWN_USER: 404,
  USER_EXISTS: 409,
};

export function statusOf(error: SiqError): number {
  if (error instanceof ApiError) return error.status;
  return STATUS_BY_CODE[error.code] ?? 500;
}

export interface ErrorBody {
  error: { code: string; message: string; problems?: unknown };
}

export function errorBody(error: SiqError, status: number): ErrorBody {
  // An unexpected failure is logged in full by the host; the caller gets no internals.
  const message = status >= 500 && error.code === "INTERNAL" ? "The host failed unexpectedly; the server's log has the details." : error.message;
  const body: ErrorBody = { error: { code: String(error.code), message } };
  const problems = (error.details as { problems?: unknown } | undefined)?.problems;
  if (Array.isArray(problems)) body.error.problems = problems;
  return body;
}
