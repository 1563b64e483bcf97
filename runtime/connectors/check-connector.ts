/**
 * Checks what the connector JSON Schema cannot: that a connector file is consistent with itself.
 * Every placeholder and $input names an input of its action, every output has a source, every
 * body path exists for each response format the action accepts, paths and patterns compile,
 * error codes do not take over built-in ones, secrets stay out of URLs and messages.
 *
 * Paths are compiled by Output Path (runtime/extract), the reader the engine uses.
 *
 * Run it on a connector that already matches schemas/connector.ts; it returns every problem,
 * each with the JSON path of the value at fault.
 */
import { RE2JS } from "re2js";
import type { InputDefinition } from "../definition";
import { compileOutputPath } from "../extract/output-path";
import { CONNECTION_INPUT, HTTP_STATUS_OUTPUT, MESSAGE_VARIABLES, parsePlaceholders } from "./placeholders";
import { isXmlName } from "./xml-body";
import { ERROR_CODES } from "../errors";
import type {
  BodyNode,
  Condition,
  ConnectorBody,
  Connector,
  ConnectorAction,
  ErrorRule,
  InputValue,
  SuccessRule,
  ValuePath,
  ValueSource,
} from "../../schemas/connector";

export interface ConnectorProblem {
  /** JSON path in the connector file, for example `actions[2].request.path`. */
  path: string;
  message: string;
}

type Format = "json" | "xml";

export function checkConnector(connector: Connector): ConnectorProblem[] {
  const problems: ConnectorProblem[] = [];
  const problem = (path: string, message: string): void => {
    problems.push({ path, message });
  };
  const authTypes = new Set(connector.connection.auth.map((auth) => auth.type));
  const allFormats = new Set<Format>(connector.actions.flatMap((action) => action.responseFormats));

  // --- the connector as a whole -----------------------------------------------------------------
  const seenAuth = new Set<string>();
  connector.connection.auth.forEach((auth, index) => {
    if (seenAuth.has(auth.type)) problem(`connection.auth[${index}]`, `The auth type ${auth.type} is listed twice.`);
    seenAuth.add(auth.type);
  });
  unique(connector.actions.map((action) => action.id), "actions", "id", problem);
  unique(connector.actions.map((action) => action.displayName.toLowerCase()), "actions", "displayName", problem);

  for (const [field, path] of Object.entries(connector.errorBody ?? {})) {
    checkValuePath(path, allFormats, `errorBody.${field}`, problem);
  }
  (connector.errors ?? []).forEach((rule, index) => {
    checkErrorRule(rule, `errors[${index}]`, { connector, inputs: undefined, formats: allFormats }, problem);
  });

  connector.actions.forEach((action, index) => checkAction(connector, action, `actions[${index}]`, authTypes, problem));
  return problems;
}

interface RuleScope {
  connector: Connector;
  /** The action's inputs; undefined for connector-wide rules, which may not use inputs. */
  inputs: Map<string, InputDefinition> | undefined;
  formats: ReadonlySet<Format>;
}

type Report = (path: string, message: string) => void;

