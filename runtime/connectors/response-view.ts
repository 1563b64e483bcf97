/**
 * One response as the connector engine reads it: its body format, the values its value paths
 * select, its headers, and the vendor's error details read by the connector's `errorBody`.
 * Everything is computed on first use and kept, since several rules and outputs read the same
 * response.
 */
import type { HttpResponse } from "../http/request";
import { JsonData, numberToText, type Value } from "../values";
import type { Connector, ValuePath } from "../../schemas/connector";
import { selectValues } from "./select";

export type BodyFormat = "json" | "xml";
export type ErrorField = "code" | "message" | "fields";

const CONTENT_TYPES: Record<BodyFormat, string> = { json: "application/json", xml: "application/xml" };

export class ResponseView {
  private formatCache: BodyFormat | null | undefined;
  private readonly errorCache = new Map<ErrorField, string>();

  constructor(
    readonly response: HttpResponse,
    private readonly errorBody: Connector["errorBody"],
  ) {}

  get status(): number {
    return this.response.status;
  }

  get ok(): boolean {
    return this.response.status >= 200 && this.response.status < 300;
  }

  /** JSON or XML by the Content-Type, else by the body's first non-blank character; null when neither. */
  get format(): BodyFormat | null {
    if (this.formatCache === undefined) this.formatCache = detectFormat(this.response.headers["content-type"], this.response.body);
    return this.formatCache;
  }

  /** Every value the path selects for this response's format (none when the path has no expression for it). */
  select(path: ValuePath): Value[] {
    const format = this.format;
    const expression = format === null ? undefined : path[format];
    if (format === null || expression === undefined) return [];
    return selectValues(expression, { contentType: CONTENT_TYPES[format], body: this.response.body, headers: this.response.headers });
  }

  /** As {@link select}, but a body that cannot be read selects nothing (for rules on error responses). */
  trySelect(path: ValuePath): Value[] {
    try {
      return this.select(path);
    } catch {
      return [];
    }
  }

  header(name: string): string | undefined {
    return this.response.headers[name.toLowerCase()];
  }

  /** The vendor's error code or message (first match), or the fields at fault (every match, joined by ", "); "" when none. */
  errorDetail(field: ErrorField): string {
    let text = this.errorCache.get(field);
    if (text === undefined) {
      const path = this.errorBody?.[field];
      const values = path === undefined ? [] : this.trySelect(path);
      text = field === "fields" ? values.map(valueText).filter((item) => item !== "").join(", ") : values.length > 0 ? valueText(values[0]) : "";
      this.errorCache.set(field, text);
    }
    return text;
  }
}

export function detectFormat(contentType: string | undefined, body: string): BodyFormat | null {
  const type = (contentType ?? "").toLowerCase();
  if (type.includes("json")) return "json";
  if (type.includes("xml")) return "xml";
  const first = /\S/.exec(body)?.[0];
  if (first === "{" || first === "[") return "json";
  if (first === "<") return "xml";
  return null;
}

/** The text form of a selected value: objects and arrays as JSON, null as "". */
export function valueText(value: Value | undefined): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return numberToText(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof JsonData) return JSON.stringify(value.data);
  return String(value);
}
