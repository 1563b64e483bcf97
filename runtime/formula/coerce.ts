/**
 * Conversions between value types, as formula users expect them (docs/formulas.md, "Values").
 *
 * - text: lists join with `|`, dates are `yyyy-MM-dd` (`THH:mm:ss` with a time), numbers are in
 *   shortest round-trip form, blank is "";
 * - number: numbers; text that reads as an invariant-culture number ("12", " -3.5 ", "1e3");
 *   blank counts as 0; anything else fails;
 * - boolean: booleans; text "true"/"false" (any case); numbers (0 is false); blank is false;
 * - date: dates; ISO text (`2026-11-22`, `2026-11-22T14:30:00`, with `Z` or an offset it is
 *   converted to the scope's time zone); blank stays blank;
 * - list: lists; JSON arrays; blank is an empty list; any other value is a one-item list.
 */
import { JsonData, SiqDate, fromJson, isBlank, toText, typeName, type Value } from "../values";
import { formulaError, type Site } from "./failure";
import { wallClock } from "./clock";

export { toText, isBlank };

const NUMBER_TEXT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** The number a text reads as (invariant culture), or undefined. */
export function parseNumber(text: string): number | undefined {
  if (!NUMBER_TEXT.test(text)) return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number : undefined;
}

export function toNumber(value: Value, site: Site, what = "a value"): number {
  if (typeof value === "number") return value;
  if (value === null) return 0;
  if (typeof value === "string") {
    if (value.trim() === "") return 0;
    const number = parseNumber(value);
    if (number !== undefined) return number;
    throw formulaError(site, `${capitalise(what)} must be a number, but it is text that does not read as one; check the value, or use & to join text.`);
  }
  if (Array.isArray(value) || (value instanceof JsonData && Array.isArray(value.data))) {
    throw formulaError(site, `${capitalise(what)} must be a number, but it is a list; use Sum, Count, Min or Max to combine a list into one number.`);
  }
  if (value instanceof SiqDate) {
    throw formulaError(site, `${capitalise(what)} must be a number, but it is a ${typeName(value)}; use DateAdd and DateDiff for date arithmetic, or Year/Month/Day.`);
  }
  throw formulaError(site, `${capitalise(what)} must be a number, but it is a ${typeName(value)}.`);
}

/** A whole number (fails on fractions), for counts, positions and character codes. */
export function toInteger(value: Value, site: Site, what: string): number {
  const number = toNumber(value, site, what);
  if (!Number.isInteger(number)) throw formulaError(site, `${capitalise(what)} must be a whole number; got ${number}. Use Round, Floor or Ceiling first.`);
  return number;
}

export function toBoolean(value: Value, site: Site, what = "the condition"): boolean {
  if (typeof value === "boolean") return value;
  if (value === null) return false;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") {
    const word = value.trim().toLowerCase();
    if (word === "true") return true;
    if (word === "false" || word === "") return false;
  }
  const actual = typeof value === "string" ? "text other than \"true\" or \"false\"" : `a ${typeName(value)}`;
  throw formulaError(site, `${capitalise(what)} must be true or false, but it is ${actual}; compare it with =, <> or IsBlank to get true or false.`);
}

const DATE_TEXT = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?\s*$/;

/** The date an ISO text stands for, or undefined. Offsets convert to the given time zone. */
export function parseDate(text: string, timeZone: string | undefined): SiqDate | undefined {
  const match = DATE_TEXT.exec(text);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hasTime = match[4] !== undefined;
  const hours = hasTime ? Number(match[4]) : 0;
  const minutes = hasTime ? Number(match[5]) : 0;
  const seconds = match[6] !== undefined ? Number(match[6]) : 0;
  const ms = match[7] !== undefined ? Math.floor(Number(`0.${match[7]}`) * 1000) : 0;
  if (month < 1 || month > 12 || day < 1 || hours > 23 || minutes > 59 || seconds > 59 || year < 1) return undefined;
  const date = SiqDate.fromParts(year, month, day, hours, minutes, seconds, ms, hasTime);
  if (date.day !== day) return undefined;
  const offset = match[8];
  if (offset === undefined) return date;
  let offsetMinutes = 0;
  if (offset !== "Z") {
    const digits = offset.replace(":", "");
    offsetMinutes = (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * (digits.startsWith("-") ? -1 : 1);
  }
  const instant = new Date(date.epochMs - offsetMinutes * 60_000);
  return wallClock(instant, timeZone, true);
}

/** A date, or null for blank (date functions pass blank through). */
export function toDateOrBlank(value: Value, site: Site, timeZone: string | undefined, what = "the date"): SiqDate | null {
  if (value instanceof SiqDate) return value;
  if (value === null) return null;
  if (typeof value === "string") {
    if (value.trim() === "") return null;
    const date = parseDate(value, timeZone);
    if (date !== undefined) return date;
    throw formulaError(site, `${capitalise(what)} must be a date, but it is text that is not an ISO date; write dates as #yyyy-MM-dd# or pass text like "2026-11-22".`);
  }
  throw formulaError(site, `${capitalise(what)} must be a date, but it is a ${typeName(value)}.`);
}

/** The items of a list; JSON arrays count as lists, blank is empty, anything else one item. */
export function toList(value: Value): readonly Value[] {
  if (Array.isArray(value)) return value;
  if (value === null) return [];
  if (value instanceof JsonData && Array.isArray(value.data)) return value.data.map(fromJson);
  return [value];
}

/** True for lists and JSON arrays. */
export function isList(value: Value): boolean {
  return Array.isArray(value) || (value instanceof JsonData && Array.isArray(value.data));
}

/** All items of the arguments, lists (and lists inside lists) flattened. */
export function flatten(values: readonly Value[]): Value[] {
  const out: Value[] = [];
  const visit = (value: Value, depth: number): void => {
    if (depth < 32 && isList(value)) {
      for (const item of toList(value)) visit(item, depth + 1);
    } else {
      out.push(value);
    }
  };
  for (const value of values) visit(value, 0);
  return out;
}

export function capitalise(text: string): string {
  return text.length === 0 ? text : text[0]?.toUpperCase() + text.slice(1);
}