function checkAction(connector: Connector, action: ConnectorAction, at: string, authTypes: ReadonlySet<string>, problem: Report): void {
  const inputs = new Map<string, InputDefinition>();
  action.inputs.forEach((input, index) => {
    const where = `${at}.inputs[${index}]`;
    if (inputs.has(input.name)) problem(`${where}.name`, `Two inputs are named "${input.name}".`);
    inputs.set(input.name, input);
    if (input.name === CONNECTION_INPUT) problem(`${where}.name`, `"${CONNECTION_INPUT}" is added to every connector action by the engine; do not declare it.`);
    if (input.name.startsWith("$") || /[{}]/.test(input.name)) problem(`${where}.name`, `Input names may not start with $ or contain braces: "${input.name}".`);
    if (input.type === "documents") problem(`${where}.type`, "Connector inputs cannot be documents; build the body from inputs instead.");
  });
  const formats = new Set<Format>(action.responseFormats);
  const scope: RuleScope = { connector, inputs, formats };

  // Outputs: unique, with a source, with a path for every response format.
  const outputs = new Map<string, (typeof action.outputs)[number]>();
  const setBySuccess = new Set<string>();
  for (const rule of action.success) if (typeof rule !== "number") for (const name of Object.keys(rule.set ?? {})) setBySuccess.add(name);
  action.outputs.forEach((output, index) => {
    const where = `${at}.outputs[${index}]`;
    if (outputs.has(output.name)) problem(`${where}.name`, `Two outputs are named "${output.name}".`);
    outputs.set(output.name, output);
    if (output.name === HTTP_STATUS_OUTPUT) problem(`${where}.name`, `"${HTTP_STATUS_OUTPUT}" is added to every connector action by the engine; do not declare it.`);
    const fromBody = output.json !== undefined || output.xml !== undefined;
    if (fromBody && output.header !== undefined) problem(where, "An output reads either the body (json/xml) or a header, not both.");
    if (!fromBody && output.header === undefined && !setBySuccess.has(output.name)) {
      problem(where, `Output "${output.name}" has no json, xml or header source and no success rule sets it.`);
    }
    if (fromBody) checkValuePath({ ...(output.json !== undefined ? { json: output.json } : {}), ...(output.xml !== undefined ? { xml: output.xml } : {}) }, formats, where, problem);
  });

  // The request.
  const request = action.request;
  const path = parsePlaceholders(request.path);
  if (path.malformed) problem(`${at}.request.path`, "The path has braces that are not a {{Input Name}} placeholder.");
  if (!request.path.startsWith("/")) problem(`${at}.request.path`, "The path must start with /.");
  for (const placeholder of path.placeholders) {
    const input = inputs.get(placeholder.name);
    if (!input) problem(`${at}.request.path`, `{{${placeholder.name}}} names no input of this action.`);
    else {
      if (!input.mandatory && input.default === undefined) problem(`${at}.request.path`, `Input "${input.name}" is in the path, so it must be mandatory or have a default.`);
      if (input.secret) problem(`${at}.request.path`, `Secret input "${input.name}" may not be put in the URL (URLs are logged).`);
    }
  }
  for (const [name, source] of Object.entries(request.query ?? {})) {
    checkSource(source, `${at}.request.query[${JSON.stringify(name)}]`, inputs, authTypes, problem, { inUrl: true });
  }
  for (const [name, source] of Object.entries(request.headers ?? {})) {
    if (name.toLowerCase() === "authorization") problem(`${at}.request.headers`, "Authorization comes from the connection's auth; do not set it here.");
    checkSource(source, `${at}.request.headers[${JSON.stringify(name)}]`, inputs, authTypes, problem, { inUrl: false });
  }
  if (request.accept !== undefined) checkSource(request.accept, `${at}.request.accept`, inputs, authTypes, problem, { inUrl: false });

  let usesCredential = false;
  if (request.body) {
    const body = request.body;
    if (request.method === "GET" || request.method === "DELETE") problem(`${at}.request.body`, `A ${request.method} request has no body here.`);
    const bodyFormats = possibleBodyFormats(body.format, inputs, `${at}.request.body.format`, problem);
    if (bodyFormats.has("xml")) {
      if (!body.xml) problem(`${at}.request.body`, "The body may be XML, so it needs xml options (root, namespace, arrayItems).");
      if (typeof body.content !== "object" || body.content === null || Array.isArray(body.content)) {
        problem(`${at}.request.body.content`, "An XML body's content must be an object (its members become the root's elements).");
      }
      if (body.xml) checkXmlNames(body.xml, body.content, `${at}.request.body`, problem);
    }
    if (typeof body.content !== "object" || body.content === null || isSource(body.content)) {
      problem(`${at}.request.body.content`, "The body content must be an object or an array of members.");
    }
    usesCredential = walkBody(body.content, `${at}.request.body.content`, inputs, authTypes, problem);
  }
  if (request.sendAuth === false && !usesCredential) {
    problem(`${at}.request.sendAuth`, "sendAuth is false but the body carries no $credential: the request would go without credentials.");
  }

  // Success and error rules.
  action.success.forEach((rule, index) => checkSuccessRule(rule, `${at}.success[${index}]`, scope, outputs, problem));
  (action.errors ?? []).forEach((rule, index) => checkErrorRule(rule, `${at}.errors[${index}]`, scope, problem));

  // Pagination.
  const pagination = action.pagination;
  if (pagination) {
    const where = `${at}.pagination`;
    checkValuePath(pagination.items, formats, `${where}.items`, problem);
    if ("nextLink" in pagination) checkValuePath(pagination.nextLink, formats, `${where}.nextLink`, problem);
    const params = "skipParam" in pagination ? [pagination.skipParam, pagination.topParam] : "pageParam" in pagination ? [pagination.pageParam, pagination.sizeParam] : [];
    for (const param of params) {
      if (param !== undefined && request.query && Object.prototype.hasOwnProperty.call(request.query, param)) {
        problem(where, `The query parameter ${param} is set by paging; remove it from request.query.`);
      }
    }
    const counts: Array<[string, unknown]> = [["maxPages", pagination.maxPages]];
    if ("pageSize" in pagination) counts.push(["pageSize", pagination.pageSize]);
    if ("start" in pagination) counts.push(["start", pagination.start]);
    for (const [name, value] of counts) {
      if (typeof value === "number" && value < 1 && name !== "start") problem(`${where}.${name}`, `${name} must be 1 or more.`);
      if (value !== undefined && typeof value === "object" && value !== null) {
        const input = inputs.get((value as InputValue).$input);
        if (!input) problem(`${where}.${name}`, `$input "${(value as InputValue).$input}" names no input of this action.`);
        else if (input.type !== "number") problem(`${where}.${name}`, `Input "${input.name}" gives ${name}, so it must be a number input.`);
      }
    }
  }
}

