/**
 * The request body from the bound inputs (SPEC 5.1): Request Body, else Action Documents
 * (one document, or every document as a multipart part with Send as Multipart).
 *
 * Request Body wins: when it is set, documents and Send as Multipart are ignored, as in SmartIQ.
 * Several documents without Send as Multipart fail with `MULTIPLE_DOCUMENTS`: SmartIQ sends one
 * document as the body, and silently dropping the others would send less than the pipeline says.
 */
import { FormData } from "undici";
import type { BoundDocument } from "../definition";
import { SiqError } from "../errors";
import type { JsonValue } from "../values";
import { rememberPartText } from "./curl";

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";
export const XML_CONTENT_TYPE = "application/xml; charset=utf-8";

export interface BodyInputs {
  /** Request Body: a JSON value, or JSON text (a rendered template). Null or blank is unset. */
  requestBody?: JsonValue | undefined;
  documents?: readonly BoundDocument[] | undefined;
  multipart?: boolean | undefined;
}

export interface BodyHooks {
  /**
   * Checks the Request Body before anything is sent (the exact Request Schema, SPEC 5.4);
   * throws to refuse it.
   */
  validateBody?: ((body: JsonValue) => void) | undefined;
}

export interface BuiltBody {
  kind: "json" | "document" | "multipart";
  body: string | FormData;
  /** The Content-Type to send; undefined for multipart, whose boundary undici sets. */
  contentType: string | undefined;
}

/** The body to send, or undefined when the inputs give none. */
export function buildRequestBody(inputs: BodyInputs, hooks: BodyHooks = {}): BuiltBody | undefined {
  const requestBody = inputs.requestBody;
  if (requestBody !== undefined && requestBody !== null && !(typeof requestBody === "string" && requestBody.trim() === "")) {
    const value = typeof requestBody === "string" ? parseJsonText(requestBody) : requestBody;
    hooks.validateBody?.(value);
    return { kind: "json", body: JSON.stringify(value), contentType: JSON_CONTENT_TYPE };
  }
  const documents = inputs.documents ?? [];
  if (documents.length === 0) return undefined;
  if (inputs.multipart) {
    const form = new FormData();
    for (const document of documents) {
      const type = withCharset(document.contentType);
      form.append(document.name, new Blob([document.content], { type }), document.name);
    }
    // FormData wraps each Blob in a File; remember the text each holds, for dry runs.
    let index = 0;
    for (const [, value] of form.entries()) {
      const document = documents[index++];
      if (typeof value !== "string" && document !== undefined) rememberPartText(value, document.content);
    }
    return { kind: "multipart", body: form, contentType: undefined };
  }
  if (documents.length > 1) {
    throw new SiqError(
      "MULTIPLE_DOCUMENTS",
      `The action has ${documents.length} Action Documents (${documents.map((d) => d.name).join(", ")}) but Send as Multipart is not set; a request body holds one document. Set Send as Multipart to send every document as a part, or keep one document.`,
      { input: "Action Documents" },
    );
  }
  const [document] = documents as [BoundDocument];
  return { kind: "document", body: document.content, contentType: withCharset(document.contentType) };
}

function parseJsonText(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new SiqError("REQUEST_BODY_NOT_JSON", `Request Body is not valid JSON (${(error as Error).message}). Write it as a JSON object, or as a template that renders JSON.`, {
      input: "Request Body",
      cause: error,
    });
  }
}

/**
 * The document's content type with `charset=utf-8` added to JSON, XML and text types that do
 * not name one (the runtime always sends UTF-8).
 */
export function withCharset(contentType: string): string {
  const type = contentType.trim() === "" ? "application/octet-stream" : contentType.trim();
  if (/;\s*charset=/i.test(type)) return type;
  const essence = (type.split(";")[0] ?? "").trim().toLowerCase();
  const textual = essence.startsWith("text/") || essence.endsWith("/json") || essence.endsWith("+json") || essence.endsWith("/xml") || essence.endsWith("+xml");
  return textual ? `${type}; charset=utf-8` : type;
}
