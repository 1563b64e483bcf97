/**
 * The runtime a command-line run uses: the embedded defaults (user directory under
 * SIQ_DATA_DIR), and a logger on standard error for --verbose.
 */
import type { Logger } from "../context";
import type { Pipeline } from "../pipeline/types";
import { createRuntime, type Runtime } from "../runtime";
import type { CliIo } from "./io";

export interface CliRuntimeOptions {
  verbose: boolean;
}

export async function openCliRuntime(io: CliIo, _pipeline: Pipeline, options: CliRuntimeOptions): Promise<Runtime> {
  const logger = options.verbose ? stderrLogger(io) : undefined;
  return createRuntime({ ...(logger ? { logger } : {}) });
}

/** One line per event on standard error: time, level, event, then key=value fields. */
export function stderrLogger(io: CliIo): Logger {
  return {
    log(level, event, fields) {
      const parts = Object.entries(fields ?? {}).map(([key, value]) => `${key}=${typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value ?? null)}`);
      io.stderr.write(`${new Date().toISOString().slice(11, 23)} ${level.padEnd(5)} ${event}${parts.length ? ` ${parts.join(" ")}` : ""}\n`);
    },
  };
}
