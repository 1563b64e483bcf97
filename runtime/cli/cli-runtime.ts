/**
 * The runtime a command-line run uses: the embedded defaults (the user directory under
 * SIQ_DATA_DIR), and a logger on standard error for --verbose.
 */
import type { Logger } from "../context";
import { openDirectory } from "../directory";
import type { Pipeline } from "../pipeline/types";
import { createRuntime, type Runtime } from "../runtime";
import type { CliIo } from "./io";

export interface CliRuntimeOptions {
  verbose: boolean;
}

export async function openCliRuntime(io: CliIo, _pipeline: Pipeline, options: CliRuntimeOptions): Promise<Runtime> {
  const logger = options.verbose ? stderrLogger(io) : undefined;
  const { directory, createdAdminPassword } = openDirectory({ env: io.env, cwd: io.cwd });
  announceAdminPassword(io, createdAdminPassword);
  const runtime = createRuntime({ directory, ...(logger ? { logger } : {}) });
  return {
    ...runtime,
    async close() {
      await runtime.close();
      directory.close();
    },
  };
}

/** A new directory's generated admin password is shown once, on standard error (stdout may be --json). */
export function announceAdminPassword(io: CliIo, password: string | undefined): void {
  if (password === undefined) return;
  io.stderr.write(
    `Created the user directory with the user "admin". Its generated password, shown only this once: ${password}\n` +
      "(set SIQ_ADMIN_PASSWORD before the first run to choose it)\n",
  );
}

/** One line per event on standard error: time, level, event, then key=value fields. */
export function stderrLogger(io: CliIo): Logger {
  return {
    log(level, event, fields) {
      const parts = Object.entries(fields ?? {}).map(([key, value]) => `${key}=${JSON.stringify(value ?? null)}`);
      io.stderr.write(`${new Date().toISOString().slice(11, 23)} ${level.padEnd(5)} ${event}${parts.length ? ` ${parts.join(" ")}` : ""}\n`);
    },
  };
}
