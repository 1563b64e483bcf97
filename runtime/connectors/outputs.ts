/**
 * A connector action's outputs from its responses: values the success rule set, else what each
 * output's path selects (the first match, or with `many` every match of every page), converted
 * to the output's type. Body and header outputs read only 2xx responses: a success rule that
 * accepts a 404 as "not found" must not read the vendor's error body as a user.
 */
import { SiqError } from "../errors";
import type { Redactor } from "../redact";
import { JsonData, fromJson, toText, type Value } from "../values";
import type { ConnectorOutput } from "../../schemas/connector";
import type { ResponseView } from "./response-view";

const NUMBER = /^[+-]?(\d+(?:\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export interface OutputScope {
  /** The pipeline action's name, for messages. */
  action: string;
  redactor: Redactor;
}

export function collectOutputs(
  outputs: readonly ConnectorOutput[],
  pages: readonly ResponseView[],
  set: Readonly<Record<string, unknown>> | undefined,
  scope: OutputScope,
): Record<string, Value> {
  const result: Record<string, Value> = {};
  const readable = pages.filter((page) => page.ok);
  for (const output of outputs) {
    let value: Value;
    if (set !== undefined && Object.hasOwn(set, output.name)) value = fromJson(set[output.name]);
    else if (output.many) value = matches(output, readable, true).map((item) => convertOutput(item, output, scope));
    else {
      const [first] = matches(output, readable, false);
      value = first === undefined ? defaultValue(output) : convertOutput(first, output, scope);
    }
    if (output.secret) registerSecret(value, scope.redactor);
    result[output.name] = value;
  }
  return result;
}

/** Outputs when nothing was sent (a dry run): defaults, blanks and empty lists. */
export function placeholderOutputs(outputs: readonly ConnectorOutput[]): Record<string, Value> {
  const result: Record<string, Value> = {};
  for (const output of outputs) result[output.name] = output.many ? [] : defaultValue(output);
  return result;
}

/** Matches in page order; without `many`, stops at the first page that has one. */
function matches(output: ConnectorOutput, pages: readonly ResponseView[], all: boolean): Value[] {
  const found: Value[] = [];
  for (const page of pages) {
    if (output.header !== undefined) {
      const header = page.header(output.header);
      if (header !== undefined) found.push(header);
    } else if (output.json !== undefined || output.xml !== undefined) {
      found.push(...page.select(pathOf(output)));
    }
    if (!all && found.length > 0) break;
  }
  return found;
}

function pathOf(output: ConnectorOutput): { json?: string; xml?: string } {
  const path: { json?: string; xml?: string } = {};
  if (output.json !== undefined) path.json = output.json;
  if (output.xml !== undefined) path.xml = output.xml;
  return path;
}

/** No match: the output's default, else "" for text and null for other types. */
function defaultValue(output: ConnectorOutput): Value {
  if (output.default !== undefined) return fromJson(output.default);
  return output.type === "text" ? "" : null;
}

function convertOutput(value: Value, output: ConnectorOutput, scope: OutputScope): Value {
  switch (output.type) {
    case "text":
      return value === null ? "" : value instanceof JsonData ? JSON.stringify(value.data) : toText(value);
    case "number": {
      if (typeof value === "number" || value === null) return value;
      if (typeof value === "string") {
        const text = value.trim();
        if (text === "") return null;
        if (NUMBER.test(text)) return Number(text);
      }
      throw unreadable(output, value, "a number", scope);
    }
    case "boolean": {
      if (typeof value === "boolean" || value === null) return value;
      if (typeof value === "string") {
        const word = value.trim().toLowerCase();
        if (word === "") return null;
        if (word === "true" || word === "false") return word === "true";
      }
      throw unreadable(output, value, "true or false", scope);
    }
    case "json":
    case "any":
      return value;
  }
}

function unreadable(output: ConnectorOutput, value: Value, expected: string, scope: OutputScope): SiqError {
  const kind = value instanceof JsonData ? (Array.isArray(value.data) ? "a JSON array" : "a JSON object") : typeof value === "string" ? "text that is not one" : `a ${typeof value}`;
  return new SiqError(
    "CONNECTOR_RESPONSE_INVALID",
    `The output "${output.name}" of action "${scope.action}" should be ${expected}, but the response gave ${kind} at its path; the service may have changed its response, or the connector's path is wrong.`,
    { action: scope.action },
  );
}

function registerSecret(value: Value, redactor: Redactor): void {
  if (typeof value === "string") redactor.addSecret(value);
  else if (Array.isArray(value)) for (const item of value) registerSecret(item, redactor);
}
