/** `siq validate PIPELINE... [--json]`: the schema and static checks, nothing run. */
import { Command } from "commander";
import { SiqError } from "../errors";
import { inspectPipelineFile } from "../pipeline/load";
import { errorCount, type Problem } from "../pipeline/problems";
import { pipelineEnv } from "./cli-runtime";
import { connectorActionsFromEnv } from "./connector-files";
import { EXIT, ExitSignal, colorsFor, type CliIo } from "./io";
import { invalidOutput, problemFromError, writeJson, writeProblems } from "./output";

export function validateCommand(io: CliIo): Command {
  return new Command("validate")
    .description("check pipeline files (schema, formulas, references, inputs) without running them")
    .argument("<pipeline...>", "pipeline files")
    .option("--json", "print { status, problems } as JSON")
    .action(async (files: string[], options: { json?: boolean }) => {
      const colors = colorsFor(io.stdout, io.env);
      const problems: Problem[] = [];
      const valid: string[] = [];
      const actions = await connectorActionsFromEnv(io);
      for (const file of files) {
        try {
          const result = await inspectPipelineFile(file, { env: pipelineEnv(io.env), actions }, "error");
          problems.push(...result.problems);
          if (errorCount(result.problems) === 0) valid.push(file);
        } catch (error) {
          if (!(error instanceof SiqError)) throw error;
          problems.push(problemFromError(error, file));
        }
      }
      const errors = errorCount(problems);
      if (options.json) {
        writeJson(io, errors > 0 ? invalidOutput(problems) : { status: "valid", problems: invalidOutput(problems).problems });
      } else {
        writeProblems(io, colors, problems);
        for (const file of valid) io.stdout.write(`${colors.green("✔")} ${file} is valid\n`);
      }
      if (errors > 0) throw new ExitSignal(EXIT.invalid);
    });
}
