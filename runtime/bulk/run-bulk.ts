/**
 * `runBulk`: runs one pipeline once per row of a CSV or JSON Lines file, through one runtime,
 * at a bounded concurrency, with a journal that makes it resumable (see docs/bulk.md).
 *
 * Rows stream through a window of at most `concurrency` runs: the next row is read only when a
 * run slot is free, so memory does not grow with the file.
 */
import { existsSync, statSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { convertAnswers, type Answers } from "../answers";
import { SiqError, toSiqError } from "../errors";
import { PipelineInvalidError, errorCount } from "../pipeline/problems";
import type { Pipeline } from "../pipeline/types";
import type { Runtime } from "../runtime";
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from "./concurrency";
import { BulkJournal, type JournalRow } from "./journal";
import { invalidResult, resultFromError, resultFromRun, type ResultLine } from "./result-line";
import { ResultsWriter } from "./results-file";
import { runAsRow, type RowCommit, type RowCommitDirectory, type RowScope } from "./row-commits";
import { rowIdentity } from "./row-identity";
import { openRows, type RowInput } from "./rows";

export { DEFAULT_CONCURRENCY, MAX_CONCURRENCY };

export interface BulkRunOptions {
  pipeline: Pipeline;
  /** SHA-256 of the pipeline file (a changed pipeline is reported when a journal resumes). */
  pipelineHash: string;
  /** The rows file (absolute path). */
  rowsFile: string;
  /** The rows file as the user named it, for messages. */
  rowsName?: string;
  /** The results file (absolute path); the journal is this plus `.journal`. */
  resultsFile: string;
  /** A runtime whose directory is `directory`. */
  runtime: Runtime;
  directory: RowCommitDirectory;
  /** The running user (SPEC 11.1): must exist and be enabled. */
  user: string;
  concurrency?: number;
  /** Start over: a new journal and results file. */
  restart?: boolean;
  /** Stops taking rows; rows in flight finish and are recorded. */
  signal?: AbortSignal;
  /** Each row's results line, as it is recorded; `column` is the CSV column of an invalid answer (else 0). */
  onRow?: (result: ResultLine, detail: { column: number }) => void;
  /** After every change of the counts (cheap: the caller decides when to draw). */
  onProgress?: (progress: BulkProgress) => void;
  /** Things worth telling that do not stop the run (a changed pipeline on resume). */
  onWarning?: (message: string) => void;
}

export interface BulkProgress {
  /** Rows read from the file so far. */
  rows: number;
  succeeded: number;
  failed: number;
  invalid: number;
  /** Rows skipped because an earlier run finished them. */
  alreadyDone: number;
  /** Rows this run finished (ran, resolved, or found invalid). */
  finished: number;
  inFlight: number;
  /** Bytes of the file read up to the last row taken, and the file's size. */
  bytesRead: number;
  bytesTotal: number;
  /** performance.now() when the run started. */
  startedAt: number;
}

export interface BulkSummary {
  /** `interrupted`: stopped early (Ctrl-C); run the same command again to go on. */
  status: "succeeded" | "failed" | "interrupted";
  /** Rows read from the file. */
  rows: number;
  /** Totals over the rows read, those done by earlier runs included. */
  succeeded: number;
  failed: number;
  invalid: number;
  /** Rows skipped because an earlier run finished them. */
  alreadyDone: number;
  /** Rows whose pipeline ran in this run. */
  ran: number;
  /** Rows that were in flight when an earlier run stopped, and ran again (no directory change had been committed). */
  resumedRows: number;
  /** Rows in flight when an earlier run stopped after committing directory changes: resolved as ROW_INTERRUPTED, not run again. */
  interruptedRows: number;
  durationMs: number;
  /** Rows run (or found invalid) in this run per second. */
  rowsPerSecond: number;
  results: string;
  journal: string;
  warnings: string[];
}

/**
 * Thrown when rows had been read and the run stopped before the end for a reason of the input's
 * (a CSV syntax error, a changed row) or of the disk's; it carries the summary so far.
 */
export class BulkStoppedError extends SiqError {
  readonly summary: BulkSummary;

  constructor(error: SiqError, summary: BulkSummary) {
    super(error.code, error.message, { details: error.details, cause: error });
    this.summary = summary;
  }
}

/** A semaphore for run slots; one waiter at a time (the reading loop). */
class Slots {
  private free: number;
  private waiters: Array<() => void> = [];

  constructor(count: number) {
    this.free = count;
  }

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }
}

