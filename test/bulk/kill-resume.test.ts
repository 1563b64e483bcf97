/**
 * The guarantee that matters: a real `siq bulk` process creating users is killed with SIGKILL
 * midway (twice), the same command is run again, and every row is done exactly once: each user
 * exists once and was created once (audit log), no row failed for finding its own user, and the
 * results file holds every row once.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import type { BulkSummary, ResultLine } from "../../runtime/bulk";
import { csvOfUsers, query, tally, userPipeline, workspace, type Workspace } from "./helpers";

const ROOT = resolve(__dirname, "..", "..");
const ROWS = 2000;

jest.setTimeout(90_000);

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `siq bulk` from source; `killAtUsers` sends SIGKILL once the directory holds that many users. */
function siqBulk(ws: Workspace, args: string[], killAtUsers?: number): Promise<Finished> {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", join(ROOT, "bin", "siq.ts"), "bulk", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...ws.env, TS_NODE_TRANSPILE_ONLY: "1", NO_COLOR: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  let poll: NodeJS.Timeout | undefined;
  if (killAtUsers !== undefined) {
    poll = setInterval(() => {
      if (userCount(ws) >= killAtUsers) {
        clearInterval(poll);
        child.kill("SIGKILL");
      }
    }, 15);
  }
  return new Promise((done) => {
    child.on("close", (code, signal) => {
      if (poll) clearInterval(poll);
      done({ code, signal, stdout, stderr });
    });
  });
}

function userCount(ws: Workspace): number {
  try {
    const db = new Database(join(ws.env.SIQ_DATA_DIR as string, "directory.sqlite"), { fileMustExist: true, timeout: 1000 });
    try {
      return (db.prepare("SELECT COUNT(*) AS n FROM users").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // not created yet
  }
}

test("SIGKILL midway, twice, then the same command: every row done exactly once", async () => {
  const ws = workspace();
  const pipeline = ws.file("users.pipeline.json", userPipeline(false));
  ws.file("users.csv", csvOfUsers(ROWS));
  const args = [pipeline, "--rows", ws.path("users.csv"), "--concurrency", "4", "--json"];

  const first = await siqBulk(ws, args, 500);
  expect(first.signal).toBe("SIGKILL");
  const second = await siqBulk(ws, args, 1200);
  expect(second.signal).toBe("SIGKILL");
  const afterKills = userCount(ws) - 1;
  expect(afterKills).toBeLessThan(ROWS); // the kills landed before the end

  const last = await siqBulk(ws, args);
  expect([0, 1]).toContain(last.code);
  const summary = JSON.parse(last.stdout) as BulkSummary;
  expect(summary).toMatchObject({ rows: ROWS, invalid: 0 });
  expect(summary.succeeded + summary.failed).toBe(ROWS);
  expect(summary.alreadyDone + summary.ran + summary.interruptedRows).toBe(ROWS);

  const results = readFileSync(ws.path("users.csv.results.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ResultLine);
  expect(results.map((r) => r.row).sort((a, b) => a - b)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
  // Only rows whose directory change was in when a kill struck may be unfinished, and they say so.
  for (const result of results) {
    if (result.status === "failed") expect(result.error?.code).toBe("ROW_INTERRUPTED");
    else expect(result.outputs?.["Create User"]?.Username).toBe(`user${result.row - 1}`);
  }
  expect(results.filter((r) => r.status === "failed").length).toBe(summary.failed);

  const directoryFile = join(ws.env.SIQ_DATA_DIR as string, "directory.sqlite");
  const users = query<{ username: string }>(directoryFile, "SELECT username FROM users WHERE username <> 'admin'").map((u) => u.username);
  expect(users.length).toBe(ROWS);
  expect(new Set(users).size).toBe(ROWS);
  const created = query<{ detail: string }>(directoryFile, "SELECT detail FROM audit_log WHERE event = 'user.created'").map((r) => /"(user\d+)"/.exec(r.detail)?.[1] ?? "");
  expect(created.length).toBe(ROWS);
  expect([...tally(created).values()].every((n) => n === 1)).toBe(true);
  expect(query(directoryFile, "SELECT 1 FROM audit_log WHERE event = 'user.updated'")).toEqual([]);
  expect(query(directoryFile, "SELECT 1 FROM bulk_row_commits")).toEqual([]);
});