function checkSuccessRule(rule: SuccessRule, at: string, scope: RuleScope, outputs: Map<string, { type: string }>, problem: Report): void {
  if (typeof rule === "number") return;
  checkStatus(rule.status, `${at}.status`, problem);
  (rule.when ?? []).forEach((condition, index) => checkCondition(condition, `${at}.when[${index}]`, scope, problem));
  for (const [name, value] of Object.entries(rule.set ?? {})) {
    const output = outputs.get(name);
    if (!output) {
      problem(`${at}.set`, `"${name}" names no output of this action.`);
      continue;
    }
    const fits =
      output.type === "any" ||
      (output.type === "json" && typeof value === "object") ||
      (output.type === "text" && typeof value === "string") ||
      (output.type === "number" && typeof value === "number") ||
      (output.type === "boolean" && typeof value === "boolean");
    if (!fits) problem(`${at}.set`, `Output "${name}" is ${output.type}; ${JSON.stringify(value)} does not fit.`);
  }
}

function checkErrorRule(rule: ErrorRule, at: string, scope: RuleScope, problem: Report): void {
  checkStatus(rule.status, `${at}.status`, problem);
  (rule.when ?? []).forEach((condition, index) => checkCondition(condition, `${at}.when[${index}]`, scope, problem));
  if (Object.prototype.hasOwnProperty.call(ERROR_CODES, rule.code)) {
    problem(`${at}.code`, `${rule.code} is a built-in error code; give the vendor's errors their own (for example with the vendor as prefix).`);
  }
  const message = parsePlaceholders(rule.message);
  if (message.malformed) problem(`${at}.message`, "The message has braces that are not a {{placeholder}}.");
  if (INLINE_CREDENTIAL.test(rule.message)) {
    problem(`${at}.message`, "A word after \"Basic\" or \"Bearer\" reads as a credential and is masked as *** in every message; reword it (for example \"its basic auth\").");
  }
  for (const { name } of message.placeholders) {
    if (name.startsWith("$")) {
      if (!MESSAGE_VARIABLES.includes(name)) problem(`${at}.message`, `{{${name}}} is not one of ${MESSAGE_VARIABLES.join(", ")}.`);
      if (name.startsWith("$error.") && scope.connector.errorBody?.[name.slice("$error.".length) as "code" | "message" | "fields"] === undefined) {
        problem(`${at}.message`, `{{${name}}} needs errorBody.${name.slice("$error.".length)}.`);
      }
      continue;
    }
    if (!scope.inputs) {
      problem(`${at}.message`, `{{${name}}}: connector-wide messages may use only {{$...}} placeholders, since actions have different inputs.`);
      continue;
    }
    const input = scope.inputs.get(name);
    if (!input) problem(`${at}.message`, `{{${name}}} names no input of this action.`);
    else if (input.secret) problem(`${at}.message`, `Secret input "${name}" may not appear in an error message.`);
  }
}

