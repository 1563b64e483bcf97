/**
 * Value sources: how a connector turns an action's bound inputs into the typed values of a
 * request (query parameters, headers, body members). An input's value is inserted as a typed
 * value, never spliced into document text; templates replace `{{Input Name}}` by the input's
 * text form and nothing else (there is no raw insertion and no helper).
 */
import type { BoundInput, BoundInputs, InputDefinition } from "../definition";
import { SiqError } from "../errors";
import { numberToText, type JsonValue } from "../values";
import type { BodyNode, InputValue, TemplateValue, ValueSource } from "../../schemas/connector";
import { placeholdersOf } from "./placeholders";

/** A value that is left out (a blank value whose `whenBlank` is `omit`). */
export const OMIT: unique symbol = Symbol("omit");
export type Resolved = JsonValue | typeof OMIT;

export interface MappingScope {
  /** The pipeline action's name, for messages. */
  action: string;
  inputs: BoundInputs;
  definitions: ReadonlyMap<string, InputDefinition>;
  /** The connection's API key, for `$credential`; throws when the connection has none. */
  credential(): string;
}

type BlankBehaviour = "omit" | "null" | "empty";

const TRUE_WORDS = new Set(["true", "yes", "1", "on"]);
const FALSE_WORDS = new Set(["false", "no", "0", "off"]);
const NUMBER = /^[+-]?(\d+(?:\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** True for the object forms `$input`, `$template` and `$credential`. */
export function isValueSourceObject(node: unknown): node is InputValue | TemplateValue | { $credential: "apiKey" } {
  return typeof node === "object" && node !== null && !Array.isArray(node) && ("$input" in node || "$template" in node || "$credential" in node);
}

/** Resolves one value source (a query parameter, a header, a body leaf). */
export function resolveSource(source: ValueSource | null, scope: MappingScope): Resolved {
  if (source === null || typeof source === "number" || typeof source === "boolean") return source;
  if (typeof source === "string") return renderTemplate(source, undefined, "omit", scope);
  if ("$credential" in source) return scope.credential();
  if ("$template" in source) return renderTemplate(source.$template, source.escape, source.whenBlank ?? "omit", scope);
  return resolveInput(source, scope);
}

/** The text form of a bound input: what templates insert, conditions compare and `map` looks up. */
export function inputText(value: BoundInput | undefined, definition: InputDefinition | undefined): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return numberToText(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (definition?.type === "keyValueList" && Array.isArray(value)) {
    const separator = definition.separator ?? "=";
    return (value as Array<[string, string]>).map(([name, item]) => `${name}${separator === ":" ? ": " : "="}${item}`).join("\n");
  }
  return JSON.stringify(value);
}

function isBlankInput(value: BoundInput | undefined, definition: InputDefinition | undefined): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value) && definition?.type === "keyValueList") return value.length === 0;
  return false;
}

function blank(behaviour: BlankBehaviour): Resolved {
  return behaviour === "omit" ? OMIT : behaviour === "null" ? null : "";
}

/**
 * `{{Input Name}}` replaced by each input's text; `odata-string` doubles `'` in each inserted
 * value. Blank when it names inputs and every one of them is blank.
 */
