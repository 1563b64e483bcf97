/**
 * Converting an evaluated input value to the input's declared type (SPEC 3, "Typed values").
 * A value that cannot be converted is an error naming the action, the input and the value's
 * type, never the value itself (it may be secret).
 */
import type { BoundInput, InputDefinition } from "../definition";
import { SiqError } from "../errors";
import { JsonData, SiqDate, isPlainObject, toJson, toText, typeName, type JsonValue, type Value } from "../values";

export interface ConversionTarget {
  action: string;
  input: InputDefinition;
}

/** `undefined` means "no value": the input is absent for the handler. */
export function convertInput(value: Value, target: ConversionTarget): BoundInput | undefined {
  const { input } = target;
  if (value === null) return undefined;
  switch (input.type) {
    case "text":
    case "multiline":
    case "url":
      return withOptions(asText(value), target);
    case "number":
      return asNumber(value, target);
    case "boolean":
      return asBoolean(value, target);
    case "json":
      return asJson(value);
    case "keyValueList":
      return asKeyValueList(value, target);
    case "documents":
      // Documents are bound from their raw entries (bind-inputs.ts); a value here is a mistake.
      throw fail(target, value, "a list of documents");
  }
}

function asText(value: Value): string {
  return toText(value);
}

function withOptions(text: string, target: ConversionTarget): string | undefined {
  const options = target.input.options;
  if (!options || text === "") return text === "" && options ? undefined : text;
  const match = options.find((option) => option.toLowerCase() === text.trim().toLowerCase());
  if (match === undefined) {
    throw new SiqError(
      "INPUT_CONVERSION",
      `The input "${target.input.name}" of action "${target.action}" must be one of ${options.join(", ")}.`,
      { action: target.action, input: target.input.name },
    );
  }
  return match;
}

function asNumber(value: Value, target: ConversionTarget): number | undefined {
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    throw fail(target, value, "a finite number");
  }
  if (typeof value === "string") {
    const text = value.trim();
    if (text === "") return undefined;
    if (/^[+-]?(\d+(?:\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  }
  throw fail(target, value, "a number");
}

const TRUE_WORDS = new Set(["true", "yes", "1", "on"]);
const FALSE_WORDS = new Set(["false", "no", "0", "off"]);

function asBoolean(value: Value, target: ConversionTarget): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "number" && (value === 0 || value === 1)) return value === 1;
  if (typeof value === "string") {
    const word = value.trim().toLowerCase();
    if (word === "") return undefined;
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  throw fail(target, value, "true or false");
}

function asJson(value: Value): JsonValue {
  if (value instanceof JsonData) return value.data;
  if (value instanceof SiqDate) return value.toString();
  return toJson(value);
}

/**
 * An object `{ "Name": "value" }` or lines `Name: value` / `name=value` (SPEC 11.4). Lines are
 * trimmed; blank lines are skipped; a line without the separator is an error naming the line.
 */
function asKeyValueList(value: Value, target: ConversionTarget): Array<[string, string]> | undefined {
  if (value instanceof JsonData && isPlainObject(value.data)) {
    return Object.entries(value.data).map(([name, item]) => [name, jsonLeafText(item)]);
  }
  if (typeof value === "string" || Array.isArray(value)) {
    const lines = Array.isArray(value) ? value.map(toText) : value.split(/\r?\n/);
    return parseLines(lines, target);
  }
  throw fail(target, value, `an object or lines of "name${target.input.separator ?? "="}value"`);
}

function parseLines(lines: string[], target: ConversionTarget): Array<[string, string]> | undefined {
  const separator = target.input.separator ?? "=";
  const pairs: Array<[string, string]> = [];
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === "") return;
    const at = line.indexOf(separator);
    if (at <= 0) {
      const shown = target.input.secret ? "" : ` ("${line.length > 60 ? `${line.slice(0, 60)}…` : line}")`;
      throw new SiqError(
        "INPUT_CONVERSION",
        `Line ${index + 1}${shown} of the input "${target.input.name}" of action "${target.action}" has no name before "${separator}": write one name${separator === ":" ? ": " : separator}value per line.`,
        { action: target.action, input: target.input.name },
      );
    }
    pairs.push([line.slice(0, at).trim(), line.slice(at + 1).trim()]);
  });
  return pairs.length === 0 ? undefined : pairs;
}

function jsonLeafText(item: JsonValue): string {
  if (item === null) return "";
  if (typeof item === "object") return JSON.stringify(item);
  return toText(item);
}

function fail(target: ConversionTarget, value: Value, wanted: string): SiqError {
  return new SiqError(
    "INPUT_CONVERSION",
    `The input "${target.input.name}" of action "${target.action}" needs ${wanted}, but its value is ${describe(value)}.`,
    { action: target.action, input: target.input.name },
  );
}

function describe(value: Value): string {
  const type = typeName(value);
  if (type === "text") return "text that does not convert";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