export function journalFileFor(resultsFile: string): string {
  return `${resultsFile}.journal`;
}

export async function runBulk(options: BulkRunOptions): Promise<BulkSummary> {
  const { pipeline, runtime, directory, user } = options;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new SiqError("USAGE", `--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY} (got ${concurrency}).`);
  }
  const problems = runtime.check(pipeline);
  if (errorCount(problems) > 0) throw new PipelineInvalidError(problems);
  checkRunningUser(directory, user);

  const rowsName = options.rowsName ?? options.rowsFile;
  const journalFile = journalFileFor(options.resultsFile);
  const source = await openRows(options.rowsFile, rowsName, pipeline.questions);
  const reader = source.rows[Symbol.asyncIterator]();
  let opened: ReturnType<typeof BulkJournal.open>;
  let first: IteratorResult<RowInput>;
  try {
    // The first row is read before the journal exists, so a bad CSV header (or a file that
    // cannot be read) is refused without creating or emptying anything.
    first = await reader.next();
    if (!options.restart && !existsSync(journalFile) && nonEmpty(options.resultsFile)) {
      throw new SiqError(
        "BULK_RESULTS_EXISTS",
        `The results file ${options.resultsFile} exists, but no journal is beside it, so which rows ran is unknown. Run with --restart to overwrite it, or choose another --results file.`,
      );
    }
    opened = BulkJournal.open(
      journalFile,
      { rowsFile: options.rowsFile, pipelineFile: pipeline.file ?? "", pipelineHash: options.pipelineHash, user, directoryFile: directory.file },
      { restart: options.restart === true },
    );
  } catch (error) {
    await reader.return?.();
    throw error;
  }
  const journal = opened.journal;
  async function* rows(): AsyncGenerator<RowInput> {
    try {
      let next = first;
      while (!next.done) {
        yield next.value;
        next = await reader.next();
      }
    } finally {
      await reader.return?.();
    }
  }
  const warnings = [...opened.warnings];
  for (const warning of warnings) options.onWarning?.(warning);

  const startedAt = performance.now();
  const progress: BulkProgress = {
    rows: 0,
    succeeded: 0,
    failed: 0,
    invalid: 0,
    alreadyDone: 0,
    finished: 0,
    inFlight: 0,
    bytesRead: 0,
    bytesTotal: source.size,
    startedAt,
  };
  let ran = 0;
  let resumedRows = 0;
  let interruptedRows = 0;
  let results: ResultsWriter | undefined;
  let stop: SiqError | undefined;
  let interrupted = false;
  const tasks = new Set<Promise<void>>();
  const report = () => options.onProgress?.(progress);

  let flushTimer: NodeJS.Immediate | undefined;

  try {
    if (opened.discardedId !== undefined) directory.clearCommits(opened.discardedId);
    results = rebuildResults(options.resultsFile, journal);
    const writer = results;
    // Only rows an earlier process started can have commit records under this journal's id:
    // none for a new journal, and none after the last row that committed one. Rows past it
    // skip the look-up (a query per row).
    const lastCommittedRow = journal.resumed ? directory.lastCommittedRow(journal.id) : 0;

    // A results line is written once its row's end is committed in the journal, so the file
    // never shows a row that a resume would treat as not done.
    const written = (lines: string[]): void => {
      for (const text of lines) writer.append(text);
    };
    const flush = (): void => {
      if (flushTimer) clearImmediate(flushTimer);
      flushTimer = undefined;
      written(journal.flush());
    };

    const record = (line: ResultLine, hash: string | null, column = 0): void => {
      const text = JSON.stringify(line);
      if (line.status === "invalid") journal.markInvalid(line.row, line.line, text);
      else journal.markDone(line.row, line.line, hash, line.status, text);
      // Queued: the next row's start commits it, or else this flush at the end of the event
      // loop's turn (rows that end while no row starts: the file's tail, a full window).
      flushTimer ??= setImmediate(() => {
        flushTimer = undefined;
        try {
          flush();
        } catch (error) {
          stop ??= toSiqError(error);
        }
      });
      progress.finished++;
      progress[line.status]++;
      options.onRow?.(line, { column });
      report();
    };

    const slots = new Slots(concurrency);
    const run = (input: RowInput, answers: Answers, hash: string, resumed: boolean): void => {
      const scope: RowScope = { journal: journal.id, row: input.row, action: "", commits: 0 };
      const started = performance.now();
      progress.inFlight++;
      ran++;
      const task = runAsRow(scope, () =>
        runtime.run(pipeline, {
          answers,
          user,
          onEvent: (event) => {
            if (event.type === "action-started") scope.action = event.name;
          },
        }),
      )
        .then(
          (result) => resultFromRun(input.row, input.line, result, resumed),
          (error: unknown) => resultFromError(input.row, input.line, toSiqError(error), Math.round(performance.now() - started), resumed),
        )
        .then((line) => record(line, hash))
        .catch((error: unknown) => {
          // The journal or results file could not be written: stop taking rows.
          stop ??= toSiqError(error);
        })
        .finally(() => {
          progress.inFlight--;
          tasks.delete(task);
          slots.release();
        });
      tasks.add(task);
    };

    try {
      for await (const input of rows()) {
        if (options.signal?.aborted || stop) {
          interrupted = !stop;
          break;
        }
        progress.rows++;
        progress.bytesRead = input.end;
        const prior = journal.lookup(input.row);
        const hash = input.raw ? rowIdentity(input.raw) : null;

        if (prior?.state === "done") {
          if (hash === null || (prior.hash !== null && prior.hash !== hash)) {
            stop = inputChanged(rowsName, input, prior, "finished");
            break;
          }
          progress.alreadyDone++;
          if (prior.status === "succeeded" || prior.status === "failed") progress[prior.status]++;
          report();
          continue;
        }
        if (prior?.state === "started" && prior.hash !== hash) {
          stop = inputChanged(rowsName, input, prior, "started");
          break;
        }

        // Checked before the answers: a row whose changes are in must never count as not run.
        const commits = input.row <= lastCommittedRow ? directory.commitsOf(journal.id, input.row) : [];
        if (commits.length > 0) {
          interruptedRows++;
          record(interruptedResult(pipeline, input, commits), hash);
          continue;
        }

        const invalid = input.raw ? convertRow(pipeline, input) : { problem: input.problem ?? { message: "the row cannot be read" } };
        if ("problem" in invalid) {
          const { problem } = invalid;
          const column = problem.question === undefined ? 0 : (input.columns?.get(problem.question) ?? 0);
          record(invalidResult(input.row, input.line, problem.message, problem.question), null, column);
          continue;
        }

        await slots.acquire();
        if (options.signal?.aborted || stop) {
          slots.release();
          interrupted = !stop;
          break;
        }
        const resumed = prior?.state === "started";
        if (resumed) resumedRows++;
        written(journal.markStarted(input.row, input.line, hash as string));
        run(input, invalid.answers, hash as string, resumed);
        report();
      }
    } catch (error) {
      stop ??= toSiqError(error);
    }
    // A stop that comes after the last row was taken stops nothing: the rows in flight finish anyway.
    await Promise.all([...tasks]);
    try {
      flush();
    } catch (error) {
      stop ??= toSiqError(error);
    }
    if (!interrupted && !stop && journal.startedCount() === 0) directory.clearCommits(journal.id);
  } finally {
    await Promise.allSettled([...tasks]);
    if (flushTimer) clearImmediate(flushTimer);
    // Rows that ended are recorded even when the run stops on an error (unless the error is the
    // journal's own: then they stay `started`, as after a crash).
    if (journal.queuedCount > 0 && results) {
      try {
        for (const text of journal.flush()) results.append(text);
      } catch (error) {
        stop ??= toSiqError(error);
      }
    }
    results?.close();
    journal.close();
  }

  const durationMs = Math.round(performance.now() - startedAt);
  const summary: BulkSummary = {
    status: interrupted ? "interrupted" : progress.failed + progress.invalid > 0 ? "failed" : "succeeded",
    rows: progress.rows,
    succeeded: progress.succeeded,
    failed: progress.failed,
    invalid: progress.invalid,
    alreadyDone: progress.alreadyDone,
    ran,
    resumedRows,
    interruptedRows,
    durationMs,
    rowsPerSecond: durationMs > 0 ? Math.round((progress.finished * 1000 * 10) / durationMs) / 10 : progress.finished,
    results: options.resultsFile,
    journal: journalFile,
    warnings,
  };
  if (stop) throw new BulkStoppedError(stop, summary);
  return summary;
}