function renderTemplate(template: string, escape: TemplateValue["escape"], whenBlank: BlankBehaviour, scope: MappingScope): Resolved {
  const placeholders = placeholdersOf(template);
  if (placeholders.length === 0) return template.trim() === "" ? blank(whenBlank) : template;
  let out = "";
  let last = 0;
  let allBlank = true;
  for (const placeholder of placeholders) {
    const definition = scope.definitions.get(placeholder.name);
    const value = scope.inputs.get(placeholder.name);
    if (!isBlankInput(value, definition)) allBlank = false;
    let text = inputText(value, definition);
    if (escape === "odata-string") text = text.replace(/'/g, "''");
    out += template.slice(last, placeholder.start) + text;
    last = placeholder.end;
  }
  out += template.slice(last);
  return allBlank ? blank(whenBlank) : out;
}

function resolveInput(source: InputValue, scope: MappingScope): Resolved {
  const name = source.$input;
  const definition = scope.definitions.get(name);
  const value = scope.inputs.get(name);
  const whenBlank = source.whenBlank ?? "omit";
  if (isBlankInput(value, definition)) return blank(whenBlank);
  let typed: JsonValue;
  if (source.map) {
    const text = inputText(value, definition).trim().toLowerCase();
    const key = Object.keys(source.map).find((candidate) => candidate.toLowerCase() === text);
    if (key === undefined) {
      throw conversion(scope, name, `must be one of ${Object.keys(source.map).join(", ")}`);
    }
    typed = source.map[key] as JsonValue;
  } else {
    typed = nativeValue(value as BoundInput, definition);
  }
  if (source.as === undefined) return typed;
  const converted = convertAs(typed, source.as, scope, name);
  return converted === OMIT ? blank(whenBlank) : converted;
}

/** An input's value as the JSON type its declaration implies. */
function nativeValue(value: BoundInput, definition: InputDefinition | undefined): JsonValue {
  if (definition?.type === "keyValueList" && Array.isArray(value)) {
    return Object.fromEntries((value as Array<[string, string]>).map(([name, item]) => [name, item]));
  }
  return value as JsonValue;
}

function convertAs(value: JsonValue, as: NonNullable<InputValue["as"]>, scope: MappingScope, name: string): Resolved {
  switch (as) {
    case "text":
      return typeof value === "string" ? value : typeof value === "number" ? numberToText(value) : typeof value === "boolean" ? String(value) : JSON.stringify(value);
    case "number":
    case "integer": {
      const number = typeof value === "number" ? value : typeof value === "string" && NUMBER.test(value.trim()) ? Number(value.trim()) : Number.NaN;
      if (!Number.isFinite(number)) throw conversion(scope, name, "must be a number");
      if (as === "integer" && !Number.isInteger(number)) throw conversion(scope, name, "must be a whole number");
      return number;
    }
    case "boolean": {
      if (typeof value === "boolean") return value;
      const word = typeof value === "string" ? value.trim().toLowerCase() : typeof value === "number" ? String(value) : "";
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      throw conversion(scope, name, "must be true or false");
    }
    case "json":
      return value;
    case "lines": {
      const text = typeof value === "string" ? value : Array.isArray(value) ? value.map((item) => (typeof item === "string" ? item : JSON.stringify(item))).join("\n") : JSON.stringify(value);
      const lines = text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== "");
      return lines.length === 0 ? OMIT : lines;
    }
  }
}

function conversion(scope: MappingScope, input: string, what: string): SiqError {
  return new SiqError("INPUT_CONVERSION", `The input "${input}" of action "${scope.action}" ${what} for this connector.`, { action: scope.action, input });
}

/**
 * Builds a body from its content tree. A member whose value is omitted is left out; an object
 * or array that held inputs and ends up empty is left out too; literal empty objects stay.
 */
export function buildBodyContent(node: BodyNode, scope: MappingScope): Resolved {
  if (node === null || typeof node !== "object" || isValueSourceObject(node)) return resolveSource(node as ValueSource | null, scope);
  if (Array.isArray(node)) {
    const items: JsonValue[] = [];
    for (const item of node) {
      const value = buildBodyContent(item, scope);
      if (value !== OMIT) items.push(value);
    }
    return items.length === 0 && node.length > 0 && holdsInputs(node) ? OMIT : items;
  }
  const members: Record<string, JsonValue> = {};
  let count = 0;
  for (const [key, item] of Object.entries(node)) {
    const value = buildBodyContent(item, scope);
    if (value === OMIT) continue;
    members[key] = value;
    count++;
  }
  return count === 0 && holdsInputs(node) ? OMIT : members;
}

/** True when a body subtree takes a value from an input (a source or a template with placeholders). */
function holdsInputs(node: BodyNode): boolean {
  if (node === null || typeof node === "number" || typeof node === "boolean") return false;
  if (typeof node === "string") return placeholdersOf(node).length > 0;
  if (isValueSourceObject(node)) return true;
  if (Array.isArray(node)) return node.some(holdsInputs);
  return Object.values(node).some(holdsInputs);
}

/** A resolved value as query or header text: lists give one text per item. */
export function textsOf(value: JsonValue): string[] {
  if (Array.isArray(value)) return value.map((item) => textOf(item));
  return [textOf(value)];
}

function textOf(value: JsonValue): string {
  if (value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return numberToText(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  return JSON.stringify(value);
}
