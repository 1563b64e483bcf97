/**
 * Benchmark of `siq bulk` (prints figures, asserts nothing):
 *
 *   node -r ts-node/register/transpile-only bench/bulk.ts [--rows N] [--memory A,B] [--passwords N] [--json]
 *
 * - throughput: N rows (default 10,000) creating users through the SmartIQ User action, no
 *   passwords, at concurrency 4; then the same command again (every row skipped as done);
 * - password cost: a few rows that set a password (scrypt, slow by design);
 * - memory: peak RSS of whole `siq bulk` processes for A and B rows (default 1,000 and 100,000).
 *
 * `benchBulk()` returns the same figures for a bench runner. Each figure comes from a fresh
 * child process running the real command in a temporary folder.
 * The children run the compiled dist/ when it exists (npm ci builds it; run `npm run build`
 * after changing the sources), otherwise the sources through ts-node, whose TypeScript compiler
 * adds a fixed amount to every RSS figure.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..");
const DIST_PROGRAM = join(ROOT, "dist", "runtime", "cli", "program.js");
const SOURCE_PROGRAM = join(ROOT, "runtime", "cli", "program.ts");

interface ChildResult {
  code: number;
  maxRssKb: number;
  wallMs: number;
  summary: { rows: number; succeeded: number; failed: number; alreadyDone: number; rowsPerSecond: number; durationMs: number };
}

export interface Figures {
  runtime: string;
  node: string;
  cpus: number;
  throughput: { rows: number; concurrency: number; rowsPerSecond: number; seconds: number };
  resumeSkip: { rows: number; rowsPerSecond: number };
  passwords: { rows: number; rowsPerSecond: number; msPerRow: number };
  memory: Array<{ rows: number; peakRssMb: number; rowsPerSecond: number }>;
}

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] !== undefined ? (process.argv[at + 1] as string) : fallback;
}

/** Writes a pipeline and a CSV of `rows` users into a new folder. */
function prepare(rows: number, passwords: boolean): { dir: string; pipeline: string; csv: string } {
  const dir = mkdtempSync(join(tmpdir(), "siq-bench-bulk-"));
  const pipeline = join(dir, "users.pipeline.json");
  writeFileSync(
    pipeline,
    JSON.stringify({
      name: "Bench users",
      questions: { q1: { label: "Username", type: "text", required: true }, q2: { label: "Email", type: "text" }, q3: { label: "Password", type: "text" } },
      actions: [
        {
          name: "Create User",
          type: "SmartIQ User",
          inputs: {
            "Preferred Username": "=[q1]",
            Email: "=[q2]",
            "First Name": "Bench",
            "Update Existing User": false,
            ...(passwords ? { Password: "=[q3]" } : {}),
          },
        },
      ],
    }),
  );
  const csv = join(dir, "users.csv");
  const lines = ["q1,q2,q3"];
  for (let i = 0; i < rows; i++) lines.push(`user${i},user${i}@example.com,${passwords ? `Pass-${i}-word!` : ""}`);
  writeFileSync(csv, `${lines.join("\n")}\n`);
  return { dir, pipeline, csv };
}

