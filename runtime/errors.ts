/**
 * The one error type of siq-actions.
 *
 * Every failure a user can meet carries a stable upper-case `code`. The engine decides on
 * codes (retry or not, exit status), never on message text, and so do the tests.
 * Messages say what failed, where, and what to do; they never hold a secret (the engine
 * passes every message through the run's redactor before it leaves the runtime).
 */

/** Every stable error code, with what it means. Codes are part of the product contract. */
export const ERROR_CODES = {
  // Pipelines, answers and usage (exit code 2)
  PIPELINE_INVALID: "The pipeline file has problems; each one is listed.",
  JSON_SYNTAX: "A file is not valid JSON.",
  SCHEMA_VIOLATION: "A file does not match its JSON Schema.",
  ENV_VARIABLE_MISSING: "A ${NAME} in connections names an environment variable that is not set.",
  ENV_VARIABLE_NOT_ALLOWED: "A ${NAME} appears outside connections, where secrets must not sit.",
  DUPLICATE_NAME: "Two actions or questions share a name.",
  UNKNOWN_ACTION_TYPE: "No registered action has this id or display name.",
  UNKNOWN_INPUT: "The action has no input of this name.",
  MANDATORY_INPUT_MISSING: "A mandatory input has no value.",
  FORMULA_SYNTAX: "A formula cannot be parsed.",
  UNKNOWN_FUNCTION: "A formula calls a function that does not exist.",
  ARGUMENT_COUNT: "A formula calls a function with the wrong number of arguments.",
  UNKNOWN_REFERENCE: "A formula or template refers to a question, field, action or output that does not exist.",
  FORWARD_REFERENCE: "A formula or template refers to an action that runs later (or to the action itself).",
  TEMPLATE_SYNTAX: "A template cannot be parsed.",
  ANSWERS_INVALID: "An answer does not fit its question.",
  USAGE: "The command line is not valid.",
  FILE_NOT_FOUND: "A file named by the user does not exist or cannot be read.",
  // Binding and running (exit code 1)
  INPUT_CONVERSION: "An input's value cannot be converted to the input's type.",
  FORMULA_ERROR: "A formula failed while it was evaluated.",
  TEMPLATE_ERROR: "A template failed while it was rendered.",
  ACTION_FAILED: "An action failed for a reason of its own.",
  CANCELLED: "The run was cancelled.",
  USER_NOT_FOUND: "The running user does not exist.",
  USER_DISABLED: "The running user is disabled.",
  INTERNAL: "An unexpected error inside siq-actions; please report it.",
  // Request Schema and Output Path (runtime/http/request-schema.ts, runtime/extract/)
  OUTPUT_PATH_INVALID: "An Output Path is not a valid JSONPath (RFC 9535), XPath 1.0 or header:Name.",
  OUTPUT_PATH_MISMATCH: "An Output Path does not fit the response: JSONPath on an XML response, or XPath on JSON.",
  OUTPUT_PATH_RESPONSE_INVALID: "The response body is not well-formed JSON or XML, so Output Path cannot read it.",
  REQUEST_BODY_INVALID: "A Request Body does not match its Request Schema exactly; every extra and missing element is listed.",
  REQUEST_SCHEMA_INVALID: "A Request Schema is not a valid JSON Schema 2020-12, or uses something refused (remote $ref, $data, a pattern that could backtrack).",
  REQUEST_SCHEMA_REQUIRED: "A Request Body was given without a Request Schema.",
  REQUEST_SCHEMA_TOO_DEEP: "A Request Schema is nested deeper than 64 levels.",
  REQUEST_SCHEMA_TOO_LARGE: "A Request Schema is larger than 256 KB.",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES | (string & {});

export interface SiqErrorOptions {
  /** Failures worth another attempt (connection errors, timeouts, 429, 5xx when failing on status). */
  retryable?: boolean;
  /** The pipeline action the error belongs to. */
  action?: string;
  /** The action input the error belongs to. */
  input?: string;
  /** A JSON path (pipeline files) or JSON Pointer (bodies) locating the problem. */
  path?: string;
  /** Machine-readable details, for example the list of problems. Never secrets. */
  details?: unknown;
  cause?: unknown;
}

export class SiqError extends Error {
  override readonly name = "SiqError";
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly action: string | undefined;
  readonly input: string | undefined;
  readonly path: string | undefined;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: SiqErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.action = options.action;
    this.input = options.input;
    this.path = options.path;
    this.details = options.details;
  }

  /** The plain form used in results: `{ code, message }`. */
  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** True for errors raised by siq-actions (any code). */
export function isActionError(error: unknown): error is SiqError {
  return error instanceof SiqError;
}

/** Wraps anything thrown into a SiqError, keeping SiqErrors as they are. */
export function toSiqError(error: unknown, fallbackCode: ErrorCode = "INTERNAL"): SiqError {
  if (error instanceof SiqError) return error;
  if (error instanceof Error && error.name === "AbortError") {
    return new SiqError("CANCELLED", "The run was cancelled before this step finished.", { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SiqError(fallbackCode, message, { cause: error });
}
