/**
 * The runtime a command-line run uses: the embedded defaults (the user directory under
 * SIQ_DATA_DIR), and a logger on standard error for --verbose.
 *
 * When the pipeline needs the embedded host (it uses SmartIQ API without connections.smartiq,
 * or a connection names `${SIQ_HOST_URL}`), the host is started in-process on a free loopback
 * port over the same directory for the length of the run: SmartIQ API calls go to it with the
 * running user's token, and `${SIQ_HOST_URL}` becomes its URL.
 */
import type { Logger } from "../context";
import type { ActionPlugin } from "../definition";
import { openDirectory, type SqliteDirectory } from "../directory";
import type { Host } from "../host";
import { HOST_URL_PLACEHOLDER, withHostUrl } from "../host/host-url";
import type * as StartHost from "../host/start-host";
import { lazy } from "../util/lazy";
import type { Connection, Pipeline } from "../pipeline/types";
import { createRuntime, defaultSettings, type Runtime } from "../runtime";
import type { CliIo } from "./io";

// The host (and with it undici, Fastify, the XML writer) loads only when a run needs it.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy, see runtime/util/lazy.ts
const startHostModule = lazy(() => require("../host/start-host") as typeof StartHost);

export interface CliRuntimeOptions {
  verbose: boolean;
  /**
   * A directory the caller opened (`siq bulk` opens one that records row commits); the runtime
   * closes it. Default: the embedded directory under SIQ_DATA_DIR.
   */
  directory?: SqliteDirectory;
  /** Actions besides the built-ins (the connectors SIQ_CONNECTORS names). */
  actions?: readonly ActionPlugin[];
}

/**
 * The environment pipelines are loaded with on the command line: the process's, plus
 * SIQ_HOST_URL as a placeholder (`http://siq-host.invalid`) that `siq run` replaces with the
 * in-process host's URL, unless the environment sets SIQ_HOST_URL itself.
 */
export function pipelineEnv(env: CliIo["env"]): Record<string, string | undefined> {
  return withHostUrl(env, HOST_URL_PLACEHOLDER);
}

export async function openCliRuntime(io: CliIo, pipeline: Pipeline, options: CliRuntimeOptions): Promise<Runtime> {
  const logger = options.verbose ? stderrLogger(io) : undefined;
  // First: a setting that is not valid stops the command before anything is opened.
  const settings = defaultSettings(io.env);
  const { directory, createdAdminPassword } = options.directory ? { directory: options.directory, createdAdminPassword: undefined } : openDirectory({ env: io.env, cwd: io.cwd });
  announceAdminPassword(io, createdAdminPassword);
  let host: Host | undefined;
  try {
    if (needsEmbeddedHost(pipeline)) {
      host = await startHostModule().startHost({
        directory,
        port: 0,
        host: "127.0.0.1",
        pipelinesDir: false,
        env: io.env,
        cwd: io.cwd,
        ...(logger ? { logger, requestLog: (entry) => logger.log("debug", "host.request", { ...entry }) } : {}),
      });
    }
  } catch (error) {
    directory.close();
    throw error;
  }
  const runtime = createRuntime({
    directory,
    ...(options.actions && options.actions.length > 0 ? { actions: options.actions } : {}),
    ...(logger ? { logger } : {}),
    ...(host ? { tokens: host.tokens } : {}),
    settings: { ...settings, ...(host ? { smartiqBaseUrl: host.url } : {}) },
  });
  const hostUrl = host?.url;
  // One rewritten pipeline per loaded pipeline, so the runtime's static-check cache holds across
  // the rows of `siq bulk`.
  const rewritten = new WeakMap<Pipeline, Pipeline>();
  const forHost = (toRun: Pipeline): Pipeline => {
    if (hostUrl === undefined) return toRun;
    let result = rewritten.get(toRun);
    if (!result) {
      result = withHostUrlIn(toRun, hostUrl);
      rewritten.set(toRun, result);
    }
    return result;
  };
  return {
    ...runtime,
    run: (toRun, runOptions) => runtime.run(forHost(toRun), runOptions),
    async close() {
      try {
        await runtime.close();
        await host?.close();
      } finally {
        directory.close();
      }
    },
  };
}

/**
 * SmartIQ API or Send Access Token without connections.smartiq (both need the running user's
 * token), or a connection on the `${SIQ_HOST_URL}` placeholder.
 */
export function needsEmbeddedHost(pipeline: Pipeline): boolean {
  const needsToken = pipeline.actions.some((action) => {
    const type = action.type.trim().toLowerCase();
    return type === "smartiq-api" || type === "smartiq api" || sendsAccessToken(action.inputs);
  });
  if (needsToken && !Object.hasOwn(pipeline.connections, "smartiq")) return true;
  return Object.values(pipeline.connections).some((connection) => JSON.stringify(connection).includes(HOST_URL_PLACEHOLDER));
}

/** Send Access Token set to anything but false or blank (a formula may turn it on). */
function sendsAccessToken(inputs: Readonly<Record<string, unknown>> | undefined): boolean {
  if (!inputs) return false;
  const key = Object.keys(inputs).find((name) => name.trim().toLowerCase() === "send access token");
  if (key === undefined) return false;
  const value = inputs[key];
  return !(value === false || value === null || value === "" || value === "false");
}

/** The pipeline with the SIQ_HOST_URL placeholder in its connections replaced by the host's URL. */
function withHostUrlIn(pipeline: Pipeline, url: string): Pipeline {
  if (!Object.values(pipeline.connections).some((connection) => JSON.stringify(connection).includes(HOST_URL_PLACEHOLDER))) return pipeline;
  const replace = (value: unknown): unknown => {
    if (typeof value === "string") return value.startsWith(HOST_URL_PLACEHOLDER) ? url + value.slice(HOST_URL_PLACEHOLDER.length) : value;
    if (Array.isArray(value)) return value.map(replace);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replace(item)]));
    return value;
  };
  return { ...pipeline, connections: replace(pipeline.connections) as Record<string, Connection> };
}

/** A new directory's generated admin password is shown once, on standard error (stdout may be --json). */
export function announceAdminPassword(io: CliIo, password: string | undefined): void {
  if (password === undefined) return;
  io.stderr.write(
    `Created the user directory with the user "admin". Its generated password, shown only this once: ${password}\n` +
      "(set SIQ_ADMIN_PASSWORD before the first run to choose it)\n",
  );
}

/** One line per event on standard error: time, level, event, then key=value fields. */
export function stderrLogger(io: CliIo): Logger {
  return {
    log(level, event, fields) {
      const parts = Object.entries(fields ?? {}).map(([key, value]) => `${key}=${JSON.stringify(value ?? null)}`);
      io.stderr.write(`${new Date().toISOString().slice(11, 23)} ${level.padEnd(5)} ${event}${parts.length ? ` ${parts.join(" ")}` : ""}\n`);
    },
  };
}
