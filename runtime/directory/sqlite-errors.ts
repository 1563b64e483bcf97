/**
 * Turns SQLite's errors into the directory's stable codes. A lock held past the busy timeout is
 * DIRECTORY_BUSY (retryable); a unique index caught a duplicate that a concurrent writer slipped
 * in is USER_EXISTS / GROUP_EXISTS / ROLE_EXISTS, never a crash.
 */
import { SiqError } from "../errors";

interface SqliteLikeError {
  code: string;
  message: string;
}

function isSqliteError(error: unknown): error is SqliteLikeError {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === "string" && code.startsWith("SQLITE_");
}

export function mapSqliteError(error: unknown): unknown {
  if (error instanceof SiqError || !isSqliteError(error)) return error;
  if (error.code.startsWith("SQLITE_BUSY") || error.code.startsWith("SQLITE_LOCKED")) {
    return new SiqError("DIRECTORY_BUSY", "The user directory is locked by another process and stayed locked past the wait limit; nothing was changed. Try again.", {
      retryable: true,
      cause: error,
    });
  }
  if (error.code === "SQLITE_CONSTRAINT_UNIQUE" || error.code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    if (/\busers\.username/.test(error.message)) {
      return new SiqError("USER_EXISTS", "Another user with that username (ignoring case) was created at the same moment; nothing was changed. Run again to update it.", {
        cause: error,
      });
    }
    if (/\bgroups\.name/.test(error.message)) {
      return new SiqError("GROUP_EXISTS", "A group of that name (ignoring case) already exists; nothing was changed.", { cause: error });
    }
    if (/\broles\.name/.test(error.message)) {
      return new SiqError("ROLE_EXISTS", "A role of that name (ignoring case) already exists; nothing was changed.", { cause: error });
    }
  }
  return new SiqError("INTERNAL", `The user directory failed (${error.code}); nothing was changed. Please report it.`, { cause: error });
}
