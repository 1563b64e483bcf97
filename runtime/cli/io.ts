/**
 * The command line's view of the process, injectable so commands run in-process in tests.
 */
import { createColors } from "picocolors";

export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** Reads all of standard input (for `--answers -`). */
  readStdin(): Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Cancels the work in flight (Ctrl-C). */
  signal?: AbortSignal;
}

export type Colors = ReturnType<typeof createColors>;

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colorsFor(stream: { isTTY?: boolean }, env: CliIo["env"]): Colors {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== "";
  const force = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "";
  return createColors(!noColor && (force || stream.isTTY === true));
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Exit codes (SPEC 7): 0 success; 1 the pipeline ran and an action failed; 2 invalid input or usage. */
export const EXIT = { ok: 0, failed: 1, invalid: 2 } as const;

/** Thrown inside commands to end with an exit code after output was written. */
export class ExitSignal extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
