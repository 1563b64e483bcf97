/**
 * Two processes create the same usernames at the same moment against one directory file: for
 * each username exactly one user exists afterwards; one process created it and the other
 * updated it (or failed with USER_EXISTS when updating is off); neither crashed.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openDirectory } from "../../runtime/directory";

const WORKER = resolve(__dirname, "fixtures", "concurrent-user-worker.ts");
const ROOT = resolve(__dirname, "..", "..");
const COUNT = 40;

interface Line {
  username: string;
  updated?: boolean;
  id?: number;
  error?: string;
}

interface Worker {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  done: Promise<{ code: number | null; lines: Line[]; stderr: string }>;
}

function startWorker(file: string, name: string, prefix: string, update: boolean): Worker {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", WORKER, file, name, prefix, String(COUNT), String(update)], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1", SIQ_ADMIN_PASSWORD: "" },
  });
  let stdout = "";
  let stderr = "";
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolveReady) => (markReady = resolveReady));
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
    if (stdout.startsWith("ready\n")) markReady();
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const done = new Promise<{ code: number | null; lines: Line[]; stderr: string }>((resolveDone) => {
    child.on("close", (code) => {
      markReady();
      const lines = stdout
        .split("\n")
        .slice(1)
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as Line);
      resolveDone({ code, lines, stderr });
    });
  });
  return { child, ready, done };
}

async function race(file: string, prefix: string, update: boolean) {
  const workers = [startWorker(file, "A", prefix, update), startWorker(file, "B", prefix, update)];
  await Promise.all(workers.map((w) => w.ready));
  for (const w of workers) w.child.stdin.end("go\n");
  return Promise.all(workers.map((w) => w.done));
}

let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "siq-concurrency-"));
  file = join(dir, "directory.sqlite");
  const { directory } = openDirectory({ file, env: {}, adminPassword: "Concurrency-1" });
  directory.addGroup({ name: "Sales" });
  directory.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("with Update Existing User: one process creates each user, the other updates it", async () => {
  const results = await race(file, "both-", true);
  for (const result of results) {
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.lines).toHaveLength(COUNT);
    expect(result.lines.filter((line) => line.error !== undefined)).toEqual([]);
  }
  const { directory } = openDirectory({ file, env: {} });
  try {
    for (let i = 0; i < COUNT; i++) {
      const username = `both-${i}`;
      const outcomes = results.map((r) => r.lines.find((line) => line.username === username));
      expect(outcomes.map((o) => o?.updated).sort()).toEqual([false, true]);
      const user = directory.getUser(username);
      expect(user?.groups).toEqual(["Sales"]);
      expect(outcomes.map((o) => o?.id)).toEqual([user?.id, user?.id]);
    }
    const users = directory.listUsers({ top: 1000 }).items.filter((u) => u.username.toLowerCase().startsWith("both-"));
    expect(users).toHaveLength(COUNT);
  } finally {
    directory.close();
  }
}, 120000);

test("without Update Existing User: one process creates each user, the other fails with USER_EXISTS", async () => {
  const results = await race(file, "strict-", false);
  for (const result of results) {
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.lines).toHaveLength(COUNT);
  }
  const { directory } = openDirectory({ file, env: {} });
  try {
    for (let i = 0; i < COUNT; i++) {
      const username = `strict-${i}`;
      const outcomes = results.map((r) => r.lines.find((line) => line.username === username));
      const created = outcomes.filter((o) => o?.updated === false);
      const refused = outcomes.filter((o) => o?.error === "USER_EXISTS");
      expect([created.length, refused.length]).toEqual([1, 1]);
      expect(directory.getUser(username)?.id).toBe(created[0]?.id);
    }
    expect(directory.listUsers({ top: 1000 }).total).toBe(1 + 2 * COUNT);
  } finally {
    directory.close();
  }
}, 120000);
