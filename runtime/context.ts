/**
 * The one context object through which handlers reach the outside world.
 *
 * Handlers are pure functions of their inputs and this context: HTTP, the user directory, the
 * token provider, the audit sink, the clock and the logger all come in here, so a host plugs in
 * its own and tests pass fakes.
 */
import type { Dispatcher } from "undici";
import type { TokenCache } from "./http/auth/token-cache";
import type { Redactor } from "./redact";
import type { JsonValue } from "./values";

/** The user a pipeline runs as. */
export interface RunningUser {
  username: string;
  /** The directory GUID, when the directory knows the user. */
  guid?: string;
}

/** A user as the directory holds it (the fields the runtime itself needs). */
export interface DirectoryUserSummary {
  guid: string;
  id: number;
  username: string;
  disabled: boolean;
}

export type Permission = "Impersonate" | "ManageUsers";

/**
 * What the runtime needs of a user directory. The embedded SQLite directory implements it
 * (and much more); a host may plug in its own.
 */
export interface UserDirectoryPort {
  /** A user by username (ignoring case) or GUID; undefined when there is none. */
  findUser(usernameOrGuid: string): DirectoryUserSummary | undefined;
  /** True when one of the user's groups has a role granting the permission. */
  hasPermission(userGuid: string, permission: Permission): boolean;
  /** True when the user is in a group flagged administrators. */
  isAdministrator(userGuid: string): boolean;
}

/** Gives the SmartIQ token of a user (for SmartIQ API and Send Access Token). */
export interface TokenProvider {
  tokenFor(user: RunningUser, signal?: AbortSignal): Promise<string>;
}

/** One audit record. Never holds a secret. */
export interface AuditRecord {
  time: string;
  event: string;
  user: string;
  asUser?: string;
  method?: string;
  url?: string;
  status?: number | string;
  detail?: string;
}

/**
 * Marks the sink a wrapping audit sink writes to. The engine hands actions a masking wrapper
 * around the host's sink; an action that keeps audit records in its own store (the SmartIQ User
 * action, in the embedded directory) looks through the wrapper to write them inside its own
 * transaction, so a change and its audit record are committed together.
 */
export const AUDIT_TARGET: unique symbol = Symbol.for("siq-actions.audit-target");

export interface AuditSink {
  record(entry: AuditRecord): void | Promise<void>;
  /** Set by wrappers (the engine's masking one): the sink they write to. */
  readonly [AUDIT_TARGET]?: AuditSink;
}

/** The sink that records finally reach, through any wrappers. */
export function auditTarget(sink: AuditSink): AuditSink {
  let target = sink;
  while (target[AUDIT_TARGET] !== undefined && target[AUDIT_TARGET] !== target) target = target[AUDIT_TARGET];
  return target;
}

export interface Clock {
  now(): Date;
  /** Waits, or rejects with the signal's reason when cancelled. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type LogLevel = "debug" | "info" | "warn" | "error";

/** Structured logs; the runtime masks secrets before calling it. */
export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

export interface PipelineInfo {
  name: string;
  /** Absolute path of the pipeline file, when it came from one. */
  file: string | undefined;
  /** Folder that relative file references (Action Documents) resolve against. */
  baseDir: string;
  /** Connections after `${NAME}` substitution. Secrets: never log them. */
  connections: Readonly<Record<string, JsonValue>>;
  culture: string | undefined;
  timeZone: string | undefined;
}

/** One request as `--dry-run` shows it. */
export interface DryRunRequest {
  action: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Set by the engine on every action's context: the signal that cancels the run, or undefined
 * when nothing can (the run was given none). `context.signal` is then created on first use, at
 * most once per run; code of the runtime reads this instead, through
 * {@link cancellationSignal}, so a run nobody can cancel creates no AbortSignal at all (about
 * 2 µs each on Node 20, a tenth of a short run).
 */
export const RUN_SIGNAL: unique symbol = Symbol.for("siq-actions.run-signal");

/** The signal that can cancel the action's run, or undefined when none can. */
export function cancellationSignal(context: ActionContext): AbortSignal | undefined {
  return RUN_SIGNAL in context ? context[RUN_SIGNAL] : context.signal;
}

export interface ActionContext {
  /** The action's name in the pipeline and its position. */
  action: { name: string; type: string; index: number };
  pipeline: PipelineInfo;
  user: RunningUser;
  dispatcher: Dispatcher;
  directory: UserDirectoryPort | undefined;
  tokens: TokenProvider | undefined;
  audit: AuditSink;
  clock: Clock;
  logger: Logger;
  /** Registers secrets met while running (tokens, generated passwords) and masks text. */
  redactor: Redactor;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
  /** See {@link RUN_SIGNAL}. */
  readonly [RUN_SIGNAL]?: AbortSignal | undefined;
  /** Set for `--dry-run`: record the request instead of sending it, change nothing. */
  dryRun: ((request: DryRunRequest) => void) | undefined;
  /** Adds a message to the action's result. */
  message(text: string): void;
  /** Options the host set for this runtime, by name (e.g. password policy, response limit). */
  settings: RuntimeSettings;
  /** State shared by every run of one runtime. */
  shared: RuntimeShared;
  /** Called before each HTTP hop with its URL; throws to refuse it (the embedded host's egress rules). */
  egress: ((url: string) => void | Promise<void>) | undefined;
}

export interface RuntimeShared {
  /** OAuth 2.0 and login tokens, per client and scope: one token request however many actions need it. */
  tokenCache: TokenCache;
}

export interface PasswordPolicy {
  length: number;
  minNonAlphanumeric: number;
}

export interface RuntimeSettings {
  /** Largest response body accepted, in bytes (default 10 MB, SIQ_MAX_RESPONSE_BYTES). */
  maxResponseBytes: number;
  /** Policy for generated passwords. */
  passwordPolicy: PasswordPolicy;
  /**
   * The SmartIQ API base URL when no `connections.smartiq` is given: the embedded host's, set
   * by the host (or by `siq run`, which starts it in-process).
   */
  smartiqBaseUrl?: string | undefined;
}
