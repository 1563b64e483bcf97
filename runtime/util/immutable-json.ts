/**
 * JSON values the runtime froze itself (deeply), and so may cache by identity: a pipeline's
 * literal structures (a Request Schema written in the file) are bound once, frozen, and then
 * every run sees the same object, so per-run work on them (canonical text, compiled schema
 * lookup) can be keyed by the object instead of its content.
 */
import type { JsonValue } from "../values";

const frozen = new WeakSet<object>();

/** Deeply freezes a JSON value built by the caller and remembers it as immutable. */
export function freezeJson<T extends JsonValue>(value: T): T {
  if (value !== null && typeof value === "object" && !frozen.has(value)) {
    for (const item of Array.isArray(value) ? value : Object.values(value)) freezeJson(item);
    Object.freeze(value);
    frozen.add(value);
  }
  return value;
}

/** True for objects and arrays frozen by {@link freezeJson}: their content can never change. */
export function isImmutableJson(value: unknown): value is object {
  return value !== null && typeof value === "object" && frozen.has(value);
}
