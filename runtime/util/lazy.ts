/**
 * Loading on first use. `siq validate` and `siq actions` list every action but run none, so
 * what only running needs (undici, better-sqlite3, the XML stack) is loaded when first needed:
 * start-up pays only for what the command uses.
 */
import type { ActionHandler } from "../definition";

/** The value `load` gives, computed once, on the first call. */
export function lazy<T>(load: () => T): () => T {
  let value: T | undefined;
  let loaded = false;
  return () => {
    if (!loaded) {
      value = load();
      loaded = true;
    }
    return value as T;
  };
}

/** A handler whose module is loaded on the action's first run. */
export function lazyHandler(load: () => ActionHandler): ActionHandler {
  const handler = lazy(load);
  return (inputs, context) => handler()(inputs, context);
}
