/**
 * The typed way for actions to reach the full embedded directory. `ActionContext.directory` is
 * the small `UserDirectoryPort` every host can offer; managing users needs the embedded SQLite
 * directory, and a host that plugged in another directory gets a clear error instead of a crash.
 */
import type { ActionContext } from "../context";
import { SiqError } from "../errors";
import { SqliteDirectory } from "./sqlite-directory";

export function requireSqliteDirectory(context: Pick<ActionContext, "directory" | "action">): SqliteDirectory {
  const directory = context.directory;
  if (directory instanceof SqliteDirectory) return directory;
  const what = directory === undefined ? "no user directory" : "a user directory that does not support managing users";
  throw new SiqError(
    "DIRECTORY_UNAVAILABLE",
    `"${context.action.name}" needs the embedded user directory, but the host provided ${what}; open one with openDirectory() and pass it to createRuntime({ directory }).`,
    { action: context.action.name },
  );
}
