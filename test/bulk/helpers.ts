/** Shared set-up for the bulk tests: a data folder, a pipeline, rows, and `siq bulk` in-process. */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { request } from "undici";
import { openRowCommitDirectory, runBulk, type BulkRunOptions, type BulkSummary, type ResultLine } from "../../runtime/bulk";
import type { CliIo } from "../../runtime/cli/io";
import { runCli } from "../../runtime/cli/program";
import { defineAction, type ActionPlugin } from "../../runtime/definition";
import { SiqError } from "../../runtime/errors";
import { createRuntime } from "../../runtime/runtime";

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
export async function bulk(
  ws: Workspace,
  args: string[],
  options: { signal?: AbortSignal; tty?: boolean; onStderr?: (text: string) => void } = {},
): Promise<BulkRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: {
      write: (text: string) => {
        stderr += text;
        options.onStderr?.(text);
        return true;
      },
      isTTY: options.tty === true,
    },
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

/**
 * A host action that posts a username to a URL through the runtime's HTTP pool and returns the
 * status: a real request to a real (local) server, so the tests see what a service would see.
 */
export const postAction: ActionPlugin = defineAction({
  definition: {
    id: "test-post",
    displayName: "Test Post",
    version: "1.0.0",
    description: "Posts {\"username\"} to the URL.",
    inputs: [
      { name: "URL", type: "url", mandatory: true, description: "Where to post." },
      { name: "Username", type: "text", mandatory: true, description: "What to post." },
    ],
    outputs: [{ name: "Status", type: "number", description: "The HTTP status." }],
  },
  async handler(inputs, context) {
    const response = await request(inputs.get("URL") as string, {
      method: "POST",
      body: JSON.stringify({ username: inputs.get("Username") }),
      headers: { "content-type": "application/json" },
      dispatcher: context.dispatcher,
      signal: context.signal,
    });
    await response.body.text();
    return { outputs: { Status: response.statusCode } };
  },
});

/** A pipeline that posts each row's username (q1) to a local server, optionally after creating the user. */
export function postPipeline(url: string, createUser = false): string {
  return JSON.stringify({
    name: "Tell the service",
    questions: { q1: { label: "Username", type: "text", required: true }, q2: { label: "Email", type: "text" } },
    actions: [
      ...(createUser
        ? [{ name: "Create User", type: "SmartIQ User", inputs: { "Preferred Username": "=[q1]", "Update Existing User": false } }]
        : []),
      { name: "Tell", type: "Test Post", inputs: { URL: url, Username: "=[q1]" } },
    ],
  });
}

export interface LibraryRun {
  summary?: BulkSummary;
  error?: SiqError;
  rows: ResultLine[];
}

/** Runs `runBulk` on the workspace's directory with the host action above; results in rows.csv.results.jsonl. */
export async function runLibrary(
  ws: Workspace,
  pipelineText: string,
  options: Partial<Pick<BulkRunOptions, "concurrency" | "restart" | "signal" | "user" | "onProgress">> = {},
): Promise<LibraryRun> {
  const pipelineFile = ws.file("bulk.pipeline.json", pipelineText);
  const { directory } = openRowCommitDirectory({ env: ws.env, cwd: ws.dir });
  const runtime = createRuntime({ directory, actions: [postAction] });
  const resultsFile = ws.path("rows.csv.results.jsonl");
  try {
    const pipeline = await runtime.loadPipeline(pipelineFile, { env: ws.env });
    const summary = await runBulk({
      pipeline,
      pipelineHash: createHash("sha256").update(pipelineText).digest("hex"),
      rowsFile: ws.path("rows.csv"),
      rowsName: "rows.csv",
      resultsFile,
      runtime,
      directory,
      user: "admin",
      ...options,
    });
    return { summary, rows: readResults(resultsFile) };
  } catch (error) {
    if (!(error instanceof SiqError)) throw error;
    return { error, rows: existsSync(resultsFile) ? readResults(resultsFile) : [] };
  } finally {
    await runtime.close();
    directory.close();
  }
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
