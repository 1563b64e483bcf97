/**
 * runBulk through the library: concurrency, stopping (Ctrl-C), resuming, --restart, changed
 * input, and how rows that were in flight when a run died are resolved. A local service records
 * every request, so "never twice" is checked where it would show: at the receiving end.
 */
import { rmSync } from "node:fs";
import Database from "better-sqlite3";
import { BulkJournal } from "../../runtime/bulk";
import { csvOfUsers, postPipeline, query, recordingServer, runLibrary, tally, userPipeline, workspace, type RecordingServer, type Workspace } from "./helpers";

let server: RecordingServer;

beforeEach(async () => {
  server = await recordingServer(25);
});

afterEach(async () => {
  await server.close();
});

const journalOf = (ws: Workspace) => ws.path("rows.csv.results.jsonl.journal");
const directoryOf = (ws: Workspace) => ws.path(".siq/directory.sqlite");

/** Aborts the run when the service has received `count` requests. */
function stopAt(count: number): AbortSignal {
  const controller = new AbortController();
  server.onRequest = (_username, received) => {
    if (received === count) controller.abort(new Error("interrupted"));
  };
  return controller.signal;
}

/** Simulates a crash while a row ran: its journal entry goes back to `started`. */
function markStarted(ws: Workspace, row: number): void {
  const db = new Database(journalOf(ws));
  try {
    const changed = db.prepare("UPDATE rows SET state = 'started', status = NULL, seq = NULL, result = NULL WHERE row = ? AND state = 'done'").run(row).changes;
    expect(changed).toBe(1);
  } finally {
    db.close();
  }
}

function usernames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `user${i}`);
}

