/**
 * A real embedded host on 127.0.0.1 (port 0) over an in-memory test directory, with a clock the
 * test moves, captured request logs, and a small fetch client.
 *
 * Logging in hashes with scrypt (slow on purpose), so most tests take tokens from
 * `host.tokens.issue()`; the login endpoint has its own tests.
 */
import type { Clock } from "../../../runtime/context";
import type { SqliteDirectory } from "../../../runtime/directory";
import { startHost, type Host, type HostOptions, type RequestLogEntry } from "../../../runtime/host";
import { openTestDirectory } from "../../helpers/test-directory";

export class MovableClock implements Clock {
  constructor(private time = Date.UTC(2026, 2, 1, 9, 0, 0)) {}
  now(): Date {
    return new Date(this.time);
  }
  advance(ms: number): void {
    this.time += ms;
  }
  async sleep(ms: number): Promise<void> {
    this.time += ms;
  }
}

export interface TestHost {
  host: Host;
  directory: SqliteDirectory;
  clock: MovableClock;
  logs: RequestLogEntry[];
  /** A token for a user of the directory (no login, no scrypt). */
  tokenFor(username: string): string;
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  close(): Promise<void>;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Raw body text (with its own content type). */
  raw?: string;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function startTestHost(options: Partial<HostOptions> = {}): Promise<TestHost> {
  const directory = options.directory ?? openTestDirectory();
  const clock = new MovableClock();
  const logs: RequestLogEntry[] = [];
  const host = await startHost({ directory, clock, pipelinesDir: false, env: {}, requestLog: (entry) => logs.push(entry), ...options });
  return {
    host,
    directory,
    clock,
    logs,
    tokenFor(username) {
      const user = directory.findUser(username);
      if (!user) throw new Error(`no user ${username}`);
      return host.tokens.issue(user).token;
    },
    call: (method, path, callOptions = {}) => call(host.url, method, path, callOptions),
    async close() {
      await host.close();
      if (!options.directory) directory.close();
    },
  };
}

export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Adds a user with the given groups straight into the directory. */
export function addUser(directory: SqliteDirectory, username: string, groups: string[] = [], extra: { disabled?: boolean } = {}): string {
  return directory.createUser({ username, email: `${username}@example.com`, groups, ...extra }).guid;
}
