/** Runs the real `siq` command in-process and captures what it writes. */
import { runCli } from "../../runtime/cli/program";
import type { CliIo } from "../../runtime/cli/io";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function siq(args: string[], options: { env?: Record<string, string>; stdin?: string; cwd?: string } = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    readStdin: async () => options.stdin ?? "",
    env: { ...options.env },
    cwd: options.cwd ?? process.cwd(),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