describe("runBulk", () => {
  test.each([1, 4])("runs at most %i rows at once through one runtime, and uses every slot", async (concurrency) => {
    const ws = workspace();
    ws.file("rows.csv", csvOfUsers(12));
    const run = await runLibrary(ws, postPipeline(server.url), { concurrency });
    expect(run.summary).toMatchObject({ status: "succeeded", succeeded: 12, ran: 12 });
    expect(server.maxInFlight).toBe(concurrency);
    expect([...server.received].sort()).toEqual(usernames(12).sort());
  });

  test("a stop (Ctrl-C) takes no new rows, finishes those in flight, and the same run resumes: every row once", async () => {
    const ws = workspace();
    ws.file("rows.csv", csvOfUsers(20));
    const first = await runLibrary(ws, postPipeline(server.url), { concurrency: 3, signal: stopAt(5) });
    expect(first.summary?.status).toBe("interrupted");
    // Every request that was sent belongs to a row that finished and was recorded: none was abandoned.
    expect(first.rows.map((r) => `user${r.row - 1}`).sort()).toEqual([...server.received].sort());
    expect(first.rows.length).toBeGreaterThanOrEqual(5);
    expect(first.rows.length).toBeLessThan(20);
    expect(query<{ n: number }>(journalOf(ws), "SELECT COUNT(*) AS n FROM rows WHERE state = 'started'")[0]?.n).toBe(0);

    const second = await runLibrary(ws, postPipeline(server.url), { concurrency: 3 });
    expect(second.summary).toMatchObject({ status: "succeeded", rows: 20, succeeded: 20, alreadyDone: first.rows.length, ran: 20 - first.rows.length });
    expect([...tally(server.received).values()].every((n) => n === 1)).toBe(true);
    expect(server.received.length).toBe(20);
    expect(second.rows.map((r) => r.row).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // The results file keeps the first run's lines first, as they finished.
    expect(second.rows.slice(0, first.rows.length)).toEqual(first.rows);
  });

  test("a finished run started again runs nothing and leaves the results as they were", async () => {
    const ws = workspace();
    ws.file("rows.csv", csvOfUsers(6));
    const first = await runLibrary(ws, postPipeline(server.url));
    const again = await runLibrary(ws, postPipeline(server.url));
    expect(again.summary).toMatchObject({ status: "succeeded", rows: 6, succeeded: 6, alreadyDone: 6, ran: 0 });
    expect(again.rows).toEqual(first.rows);
    expect(server.received.length).toBe(6);
  });

  test("restart starts over: a new journal, every row run again, each once in the results", async () => {
    const ws = workspace();
    ws.file("rows.csv", csvOfUsers(6));
    await runLibrary(ws, postPipeline(server.url), { signal: stopAt(2) });
    const oldId = query<{ value: string }>(journalOf(ws), "SELECT value FROM meta WHERE key = 'id'")[0]?.value;
    const restarted = await runLibrary(ws, postPipeline(server.url), { restart: true });
    expect(restarted.summary).toMatchObject({ status: "succeeded", alreadyDone: 0, ran: 6 });
    expect(query<{ value: string }>(journalOf(ws), "SELECT value FROM meta WHERE key = 'id'")[0]?.value).not.toBe(oldId);
    expect(restarted.rows.map((r) => r.row).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...tally(server.received).values()].every((n) => n >= 1)).toBe(true);
  });

  test("a row that ran before and changed since stops the run before anything else runs (BULK_INPUT_CHANGED)", async () => {
    const ws = workspace();
    ws.file("rows.csv", csvOfUsers(10));
    const first = await runLibrary(ws, postPipeline(server.url), { concurrency: 1, signal: stopAt(3) });
    const done = first.rows.length;
    expect(done).toBeGreaterThanOrEqual(3);
    // Insert a row at the top: every row shifts, so row 1 is no longer the row that ran as row 1.
    ws.file("rows.csv", csvOfUsers(10).replace("q1,q2\n", "q1,q2\nnewcomer,new@example.com\n"));
    const sent = server.received.length;
    const changed = await runLibrary(ws, postPipeline(server.url));
    expect(changed.error?.code).toBe("BULK_INPUT_CHANGED");
    expect(changed.error?.message).toContain("Row 1 (line 2) of rows.csv");
    expect(server.received.length).toBe(sent);
    expect(changed.rows.length).toBe(done);
  });

  test("rows not yet run may change, and rows may be added: fixed invalid rows run on the next run", async () => {
    const ws = workspace();
    ws.file("rows.csv", "q1,q2\nuser0,a@example.com\n,missing-username\nuser2,c@example.com\n");
    const first = await runLibrary(ws, postPipeline(server.url));
    expect(first.summary).toMatchObject({ status: "failed", succeeded: 2, invalid: 1 });
    ws.file("rows.csv", "q1,q2\nuser0,a@example.com\nuser1,fixed@example.com\nuser2,c@example.com\nuser3,added@example.com\n");
    const second = await runLibrary(ws, postPipeline(server.url));
    expect(second.summary).toMatchObject({ status: "succeeded", rows: 4, succeeded: 4, invalid: 0, alreadyDone: 2, ran: 2 });
    expect([...server.received].sort()).toEqual(["user0", "user1", "user2", "user3"]);
    expect(second.rows.map((r) => [r.row, r.status]).sort()).toEqual([
      [1, "succeeded"],
      [2, "succeeded"],
      [3, "succeeded"],
      [4, "succeeded"],
    ]);
  });

  test("a row in flight when a run died, with no directory change committed, runs again (its REST call is sent again)", async () => {
    const ws = workspace();
    ws.file("rows.csv", csvOfUsers(5));
    await runLibrary(ws, postPipeline(server.url), { concurrency: 1, signal: stopAt(3) });
    markStarted(ws, 2);
    const resumed = await runLibrary(ws, postPipeline(server.url));
    expect(resumed.summary).toMatchObject({ status: "succeeded", resumedRows: 1, interruptedRows: 0 });
    expect(resumed.rows.filter((r) => r.row === 2)).toEqual([expect.objectContaining({ status: "succeeded", resumed: true })]);
    expect(tally(server.received).get("user1")).toBe(2);
  });

  test("a row in flight when a run died after its directory change committed is not run again (ROW_INTERRUPTED), even with Update Existing User false", async () => {
    const ws = workspace();
    ws.file("rows.csv", csvOfUsers(8));
    const pipeline = postPipeline(server.url, true);
    const first = await runLibrary(ws, pipeline, { concurrency: 1, signal: stopAt(4) });
    expect(first.summary?.status).toBe("interrupted");
    // The crash hits after "Create User" committed row 3's user, before the journal said done.
    markStarted(ws, 3);
    const sent = server.received.length;

    const resumed = await runLibrary(ws, pipeline, { concurrency: 2 });
    expect(resumed.summary).toMatchObject({ status: "failed", rows: 8, succeeded: 7, failed: 1, interruptedRows: 1, resumedRows: 0 });
    const row3 = resumed.rows.filter((r) => r.row === 3);
    expect(row3).toEqual([expect.objectContaining({ status: "failed", error: expect.objectContaining({ code: "ROW_INTERRUPTED", action: "Create User" }) })]);
    expect(row3[0]?.error?.message).toContain('"Tell"');
    // Not run again: no second request for user2, and exactly one creation in the audit log.
    expect(server.received.length).toBe(sent + (8 - first.rows.length));
    expect(tally(server.received).get("user2")).toBe(1);
    const created = query<{ detail: string }>(directoryOf(ws), "SELECT detail FROM audit_log WHERE event = 'user.created'").map((r) => /"(user\d+)"/.exec(r.detail)?.[1]);
    expect([...tally(created as string[]).entries()].sort()).toEqual(usernames(8).map((name) => [name, 1]).sort());
    expect(query(directoryOf(ws), "SELECT 1 FROM audit_log WHERE event = 'user.updated'")).toEqual([]);
  });

  test("a row whose start mark the journal lost (a power cut) while the directory kept its change is still not run again", async () => {
    const ws = workspace();
    ws.file("rows.csv", csvOfUsers(8));
    const pipeline = postPipeline(server.url, true);
    const first = await runLibrary(ws, pipeline, { concurrency: 1, signal: stopAt(4) });
    const last = Math.max(...first.rows.map((r) => r.row));
    // The journal's last commits are gone; the directory's commit record for that row is not.
    const db = new Database(journalOf(ws));
    try {
      expect(db.prepare("DELETE FROM rows WHERE row = ?").run(last).changes).toBe(1);
    } finally {
      db.close();
    }
    expect(query(directoryOf(ws), "SELECT row FROM bulk_row_commits WHERE row = ?", last)).toHaveLength(1);

    const resumed = await runLibrary(ws, pipeline);
    expect(resumed.summary).toMatchObject({ status: "failed", rows: 8, succeeded: 7, failed: 1, interruptedRows: 1 });
    expect(resumed.rows.filter((r) => r.row === last)).toEqual([expect.objectContaining({ error: expect.objectContaining({ code: "ROW_INTERRUPTED" }) })]);
    expect(tally(server.received).get(`user${last - 1}`)).toBe(1);
  });

  test("row-commit records stay while a run is unfinished and are removed when every row is done", async () => {
    const ws = workspace();
    ws.file("rows.csv", csvOfUsers(6));
    const pipeline = postPipeline(server.url, true);
    await runLibrary(ws, pipeline, { concurrency: 1, signal: stopAt(2) });
    const kept = query<{ row: number; action: string }>(directoryOf(ws), "SELECT row, action FROM bulk_row_commits ORDER BY row");
    expect(kept.length).toBeGreaterThanOrEqual(2);
    expect(kept.every((r) => r.action === "Create User")).toBe(true);
    await runLibrary(ws, pipeline);
    expect(query(directoryOf(ws), "SELECT * FROM bulk_row_commits")).toEqual([]);
  });

  test("a journal in use by another run is refused, and --restart does not delete it", async () => {
    const ws = workspace();
    ws.file("rows.csv", csvOfUsers(2));
    await runLibrary(ws, postPipeline(server.url));
    const holder = BulkJournal.open(
      journalOf(ws),
      { rowsFile: ws.path("rows.csv"), pipelineFile: "", pipelineHash: "", user: "admin", directoryFile: directoryOf(ws) },
      { restart: false },
    ).journal;
    try {
      for (const restart of [false, true]) {
        const run = await runLibrary(ws, postPipeline(server.url), { restart });
        expect(run.error?.code).toBe("BULK_JOURNAL_BUSY");
      }
      expect(holder.lookup(1)?.state).toBe("done");
    } finally {
      holder.close();
    }
  });

  test("a journal started against another user directory is refused (its row-commit records live there)", async () => {
    const ws = workspace();
    ws.file("rows.csv", csvOfUsers(2));
    await runLibrary(ws, postPipeline(server.url));
    const other = { ...ws, env: { ...ws.env, SIQ_DATA_DIR: ws.path("other") } };
    const run = await runLibrary(other, postPipeline(server.url));
    expect(run.error?.code).toBe("BULK_JOURNAL_MISMATCH");
    rmSync(ws.path("other"), { recursive: true, force: true });
  });

  test("a changed pipeline or user is a warning on resume, not a stop", async () => {
    const ws = workspace();
    ws.file("rows.csv", csvOfUsers(3));
    await runLibrary(ws, postPipeline(server.url), { signal: stopAt(1), concurrency: 1 });
    const run = await runLibrary(ws, userPipeline(true));
    expect(run.summary?.warnings).toEqual([expect.stringContaining("the pipeline")]);
    expect(run.summary?.status).toBe("succeeded");
  });
});
