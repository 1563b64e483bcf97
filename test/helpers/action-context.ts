/**
 * Builds an ActionContext for calling a handler directly: real redactor, a dispatcher that
 * refuses the network, a fixed clock, and collectors for messages, logs and audit records.
 * Pass `directory` (for example an in-memory SqliteDirectory) and any other field to override.
 */
import { MockAgent } from "undici";
import type { ActionContext, AuditRecord, Clock, LogLevel, RunningUser } from "../../runtime/context";
import { TokenCache } from "../../runtime/http/auth/token-cache";
import { Redactor } from "../../runtime/redact";

export interface LogEntry {
  level: LogLevel;
  event: string;
  fields?: Record<string, unknown>;
}

export interface TestActionContext {
  context: ActionContext;
  messages: string[];
  logs: LogEntry[];
  /** Records sent to the default audit sink (not used when `audit` is overridden). */
  audit: AuditRecord[];
  controller: AbortController;
}

export const CONTEXT_NOW = new Date("2026-03-01T09:00:00.000Z");

export function fixedClock(now: Date = CONTEXT_NOW): Clock {
  return {
    now: () => new Date(now),
    sleep: async (_ms, signal) => {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
    },
  };
}

export interface ActionContextOverrides extends Partial<Omit<ActionContext, "user">> {
  /** The running user: a username, or a RunningUser. Default "admin". */
  user?: string | RunningUser;
}

export function buildActionContext(overrides: ActionContextOverrides = {}): TestActionContext {
  const messages: string[] = [];
  const logs: LogEntry[] = [];
  const audit: AuditRecord[] = [];
  const controller = new AbortController();
  const agent = new MockAgent();
  agent.disableNetConnect();
  const { user, ...rest } = overrides;
  const context: ActionContext = {
    action: { name: "Create User", type: "SmartIQ User", index: 0 },
    pipeline: { name: "Test pipeline", file: undefined, baseDir: process.cwd(), connections: {}, culture: undefined, timeZone: undefined },
    user: typeof user === "string" ? { username: user } : (user ?? { username: "admin" }),
    dispatcher: agent,
    directory: undefined,
    tokens: undefined,
    audit: { record: (entry) => void audit.push(entry) },
    clock: fixedClock(),
    logger: { log: (level, event, fields) => void logs.push(fields === undefined ? { level, event } : { level, event, fields }) },
    redactor: new Redactor(),
    signal: controller.signal,
    dryRun: undefined,
    message: (text) => void messages.push(text),
    settings: { maxResponseBytes: 10 * 1024 * 1024, passwordPolicy: { length: 16, minNonAlphanumeric: 2 } },
    shared: { tokenCache: new TokenCache({ clock: fixedClock() }) },
    egress: undefined,
    ...rest,
  };
  return { context, messages, logs, audit, controller };
}
