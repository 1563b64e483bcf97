/**
 * `siq run PIPELINE [--answers FILE|-] [--set q1=value ...] [--user NAME] [--json] [--dry-run] [--verbose]`
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { Command } from "commander";
import { answersFromAssignments, convertAnswers } from "../answers";
import type { DryRunRequest } from "../context";
import { SiqError } from "../errors";
import { inspectPipelineFile } from "../pipeline/load";
import { errorCount, type Problem } from "../pipeline/problems";
import type { Pipeline } from "../pipeline/types";
import { parseJsonText } from "../pipeline/json-source";
import { isPlainObject } from "../values";
import { openCliRuntime, pipelineEnv } from "./cli-runtime";
import { connectorActionsFromEnv } from "./connector-files";
import { formatCurl } from "../http/curl";
import { EXIT, ExitSignal, colorsFor, type CliIo } from "./io";
import { invalidOutput, writeJson, writeProblems, writeRunResult } from "./output";

interface RunFlags {
  answers?: string;
  set: string[];
  user: string;
  json?: boolean;
  dryRun?: boolean;
  verbose?: boolean;
}

export function runCommand(io: CliIo): Command {
  return new Command("run")
    .description("run a pipeline with answers")
    .argument("<pipeline>", "the pipeline file")
    .option("--answers <file>", "answers file (JSON keyed by question id), or - for standard input")
    .option("--set <question=value>", "set one answer (repeatable; q37.GroupName=A|B sets a repeat field)", collect, [])
    .option("--user <name>", "run as this user of the directory", "admin")
    .option("--json", "print exactly the run's result as JSON")
    .option("--dry-run", "print each request that would be sent; send nothing and change nothing")
    .option("--verbose", "log requests, responses and steps to standard error (secrets masked)")
    .action(async (file: string, flags: RunFlags) => {
      const colors = colorsFor(io.stdout, io.env);
      const fail = (problems: Problem[]): never => {
        if (flags.json) writeJson(io, invalidOutput(problems));
        else writeProblems(io, colors, problems);
        throw new ExitSignal(EXIT.invalid);
      };

      const actions = await connectorActionsFromEnv(io);
      const loaded = await inspectPipelineFile(resolve(io.cwd, file), { env: pipelineEnv(io.env), displayName: file, actions }, "error");
      if (!loaded.pipeline || errorCount(loaded.problems) > 0) fail(loaded.problems);
      if (!flags.json) writeProblems(io, colors, loaded.problems);
      const pipeline = loaded.pipeline as Pipeline;

      const rawAnswers = await readAnswers(io, flags, pipeline, fail);
      const { answers, problems } = convertAnswers(pipeline.questions, rawAnswers);
      if (problems.length > 0) {
        const source = flags.answers === "-" ? "<stdin>" : (flags.answers ?? "--set");
        fail(problems.map((p) => ({ file: source, path: p.question, column: 0, code: "ANSWERS_INVALID", message: p.message, severity: "error" })));
      }

      const requests: DryRunRequest[] = [];
      const runtime = await openCliRuntime(io, pipeline, { verbose: flags.verbose === true, actions });
      try {
        const result = await runtime.run(pipeline, {
          answers,
          user: flags.user,
          ...(io.signal ? { signal: io.signal } : {}),
          ...(flags.dryRun ? { dryRun: (request: DryRunRequest) => requests.push(request) } : {}),
        });
        if (flags.json) {
          writeJson(io, result);
        } else {
          for (const request of requests) io.stdout.write(`${colors.dim(`# ${request.action}`)}\n${formatCurl(request)}\n\n`);
          writeRunResult(io, colors, result);
        }
        if (result.status === "failed") throw new ExitSignal(EXIT.failed);
      } finally {
        await runtime.close();
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function readAnswers(io: CliIo, flags: RunFlags, pipeline: Pipeline, fail: (problems: Problem[]) => never): Promise<Record<string, unknown>> {
  let raw: Record<string, unknown> = {};
  if (flags.answers !== undefined) {
    const name = flags.answers === "-" ? "<stdin>" : flags.answers;
    let text: string;
    try {
      text = flags.answers === "-" ? await io.readStdin() : await readFile(resolve(io.cwd, flags.answers), "utf8");
    } catch {
      throw new SiqError("FILE_NOT_FOUND", `The answers file ${name} cannot be read: check the path.`);
    }
    const parsed = parseJsonText(text, name);
    if (parsed.problems.length > 0) fail(parsed.problems.map((p) => ({ ...p, code: "ANSWERS_INVALID" })));
    if (!isPlainObject(parsed.value)) {
      fail([{ file: name, path: "$", column: 0, code: "ANSWERS_INVALID", message: "an answers file is a JSON object keyed by question id", severity: "error" }]);
    }
    raw = parsed.value as Record<string, unknown>;
  }
  const assignments: Array<[string, string]> = [];
  for (const item of flags.set) {
    const at = item.indexOf("=");
    if (at <= 0) throw new SiqError("USAGE", `--set needs question=value, as in --set q1=jdoe (got "${item}").`);
    assignments.push([item.slice(0, at).trim(), item.slice(at + 1)]);
  }
  return { ...raw, ...answersFromAssignments(pipeline.questions, assignments) };
}
