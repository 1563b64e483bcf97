/**
 * `siq serve [--port N] [--data DIR] [--pipelines DIR] [--allow-hosts LIST]`: the embedded host
 * (SPEC 8) in the foreground. One JSON line per request on standard output; start-up and
 * shutdown notes on standard error. Ctrl-C or SIGTERM stops it gracefully: no new requests,
 * those in flight finish, then the directory is closed.
 */
import { Command, InvalidArgumentError } from "commander";
import type { RequestLogEntry } from "../host";
import type * as StartHost from "../host/start-host";
import { announceAdminPassword, stderrLogger } from "./cli-runtime";
import { connectorActionsFromEnv } from "./connector-files";
import type { CliIo } from "./io";

interface ServeFlags {
  port: number;
  bind: string;
  data?: string;
  pipelines: string;
  allowHosts: string[];
  tokenLifetime?: number;
  verbose?: boolean;
}

export const DEFAULT_SERVE_PORT = 8080;

export function serveCommand(io: CliIo): Command {
  return new Command("serve")
    .description("start the embedded host: the user directory's API, login, audit, the pipelines of a folder, an inbox")
    .option("--port <n>", "port to listen on (0 picks a free one)", integer("--port", 0, 65535), DEFAULT_SERVE_PORT)
    .option("--bind <address>", "address to listen on (0.0.0.0 for every interface)", "127.0.0.1")
    .option("--data <dir>", "the data folder: directory.sqlite and the token key (default: SIQ_DATA_DIR, else ./.siq)")
    .option("--pipelines <dir>", "the folder of *.pipeline.json files the host may run", "pipelines")
    .option("--allow-hosts <list>", "private hosts that pipelines may call anyway: host[:port],... (repeatable)", collect, [])
    .option("--token-lifetime <seconds>", "how long a login token lasts (default 3600)", integer("--token-lifetime", 1, 31_536_000))
    .option("--verbose", "log the steps of pipeline runs to standard error (secrets masked)")
    .action(async (flags: ServeFlags) => {
      // Loaded here, not at start-up: every other command would pay for Fastify and undici.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy, see runtime/util/lazy.ts
      const { startHost } = require("../host/start-host") as typeof StartHost;
      const actions = await connectorActionsFromEnv(io);
      const host = await startHost({
        ...(actions.length > 0 ? { actions } : {}),
        port: flags.port,
        host: flags.bind,
        pipelinesDir: flags.pipelines,
        allowHosts: flags.allowHosts,
        env: io.env,
        cwd: io.cwd,
        ...(flags.data !== undefined ? { dataDir: flags.data } : {}),
        ...(flags.tokenLifetime !== undefined ? { tokenLifetimeSeconds: flags.tokenLifetime } : {}),
        logger: flags.verbose ? stderrLogger(io) : jsonErrorLogger(io),
        requestLog: (entry: RequestLogEntry) => io.stdout.write(`${JSON.stringify(entry)}\n`),
      });
      announceAdminPassword(io, host.createdAdminPassword);
      io.stderr.write(`siq host listening on ${host.url}${flags.bind === "127.0.0.1" ? "" : ` (bound to ${flags.bind})`}\n`);
      io.stderr.write(`  directory: ${host.directory.file}\n  pipelines: ${host.pipelinesDir ?? "(none)"}\n  form pages: ${host.url}/\n  Ctrl-C stops it.\n`);

      await new Promise<void>((resolve) => {
        const stop = (why: string) => {
          io.signal?.removeEventListener("abort", onAbort);
          process.off("SIGTERM", onTerm);
          io.stderr.write(`siq host stopping (${why}): finishing requests in flight…\n`);
          host.close().then(resolve, (error: unknown) => {
            io.stderr.write(`siq host: closing failed: ${(error as Error).message}\n`);
            resolve();
          });
        };
        const onAbort = () => stop("interrupted");
        const onTerm = () => stop("SIGTERM");
        if (io.signal?.aborted) return stop("interrupted");
        io.signal?.addEventListener("abort", onAbort, { once: true });
        process.once("SIGTERM", onTerm);
      });
      io.stderr.write("siq host stopped.\n");
    });
}

/** Without --verbose, only the host's own errors, as JSON lines on standard error. */
function jsonErrorLogger(io: CliIo) {
  return {
    log(level: string, event: string, fields?: Record<string, unknown>) {
      if (level !== "error") return;
      io.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`);
    },
  };
}

function integer(flag: string, min: number, max: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!/^[0-9]+$/.test(text) || value < min || value > max) throw new InvalidArgumentError(`${flag} needs a whole number from ${min} to ${max}.`);
    return value;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
