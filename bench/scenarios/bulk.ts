/**
 * Scenario 8: `siq bulk`, folded in from bench/bulk.ts (which the bulk module keeps), run as
 * its own command in a child process so its children use the compiled command:
 *   8a rows per second of a bulk run creating users, next to the same rows through
 *      runtime.run() one after another in this process (what bulk's journal, results file and
 *      row reading add);
 *   8b peak RSS of a bulk run of many rows next to one of few rows (memory must not grow with
 *      the rows file).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDirectory } from "../../runtime/directory";
import { createRuntime } from "../../runtime/runtime";
import type { BenchConfig } from "../lib/config";
import { pipelineFrom } from "../lib/pipelines";
import type { Figure } from "../lib/report";

interface BulkFigures {
  throughput: { rows: number; concurrency: number; rowsPerSecond: number };
  resumeSkip: { rows: number; rowsPerSecond: number };
  passwords: { rows: number; msPerRow: number };
  memory: Array<{ rows: number; peakRssMb: number }>;
}

/** The same pipeline bench/bulk.ts runs, through runtime.run() for each row, in this process. */
async function plainRuns(rows: number): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), "siq-bench-"));
  const { directory } = openDirectory({ file: join(folder, "directory.sqlite"), adminPassword: "Bench-Admin-Pass-1" });
  const runtime = createRuntime({ directory });
  try {
    const pipeline = pipelineFrom({
      name: "Bench users",
      questions: { q1: { label: "Username", type: "text", required: true }, q2: { label: "Email", type: "text" }, q3: { label: "Password", type: "text" } },
      actions: [{ name: "Create User", type: "SmartIQ User", inputs: { "Preferred Username": "=[q1]", Email: "=[q2]", "First Name": "Bench", "Update Existing User": false } }],
    });
    const started = performance.now();
    for (let i = 0; i < rows; i++) {
      const result = await runtime.run(pipeline, { user: "admin", answers: { q1: `user${i}`, q2: `user${i}@example.com`, q3: "" } });
      if (result.status !== "succeeded") throw new Error(`bench run failed: ${JSON.stringify(result.actions[0]?.error)}`);
    }
    return (rows * 1000) / (performance.now() - started);
  } finally {
    await runtime.close();
    directory.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

export async function bulk(config: BenchConfig): Promise<Figure[]> {
  const repoRoot = join(__dirname, "..", "..", "..");
  const rows = config.quick ? 200 : 10_000;
  const memoryRows = config.quick ? [100, 1_000] : [1_000, 100_000];
  const passwords = config.quick ? 4 : 40;
  const output = execFileSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "bench/bulk.ts", "--json", "--rows", String(rows), "--memory", memoryRows.join(","), "--passwords", String(passwords)],
    { cwd: repoRoot, encoding: "utf8", env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" }, maxBuffer: 16 * 1024 * 1024 },
  );
  const figures = JSON.parse(output) as BulkFigures;
  const plain = await plainRuns(rows);
  const [few, many] = figures.memory;
  if (!few || !many) throw new Error("bench: bench/bulk.ts gave no memory figures");
  return [
    {
      scenario: `8a siq bulk, ${rows.toLocaleString("en-US")} users`,
      metric: "rows/s",
      better: "higher",
      engine: figures.throughput.rowsPerSecond,
      baseline: plain,
      baselineName: "the same rows through runtime.run(), one after another",
      ratio: figures.throughput.rowsPerSecond / plain,
      note: `concurrency ${figures.throughput.concurrency}, whole command in a child process; a resumed run skips ${Math.round(figures.resumeSkip.rowsPerSecond).toLocaleString("en-US")} done rows/s; with a password each row takes ${Math.round(figures.passwords.msPerRow)} ms (scrypt)`,
    },
    {
      scenario: "8b siq bulk memory",
      metric: "peak RSS MB",
      better: "lower",
      engine: many.peakRssMb,
      baseline: few.peakRssMb,
      baselineName: `the same command for ${few.rows.toLocaleString("en-US")} rows`,
      ratio: many.peakRssMb / few.peakRssMb,
      note: `${many.rows.toLocaleString("en-US")} rows next to ${few.rows.toLocaleString("en-US")}: a ratio near 1 means memory does not grow with the rows file`,
    },
  ];
}