/** What the redactor masks as an inline credential (runtime/redact.ts). */
const INLINE_CREDENTIAL = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/;

/** Element names of an XML body: the root, every member key, every array item name. */
function checkXmlNames(options: NonNullable<ConnectorBody["xml"]>, content: BodyNode, at: string, problem: Report): void {
  const bad = (name: string, where: string): void => {
    if (!isXmlName(name)) problem(where, `"${name}" is not an XML element name (letters, digits, . _ - and no colon; not starting with a digit).`);
  };
  bad(options.root, `${at}.xml.root`);
  for (const [member, item] of Object.entries(options.arrayItems ?? {})) bad(item, `${at}.xml.arrayItems.${member}`);
  if (options.defaultArrayItem !== undefined) bad(options.defaultArrayItem, `${at}.xml.defaultArrayItem`);
  const walk = (node: BodyNode, path: string): void => {
    if (node === null || typeof node !== "object" || isSource(node)) return;
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, `${path}[${index}]`));
      return;
    }
    for (const [key, value] of Object.entries(node as Record<string, BodyNode>)) {
      bad(key, `${path}.${key}`);
      walk(value, `${path}.${key}`);
    }
  };
  walk(content, `${at}.content`);
}

function checkStatus(status: number | number[] | string, at: string, problem: Report): void {
  const list = Array.isArray(status) ? status : [status];
  if (new Set(list).size !== list.length) problem(at, "A status is listed twice.");
}

function checkCondition(condition: Condition, at: string, scope: RuleScope, problem: Report): void {
  const subjects = (["input", "body", "header", "error"] as const).filter((key) => condition[key] !== undefined);
  const tests = (["equals", "in", "matches", "contains", "exists"] as const).filter((key) => condition[key] !== undefined);
  if (subjects.length !== 1) problem(at, `A condition needs exactly one subject (input, body, header or error); it has ${subjects.length}.`);
  if (tests.length !== 1) problem(at, `A condition needs exactly one test (equals, in, matches, contains or exists); it has ${tests.length}.`);
  if (condition.input !== undefined) {
    if (!scope.inputs) problem(`${at}.input`, "Connector-wide rules cannot test inputs, since actions have different inputs.");
    else if (!scope.inputs.has(condition.input)) problem(`${at}.input`, `"${condition.input}" names no input of this action.`);
  }
  if (condition.body !== undefined) checkValuePath(condition.body, scope.formats, `${at}.body`, problem);
  if (condition.error !== undefined && scope.connector.errorBody?.[condition.error] === undefined) {
    problem(`${at}.error`, `Testing the error ${condition.error} needs errorBody.${condition.error}.`);
  }
  if (condition.matches !== undefined) {
    try {
      RE2JS.compile(condition.matches, RE2JS.CASE_INSENSITIVE);
    } catch (error) {
      problem(`${at}.matches`, `Not a valid RE2 regular expression: ${(error as Error).message}`);
    }
  }
}

function checkValuePath(path: ValuePath, formats: ReadonlySet<Format>, at: string, problem: Report): void {
  for (const format of formats) {
    if (path[format] === undefined) problem(at, `The response may be ${format.toUpperCase()}, so a ${format} path is needed here.`);
  }
  if (path.json !== undefined) {
    const reason = pathProblem(path.json, "json");
    if (reason !== undefined) problem(`${at}.json`, `Not a valid JSONPath: ${reason}`);
  }
  if (path.xml !== undefined) {
    const reason = pathProblem(path.xml, "xml");
    if (reason !== undefined) problem(`${at}.xml`, `Not a valid XPath 1.0 expression: ${reason}`);
  }
}

/** Why a path cannot be used, compiled exactly as the engine will read it (Output Path); undefined when it can. */
function pathProblem(expression: string, format: Format): string | undefined {
  const trimmed = expression.trim();
  if (format === "json" && !trimmed.startsWith("$")) return "a JSONPath starts with $.";
  if (format === "xml" && (trimmed.startsWith("$") || /^header:/i.test(trimmed))) return "write an XPath such as /Root/Name.";
  try {
    compileOutputPath(expression);
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    return /is not valid: (.*?)\. Write a JSONPath/s.exec(message)?.[1] ?? message;
  }
}

