/**
 * `siq test [SPEC|DIR ...] [--json]`: runs action specs (SPEC section 10). A line per spec,
 * the differences of each failed one, and a summary line `N passed, M failed`.
 * Exit 0 when all pass, 1 when any fails, 2 when any spec is invalid (SPEC rule 17).
 */
import { relative } from "node:path";
import { Command } from "commander";
import { SiqError } from "../errors";
import type { Problem } from "../pipeline/problems";
import type * as FindSpecs from "../spec/find-specs";
import type * as LoadSpec from "../spec/load-spec";
import type * as RunSpec from "../spec/run-spec";
import type { SpecResult } from "../spec/types";
import { EXIT, ExitSignal, colorsFor, type CliIo, type Colors } from "./io";
import { invalidOutput, problemFromError, writeJson, writeProblems } from "./output";
import { connectorActionsFromEnv } from "./connector-files";

interface TestFlags {
  json?: boolean;
}

interface SpecOutcome {
  file: string;
  result?: SpecResult;
  problems?: Problem[];
}

export function testCommand(io: CliIo): Command {
  return new Command("test")
    .description("run action specs (*.spec.json): files, or folders searched recursively (default: the current folder)")
    .argument("[targets...]", "spec files or folders")
    .option("--json", "print { status, passed, failed, invalid, specs, problems } as JSON")
    .action(async (targets: string[], flags: TestFlags) => {
      const colors = colorsFor(io.stdout, io.env);
      // Loaded here, not at start-up: specs pull in the whole runtime and their TypeBox schema.
      /* eslint-disable @typescript-eslint/no-require-imports -- deliberately lazy, see runtime/util/lazy.ts */
      const { findSpecFiles } = require("../spec/find-specs") as typeof FindSpecs;
      const { SpecInvalidError } = require("../spec/load-spec") as typeof LoadSpec;
      const { runSpec } = require("../spec/run-spec") as typeof RunSpec;
      /* eslint-enable @typescript-eslint/no-require-imports */
      const { files, missing } = await findSpecFiles(targets, io.cwd);
      const usage: Problem[] = missing.map((target) => problemFromError(new SiqError("FILE_NOT_FOUND", `${target} does not exist: name spec files or folders that hold them`), target));
      if (files.length === 0 && missing.length === 0) {
        const where = targets.length > 0 ? targets.join(", ") : "the current folder";
        usage.push(problemFromError(new SiqError("USAGE", `no *.spec.json files found in ${where}`), targets[0] ?? "."));
      }

      const outcomes: SpecOutcome[] = [];
      const actions = await connectorActionsFromEnv(io);
      for (const path of files) {
        if (io.signal?.aborted) break;
        const file = displayName(io.cwd, path);
        try {
          const result = await runSpec(path, { displayName: file, actions });
          outcomes.push({ file, result });
          if (!flags.json) writeOutcome(io, colors, file, result);
        } catch (error) {
          if (!(error instanceof SpecInvalidError)) throw error;
          outcomes.push({ file, problems: [...error.problems] });
          if (!flags.json) {
            writeProblems(io, colors, error.problems);
            io.stdout.write(`${colors.red("✖")} ${file} ${colors.red("is not a valid spec")}\n`);
          }
        }
      }

      const passed = outcomes.filter((o) => o.result?.passed === true).length;
      const failed = outcomes.filter((o) => o.result?.passed === false).length;
      const invalid = outcomes.filter((o) => o.problems !== undefined).length + (usage.length > 0 ? 1 : 0);
      const status = invalid > 0 ? "invalid" : failed > 0 ? "failed" : "passed";
      if (flags.json) {
        writeJson(io, {
          status,
          passed,
          failed,
          invalid,
          specs: outcomes.map((o) => (o.result ? specJson(o.file, o.result) : { file: o.file, status: "invalid" })),
          problems: invalidOutput([...usage, ...outcomes.flatMap((o) => o.problems ?? [])]).problems,
        });
      } else {
        writeProblems(io, colors, usage);
        const summary = `${passed} passed, ${failed} failed${invalid > 0 ? `, ${invalid} invalid` : ""}`;
        io.stdout.write(`${status === "passed" ? colors.green(summary) : colors.red(summary)}\n`);
      }
      if (status === "invalid") throw new ExitSignal(EXIT.invalid);
      if (status === "failed") throw new ExitSignal(EXIT.failed);
    });
}

function writeOutcome(io: CliIo, colors: Colors, file: string, result: SpecResult): void {
  const mark = result.passed ? colors.green("✔") : colors.red("✖");
  io.stdout.write(`${mark} ${result.name} ${colors.dim(`${file} (${result.durationMs} ms)`)}\n`);
  for (const failure of result.failures) {
    const [first, ...rest] = `${failure.path}: ${failure.message}`.split("\n");
    io.stdout.write(`    ${colors.red(first ?? "")}\n`);
    for (const line of rest) io.stdout.write(`    ${line}\n`);
  }
}

/** A spec's result for --json: the run's result is included for failed specs, to see what happened. */
function specJson(file: string, result: SpecResult): Record<string, unknown> {
  return {
    file,
    name: result.name,
    status: result.status,
    durationMs: result.durationMs,
    failures: result.failures,
    ...(result.passed ? {} : { run: result.run ?? null, requests: result.requests }),
  };
}

function displayName(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel.startsWith("..") || rel === "" ? path : rel;
}
