/**
 * Audit records queued with recordSoon: written together at the end of the event-loop turn,
 * never missing from this process's reads of the log, never lost on close, and one record that
 * cannot be written costs no other.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { AuditRecord } from "../../runtime/context";
import { openDirectory } from "../../runtime/directory";
import { openTestDirectory } from "../helpers/test-directory";

const record = (n: number): AuditRecord => ({ time: `2026-03-01T09:00:0${n}.000Z`, event: "host.request", user: "admin", method: "GET", url: `/api/v1/x/${n}`, status: 200 });
const noError = (error: unknown): never => {
  throw error;
};
const turn = () => new Promise((resolve) => setImmediate(resolve));

test("records queued in one turn are written, in order, when it ends (seen from another connection)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "siq-audit-"));
  try {
    const directory = openDirectory({ dataDir: dir, env: {}, adminPassword: "Adm1n-Test-Pass!" }).directory;
    const reader = new Database(directory.file, { readonly: true });
    const urls = () => reader.prepare<[], { url: string }>("SELECT url FROM audit_log ORDER BY id").all().map((row) => row.url);
    for (let n = 1; n <= 3; n++) directory.recordSoon(record(n), noError);
    expect(urls()).toEqual([]);
    await turn();
    expect(urls()).toEqual(["/api/v1/x/1", "/api/v1/x/2", "/api/v1/x/3"]);
    reader.close();
    directory.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("listAudit and dump see records queued a moment ago, before the turn ends", () => {
  const directory = openTestDirectory();
  directory.recordSoon(record(1), noError);
  expect(directory.listAudit().items.map((item) => item.url)).toEqual(["/api/v1/x/1"]);
  directory.recordSoon(record(2), noError);
  expect(directory.dump()["audit_log"]?.map((row) => row["url"])).toEqual(["/api/v1/x/1", "/api/v1/x/2"]);
  directory.close();
});

test("close writes what is queued: reopening the file finds every record", () => {
  const dir = mkdtempSync(join(tmpdir(), "siq-audit-"));
  try {
    const first = openDirectory({ dataDir: dir, env: {}, adminPassword: "Adm1n-Test-Pass!" }).directory;
    for (let n = 1; n <= 5; n++) first.recordSoon(record(n), noError);
    first.close();
    const again = openDirectory({ dataDir: dir, env: {} }).directory;
    expect(again.listAudit().items.map((item) => item.url)).toEqual(["/api/v1/x/1", "/api/v1/x/2", "/api/v1/x/3", "/api/v1/x/4", "/api/v1/x/5"]);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a record that cannot be written is reported, and the others of its batch are still written", async () => {
  const directory = openTestDirectory();
  const failed: Array<string | undefined> = [];
  directory.recordSoon(record(1), noError);
  // time is NOT NULL in the audit table: this one cannot be stored.
  directory.recordSoon({ ...record(2), time: null as unknown as string }, (_error, entry) => failed.push(entry.url));
  directory.recordSoon(record(3), noError);
  await turn();
  expect(failed).toEqual(["/api/v1/x/2"]);
  expect(directory.listAudit().items.map((item) => item.url)).toEqual(["/api/v1/x/1", "/api/v1/x/3"]);
  directory.close();
});
