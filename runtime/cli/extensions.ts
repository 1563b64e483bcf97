/**
 * Commands beyond run/validate/actions, listed explicitly (directory, serve, test, bulk), each a
 * factory of a commander Command.
 */
import type { Command } from "commander";
import { bulkCommand } from "./bulk-command";
import { directoryCommand } from "./directory-command";
import type { CliIo } from "./io";
import { serveCommand } from "./serve-command";
import { testCommand } from "./test-command";

export const cliExtensions: ReadonlyArray<(io: CliIo) => Command> = [directoryCommand, serveCommand, testCommand, bulkCommand];
