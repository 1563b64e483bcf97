/**
 * Exactly-once directory changes per bulk row.
 *
 * The journal beside the results file and the user directory are two SQLite files, and no
 * transaction spans both: ATTACH gives atomic commits across files only in rollback-journal mode,
 * and the directory runs in WAL mode. So the proof that a row changed the directory lives in the
 * directory itself: every directory transaction a row commits also inserts a row-commit record
 * (journal id, row, sequence, action) in the SAME transaction. Either both are on disk or
 * neither is. On resume, a row the journal does not show as done is run again only when the
 * directory holds no commit record for it; otherwise its changes are already in, and it is
 * resolved without running (ROW_INTERRUPTED).
 *
 * Which row a transaction belongs to comes from AsyncLocalStorage: each row runs inside its own
 * scope, and the scope follows the row through every await into the action's handler.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { AuditRecord } from "../context";
import { directoryFile, directoryOnDatabase, type OpenDirectoryOptions } from "../directory";
import { SqliteDirectory, type SqliteDirectoryOptions } from "../directory/sqlite-directory";
import { SiqError } from "../errors";

/** The row a piece of work belongs to; `commits` counts the directory transactions it committed. */
export interface RowScope {
  journal: string;
  row: number;
  /** The action running now (from the engine's events), recorded with each commit. */
  action: string;
  commits: number;
}

export interface RowCommit {
  seq: number;
  action: string;
  committedAt: string;
}

const scopes = new AsyncLocalStorage<RowScope>();

/** Runs `work` as the given row: directory transactions inside it record a row commit. */
export function runAsRow<T>(scope: RowScope, work: () => Promise<T>): Promise<T> {
  return scopes.run(scope, work);
}


/** The embedded directory, recording each bulk row's commits inside the commit itself. */
export class RowCommitDirectory extends SqliteDirectory {
  private readonly stamp: () => Date;
  private readonly insertCommit: Database.Statement;
  private readonly selectCommits: Database.Statement<[string, number], { seq: number; action: string; committed_at: string }>;
  private readonly deleteCommits: Database.Statement<[string]>;
  private readonly selectLastRow: Database.Statement<[string], { row: number | null }>;
  /** Set while an audit record is written on its own: logging a request is not a directory change. */
  private auditOnly = false;

  constructor(db: Database.Database, options: SqliteDirectoryOptions) {
    super(db, options);
    this.stamp = options.now;
    // The table comes from directory migration 2: every directory has it.
    this.insertCommit = db.prepare("INSERT INTO bulk_row_commits (journal, row, seq, action, committed_at) VALUES (?, ?, ?, ?, ?)");
    this.selectCommits = db.prepare("SELECT seq, action, committed_at FROM bulk_row_commits WHERE journal = ? AND row = ? ORDER BY seq");
    this.deleteCommits = db.prepare("DELETE FROM bulk_row_commits WHERE journal = ?");
    // The primary key (journal, row, seq) makes this one seek.
    this.selectLastRow = db.prepare("SELECT MAX(row) AS row FROM bulk_row_commits WHERE journal = ?");
  }

  override transaction<T>(fn: () => T): T {
    const scope = scopes.getStore();
    // Nested calls join the outer transaction, which records the commit once.
    if (scope === undefined || this.auditOnly || this.inTransaction) return super.transaction(fn);
    const seq = scope.commits + 1;
    const result = super.transaction(() => {
      const value = fn();
      this.insertCommit.run(scope.journal, scope.row, seq, scope.action, this.stamp().toISOString());
      return value;
    });
    scope.commits = seq;
    return result;
  }

  override record(entry: AuditRecord): void {
    if (this.inTransaction) return super.record(entry);
    this.auditOnly = true;
    try {
      super.record(entry);
    } finally {
      this.auditOnly = false;
    }
  }

  /** The directory transactions a row of a journal committed, in order. */
  commitsOf(journal: string, row: number): RowCommit[] {
    return this.selectCommits.all(journal, row).map((r) => ({ seq: r.seq, action: r.action, committedAt: r.committed_at }));
  }

  /** The highest row of a journal with a commit record, or 0: no later row has any. */
  lastCommittedRow(journal: string): number {
    return this.selectLastRow.get(journal)?.row ?? 0;
  }

  /** Forgets a journal's records once every row of it is done (or when it is restarted). */
  clearCommits(journal: string): number {
    return this.deleteCommits.run(journal).changes;
  }
}

export interface OpenedRowCommitDirectory {
  directory: RowCommitDirectory;
  createdAdminPassword?: string;
}

/** Opens the embedded directory as `openDirectory` does (same file, migrations, bootstrap). */
export function openRowCommitDirectory(options: OpenDirectoryOptions = {}): OpenedRowCommitDirectory {
  const file = directoryFile(options);
  let db: Database.Database;
  try {
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
  } catch (error) {
    throw new SiqError("FILE_NOT_FOUND", `Cannot open the user directory at ${file}: ${(error as Error).message}. Check SIQ_DATA_DIR and the folder's permissions.`, {
      cause: error,
    });
  }
  return rowCommitDirectoryOn(db, { ...options, file });
}

/**
 * SQLite's page cache for the directory during a bulk, in KiB. better-sqlite3's default (16 MB)
 * fills as a bulk adds users (100,000 users make a 48 MB file), so a long bulk's peak memory grew
 * by 16 MB more than a short one's. A user creation touches a root-to-leaf path in each of a few
 * B-trees; 1 MiB holds their upper levels, and the leaves a random key (a GUID) lands on are read
 * back from the operating system's cache (no measurable cost at 100,000 users).
 */
export const BULK_DIRECTORY_CACHE_KIB = 1024;

/**
 * WAL pages between automatic checkpoints of the directory during a bulk (SQLite's default is
 * 1,000). A user creation appends about eight pages to the WAL, mostly the same right-hand leaves
 * each time, and every checkpoint copies the pages back and syncs the file: checkpointing a
 * quarter as often made a 10,000-user bulk 15 to 25 % faster. The WAL then grows to about 16 MB
 * on disk (not in memory) while the bulk runs, and is removed when the last connection closes.
 */
export const BULK_DIRECTORY_AUTOCHECKPOINT_PAGES = 4000;

/** Like `directoryOnDatabase`: pragmas, migrations and bootstrap, then the row-commit directory. */
export function rowCommitDirectoryOn(db: Database.Database, options: OpenDirectoryOptions = {}): OpenedRowCommitDirectory {
  const opened = directoryOnDatabase(db, options);
  const now = options.clock ? () => (options.clock as NonNullable<OpenDirectoryOptions["clock"]>).now() : () => new Date();
  try {
    db.pragma(`cache_size = -${BULK_DIRECTORY_CACHE_KIB}`);
    db.pragma(`wal_autocheckpoint = ${BULK_DIRECTORY_AUTOCHECKPOINT_PAGES}`);
    const directory = new RowCommitDirectory(db, { file: opened.directory.file, now });
    return opened.createdAdminPassword === undefined ? { directory } : { directory, createdAdminPassword: opened.createdAdminPassword };
  } catch (error) {
    db.close();
    throw error;
  }
}
