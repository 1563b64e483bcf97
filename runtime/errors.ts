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
  JSON_KEY_NOT_ALLOWED: "A JSON file uses the key __proto__, which JavaScript reads as the object's prototype rather than as data.",
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
  SETTING_INVALID: "An environment variable that sets a limit (SIQ_MAX_RESPONSE_BYTES) is not a valid value.",
  FILE_NOT_FOUND: "A file named by the user does not exist or cannot be read.",
  FILE_OUTSIDE_PIPELINE_FOLDER: "An Action Documents file is outside the pipeline's folder (symbolic links resolved); document files must be in it or below it.",
  // Formula and template warnings (runtime/template); shown as `warning:` lines, exit code unchanged
  TEMPLATE_RAW: "A template inserts a value with {{{ }}}, without escaping it for its document.",
  URL_NOT_ENCODED: "Warning: a URL is built by a formula that puts answers in unencoded; use a template or UrlEncode().",
  LINES_NOT_SEPARATED: "Warning: header or custom-field lines are built by a formula, so an answer's line break adds a line; use an object.",
  ACTION_CONFLICT: "Two registered actions share an id or display name.",
  ACTION_DEFINITION_INVALID: "An action definition does not match the action definition schema.",
  // Binding and running (exit code 1)
  INPUT_CONVERSION: "An input's value cannot be converted to the input's type.",
  FORMULA_ERROR: "A formula failed while it was evaluated.",
  TEMPLATE_ERROR: "A template failed while it was rendered.",
  ACTION_FAILED: "An action failed for a reason of its own.",
  CANCELLED: "The run was cancelled.",
  USER_NOT_FOUND: "The running user does not exist.",
  USER_DISABLED: "The running user is disabled.",
  INTERNAL: "An unexpected error inside siq-actions; please report it.",
  // HTTP request pipeline (runtime/http)
  AUTH_INVALID: "An action's auth inputs or a connection's auth are incomplete, conflicting or of an unknown type.",
  CONNECTION_FAILED: "The request could not reach the service: connection refused or reset, DNS or TLS failure.",
  HEADER_INVALID: "A request header has a name or value that HTTP does not allow.",
  HTTP_ERROR_STATUS: "The service answered with a 4xx or 5xx status and Fail On Error Status is set.",
  LOGIN_FAILED: "The SmartIQ login of a connection's `login` auth was refused.",
  MULTIPLE_DOCUMENTS: "Several Action Documents were given without Send as Multipart.",
  OAUTH_TOKEN_FAILED: "The OAuth 2.0 token endpoint refused or did not give a token.",
  PAGINATION_INVALID: "The Pagination input does not have one of the supported shapes.",
  RATE_LIMITED: "The service asked to wait (Retry-After) longer than the time left of the timeout.",
  REDIRECT_INVALID: "A redirect points to a URL that cannot be followed.",
  REQUEST_BODY_NOT_JSON: "The Request Body text is not valid JSON.",
  RESPONSE_TOO_LARGE: "The response body is larger than the configured limit.",
  TIMEOUT: "The request did not complete within its timeout.",
  TOO_MANY_REDIRECTS: "The request was redirected more than 10 times.",
  URL_INVALID: "A request URL is not a valid http(s) URL, or is relative with no base URL.",
  // The HTTP actions (actions/rest-service, actions/smartiq-api, runtime/http/http-action.ts)
  CONNECTION_UNKNOWN: "An action names a connection that the pipeline does not define.",
  CONNECTION_ORIGIN_MISMATCH: "An action's URL is on another origin than its connection, whose credentials go only to its own.",
  IMPERSONATED_USER_DISABLED: "SmartIQ API impersonates a user whose account is disabled.",
  IMPERSONATED_USER_NOT_FOUND: "SmartIQ API impersonates a username or GUID that no user has.",
  IMPERSONATION_DENIED: "The running user lacks the Impersonate permission (or there is no directory to check it).",
  SMARTIQ_FOREIGN_ORIGIN: "SmartIQ API was given a URL outside the SmartIQ origin; the token never leaves SmartIQ.",
  SMARTIQ_UNAVAILABLE: "SmartIQ API has no SmartIQ to call: no connections.smartiq and no embedded host.",
  TOKEN_UNAVAILABLE: "Send Access Token is set but the host has no token provider.",
  // Action specs (runtime/spec): `siq test`, runSpec
  SPEC_FAILED: "An action spec ran and what happened differs from what it expects; the differences are listed.",
  SPEC_INVALID: "An action spec file has problems (JSON, schema, matchers, its pipeline, answers or directory state); each one is listed.",
  // Declarative connectors (runtime/connectors); a connector's own rules add vendor codes (docs/connectors.md)
  CONNECTOR_AUTH_MISMATCH: "The connection a connector action uses has no auth, or a type the connector does not accept.",
  CONNECTOR_INVALID: "A connector file is not valid JSON, does not match the connector schema, or is inconsistent.",
  CONNECTOR_RESPONSE_INVALID: "A response body a connector action reads is not valid JSON or XML, or an output's value does not fit its type.",
  CONNECTOR_UNEXPECTED_STATUS: "A connector action got a response that none of its success or error rules expects.",
  // User directory and the SmartIQ User action (runtime/directory, actions/smartiq-user)
  ADMIN_GROUP_DENIED: "Only an administrator may add anyone to, or remove anyone from, an administrators group.",
  ADMIN_USER_DENIED: "Only an administrator may change a user who is an administrator.",
  DIRECTORY_BUSY: "The user directory stayed locked by another process for too long; try again.",
  DIRECTORY_UNAVAILABLE: "The host has no user directory that supports managing users.",
  DIRECTORY_VERSION: "The directory file was written by a newer siq-actions, or could not be migrated.",
  GROUP_EXISTS: "A group of that name (ignoring case) already exists.",
  INVALID_CUSTOM_FIELD: "A custom field has no name, or is not a `name=value` line.",
  INVALID_EMAIL: "An email address is not valid.",
  INVALID_FIELD: "A user field is too long or holds control characters.",
  INVALID_NAME: "A username, group name or role name is blank, too long, or has surrounding spaces or control characters.",
  INVALID_PASSWORD: "A password is empty or too long.",
  INVALID_PASSWORD_POLICY: "The password policy's length or non-alphanumeric count is out of range.",
  INVALID_PERMISSION: "A permission is not one of Impersonate, ManageUsers.",
  LAST_ADMIN_GROUP: "The change would leave the directory without an administrators group.",
  ROLE_EXISTS: "A role of that name (ignoring case) already exists.",
  UNKNOWN_GROUP: "No group of that name (ignoring case) or id exists.",
  UNKNOWN_ROLE: "No role of that name (ignoring case) exists.",
  UNKNOWN_USER: "No user of that username (ignoring case) or GUID exists in the directory.",
  USER_EXISTS: "A user of that username (ignoring case) already exists.",
  // Request Schema and Output Path (runtime/http/request-schema.ts, runtime/extract/)
  OUTPUT_PATH_INVALID: "An Output Path is not a valid JSONPath (RFC 9535), XPath 1.0 or header:Name.",
  OUTPUT_PATH_MISMATCH: "An Output Path does not fit the response: JSONPath on an XML response, or XPath on JSON.",
  OUTPUT_PATH_RESPONSE_INVALID: "The response body is not well-formed JSON or XML, so Output Path cannot read it.",
  OUTPUT_PATH_TOO_LARGE: "An XPath Output Path selects more XML than it may (8 times the response, at least 1 MB): nested elements each give their whole XML.",
  REQUEST_BODY_INVALID: "A Request Body does not match its Request Schema exactly; every extra and missing element is listed.",
  REQUEST_SCHEMA_INVALID: "A Request Schema is not a valid JSON Schema 2020-12, or uses something refused (remote $ref, $data, a pattern that could backtrack).",
  REQUEST_SCHEMA_REQUIRED: "A Request Body was given without a Request Schema.",
  REQUEST_SCHEMA_TOO_DEEP: "A Request Schema is nested deeper than 64 levels.",
  REQUEST_SCHEMA_TOO_LARGE: "A Request Schema is larger than 256 KB.",
  // Embedded host (runtime/host): the API's error codes, and egress from pipelines it runs
  ACCOUNT_DISABLED: "The token's user has been disabled since the token was issued.",
  AUTH_REQUIRED: "The host's endpoint needs `Authorization: Bearer <token>`.",
  BAD_REQUEST: "The HTTP request is malformed.",
  BODY_INVALID: "The request body is not JSON, or does not match the endpoint's schema exactly.",
  BODY_TOO_LARGE: "The request body is larger than the endpoint accepts (413).",
  CREDENTIALS_INVALID: "The login's username or password is wrong, or the account is disabled.",
  EGRESS_DENIED: "A pipeline run by the host tried to reach a private, loopback or link-local address not allowed by --allow-hosts.",
  HOST_CLOSING: "The host is shutting down and takes no new requests.",
  HOST_KEY_INVALID: "The host's token signing key file cannot be read, created or used.",
  HOST_STARTING: "The host is still starting.",
  LOGIN_LOCKED: "Too many failed logins for the username or from the address; wait for Retry-After.",
  MEDIA_TYPE_UNSUPPORTED: "The request body is not application/json.",
  NOT_FOUND: "The host has no such endpoint.",
  PATH_INVALID: "A value in the request's URL path is not valid.",
  PERMISSION_DENIED: "The acting user lacks the permission the endpoint needs (ManageUsers).",
  PIPELINE_NOT_FOUND: "No pipeline of that name is in the host's pipelines folder.",
  QUERY_INVALID: "The request's query string has an unknown parameter or a value out of range.",
  SELF_DISABLE_DENIED: "A user cannot disable the account making the request.",
  TOKEN_EXPIRED: "The bearer token has expired; log in again.",
  TOKEN_INVALID: "The bearer token is malformed, not signed by this host, or its user no longer exists.",
  TOKEN_REVOKED: "The bearer token (or form pages' session) was signed out; log in again.",
  // Bulk runs (runtime/bulk, siq bulk)
  BULK_INPUT_CHANGED: "A row that a bulk run already ran (or started) differs from the same row of the rows file now.",
  BULK_JOURNAL_BUSY: "Another siq bulk process is using the same journal.",
  BULK_JOURNAL_MISMATCH: "The journal belongs to another run (another user directory, or is not a bulk journal).",
  BULK_RESULTS_EXISTS: "The results file exists but has no journal beside it; --restart overwrites it.",
  ROW_INTERRUPTED: "A bulk row was stopped by a crash after its directory changes were committed; they were kept and not applied again.",
  ROWS_INVALID: "The rows file cannot be read as rows: a CSV syntax error, or a header naming no question.",
  // Form pages of the embedded host (runtime/host/pages)
  CSRF_INVALID: "A request signed in by the form pages' session cookie lacks the page's CSRF token, or comes from another site.",
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
