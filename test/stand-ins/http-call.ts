/** One HTTP call to a stand-in with undici, the body read as text (and JSON when it is JSON). */
import { request } from "undici";

export interface CallResult {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The parsed body when the response is JSON, else undefined. */
  json: unknown;
}

export interface CallOptions {
  headers?: Record<string, string>;
  /** An object is sent as JSON; a string is sent as is (set content-type yourself). */
  body?: unknown;
}

export async function call(method: string, url: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (typeof options.body === "string") body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await request(url, { method: method as "GET", headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.body.text();
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  const isJson = (flat["content-type"] ?? "").includes("json") && text.trim() !== "";
  return { status: response.statusCode, headers: flat, text, json: isJson ? (JSON.parse(text) as unknown) : undefined };
}

/** `Authorization: Bearer <token>`. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** `Authorization: Basic base64(username:password)`. */
export function basic(username: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` };
}
