/**
 * An EvaluationScope over template-shaped data: answers by question id (a repeat is an array of
 * row objects) and outputs by action name (`{ "Create User": { "User Guid": ... } }`).
 * The engine may build its own scope; this one serves tests, docs examples and simple hosts.
 */
import { JsonData, SiqDate, isPlainObject, type JsonValue, type Value } from "../values";
import type { EvaluationScope } from "./scope";

export interface DataScopeOptions {
  data: Record<string, unknown>;
  now?: () => Date;
  culture?: string;
  timeZone?: string;
}

export function createDataScope(options: DataScopeOptions): EvaluationScope {
  const { data } = options;
  const now = options.now ?? (() => new Date());
  return {
    resolve: (reference) => resolveInData(data, reference),
    templateData: () => data,
    now,
    culture: options.culture,
    timeZone: options.timeZone,
  };
}

/**
 * The value a reference names in the data: the whole text as a key first, then `key.rest`
 * splitting at each dot from the left (question and action names may contain dots and spaces).
 * On a repeat (an array of rows), `rest` is a field and the result is the list of its values.
 * Only own properties are read, never anything inherited.
 */
export function resolveInData(data: unknown, reference: string): Value | undefined {
  if (!isPlainObject(data)) return undefined;
  if (Object.hasOwn(data, reference)) return toValue(data[reference]);
  for (let dot = reference.indexOf("."); dot > 0; dot = reference.indexOf(".", dot + 1)) {
    const key = reference.slice(0, dot).trim();
    if (!Object.hasOwn(data, key)) continue;
    const rest = reference.slice(dot + 1).trim();
    const container = data[key];
    if (Array.isArray(container)) {
      return container.map((row) => (isPlainObject(row) ? resolveInData(row, rest) ?? null : null));
    }
    const inner = container instanceof JsonData ? container.data : container;
    if (Array.isArray(inner)) {
      return inner.map((row) => (isPlainObject(row) ? resolveInData(row, rest) ?? null : null));
    }
    const found = resolveInData(inner, rest);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Plain data as a runtime value: rows and objects become JSON data, values stay as they are. */
export function toValue(value: unknown): Value {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (value instanceof SiqDate || value instanceof JsonData) return value;
  if (Array.isArray(value)) return value.map(toValue);
  if (isPlainObject(value)) return new JsonData(toJsonValue(value));
  return String(value);
}

function toJsonValue(value: unknown): JsonValue {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (value instanceof SiqDate) return value.toString();
  if (value instanceof JsonData) return value.data;
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (isPlainObject(value)) {
    const out: Record<string, JsonValue> = {};
    for (const key of Object.keys(value)) out[key] = toJsonValue(value[key]);
    return out;
  }
  return String(value);
}
