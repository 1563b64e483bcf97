/**
 * The bulk journal: a SQLite file beside the results file that records each row's state, so a
 * run stopped at any moment (Ctrl-C, a crash, SIGKILL) resumes without running a finished row
 * again.
 *
 * - A row absent from the journal is pending.
 * - `started`: written (and committed) before the row's run begins, with the row's identity hash.
 * - `done`: written when the run ends, with its status and its results line; never run again.
 * - `invalid`: the row's answers did not convert; nothing ran, so it is checked again on the
 *   next run (fix the row and run the same command).
 *
 * Commits (WAL, synchronous=NORMAL: durable when the process dies; a power cut may lose the last
 * few, see docs/bulk.md) are batched: a row's end (`done`, `invalid`) is queued, and committed
 * with the next row's `started` mark, which must be on disk before that row runs anyway, or by
 * `flush()`. One commit per row instead of two, each commit being most of a short row's journal
 * cost. The caller flushes at the end of every event-loop turn in which rows ended (run-bulk), so
 * a row's end waits for its commit at most that long; a crash in between leaves the row
 * `started`, which resume handles as it handles a row in flight. The connection holds an
 * exclusive lock for its lifetime, so two processes can never work from one journal.
 */
import { randomUUID } from "node:crypto";
import { closeSync, existsSync, openSync, rmSync } from "node:fs";
import Database from "better-sqlite3";
import { SiqError } from "../errors";

const FORMAT = "siq-bulk-journal/1";

/** What a journal was started with; checked when it is resumed. */
export interface JournalIdentity {
  rowsFile: string;
  pipelineFile: string;
  /** SHA-256 of the pipeline file's bytes. */
  pipelineHash: string;
  user: string;
  /** The user directory's file: row-commit records live there. */
  directoryFile: string;
}

export type RowState = "started" | "done" | "invalid";
export type RowStatus = "succeeded" | "failed" | "invalid";

export interface JournalRow {
  state: RowState;
  status: RowStatus | null;
  hash: string | null;
  line: number;
}

export interface OpenJournalOptions {
  /** Start over: the old journal is deleted (its id is returned, to forget its row commits). */
  restart: boolean;
  now?: () => Date;
}

/** A row's end, recorded and not yet committed. */
interface QueuedEnd {
  row: number;
  line: number;
  state: "done" | "invalid";
  status: RowStatus;
  hash: string | null;
  seq: number | null;
  result: string;
  at: string;
}

export interface OpenedJournal {
  journal: BulkJournal;
  /** The id of a journal deleted by `restart`. */
  discardedId?: string;
  /** Differences from the journal's identity that do not prevent resuming. */
  warnings: string[];
}