/** SPEC 11.1, checked once before any row: the running user exists and is enabled. */
function checkRunningUser(directory: RowCommitDirectory, user: string): void {
  const found = directory.findUser(user);
  if (!found) throw new SiqError("USER_NOT_FOUND", `The running user "${user}" does not exist in the user directory; create it or pass another --user.`);
  if (found.disabled) throw new SiqError("USER_DISABLED", `The running user "${found.username}" is disabled; enable the account or pass another --user.`);
}

function nonEmpty(file: string): boolean {
  try {
    return statSync(file).size > 0;
  } catch {
    return false;
  }
}

/** Rewrites the results file from the journal's done rows; returns the writer to append to. */
function rebuildResults(file: string, journal: BulkJournal): ResultsWriter {
  const writer = new ResultsWriter(file);
  for (const { result } of journal.doneResults()) writer.append(result);
  writer.flush();
  return writer;
}

function convertRow(pipeline: Pipeline, input: RowInput): { answers: Answers } | { problem: { message: string; question?: string } } {
  const { answers, problems } = convertAnswers(pipeline.questions, input.raw ?? {});
  if (problems.length === 0) return { answers };
  const first = problems[0];
  return { problem: { message: problems.map((p) => p.message).join("; "), ...(first ? { question: first.question } : {}) } };
}

