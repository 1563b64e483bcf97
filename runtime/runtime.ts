/**
 * `createRuntime`: the object a host embeds. Every dependency (directory, token provider, audit
 * sink, HTTP dispatcher, clock, logger) is injectable; the defaults suit a command-line run.
 */
import type { Agent, Dispatcher } from "undici";
import { requireAnswers, type Answers } from "./answers";
import type { AuditSink, Clock, DirectoryUserSummary, DryRunRequest, Logger, RunningUser, RuntimeSettings, RuntimeShared, TokenProvider, UserDirectoryPort } from "./context";
import { TokenCache } from "./http/auth/token-cache";
import { systemClock } from "./system-clock";
import type { ActionPlugin } from "./definition";
import { checkPasswordPolicy, DEFAULT_PASSWORD_POLICY } from "./directory/passwords";
import { SiqError } from "./errors";
import { runPipeline, type RunEnvironment } from "./engine/run-pipeline";
import type { RunEvent, RunResult } from "./engine/result";
import { checkPipeline } from "./pipeline/check";
import { builtInRegistry, loadPipeline as loadPipelineFile, type LoadOptions } from "./pipeline/load";
import { PipelineInvalidError, errorCount, type Problem } from "./pipeline/problems";
import type { Pipeline } from "./pipeline/types";
import { Redactor } from "./redact";
import { silentLogger } from "./silent-logger";
import type { ActionRegistry } from "./registry";

export interface RuntimeOptions {
  /** Host actions, added to the built-ins. */
  actions?: readonly ActionPlugin[];
  /** The user directory (the embedded SQLite one, or the host's). */
  directory?: UserDirectoryPort;
  /** Gives SmartIQ tokens for users (SmartIQ API, Send Access Token). */
  tokens?: TokenProvider;
  /** Where audit records go (default: the directory's audit log when it has one, else nowhere). */
  audit?: AuditSink;
  /** The HTTP dispatcher; default one keep-alive undici Agent for this runtime. */
  dispatcher?: Dispatcher;
  clock?: Clock;
  logger?: Logger;
  settings?: Partial<RuntimeSettings>;
  /** Called before each HTTP hop with its URL; throw to refuse it (egress rules of a server host). */
  egress?: (url: string) => void | Promise<void>;
}

/**
 * Internal (the package does not export it): the running user as its caller found it in this
 * runtime's directory moments before, within the same request, existing and enabled (the host's
 * token check). The run then takes it as it is instead of looking the user up a second time.
 */
export const CHECKED_USER: unique symbol = Symbol("siq-actions.checked-user");

export interface RunOptions {
  /** Answers keyed by question id, as in an answers file; converted by question type. */
  answers?: Readonly<Record<string, unknown>> | Answers;
  /** The running user's username; required when the runtime has a directory. */
  user?: string;
  signal?: AbortSignal;
  /** Record each request instead of sending it, and change nothing. */
  dryRun?: boolean | ((request: DryRunRequest) => void);
  /** Progress: each action as it starts and finishes. */
  onEvent?: (event: RunEvent) => void;
  /** See {@link CHECKED_USER}; used only when it is the user named by `user`. */
  [CHECKED_USER]?: DirectoryUserSummary | undefined;
}

export interface Runtime {
  readonly actions: ActionRegistry;
  readonly settings: RuntimeSettings;
  /** Masks secrets the runtime knows (connection credentials of loaded pipelines, tokens). */
  readonly redactor: Redactor;
  /** Loads and checks a pipeline file against this runtime's actions. */
  loadPipeline(file: string, options?: Omit<LoadOptions, "actions">): Promise<Pipeline>;
  /** Static problems of a pipeline against this runtime's actions (cached per pipeline). */
  check(pipeline: Pipeline): readonly Problem[];
  run(pipeline: Pipeline, options?: RunOptions): Promise<RunResult>;
  /** Closes what the runtime opened itself (its default dispatcher). */
  close(): Promise<void>;
}

