/**
 * Typed values: what formulas compute, what answers become, and what actions output.
 *
 * - text, number, boolean, null: JavaScript primitives;
 * - date: {@link SiqDate}, a calendar date or a date-time as wall-clock fields;
 * - list: a JavaScript array (a repeat field, `Split`, several Output Path matches);
 *   as text, its items joined by `|`, as in SmartIQ;
 * - JSON data: {@link JsonData}, an object or array that came from JSON (action outputs
 *   such as Response Headers); as text, its JSON.
 */

export type Value = string | number | boolean | null | SiqDate | JsonData | Value[];

/** Plain JSON, as read from files and sent in bodies. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * A date or date-time as wall-clock fields (no time zone): what the user wrote, or what
 * `Today()`/`Now()` read in the pipeline's time zone. Stored as the UTC milliseconds of those
 * fields so arithmetic is plain and independent of the process's zone.
 */
export class SiqDate {
  constructor(
    /** Milliseconds since 1970-01-01T00:00:00 of the wall-clock fields, read as UTC. */
    readonly epochMs: number,
    /** False for a calendar date (`#2026-11-22#`, `Today()`), true for a date-time. */
    readonly hasTime: boolean,
  ) {}

  static fromParts(year: number, month: number, day: number, hours = 0, minutes = 0, seconds = 0, ms = 0, hasTime = false): SiqDate {
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hours, minutes, seconds, ms);
    return new SiqDate(date.getTime(), hasTime);
  }

  get year(): number { return new Date(this.epochMs).getUTCFullYear(); }
  get month(): number { return new Date(this.epochMs).getUTCMonth() + 1; }
  get day(): number { return new Date(this.epochMs).getUTCDate(); }

  /** `yyyy-MM-dd`, with `THH:mm:ss` when the value carries a time (SPEC 11.7). */
  toString(): string {
    const iso = new Date(this.epochMs).toISOString();
    const year = this.year;
    const datePart = year >= 0 && year <= 9999 ? iso.slice(0, 10) : iso.slice(0, iso.indexOf("T"));
    return this.hasTime ? `${datePart}T${iso.slice(iso.indexOf("T") + 1, iso.indexOf("T") + 9)}` : datePart;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** Object or array data that came from JSON; as text it is its JSON. */
export class JsonData {
  constructor(readonly data: JsonValue) {}
  toString(): string {
    return JSON.stringify(this.data);
  }
  toJSON(): JsonValue {
    return this.data;
  }
}

/** The text form of a value (SPEC 11.7): lists join with `|`, JSON data becomes JSON text. */
export function toText(value: Value | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return numberToText(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return value.map(toText).join("|");
  return value.toString();
}

/** Numbers in shortest round-trip form, without exponent for ordinary magnitudes. */
export function numberToText(value: number): string {
  if (Object.is(value, -0)) return "0";
  return String(value);
}

/** A value as JSON, for typed insertion into bodies: dates become their text, lists arrays. */
export function toJson(value: Value | undefined): JsonValue {
  if (value === undefined) return null;
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(toJson);
  if (value instanceof JsonData) return value.data;
  return value.toString();
}

/** Wraps plain JSON (an action's output, an answer) as a typed value. */
export function fromJson(value: unknown): Value {
  if (value === undefined || value === null) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (value instanceof SiqDate || value instanceof JsonData) return value;
  if (Array.isArray(value)) return new JsonData(value as JsonValue[]);
  if (typeof value === "object") return new JsonData(value as JsonObject);
  return String(value);
}

/** True for null, undefined, "" and whitespace-only text, and empty lists. */
export function isBlank(value: Value | undefined): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === "string") return value.trim() === "";
  if (Array.isArray(value)) return value.every(isBlank);
  if (value instanceof JsonData) return Array.isArray(value.data) ? value.data.length === 0 : false;
  return false;
}

/** A short name of the value's type for messages (never the value: it may be secret). */
export function typeName(value: Value | undefined): string {
  if (value === null || value === undefined) return "blank";
  if (typeof value === "string") return "text";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "boolean";
  if (Array.isArray(value)) return "list";
  if (value instanceof SiqDate) return value.hasTime ? "date-time" : "date";
  return Array.isArray(value.data) ? "JSON array" : "JSON object";
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