function isSource(node: unknown): node is Record<string, unknown> {
  return typeof node === "object" && node !== null && !Array.isArray(node) && Object.keys(node).some((key) => key.startsWith("$"));
}

/** Checks one value source; returns true when it is a $credential. */
function checkSource(
  source: ValueSource | BodyNode,
  at: string,
  inputs: Map<string, InputDefinition>,
  authTypes: ReadonlySet<string>,
  problem: Report,
  options: { inUrl: boolean },
): boolean {
  if (typeof source === "string") {
    checkTemplate(source, at, inputs, problem, options);
    return false;
  }
  if (!isSource(source)) return false;
  if ("$credential" in source) {
    if (!authTypes.has("apiKey")) problem(at, "$credential apiKey needs an apiKey auth in connection.auth.");
    if (options.inUrl) problem(at, "A credential in the query belongs in connection.auth (apiKey in query), where it is masked.");
    return true;
  }
  if ("$template" in source) {
    checkTemplate(String(source.$template), at, inputs, problem, options);
    return false;
  }
  if ("$input" in source) {
    const value = source as InputValue;
    const input = inputs.get(value.$input);
    if (!input) {
      problem(at, `$input "${value.$input}" names no input of this action.`);
      return false;
    }
    if (options.inUrl && input.secret) problem(at, `Secret input "${input.name}" may not be put in the URL (URLs are logged).`);
    const as = value.as;
    const compatible: Record<string, string[]> = {
      text: ["text", "multiline", "url", "number", "boolean"],
      number: ["number", "text"],
      integer: ["number", "text"],
      boolean: ["boolean", "text"],
      json: ["json", "keyValueList"],
      lines: ["text", "multiline"],
    };
    if (as !== undefined && !(compatible[as] ?? []).includes(input.type)) problem(at, `Input "${input.name}" is ${input.type}; it cannot be sent as ${as}.`);
  }
  return false;
}

function checkTemplate(template: string, at: string, inputs: Map<string, InputDefinition>, problem: Report, options: { inUrl: boolean }): void {
  const parsed = parsePlaceholders(template);
  if (parsed.malformed) problem(at, "Braces that are not a {{Input Name}} placeholder.");
  for (const { name } of parsed.placeholders) {
    const input = inputs.get(name);
    if (!input) problem(at, `{{${name}}} names no input of this action.`);
    else if (options.inUrl && input.secret) problem(at, `Secret input "${name}" may not be put in the URL (URLs are logged).`);
  }
}

/** Checks every member of a body; returns true when one is a $credential. */
function walkBody(node: BodyNode, at: string, inputs: Map<string, InputDefinition>, authTypes: ReadonlySet<string>, problem: Report): boolean {
  if (node === null || typeof node === "number" || typeof node === "boolean") return false;
  if (typeof node === "string" || isSource(node)) return checkSource(node, at, inputs, authTypes, problem, { inUrl: false });
  let credential = false;
  if (Array.isArray(node)) {
    node.forEach((item, index) => {
      credential = walkBody(item, `${at}[${index}]`, inputs, authTypes, problem) || credential;
    });
    return credential;
  }
  for (const [key, value] of Object.entries(node as Record<string, BodyNode>)) {
    credential = walkBody(value, `${at}.${key}`, inputs, authTypes, problem) || credential;
  }
  return credential;
}

function possibleBodyFormats(format: "json" | "xml" | InputValue, inputs: Map<string, InputDefinition>, at: string, problem: Report): Set<Format> {
  if (format === "json" || format === "xml") return new Set([format]);
  const input = inputs.get(format.$input);
  if (!input) {
    problem(at, `$input "${format.$input}" names no input of this action.`);
    return new Set();
  }
  const values = format.map ? Object.values(format.map).map(String) : (input.options ?? []);
  if (values.length === 0) problem(at, `Input "${input.name}" chooses the body format, so it needs options (json, xml) or a map.`);
  const formats = new Set<Format>();
  for (const value of values) {
    const lower = value.toLowerCase();
    if (lower === "json" || lower === "xml") formats.add(lower);
    else problem(at, `The body format "${value}" is neither json nor xml.`);
  }
  return formats;
}

function unique(values: string[], at: string, field: string, problem: Report): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) problem(`${at}[${index}].${field}`, `"${value}" is used by another action.`);
    seen.add(value);
  });
}
