/**
 * The journal's batched commits: a row's end is queued and committed with the next row's start
 * (which must be on disk before that row runs) or by flush(); what is committed is what a resume
 * after a crash sees. Read back through a second connection once the journal is closed (the
 * journal holds an exclusive lock while open).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BulkJournal } from "../../runtime/bulk";
import { query } from "./helpers";

const IDENTITY = { rowsFile: "/rows.csv", pipelineFile: "/p.pipeline.json", pipelineHash: "h", user: "admin", directoryFile: "/d.sqlite" };

let folder: string;
let file: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "siq-journal-"));
  file = join(folder, "rows.csv.results.jsonl.journal");
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const states = () => query<{ row: number; state: string; status: string | null; result: string | null }>(file, "SELECT row, state, status, result FROM rows ORDER BY row");

test("a row's end waits, queued, for the next row's start, and both commit together", () => {
  const { journal } = BulkJournal.open(file, IDENTITY, { restart: false });
  expect(journal.markStarted(1, 2, "h1")).toEqual([]);
  journal.markDone(1, 2, "h1", "succeeded", '{"row":1}');
  journal.markInvalid(2, 3, '{"row":2}');
  // Not committed yet: the connection itself still reads row 1 as started.
  expect(journal.lookup(1)?.state).toBe("started");
  expect(journal.lookup(2)).toBeUndefined();
  expect(journal.queuedCount).toBe(2);

  expect(journal.markStarted(3, 4, "h3")).toEqual(['{"row":1}', '{"row":2}']);
  expect(journal.queuedCount).toBe(0);
  expect(journal.lookup(1)).toEqual({ state: "done", status: "succeeded", hash: "h1", line: 2 });
  expect(journal.lookup(2)?.state).toBe("invalid");
  expect(journal.lookup(3)?.state).toBe("started");
  journal.close();
});

test("flush() commits the queued ends, in the order they finished", () => {
  const { journal } = BulkJournal.open(file, IDENTITY, { restart: false });
  journal.markStarted(1, 2, "h1");
  journal.markStarted(2, 3, "h2");
  const second = journal.markDone(2, 3, "h2", "failed", '{"row":2}');
  const first = journal.markDone(1, 2, "h1", "succeeded", '{"row":1}');
  expect(first).toBeGreaterThan(second);
  expect(journal.flush()).toEqual(['{"row":2}', '{"row":1}']);
  expect(journal.flush()).toEqual([]);
  expect(journal.startedCount()).toBe(0);
  expect([...journal.doneResults()].map((r) => r.result)).toEqual(['{"row":2}', '{"row":1}']);
  journal.close();
});

test("ends still queued when the journal closes are lost, as a crash loses them: the rows stay started", () => {
  const { journal } = BulkJournal.open(file, IDENTITY, { restart: false });
  journal.markStarted(1, 2, "h1");
  journal.markStarted(2, 3, "h2");
  journal.markDone(1, 2, "h1", "succeeded", '{"row":1}');
  journal.flush();
  journal.markDone(2, 3, "h2", "succeeded", '{"row":2}');
  journal.close();
  expect(states()).toEqual([
    { row: 1, state: "done", status: "succeeded", result: '{"row":1}' },
    { row: 2, state: "started", status: null, result: null },
  ]);

  const reopened = BulkJournal.open(file, IDENTITY, { restart: false });
  expect(reopened.journal.resumed).toBe(true);
  expect(reopened.journal.lookup(2)?.state).toBe("started");
  reopened.journal.close();
});