const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/**
 * Settings from the environment: SIQ_MAX_RESPONSE_BYTES, and the password policy of SmartIQ
 * User's Reset Password (SIQ_PASSWORD_LENGTH, SIQ_PASSWORD_MIN_NON_ALPHANUMERIC; SPEC 5.3 makes
 * it configurable). A variable that is set but not sound fails at once (SETTING_INVALID or
 * INVALID_PASSWORD_POLICY, naming the variable), not at the first response or reset.
 */
export function defaultSettings(env: Readonly<Record<string, string | undefined>> = process.env): RuntimeSettings {
  const limitText = env.SIQ_MAX_RESPONSE_BYTES?.trim();
  const limit = limitText ? Number(limitText) : DEFAULT_MAX_RESPONSE_BYTES;
  if ((limitText && !/^\d+$/.test(limitText)) || !Number.isSafeInteger(limit) || limit < 1) {
    throw new SiqError("SETTING_INVALID", `SIQ_MAX_RESPONSE_BYTES=${limitText ?? ""} is not a number of bytes; set a whole number above 0 (the default is ${DEFAULT_MAX_RESPONSE_BYTES}, 10 MB), or unset it.`);
  }
  const passwordPolicy = { length: DEFAULT_PASSWORD_POLICY.length, minNonAlphanumeric: DEFAULT_PASSWORD_POLICY.minNonAlphanumeric };
  const length = env.SIQ_PASSWORD_LENGTH?.trim();
  const symbols = env.SIQ_PASSWORD_MIN_NON_ALPHANUMERIC?.trim();
  if (length) passwordPolicy.length = /^\d+$/.test(length) ? Number(length) : Number.NaN;
  if (symbols) passwordPolicy.minNonAlphanumeric = /^\d+$/.test(symbols) ? Number(symbols) : Number.NaN;
  if (length || symbols) {
    try {
      checkPasswordPolicy(passwordPolicy);
    } catch (error) {
      throw new SiqError(
        "INVALID_PASSWORD_POLICY",
        `SIQ_PASSWORD_LENGTH=${length ?? "(unset)"} and SIQ_PASSWORD_MIN_NON_ALPHANUMERIC=${symbols ?? "(unset)"} do not make a password policy: ${(error as Error).message.replace(/ Fix the host's passwordPolicy setting\.$/, "")} Change or unset the variables.`,
        { cause: error },
      );
    }
  }
  return {
    maxResponseBytes: limit,
    passwordPolicy,
  };
}

const noAudit: AuditSink = { record: () => undefined };

export { systemClock };

