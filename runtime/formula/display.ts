/**
 * How docs/formulas.md shows a result: text as a JSON string ("a\nb"), numbers and booleans as
 * written, blank as `blank`, dates as #yyyy-MM-dd# (#yyyy-MM-ddTHH:mm:ss#), lists as [a, b],
 * JSON data as its JSON.
 */
import { JsonData, SiqDate, numberToText, type Value } from "../values";

export function displayValue(value: Value): string {
  if (value === null) return "blank";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return numberToText(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof SiqDate) return `#${value.toString()}#`;
  if (value instanceof JsonData) return JSON.stringify(value.data);
  return `[${value.map(displayValue).join(", ")}]`;
}
