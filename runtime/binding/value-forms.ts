/**
 * The three forms of an input's string value (SPEC 3): a formula starts with `=`, a template
 * contains `{{`, anything else is literal text. Objects and arrays are walked leaf by leaf.
 */
import type { InputDefinition } from "../definition";
import type { TemplateKind } from "../template";
import type { JsonValue } from "../values";

export type StringForm = "formula" | "template" | "literal";

export function stringForm(text: string): StringForm {
  if (text.startsWith("=")) return "formula";
  if (text.includes("{{")) return "template";
  return "literal";
}

/** True when the value holds no formula or template anywhere, so it is known before running. */
export function isLiteral(value: JsonValue | undefined): boolean {
  if (typeof value === "string") return stringForm(value) === "literal";
  if (Array.isArray(value)) return value.every(isLiteral);
  if (value !== null && typeof value === "object") return Object.values(value).every(isLiteral);
  return true;
}

/**
 * How a template is escaped, by where its text lands: a whole URL input encodes each value as a
 * URI component, a JSON input given as text is a JSON document, a key/value list given as lines
 * takes no line break from a value; leaves of objects are placed as typed values, so they are
 * plain text.
 */
export function templateKindForInput(input: InputDefinition, isLeafOfStructure: boolean): TemplateKind {
  if (isLeafOfStructure) return "text";
  if (input.type === "url") return "url";
  if (input.type === "json") return "json";
  if (input.type === "keyValueList") return "line";
  return "text";
}
