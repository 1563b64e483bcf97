/**
 * Operators over typed values.
 *
 * - `&` always joins text forms.
 * - `+ - * / ^ mod` are arithmetic only: "12" + 1 is 13, blank counts as 0, and text that does
 *   not read as a number fails (use & to join text). Division by zero fails.
 * - Comparisons: numbers numerically, dates by time, booleans false < true when both sides are
 *   of that type, or one side is text that reads as that type; otherwise the text forms,
 *   ignoring case. Blank equals "".
 */
import { SiqDate, type Value } from "../values";
import type { BinaryOperator } from "./ast";
import { parseDate, parseNumber, toNumber, toText } from "./coerce";
import { formulaError, type Site } from "./failure";

function checked(result: number, site: Site): number {
  if (!Number.isFinite(result)) {
    throw formulaError(site, "The result is too large to be a number (or undefined); check the values involved.");
  }
  return result;
}

export function arithmetic(operator: BinaryOperator, left: Value, right: Value, site: Site): number {
  const a = toNumber(left, site, "the left side");
  const b = toNumber(right, site, "the right side");
  switch (operator) {
    case "+": return checked(a + b, site);
    case "-": return checked(a - b, site);
    case "*": return checked(a * b, site);
    case "/":
      if (b === 0) throw formulaError(site, "Division by zero; guard it with IIf([x] = 0, ..., ...).");
      return checked(a / b, site);
    case "mod":
      if (b === 0) throw formulaError(site, "Mod by zero; guard it with IIf([x] = 0, ..., ...).");
      return checked(a % b, site);
    case "^": return checked(a ** b, site);
    default: throw formulaError(site, `'${operator}' is not an arithmetic operator.`);
  }
}

/** Case-insensitive ordinal text comparison: negative, zero or positive. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Orders two values by the rules above; `timeZone` is for ISO text with an offset. */
export function compareValues(left: Value, right: Value, timeZone: string | undefined): number {
  if (typeof left === "number" || typeof right === "number") {
    const a = typeof left === "number" ? left : typeof left === "string" ? parseNumber(left) : undefined;
    const b = typeof right === "number" ? right : typeof right === "string" ? parseNumber(right) : undefined;
    if (a !== undefined && b !== undefined) return a < b ? -1 : a > b ? 1 : 0;
  } else if (left instanceof SiqDate || right instanceof SiqDate) {
    const a = left instanceof SiqDate ? left : typeof left === "string" ? parseDate(left, timeZone) : undefined;
    const b = right instanceof SiqDate ? right : typeof right === "string" ? parseDate(right, timeZone) : undefined;
    if (a !== undefined && b !== undefined) return a.epochMs < b.epochMs ? -1 : a.epochMs > b.epochMs ? 1 : 0;
  } else if (typeof left === "boolean" || typeof right === "boolean") {
    const a = typeof left === "boolean" ? left : typeof left === "string" ? parseBooleanText(left) : undefined;
    const b = typeof right === "boolean" ? right : typeof right === "string" ? parseBooleanText(right) : undefined;
    if (a !== undefined && b !== undefined) return a === b ? 0 : a ? 1 : -1;
  }
  return compareText(toText(left), toText(right));
}

function parseBooleanText(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  return word === "true" ? true : word === "false" ? false : undefined;
}

export function comparison(operator: BinaryOperator, left: Value, right: Value, timeZone: string | undefined): boolean {
  const order = compareValues(left, right, timeZone);
  switch (operator) {
    case "=": return order === 0;
    case "<>": return order !== 0;
    case "<": return order < 0;
    case "<=": return order <= 0;
    case ">": return order > 0;
    default: return order >= 0;
  }
}
