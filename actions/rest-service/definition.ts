/**
 * Send to REST Service (SPEC 5.1): the definition, as data. The names are the exact names
 * pipelines use; SmartIQ API (actions/smartiq-api) reuses these inputs.
 */
import type { ActionDefinition, InputDefinition, OutputDefinition } from "../../runtime/definition";

export const HTTP_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"];

/** Inputs both HTTP actions share, by name. */
export const SHARED_HTTP_INPUTS: Record<string, InputDefinition> = {
  URL: {
    name: "URL",
    type: "url",
    mandatory: true,
    description: "The endpoint: an absolute URL, or a path relative to the connection's base URL (/users under https://h/v1 is https://h/v1/users).",
  },
  "HTTP Method": {
    name: "HTTP Method",
    type: "text",
    default: "POST",
    options: HTTP_METHODS,
    description: "GET, POST, PUT, DELETE or PATCH. Default POST.",
  },
  "Custom Headers": {
    name: "Custom Headers",
    type: "keyValueList",
    separator: ":",
    description: "Extra request headers: an object { \"Name\": \"value\" } or lines \"Name: value\". Dropped when a redirect leads to another origin.",
  },
  "Action Documents": {
    name: "Action Documents",
    type: "documents",
    description: "JSON or XML documents (templates, inline or from a file) sent as the body; the content type follows the document. Several need Send as Multipart.",
  },
  "Send as Multipart": {
    name: "Send as Multipart",
    type: "boolean",
    default: false,
    description: "Send every Action Document as a part of a multipart/form-data body (field name and file name: the document's name).",
  },
  "Request Body": {
    name: "Request Body",
    type: "json",
    description: "A JSON body (an object, or template text that renders JSON). When set, Action Documents and Send as Multipart are ignored and Request Schema is mandatory.",
  },
  "Request Schema": {
    name: "Request Schema",
    type: "json",
    description: "A JSON Schema the Request Body must match exactly: no element may be added or left out, whatever the schema allows.",
  },
  "Output Path": {
    name: "Output Path",
    type: "text",
    description: "What to pick from the response into Output Path Data: a JSONPath (RFC 9535) for JSON, an XPath 1.0 for XML, or header:Name for a response header.",
  },
  Pagination: {
    name: "Pagination",
    type: "json",
    description:
      "Follow further pages: { \"nextLink\": \"$._links.next\" }, { \"skipParam\": \"$skip\", \"topParam\": \"$top\", \"pageSize\": 30 } or { \"pageParam\": \"page\", \"firstPage\": 1 }, each with \"maxPages\" (default 100). Output Path applies to every page and the results are concatenated.",
  },
  "Timeout (Seconds)": {
    name: "Timeout (Seconds)",
    type: "number",
    default: 100,
    description: "The limit for the whole request, redirects, Retry-After waits and reading the response included. Default 100.",
  },
  "Fail On Error Status": {
    name: "Fail On Error Status",
    type: "boolean",
    default: false,
    description: "When true, a 4xx or 5xx response fails the action (5xx and 429 may be retried). Default false: any response succeeds and Status tells what it was.",
  },
};

function shared(name: string): InputDefinition {
  const input = SHARED_HTTP_INPUTS[name];
  if (input === undefined) throw new Error(`no shared HTTP input "${name}"`);
  return input;
}

/** The outputs of both HTTP actions (SPEC 5.1). */
export const HTTP_OUTPUTS: OutputDefinition[] = [
  { name: "Status", type: "text", description: "The status name, .NET style: OK, Created, NoContent, BadRequest, NotFound, Conflict, TooManyRequests, InternalServerError..." },
  { name: "HTTP Status", type: "number", description: "The numeric HTTP status code." },
  { name: "Response", type: "text", description: "The response body as text (with Pagination, the last page's)." },
  { name: "Response Headers", type: "json", description: "The response headers as an object with lower-case names; repeated headers joined with \", \"." },
  { name: "Output Path Data", type: "any", description: "What Output Path selected: one match gives its value, several give a list, none gives \"\"." },
];

export const restServiceDefinition: ActionDefinition = {
  id: "rest-service",
  displayName: "Send to REST Service",
  version: "1.0.0",
  description:
    "Sends a request to any REST service and outputs the status, the response and what Output Path selects. Any HTTP response succeeds unless Fail On Error Status is set; failing to connect, a timeout or a too-large response fails.",
  inputs: [
    shared("URL"),
    {
      name: "Connection",
      type: "text",
      description: "The name of a pipeline connection: its base URL for relative URLs, and its credentials unless the action sets its own.",
    },
    shared("HTTP Method"),
    shared("Custom Headers"),
    { name: "Basic Auth Username", type: "text", description: "HTTP Basic authentication: the username." },
    { name: "Basic Auth Password", type: "text", secret: true, description: "HTTP Basic authentication: the password." },
    { name: "OAuth 2.0 Client Id", type: "text", description: "OAuth 2.0: the client id (client credentials, or password grant when OAuth 2.0 Username is set)." },
    { name: "OAuth Client Secret", type: "text", secret: true, description: "OAuth 2.0: the client secret." },
    { name: "OAuth 2.0 Scope", type: "text", description: "OAuth 2.0: the scope to ask for (space-separated), if the service needs one." },
    { name: "OAuth 2.0 Token URL", type: "url", description: "OAuth 2.0: the token endpoint." },
    { name: "OAuth 2.0 Username", type: "text", description: "OAuth 2.0 password grant: the resource owner's username. Leave empty for client credentials." },
    { name: "OAuth 2.0 Password", type: "text", secret: true, description: "OAuth 2.0 password grant: the resource owner's password." },
    {
      name: "Send Access Token",
      type: "boolean",
      default: false,
      description: "Send the running user's access token as Authorization: Bearer.",
    },
    shared("Action Documents"),
    shared("Send as Multipart"),
    shared("Request Body"),
    shared("Request Schema"),
    shared("Output Path"),
    shared("Pagination"),
    shared("Timeout (Seconds)"),
    shared("Fail On Error Status"),
  ],
  outputs: HTTP_OUTPUTS,
};
