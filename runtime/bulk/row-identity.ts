/**
 * A row's identity: a hash of its raw answers in a canonical form (object keys sorted), so the
 * journal can tell whether row N of the file today is the row N it ran before. Key order and
 * JSON spacing do not matter; any change to a question id or a value does.
 */
import { createHash } from "node:crypto";

export function rowIdentity(raw: Readonly<Record<string, unknown>>): string {
  return createHash("sha256").update(canonicalJson(raw)).digest("base64url").slice(0, 22);
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
}
