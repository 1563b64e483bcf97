/**
 * Connectors a command-line user adds without code: SIQ_CONNECTORS lists connector files, or
 * folders of `*.connector.json` files, separated like PATH (`:` here, `;` on Windows). Every
 * command that loads or runs pipelines (run, validate, actions, test, bulk, serve) sees their
 * actions next to the built-ins, as a host sees those it passes to `createRuntime({ actions })`.
 */
import { readdir, stat } from "node:fs/promises";
import { delimiter, join, resolve } from "node:path";
import type { ActionPlugin } from "../definition";
import { SiqError } from "../errors";
import type * as LoadConnector from "../connectors/load-connector";
import type { CliIo } from "./io";

export const CONNECTORS_ENV = "SIQ_CONNECTORS";

/** The connector files SIQ_CONNECTORS names, in order: each folder's files sorted by name. */
export async function connectorFilesFromEnv(io: Pick<CliIo, "env" | "cwd">): Promise<string[]> {
  const value = io.env[CONNECTORS_ENV];
  if (value === undefined || value.trim() === "") return [];
  const files: string[] = [];
  for (const entry of value.split(delimiter)) {
    if (entry.trim() === "") continue;
    const path = resolve(io.cwd, entry.trim());
    let isFolder: boolean;
    try {
      isFolder = (await stat(path)).isDirectory();
    } catch {
      throw new SiqError("FILE_NOT_FOUND", `${CONNECTORS_ENV} names ${entry.trim()}, which does not exist: list connector files or folders that hold *.connector.json files.`, {
        details: { variable: CONNECTORS_ENV, path: entry.trim() },
      });
    }
    if (!isFolder) {
      files.push(path);
      continue;
    }
    let names: string[];
    try {
      names = (await readdir(path)).filter((name) => name.endsWith(".connector.json")).sort();
    } catch {
      throw new SiqError("FILE_NOT_FOUND", `${CONNECTORS_ENV} names the folder ${entry.trim()}, which cannot be read: check its permissions.`, {
        details: { variable: CONNECTORS_ENV, path: entry.trim() },
      });
    }
    if (names.length === 0) {
      throw new SiqError("FILE_NOT_FOUND", `${CONNECTORS_ENV} names the folder ${entry.trim()}, which holds no *.connector.json file.`, {
        details: { variable: CONNECTORS_ENV, path: entry.trim() },
      });
    }
    files.push(...names.map((name) => join(path, name)));
  }
  return files;
}

/**
 * The actions of the connectors SIQ_CONNECTORS names (none when it is unset). Each file is
 * checked as `loadConnector` checks it: a bad file fails the command with CONNECTOR_INVALID
 * listing its problems, before anything runs.
 */
export async function connectorActionsFromEnv(io: Pick<CliIo, "env" | "cwd">): Promise<readonly ActionPlugin[]> {
  const files = await connectorFilesFromEnv(io);
  if (files.length === 0) return [];
  // Loaded only when the variable is set: the connector schema is not needed otherwise.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy, see runtime/util/lazy.ts
  const { loadConnectorActions } = require("../connectors/load-connector") as typeof LoadConnector;
  const actions: ActionPlugin[] = [];
  for (const file of files) actions.push(...(await loadConnectorActions(file)));
  return actions;
}
