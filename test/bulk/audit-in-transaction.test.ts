/**
 * Regression (found by the SIGKILL test): through a real runtime, the engine hands actions a
 * masking wrapper around the audit sink, and the SmartIQ User action used to write its
 * "user.created" record after its transaction, so a kill in between left a user without its
 * audit record. The record must be written inside the user's transaction, and still masked.
 */
import Database from "better-sqlite3";
import type { AuditRecord } from "../../runtime/context";
import { directoryOnDatabase } from "../../runtime/directory";
import { SqliteDirectory } from "../../runtime/directory/sqlite-directory";
import { createRuntime } from "../../runtime/runtime";
import { pipelineOf } from "../helpers/pipelines";

/** The real directory, noting whether each audit record was written inside a transaction. */
class ObservedDirectory extends SqliteDirectory {
  readonly audits: Array<{ inTransaction: boolean; entry: AuditRecord }> = [];

  override record(entry: AuditRecord): void {
    this.audits.push({ inTransaction: this.inTransaction, entry });
    super.record(entry);
  }
}

test("SmartIQ User writes its audit record inside the user's transaction when the runtime's audit sink is the directory", async () => {
  const db = new Database(":memory:");
  directoryOnDatabase(db, { env: {}, adminPassword: "Adm1n-Test-Pass!" });
  const directory = new ObservedDirectory(db, { file: ":memory:", now: () => new Date("2026-03-01T09:00:00Z") });
  const runtime = createRuntime({ directory });
  try {
    const pipeline = pipelineOf({
      name: "One user",
      questions: { q1: { label: "Username", type: "text" } },
      actions: [{ name: "Create User", type: "SmartIQ User", inputs: { "Preferred Username": "=[q1]", "Update Existing User": false } }],
    });
    const result = await runtime.run(pipeline, { answers: { q1: "jdoe" }, user: "admin" });
    expect(result.status).toBe("succeeded");
    expect(directory.audits).toEqual([{ inTransaction: true, entry: expect.objectContaining({ event: "user.created", user: "admin" }) }]);
    expect(directory.listAudit().items.map((r) => r.event)).toEqual(["user.created"]);
  } finally {
    await runtime.close();
    directory.close();
  }
});
