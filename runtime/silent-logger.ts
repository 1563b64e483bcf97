/**
 * The logger of a runtime that was given none. It is a known object so the hot paths can tell
 * that nothing will be logged and skip building and masking log fields, which otherwise cost
 * more than the rest of a run (every field of every line is deep-copied and scanned for
 * secrets).
 */
import type { Logger } from "./context";

export const silentLogger: Logger = { log: () => undefined };

/** True when log lines given to this logger go nowhere. */
export function isSilentLogger(logger: Logger | undefined): boolean {
  return logger === undefined || logger === silentLogger;
}