/** The files SQLite keeps for a journal. */
export function journalFiles(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`];
}

export class BulkJournal {
  readonly file: string;
  readonly id: string;
  /** True when the journal existed before this run: this run resumes it. */
  readonly resumed: boolean;
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private seq: number;
  private readonly lookupStatement: Database.Statement<[number], JournalRow>;
  private readonly startedStatement: Database.Statement;
  private readonly doneStatement: Database.Statement;
  /** Row ends recorded since the last commit, in the order they were recorded. */
  private queued: QueuedEnd[] = [];
  /** Commits the queued ends and, when given, a row's start, in one transaction. */
  private readonly commitStatement: (ends: QueuedEnd[], start: { row: number; line: number; hash: string; at: string } | undefined) => void;

  private constructor(db: Database.Database, file: string, id: string, resumed: boolean, now: () => Date) {
    this.db = db;
    this.file = file;
    this.id = id;
    this.resumed = resumed;
    this.now = now;
    this.seq = db.prepare<[], { seq: number | null }>("SELECT MAX(seq) AS seq FROM rows").get()?.seq ?? 0;
    this.lookupStatement = db.prepare("SELECT state, status, hash, line FROM rows WHERE row = ?");
    this.startedStatement = db.prepare(
      `INSERT INTO rows (row, line, state, status, hash, seq, result, updated_at) VALUES (?, ?, 'started', NULL, ?, NULL, NULL, ?)
       ON CONFLICT (row) DO UPDATE SET line = excluded.line, state = 'started', status = NULL, hash = excluded.hash,
         seq = NULL, result = NULL, updated_at = excluded.updated_at`,
    );
    this.doneStatement = db.prepare(
      `INSERT INTO rows (row, line, state, status, hash, seq, result, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (row) DO UPDATE SET line = excluded.line, state = excluded.state, status = excluded.status,
         hash = excluded.hash, seq = excluded.seq, result = excluded.result, updated_at = excluded.updated_at`,
    );
    this.commitStatement = db.transaction((ends: QueuedEnd[], start: { row: number; line: number; hash: string; at: string } | undefined) => {
      for (const end of ends) this.doneStatement.run(end.row, end.line, end.state, end.status, end.hash, end.seq, end.result, end.at);
      if (start) this.startedStatement.run(start.row, start.line, start.hash, start.at);
    });
  }

  static open(file: string, identity: JournalIdentity, options: OpenJournalOptions): OpenedJournal {
    const now = options.now ?? (() => new Date());
    let discardedId: string | undefined;
    if (options.restart) {
      discardedId = readJournalId(file);
      for (const path of journalFiles(file)) rmSync(path, { force: true });
    }
    const existed = existsSync(file);
    // Created first so that SQLite's files get owner-only permissions: results may hold outputs such as passwords.
    if (!existed) closeSync(openSync(file, "a", 0o600));
    let db: Database.Database;
    try {
      db = new Database(file, { timeout: 0 });
    } catch (error) {
      throw new SiqError("FILE_NOT_FOUND", `Cannot open the bulk journal ${file}: ${(error as Error).message}.`, { cause: error });
    }
    try {
      db.pragma("locking_mode = EXCLUSIVE");
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      // Fewer checkpoints (each one syncs the file to disk): the WAL may grow to 16 MB.
      db.pragma("wal_autocheckpoint = 4000");
      // Rows are appended and looked up in file order, so the pages in use are the right-hand
      // edges of two B-trees: 512 KiB holds them. The cache fills as the journal grows, so every
      // KiB allowed here is memory a long bulk holds and a short one does not (better-sqlite3's
      // default is 16 MB).
      db.pragma("cache_size = -512");
      const warnings: string[] = [];
      let id: string;
      const hasMeta = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get()?.n === 1;
      if (existed && hasMeta) {
        const meta = new Map(db.prepare<[], { key: string; value: string }>("SELECT key, value FROM meta").all().map((r) => [r.key, r.value]));
        if (meta.get("format") !== FORMAT || !meta.get("id")) throw notAJournal(file);
        id = meta.get("id") as string;
        checkIdentity(file, meta, identity, warnings);
        db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('resumed_at', ?)").run(now().toISOString());
      } else {
        if (existed && db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM sqlite_master").get()?.n !== 0) throw notAJournal(file);
        id = randomUUID();
        db.transaction(() => {
          db.exec(SCHEMA);
          const insert = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
          const entries: Array<[string, string]> = [
            ["format", FORMAT],
            ["id", id],
            ["created_at", now().toISOString()],
            ["rows_file", identity.rowsFile],
            ["pipeline_file", identity.pipelineFile],
            ["pipeline_hash", identity.pipelineHash],
            ["user", identity.user],
            ["directory_file", identity.directoryFile],
          ];
          for (const [key, value] of entries) insert.run(key, value);
        })();
      }
      const journal = new BulkJournal(db, file, id, existed && hasMeta, now);
      return { journal, warnings, ...(discardedId !== undefined ? { discardedId } : {}) };
    } catch (error) {
      db.close();
      if (error instanceof SiqError) throw error;
      if ((error as { code?: string }).code === "SQLITE_BUSY" || (error as { code?: string }).code === "SQLITE_LOCKED") {
        throw new SiqError("BULK_JOURNAL_BUSY", `Another siq bulk process is using the journal ${file}; wait for it to finish (or stop it) before running this one.`, {
          cause: error,
        });
      }
      if ((error as { code?: string }).code === "SQLITE_NOTADB") throw notAJournal(file);
      throw new SiqError("FILE_NOT_FOUND", `Cannot use the bulk journal ${file}: ${(error as Error).message}.`, { cause: error });
    }
  }

  /** The row's committed state, or undefined when it is pending. */
  lookup(row: number): JournalRow | undefined {
    return this.lookupStatement.get(row);
  }

  /**
   * Commits the row's start, with every row end queued before it, in one transaction: on disk
   * when this returns, as it must be before the row runs. Returns the results lines of the ends
   * it committed, in order.
   */
  markStarted(row: number, line: number, hash: string): string[] {
    return this.commit({ row, line, hash, at: this.now().toISOString() });
  }

  /**
   * Queues the row's end and its results line (committed by the next markStarted or flush);
   * returns its place in the results file's order.
   */
  markDone(row: number, line: number, hash: string | null, status: Exclude<RowStatus, "invalid">, result: string): number {
    const seq = ++this.seq;
    this.queued.push({ row, line, state: "done", status, hash, seq, result, at: this.now().toISOString() });
    return seq;
  }

  /** Queues an invalid row's results line (committed by the next markStarted or flush). */
  markInvalid(row: number, line: number, result: string): void {
    this.queued.push({ row, line, state: "invalid", status: "invalid", hash: null, seq: null, result, at: this.now().toISOString() });
  }

  /** Row ends queued and not yet committed. */
  get queuedCount(): number {
    return this.queued.length;
  }

  /** Commits the queued row ends; returns their results lines, in order. */
  flush(): string[] {
    return this.queued.length === 0 ? [] : this.commit(undefined);
  }

  /** Committed rows started and not done: in flight, or stopped by a crash (flush first). */
  startedCount(): number {
    return this.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM rows WHERE state = 'started'").get()?.n ?? 0;
  }

  /** The results lines of done rows, in the order they finished. */
  doneResults(): IterableIterator<{ result: string }> {
    return this.db.prepare<[], { result: string }>("SELECT result FROM rows WHERE state = 'done' ORDER BY seq").iterate();
  }

  /** Closes the file. Queued row ends are dropped, as a crash would drop them: flush first. */
  close(): void {
    if (this.db.open) this.db.close();
  }

  private commit(start: { row: number; line: number; hash: string; at: string } | undefined): string[] {
    const ends = this.queued;
    this.queued = [];
    try {
      this.commitStatement(ends, start);
    } catch (error) {
      // Nothing was committed: the ends stay queued, ahead of any recorded since.
      this.queued = ends.concat(this.queued);
      throw error;
    }
    return ends.map((end) => end.result);
  }
}

const SCHEMA = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE rows (
    row INTEGER PRIMARY KEY,
    line INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('started', 'done', 'invalid')),
    status TEXT CHECK (status IN ('succeeded', 'failed', 'invalid')),
    hash TEXT,
    seq INTEGER,
    result TEXT,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX rows_done_seq ON rows (seq) WHERE state = 'done';
`;

function checkIdentity(file: string, meta: Map<string, string>, identity: JournalIdentity, warnings: string[]): void {
  if (meta.get("directory_file") !== identity.directoryFile) {
    throw new SiqError(
      "BULK_JOURNAL_MISMATCH",
      `The journal ${file} was started against the user directory ${meta.get("directory_file") ?? "(unknown)"}, not ${identity.directoryFile}: ` +
        "its record of which rows changed the directory lives there. Set SIQ_DATA_DIR as before to resume, or run with --restart to start over.",
    );
  }
  if (meta.get("pipeline_hash") !== identity.pipelineHash) {
    warnings.push(`the pipeline ${identity.pipelineFile} changed since this journal was started; rows already done are not run again`);
  }
  if (meta.get("user") !== identity.user) {
    warnings.push(`this journal was started as the user "${meta.get("user") ?? ""}"; the remaining rows run as "${identity.user}"`);
  }
  if (meta.get("rows_file") !== identity.rowsFile) {
    warnings.push(`this journal was started with the rows file ${meta.get("rows_file") ?? ""}; each row is checked against what was run before`);
  }
}

function notAJournal(file: string): SiqError {
  return new SiqError(
    "BULK_JOURNAL_MISMATCH",
    `${file} is not a siq bulk journal; choose another --results file, or remove it (--restart replaces it).`,
  );
}

/**
 * The id of an existing journal (undefined when it is not a journal), after making sure no other
 * process holds it: --restart must not delete a journal from under a running bulk.
 */
function readJournalId(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 0 });
  } catch {
    return undefined;
  }
  try {
    db.exec("BEGIN IMMEDIATE");
    try {
      return db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'id'").get()?.value;
    } catch {
      return undefined;
    } finally {
      db.exec("ROLLBACK");
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
      throw new SiqError("BULK_JOURNAL_BUSY", `Another siq bulk process is using the journal ${file}; stop it before restarting.`, { cause: error });
    }
    return undefined;
  } finally {
    db.close();
  }
}
