/** Shared set-up for the bulk tests: a data folder, a pipeline, rows, and `siq bulk` in-process. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { CliIo } from "../../runtime/cli/io";
import { runCli } from "../../runtime/cli/program";
import type { ResultLine } from "../../runtime/bulk";

export const ADMIN_PASSWORD = "Bulk-Test-Admin-1";

export interface Workspace {
  dir: string;
  env: Record<string, string>;
  file(name: string, text: string): string;
  path(name: string): string;
}

export function workspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), "siq-bulk-"));
  return {
    dir,
    env: { SIQ_DATA_DIR: join(dir, ".siq"), SIQ_ADMIN_PASSWORD: ADMIN_PASSWORD },
    file(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    path: (name) => join(dir, name),
  };
}

export interface BulkRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `siq bulk ...` in-process, in the workspace's folder, with its environment. */
export async function bulk(ws: Workspace, args: string[], options: { signal?: AbortSignal; tty?: boolean } = {}): Promise<BulkRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.tty === true },
    readStdin: async () => "",
    env: ws.env,
    cwd: ws.dir,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const code = await runCli(["bulk", ...args], io);
  return { code, stdout, stderr };
}

export function readResults(path: string): ResultLine[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as ResultLine);
}

/** A SmartIQ User pipeline: q1 is the username; Update Existing User as given. */
export function userPipeline(update: boolean, more: unknown[] = []): string {
  return JSON.stringify({
    name: "Create users",
    questions: {
      q1: { label: "Username", type: "text", required: true },
      q2: { label: "Email", type: "text" },
      q3: { label: "Age", type: "number" },
      q37: { label: "Groups", type: "repeat", fields: { GroupName: "text" } },
    },
    actions: [
      {
        name: "Create User",
        type: "SmartIQ User",
        inputs: {
          "Preferred Username": "=[q1]",
          Email: "=[q2]",
          "Update Existing User": update,
          "Groups to Add": '=Replace([q37.GroupName], "|", chr(10))',
        },
      },
      ...more,
    ],
  });
}

/** A REST pipeline that posts each row's username to a local server. */
export function restPipeline(url: string): string {
  return JSON.stringify({
    name: "Tell the service",
    questions: { q1: { label: "Username", type: "text", required: true } },
    actions: [
      {
        name: "Tell",
        type: "Send to REST Service",
        inputs: {
          URL: url,
          "HTTP Method": "POST",
          "Fail On Error Status": true,
          "Request Body": { username: "=[q1]" },
          "Request Schema": { type: "object", required: ["username"], properties: { username: { type: "string" } } },
        },
      },
    ],
  });
}

export function csvOfUsers(count: number, start = 0): string {
  let text = "q1,q2\n";
  for (let i = start; i < start + count; i++) text += `user${i},user${i}@example.com\n`;
  return text;
}

/** A local service that records every username posted to it and answers after `delayMs`. */
export interface RecordingServer {
  url: string;
  /** Usernames in the order their requests arrived. */
  received: string[];
  /** Most requests in progress at once. */
  maxInFlight: number;
  /** Called as each request arrives (before the answer). */
  onRequest: (username: string, count: number) => void;
  close(): Promise<void>;
}

export async function recordingServer(delayMs: number): Promise<RecordingServer> {
  let inFlight = 0;
  const state: RecordingServer = {
    url: "",
    received: [],
    maxInFlight: 0,
    onRequest: () => undefined,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      const username = (JSON.parse(body) as { username: string }).username;
      state.received.push(username);
      state.onRequest(username, state.received.length);
      setTimeout(() => {
        inFlight--;
        response.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ ok: username }));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/users`;
  return state;
}

/** Opens a SQLite file read-only for assertions. */
export function query<T>(file: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** How many times each value occurs. */
export function tally(values: Iterable<string | number>): Map<string | number, number> {
  const counts = new Map<string | number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
