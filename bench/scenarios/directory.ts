/**
 * Scenario 5: SmartIQ User creations per second through the action (a whole pipeline run, on
 * a temporary directory file with the embedded directory's settings: WAL, synchronous=NORMAL),
 * next to raw better-sqlite3 inserts of the same rows (the user, two group links, the audit
 * record), one IMMEDIATE transaction per user, on a directory file of its own.
 *
 * No passwords: a password is hashed with scrypt, deliberately slow (tens of milliseconds);
 * it would measure the hash, not the action, and it is the same for any implementation.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openDirectory } from "../../runtime/directory";
import { nameKey } from "../../runtime/directory/validation";
import { createRuntime } from "../../runtime/runtime";
import type { BenchConfig } from "../lib/config";
import { pipelineFrom } from "../lib/pipelines";
import type { Figure } from "../lib/report";
import { interleave, median, pairedRatio } from "../lib/stats";

const GROUPS = ["Sales", "Support"];

export async function directoryUsers(config: BenchConfig): Promise<Figure[]> {
  const folder = mkdtempSync(join(tmpdir(), "siq-bench-"));
  try {
    return await measure(config, folder);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function measure(config: BenchConfig, folder: string): Promise<Figure[]> {
  const adminPassword = "bench-admin-password-1";
  const engineFile = join(folder, "engine.sqlite");
  const rawFile = join(folder, "raw.sqlite");
  const engineDir = openDirectory({ file: engineFile, adminPassword }).directory;
  const rawDir = openDirectory({ file: rawFile, adminPassword }).directory;
  for (const directory of [engineDir, rawDir]) for (const name of GROUPS) directory.addGroup({ name });
  rawDir.close();
  const runtime = createRuntime({ directory: engineDir });
  const pipeline = pipelineFrom({
    name: "Bench users",
    questions: { q1: { label: "Username", type: "text" }, q2: { label: "Email", type: "text" }, q37: { label: "Groups", type: "repeat", fields: { GroupName: "text" } } },
    actions: [
      {
        name: "Create User",
        type: "SmartIQ User",
        inputs: {
          "Preferred Username": "=[q1]",
          "Update Existing User": false,
          "First Name": "Bench",
          "Last Name": "=[q1]",
          Email: "=[q2]",
          "Groups to Add": '=Replace([q37.GroupName], "|", Chr(10))',
        },
      },
    ],
  });

  // The raw side: the same rows, prepared statements, one transaction per user.
  // Same file format and settings as the directory's own connection (WAL is kept in the file).
  const db = new Database(rawFile);
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  const groupIds = GROUPS.map((name) => (db.prepare("SELECT id FROM groups WHERE name_key = ?").get(nameKey(name)) as { id: number }).id);
  const insertUser = db.prepare(
    "INSERT INTO users (guid, username, username_key, first_name, last_name, email, disabled, password_hash, must_change_password, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, NULL, 0, ?, ?)",
  );
  const link = db.prepare("INSERT OR IGNORE INTO user_groups (user_id, group_id) VALUES (?, ?)");
  const audit = db.prepare("INSERT INTO audit_log (time, event, user, as_user, method, url, status, detail) VALUES (?, ?, ?, NULL, NULL, NULL, NULL, ?)");
  const create = db.transaction((username: string, email: string) => {
    const time = new Date().toISOString();
    const guid = randomUUID();
    const id = Number(insertUser.run(guid, username, nameKey(username), "Bench", username, email, time, time).lastInsertRowid);
    for (const groupId of groupIds) link.run(id, groupId);
    audit.run(time, "user.created", "admin", `Create User: created "${username}" (${guid})`);
  });

  let next = 0;
  const engineRound = async (): Promise<number> => {
    const started = performance.now();
    for (let i = 0; i < config.users; i++) {
      const n = next++;
      const result = await runtime.run(pipeline, { user: "admin", answers: { q1: `user${n}`, q2: `user${n}@example.com`, q37: GROUPS.map((GroupName) => ({ GroupName })) } });
      if (result.status !== "succeeded") throw new Error(`bench run failed: ${JSON.stringify(result.actions[0]?.error)}`);
    }
    return (config.users * 1000) / (performance.now() - started);
  };
  const rawRound = (): number => {
    const started = performance.now();
    for (let i = 0; i < config.users; i++) {
      const n = next++;
      create.immediate(`user${n}`, `user${n}@example.com`);
    }
    return (config.users * 1000) / (performance.now() - started);
  };
  await engineRound();
  rawRound();
  const rounds = await interleave(config.rounds, engineRound, rawRound);

  // The action writes exactly these rows: check, so the baseline stays the same work.
  await runtime.close();
  engineDir.close();
  const engineDb = new Database(engineFile, { readonly: true });
  const count = (database: Database.Database, table: string) => (database.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  for (const table of ["users", "user_groups", "audit_log"]) {
    if (count(engineDb, table) === 0 || count(engineDb, table) !== count(db, table)) throw new Error(`bench: the action and the raw inserts wrote different rows to ${table}`);
  }
  engineDb.close();
  db.close();
  return [
    {
      scenario: "5 SmartIQ User creations",
      metric: "users/s",
      better: "higher",
      engine: median(rounds.a),
      baseline: median(rounds.b),
      baselineName: "raw better-sqlite3 inserts of the same rows, 1 transaction each",
      ratio: pairedRatio(rounds.a, rounds.b),
      samples: { engine: rounds.a, baseline: rounds.b },
      note: "temporary directory files (WAL, synchronous=NORMAL); no passwords (scrypt would dominate)",
    },
  ];
}