export function createRuntime(options: RuntimeOptions = {}): Runtime {
  const registry = builtInRegistry(options.actions ?? []);
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher = options.dispatcher ?? defaultDispatcher();
  const settings: RuntimeSettings = { ...defaultSettings(), ...options.settings };
  const redactor = new Redactor();
  const audit = options.audit ?? (isAuditSink(options.directory) ? options.directory : noAudit);
  const checked = new WeakMap<Pipeline, readonly Problem[]>();
  // Per pipeline, once checked: its actions' plugins and its connections' secrets. A checked
  // pipeline found every plugin, and registering more cannot replace one, so neither changes.
  const prepared = new WeakMap<Pipeline, { plugins: readonly ActionPlugin[]; secrets: readonly string[] }>();
  const clock = options.clock ?? systemClock;
  const shared: RuntimeShared = { tokenCache: new TokenCache({ clock }) };

  const check = (pipeline: Pipeline): readonly Problem[] => {
    let problems = checked.get(pipeline);
    if (!problems) {
      problems = checkPipeline(pipeline, registry, { unknownTypes: "error" });
      checked.set(pipeline, problems);
    }
    return problems;
  };

  // What every run is given of the runtime: the same object for all of them.
  const services: RunEnvironment["services"] = {
    dispatcher,
    directory: options.directory,
    tokens: options.tokens,
    audit,
    clock,
    logger: options.logger ?? silentLogger,
    settings,
    shared,
    egress: options.egress,
  };

  const start = (pipeline: Pipeline, runOptions: RunOptions): Promise<RunResult> => {
    const problems = check(pipeline);
    if (errorCount(problems) > 0) throw new PipelineInvalidError(problems);
    const answers = runOptions.answers instanceof Map ? (runOptions.answers as Answers) : requireAnswers(pipeline.questions, (runOptions.answers ?? {}) as Record<string, unknown>);
    const checked = runOptions[CHECKED_USER];
    const user =
      checked !== undefined && options.directory !== undefined && !checked.disabled && checked.username === runOptions.user
        ? { username: checked.username, guid: checked.guid }
        : resolveRunningUser(options.directory, runOptions.user);
    let ready = prepared.get(pipeline);
    if (!ready) {
      ready = { plugins: pipeline.actions.map((action) => registry.find(action.type) as ActionPlugin), secrets: connectionSecrets(pipeline) };
      prepared.set(pipeline, ready);
    }
    const runRedactor = redactor.child();
    for (const secret of ready.secrets) runRedactor.addSecret(secret);
    const dryRun = runOptions.dryRun === true ? () => undefined : runOptions.dryRun || undefined;
    return runPipeline(pipeline, answers, {
      plugins: ready.plugins,
      services,
      redactor: runRedactor,
      user,
      signal: runOptions.signal,
      dryRun,
      onEvent: runOptions.onEvent,
    });
  };

  return {
    actions: registry,
    settings,
    redactor,
    loadPipeline: (file, loadOptions = {}) => loadPipelineFile(file, { ...loadOptions, actions: options.actions ?? [] }),
    check,
    // Not an async function: returning runPipeline's promise from one would cost the run two
    // more turns of the microtask queue. What fails before the run starts still rejects.
    run(pipeline, runOptions = {}) {
      try {
        return start(pipeline, runOptions);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    async close() {
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}

/** SPEC 11.1: the running user must exist and be enabled. */
function resolveRunningUser(directory: UserDirectoryPort | undefined, username: string | undefined): RunningUser {
  if (!directory) return { username: username ?? "anonymous" };
  if (username === undefined || username.trim() === "") {
    throw new SiqError("USAGE", "A runtime with a user directory runs pipelines as a user: pass `user` (the command line defaults to admin).");
  }
  const found = directory.findUser(username);
  if (!found) throw new SiqError("USER_NOT_FOUND", `The running user "${username}" does not exist in the user directory; create it or run as another user.`);
  if (found.disabled) throw new SiqError("USER_DISABLED", `The running user "${found.username}" is disabled; enable the account or run as another user.`);
  return { username: found.username, guid: found.guid };
}

/** Connection credentials are secrets wherever they might show up. */
function connectionSecrets(pipeline: Pipeline): string[] {
  const secrets: string[] = [];
  for (const connection of Object.values(pipeline.connections)) {
    const auth = connection.auth as Record<string, unknown> | undefined;
    if (!auth) continue;
    for (const [key, value] of Object.entries(auth)) {
      if (key !== "type" && key !== "in" && key !== "name" && key !== "tokenUrl" && key !== "scope" && typeof value === "string") secrets.push(value);
    }
  }
  return secrets;
}

/**
 * One keep-alive Agent per runtime. undici is loaded here, not at import: commands that never
 * send a request (`siq validate`, `siq actions`) start faster without it.
 */
function defaultDispatcher(): Dispatcher {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy
  const undici = require("undici") as { Agent: typeof Agent };
  return new undici.Agent({ keepAliveTimeout: 10_000, connections: 128 });
}

function isAuditSink(value: unknown): value is AuditSink {
  return typeof (value as AuditSink | undefined)?.record === "function";
}
