/**
 * One response as the connector engine reads it: its body format, the values its value paths
 * select, its headers, and the vendor's error details read by the connector's `errorBody`.
 * Everything is computed on first use and kept, since several rules and outputs read the same
 * response.
 */
import { SiqError } from "../errors";
import { compileOutputPath, ParsedResponse } from "../extract/output-path";
import type { HttpResponse } from "../http/request";
import { displayUrl } from "../http/url";
import type { Redactor } from "../redact";
import { JsonData, numberToText, type Value } from "../values";
import type { Connector, ValuePath } from "../../schemas/connector";

export type BodyFormat = "json" | "xml";
export type ErrorField = "code" | "message" | "fields";

export class ResponseView {
  private parsed: ParsedResponse | undefined;
  private readonly errorCache = new Map<ErrorField, string>();

  constructor(
    readonly response: HttpResponse,
    private readonly errorBody: Connector["errorBody"],
    private readonly redactor?: Redactor,
  ) {}

  get status(): number {
    return this.response.status;
  }

  get ok(): boolean {
    return this.response.status >= 200 && this.response.status < 300;
  }

  /** The body, parsed at most once; JSON or XML as Output Path decides (content type, else first character). */
  private body(): ParsedResponse {
    this.parsed ??= new ParsedResponse({ contentType: this.response.headers["content-type"] ?? "", body: this.response.body, headers: this.response.headers });
    return this.parsed;
  }

  /** JSON or XML; null for a blank body. */
  get format(): BodyFormat | null {
    return this.body().kind ?? null;
  }

  /**
   * Every value the path selects, by the path's expression for the body's format (Output Path,
   * runtime/extract). Fails with `CONNECTOR_RESPONSE_INVALID` when the body cannot be read, or
   * comes in a format the path has no expression for.
   */
  select(path: ValuePath): Value[] {
    const format = this.format;
    if (format === null) return [];
    const expression = path[format];
    if (expression === undefined) {
      throw this.unreadable(`it is ${format.toUpperCase()}, which the connector does not read for this action`);
    }
    try {
      return compileOutputPath(expression).select(this.body());
    } catch (error) {
      if (error instanceof SiqError && error.code === "OUTPUT_PATH_RESPONSE_INVALID") throw this.unreadable(`it is not valid ${format.toUpperCase()}`, error);
      throw error;
    }
  }

  private unreadable(reason: string, cause?: unknown): SiqError {
    const url = displayUrl(this.response.url, this.redactor);
    return new SiqError("CONNECTOR_RESPONSE_INVALID", `The response to ${this.response.method} ${url} (${this.response.status}) cannot be read: ${reason}. The service may have changed, or be answering from somewhere else.`, { cause });
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

/** The text form of a selected value: objects and arrays as JSON, null as "". */
export function valueText(value: Value | undefined): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return numberToText(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof JsonData) return JSON.stringify(value.data);
  return String(value);
}
