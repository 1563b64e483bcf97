/**
 * `siq bulk PIPELINE --rows FILE.csv|.jsonl [--concurrency N] [--user NAME] [--results FILE] [--restart] [--json]`
 *
 * Runs the pipeline once per row (SPEC 7, 11.16), with progress on standard error, problem lines
 * and a summary on standard output (or, with --json, exactly the summary), and a results file.
 * Exit codes: 0 every row succeeded; 1 some rows failed; 2 some rows were invalid, or the
 * pipeline, the rows file or the command line is; 130 stopped by Ctrl-C (resumable).
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import type * as Bulk from "../bulk";
import type { BulkStoppedError, BulkSummary, ResultLine, RowsFileProblem } from "../bulk";
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from "../bulk/concurrency";
import { SiqError } from "../errors";
import { inspectPipelineFile } from "../pipeline/load";
import { errorCount, type Problem } from "../pipeline/problems";
import type { Pipeline } from "../pipeline/types";
import { announceAdminPassword, openCliRuntime, pipelineEnv } from "./cli-runtime";
import { connectorActionsFromEnv } from "./connector-files";
import { EXIT, ExitSignal, colorsFor, type CliIo, type Colors } from "./io";
import { invalidOutput, problemFromError, writeJson, writeProblems } from "./output";

/** Exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;
/** Invalid and failed rows printed on standard output before the rest are left to the results file. */
const PRINTED_ROWS = 20;

interface BulkFlags {
  rows: string;
  concurrency: number;
  user: string;
  results?: string;
  restart?: boolean;
  json?: boolean;
}

export function bulkCommand(io: CliIo): Command {
  return new Command("bulk")
    .description("run a pipeline once per row of a CSV or JSON Lines file; resumable after a crash")
    .argument("<pipeline>", "the pipeline file")
    .requiredOption("--rows <file>", "the rows: CSV with a header of question ids (q37.GroupName for a repeat field, values split by |), or JSON Lines")
    .option("--concurrency <n>", `rows run at once, 1 to ${MAX_CONCURRENCY}`, parseConcurrency, DEFAULT_CONCURRENCY)
    .option("--user <name>", "run as this user of the directory", "admin")
    .option("--results <file>", "the results file (JSON Lines); default the rows file's name plus .results.jsonl")
    .option("--restart", "start over: a new journal and results file (rows already run run again)")
    .option("--json", "print exactly the summary as JSON")
    .action(async (file: string, flags: BulkFlags) => {
      const colors = colorsFor(io.stdout, io.env);
      const fail = (problems: Problem[], summary?: BulkSummary): never => {
        if (flags.json) writeJson(io, summary ? { ...invalidOutput(problems), summary } : invalidOutput(problems));
        else {
          writeProblems(io, colors, problems);
          if (summary) writeSummary(io, colors, summary);
        }
        throw new ExitSignal(EXIT.invalid);
      };

      // Loaded here, not at start-up: bulk runs pull in better-sqlite3 and csv-parse.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy, see runtime/util/lazy.ts
      const { BulkStoppedError, ProgressReporter, openRowCommitDirectory, rowsFormatOf, runBulk } = require("../bulk") as typeof Bulk;
      rowsFormatOf(flags.rows);
      const pipelineFile = resolve(io.cwd, file);
      const actions = await connectorActionsFromEnv(io);
      const loaded = await inspectPipelineFile(pipelineFile, { env: pipelineEnv(io.env), displayName: file, actions }, "error");
      if (!loaded.pipeline || errorCount(loaded.problems) > 0) fail(loaded.problems);
      if (!flags.json) writeProblems(io, colors, loaded.problems);
      const pipeline = loaded.pipeline as Pipeline;
      const pipelineHash = createHash("sha256")
        .update(await readFile(pipelineFile))
        .digest("hex");

      const rowsFile = resolve(io.cwd, flags.rows);
      const resultsFile = flags.results !== undefined ? resolve(io.cwd, flags.results) : `${rowsFile}.results.jsonl`;
      const { directory, createdAdminPassword } = openRowCommitDirectory({ env: io.env, cwd: io.cwd });
      announceAdminPassword(io, createdAdminPassword);
      // The same runtime `siq run` uses (the embedded host when the pipeline needs it), on this directory.
      const runtime = await openCliRuntime(io, pipeline, { verbose: false, directory, actions });
      const progress = new ProgressReporter(io.stderr, { tty: io.stderr.isTTY === true });
      const printed = { invalid: 0, failed: 0 };

      let summary: BulkSummary;
      try {
        summary = await runBulk({
          pipeline,
          pipelineHash,
          rowsFile,
          rowsName: flags.rows,
          resultsFile,
          runtime,
          directory,
          user: flags.user,
          concurrency: flags.concurrency,
          restart: flags.restart === true,
          ...(io.signal ? { signal: io.signal } : {}),
          onProgress: (state) => progress.update(state),
          onWarning: (message) => progress.interject(() => io.stderr.write(`${colors.yellow(`warning: ${message}`)}\n`)),
          onRow: (line, detail) => {
            if (flags.json || line.status === "succeeded") return;
            const kind = line.status === "invalid" ? "invalid" : "failed";
            if (printed[kind] >= PRINTED_ROWS) return;
            printed[kind]++;
            progress.interject(() => io.stdout.write(`${colors.red(rowLine(flags.rows, line, detail.column))}\n`));
          },
        });
      } catch (error) {
        if (error instanceof BulkStoppedError) {
          progress.finish();
          fail(stoppedProblems(flags.rows, error), error.summary);
        }
        if (error instanceof SiqError && error.code === "ROWS_INVALID") {
          progress.finish();
          fail(rowsFileProblems(flags.rows, error));
        }
        throw error;
      } finally {
        progress.finish();
        await runtime.close();
      }

      if (flags.json) writeJson(io, summary);
      else {
        const hidden = { invalid: summary.invalid - printed.invalid, failed: summary.failed - printed.failed };
        if (printed.invalid >= PRINTED_ROWS && hidden.invalid > 0) io.stdout.write(colors.dim(`... and more invalid rows: see ${shown(io, resultsFile)}\n`));
        if (printed.failed >= PRINTED_ROWS && hidden.failed > 0) io.stdout.write(colors.dim(`... and more failed rows: see ${shown(io, resultsFile)}\n`));
        writeSummary(io, colors, summary);
      }
      throw new ExitSignal(exitCode(summary));
    });
}