/** Runs `siq bulk` in a child process and returns its summary, peak RSS and wall time. */
function runChild(dir: string, args: string[]): Promise<ChildResult> {
  const useDist = existsSync(DIST_PROGRAM);
  const script = `
    const { runCli } = require(${JSON.stringify(useDist ? DIST_PROGRAM : SOURCE_PROGRAM)});
    let out = "";
    const io = { stdout: { write: (t) => { out += t; return true; } }, stderr: { write: () => true }, readStdin: async () => "", env: process.env, cwd: ${JSON.stringify(dir)} };
    runCli(${JSON.stringify(["bulk", ...args, "--json"])}, io).then((code) => {
      process.stdout.write(JSON.stringify({ code, maxRssKb: process.resourceUsage().maxRSS, summary: JSON.parse(out) }) + "\\n");
    });`;
  const started = Date.now();
  const child = spawn(process.execPath, [...(useDist ? [] : ["-r", "ts-node/register/transpile-only"]), "-e", script], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1", SIQ_DATA_DIR: join(dir, ".siq"), SIQ_ADMIN_PASSWORD: "Bench-Admin-Pass-1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  return new Promise((done, fail) => {
    child.on("close", (code) => {
      const last = stdout.trim().split("\n").pop() ?? "";
      try {
        done({ ...(JSON.parse(last) as Omit<ChildResult, "wallMs">), wallMs: Date.now() - started });
      } catch {
        fail(new Error(`the bench child exited ${code}: ${stdout}`));
      }
    });
  });
}

const n = (value: number) => Math.round(value).toLocaleString("en-US");

export interface BulkBenchOptions {
  /** Rows for the throughput figure (default 10,000). */
  rows?: number;
  /** Row counts for the peak-RSS figures (default 1,000 and 100,000). */
  memoryRows?: number[];
  /** Rows for the password figure (default 40). */
  passwordRows?: number;
  /** Where progress lines go (default nowhere). */
  log?: (text: string) => void;
}

/** Runs every figure; for a bench runner (`npm run bench`) to call and print or store. */
export async function benchBulk(options: BulkBenchOptions = {}): Promise<Figures> {
  const rows = options.rows ?? 10_000;
  const memoryRows = options.memoryRows ?? [1_000, 100_000];
  const passwordRows = options.passwordRows ?? 40;
  const log = options.log ?? (() => undefined);
  const folders: string[] = [];
  const figures: Partial<Figures> = {
    runtime: existsSync(DIST_PROGRAM) ? "dist" : "ts-node (RSS includes the TypeScript compiler)",
    node: process.version,
    cpus: cpus().length,
  };
  log(`siq bulk benchmark: node ${process.version}, ${cpus().length} CPUs, running ${figures.runtime}`);
  try {
    const work = prepare(rows, false);
    folders.push(work.dir);
    const first = await runChild(work.dir, [work.pipeline, "--rows", work.csv, "--concurrency", "4"]);
    figures.throughput = { rows, concurrency: 4, rowsPerSecond: first.summary.rowsPerSecond, seconds: first.summary.durationMs / 1000 };
    log(`  ${n(rows)} rows creating users (no password), concurrency 4: ${n(first.summary.rowsPerSecond)} rows/s (${(first.summary.durationMs / 1000).toFixed(1)} s; ${first.summary.succeeded} succeeded)`);
    const again = await runChild(work.dir, [work.pipeline, "--rows", work.csv]);
    const skipRate = again.summary.durationMs > 0 ? (again.summary.alreadyDone * 1000) / again.summary.durationMs : again.summary.alreadyDone;
    figures.resumeSkip = { rows, rowsPerSecond: Math.round(skipRate) };
    log(`  the same command again, every row already done: ${n(skipRate)} rows/s skipped (${again.summary.durationMs} ms)`);

    const withPasswords = prepare(passwordRows, true);
    folders.push(withPasswords.dir);
    const hashed = await runChild(withPasswords.dir, [withPasswords.pipeline, "--rows", withPasswords.csv, "--concurrency", "4"]);
    figures.passwords = { rows: passwordRows, rowsPerSecond: hashed.summary.rowsPerSecond, msPerRow: hashed.summary.durationMs / passwordRows };
    log(
      `  ${n(passwordRows)} rows setting a password (scrypt), concurrency 4: ${hashed.summary.rowsPerSecond} rows/s ` +
        `(${(hashed.summary.durationMs / passwordRows).toFixed(0)} ms per row: the hashing, on libuv's ${process.env.UV_THREADPOOL_SIZE ?? 4} threads)`,
    );

    figures.memory = [];
    for (const count of memoryRows) {
      const sized = prepare(count, false);
      folders.push(sized.dir);
      const result = await runChild(sized.dir, [sized.pipeline, "--rows", sized.csv, "--concurrency", "4"]);
      figures.memory.push({ rows: count, peakRssMb: Math.round(result.maxRssKb / 1024), rowsPerSecond: result.summary.rowsPerSecond });
      log(`  peak RSS for ${n(count)} rows: ${n(result.maxRssKb / 1024)} MB (${n(result.summary.rowsPerSecond)} rows/s)`);
      rmSync(sized.dir, { recursive: true, force: true });
    }
  } finally {
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  }
  return figures as Figures;
}

if (require.main === module) {
  const json = process.argv.includes("--json");
  benchBulk({
    rows: Number(option("--rows", "10000")),
    memoryRows: option("--memory", "1000,100000").split(",").map(Number),
    passwordRows: Number(option("--passwords", "40")),
    ...(json ? {} : { log: (text: string) => console.log(text) }),
  }).then(
    (figures) => {
      if (json) console.log(JSON.stringify(figures, null, 2));
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
