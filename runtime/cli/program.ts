/**
 * The `siq` command. `runCli` runs it in-process and returns the exit code, so tests drive the
 * real command without spawning processes.
 */
import { Command, CommanderError } from "commander";
import { SiqError } from "../errors";
import { actionsCommand } from "./actions-command";
import { EXIT, ExitSignal, colorsFor, type CliIo } from "./io";
import { invalidOutput, problemFromError, writeError, writeJson } from "./output";
import { runCommand } from "./run-command";
import { validateCommand } from "./validate-command";
import { cliExtensions } from "./extensions";
import { packageVersion } from "../util/package-root";

export function buildProgram(io: CliIo): Command {
  const program = new Command("siq")
    .description("Run SmartIQ-style workflow actions from pipeline files.")
    .version(packageVersion(), "-V, --version")
    .showHelpAfterError("(run `siq --help` for usage)")
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  program.addCommand(runCommand(io));
  program.addCommand(validateCommand(io));
  program.addCommand(actionsCommand(io));
  for (const extend of cliExtensions) program.addCommand(extend(io));
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());
  return program;
}

/** Runs `siq` with the given arguments (without "node" and the script) and returns the exit code. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  const json = args.includes("--json");
  try {
    await program.parseAsync([...args], { from: "user" });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof ExitSignal) return error.code;
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return EXIT.ok;
      if (json) writeJson(io, invalidOutput([problemFromError(new SiqError("USAGE", error.message.replace(/^error: /, "")))]));
      return EXIT.invalid;
    }
    const siqError = error instanceof SiqError ? error : new SiqError("INTERNAL", error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (json) writeJson(io, invalidOutput([problemFromError(siqError)]));
    else writeError(io, colorsFor(io.stderr, io.env), siqError);
    return siqError.code === "INTERNAL" ? EXIT.failed : EXIT.invalid;
  }
}