function inputChanged(rowsName: string, input: RowInput, prior: JournalRow, what: "finished" | "started"): SiqError {
  return new SiqError(
    "BULK_INPUT_CHANGED",
    `Row ${input.row} (line ${input.line}) of ${rowsName} is not the row an earlier run ${what === "finished" ? "finished" : "started"} as row ${input.row} (then at line ${prior.line}): ` +
      "the file changed under the journal (rows inserted, removed or edited). Restore the file to resume, or run with --restart to start over (rows already run would run again).",
  );
}

function interruptedResult(pipeline: Pipeline, input: RowInput, commits: RowCommit[]): ResultLine {
  const actions = [...new Set(commits.map((c) => c.action))];
  const last = commits[commits.length - 1] as RowCommit;
  const index = pipeline.actions.findIndex((action) => action.name === last.action);
  const after = index >= 0 ? pipeline.actions.slice(index + 1).map((action) => `"${action.name}"`) : [];
  const tail =
    after.length > 0
      ? ` The actions after it (${after.join(", ")}) may not have run, and the row's outputs were lost: check the row, and run it alone with siq run if they must.`
      : " Nothing after it was left to run; only the row's outputs were lost (look the user up with siq directory users show).";
  return {
    row: input.row,
    line: input.line,
    status: "failed",
    error: {
      code: "ROW_INTERRUPTED",
      message:
        `An earlier run stopped (crashed or was killed) while this row was running, after ${actions.map((a) => `"${a}"`).join(", ")} committed its directory changes at ${last.committedAt}. ` +
        `Those changes are kept and were not applied again.${tail}`,
      action: last.action,
    },
    durationMs: 0,
  };
}