export function exitCode(summary: BulkSummary): number {
  if (summary.status === "interrupted") return EXIT_INTERRUPTED;
  if (summary.invalid > 0) return EXIT.invalid;
  if (summary.failed > 0) return EXIT.failed;
  return EXIT.ok;
}

function parseConcurrency(text: string): number {
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > MAX_CONCURRENCY) {
    throw new InvalidArgumentError(`It must be a whole number from 1 to ${MAX_CONCURRENCY}.`);
  }
  return value;
}

/** `users.csv:line 12:3: row 11: message` for an invalid row; `users.csv:line 13:0: row 12: "Create User" failed: CODE: message` for a failed one. */
function rowLine(rowsName: string, line: ResultLine, column: number): string {
  const error = line.error;
  const where = `${rowsName}:line ${line.line}:${column}: row ${line.row}`;
  if (line.status === "invalid") return `${where}: ${error?.message ?? "invalid"}`;
  const action = error?.action !== undefined ? ` "${error.action}" failed:` : "";
  return `${where}:${action} ${error?.code ?? "FAILED"}: ${error?.message ?? ""}`;
}

function rowsFileProblems(rowsName: string, error: SiqError): Problem[] {
  const listed = (error.details as { problems?: RowsFileProblem[] } | undefined)?.problems;
  if (!listed) return [problemFromError(error, rowsName)];
  return listed.map((p) => ({ file: rowsName, path: `line ${p.line}`, column: p.column, code: error.code, message: p.message, severity: "error" as const }));
}

function stoppedProblems(rowsName: string, error: BulkStoppedError): Problem[] {
  if (error.code === "ROWS_INVALID") return rowsFileProblems(rowsName, error);
  return [problemFromError(error, rowsName)];
}

function writeSummary(io: CliIo, colors: Colors, summary: BulkSummary): void {
  const n = (value: number) => value.toLocaleString("en-US");
  const seconds = (summary.durationMs / 1000).toFixed(1);
  const counts = [`${n(summary.succeeded)} succeeded`];
  if (summary.failed > 0) counts.push(`${n(summary.failed)} failed`);
  if (summary.invalid > 0) counts.push(`${n(summary.invalid)} invalid`);
  const before = summary.alreadyDone > 0 ? `; ${n(summary.alreadyDone)} of them were done by an earlier run and skipped` : "";
  const head =
    summary.status === "interrupted"
      ? colors.yellow(`■ bulk stopped after ${n(summary.rows)} rows`)
      : summary.status === "succeeded"
        ? colors.green(`✔ bulk: ${n(summary.rows)} rows`)
        : colors.red(`✖ bulk: ${n(summary.rows)} rows`);
  io.stdout.write(`${head} in ${seconds} s (${n(summary.rowsPerSecond)} rows/s): ${counts.join(", ")}${before}.\n`);
  if (summary.resumedRows > 0) {
    io.stdout.write(`  ${n(summary.resumedRows)} row(s) in flight when an earlier run stopped were run again (their REST calls may have been sent twice).\n`);
  }
  if (summary.interruptedRows > 0) {
    io.stdout.write(`  ${n(summary.interruptedRows)} row(s) had committed directory changes before an earlier run stopped: kept, not run again (ROW_INTERRUPTED).\n`);
  }
  io.stdout.write(colors.dim(`  results: ${shown(io, summary.results)}\n  journal: ${shown(io, summary.journal)}\n`));
  if (summary.status === "interrupted") io.stdout.write("  Run the same command again to resume; --restart starts over.\n");
}

/** A path as people read it: relative to the working folder when it is inside it. */
function shown(io: CliIo, path: string): string {
  const rel = relative(io.cwd, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}
