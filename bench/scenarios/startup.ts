/**
 * Scenario 6: `siq validate` start-up, as whole processes (the compiled command, wall time
 * from spawn to exit), next to `node -e 0`. Alternating starts; medians.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { BenchConfig } from "../lib/config";
import type { Figure } from "../lib/report";
import { median, pairedRatio } from "../lib/stats";

const ENV = { SIQ_BASE_URL: "https://siq.example.com", SIQ_TOKEN: "bench-token", CRM_USER: "bench", CRM_PASSWORD: "bench-password", NO_COLOR: "1" };

const CPU_REPORT = join(__dirname, "..", "children", "cpu-report.js");

interface Start {
  wallMs: number;
  cpuMs: number;
}

/** One whole process: wall time from spawn to exit, and the CPU time it reports at exit. */
function timed(args: string[], cwd: string): Start {
  const started = performance.now();
  const result = spawnSync(process.execPath, ["-r", CPU_REPORT, ...args], { cwd, env: { ...process.env, ...ENV }, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  const wallMs = performance.now() - started;
  if (result.status !== 0) throw new Error(`bench: ${args.join(" ")} exited ${result.status}: ${result.stdout}${result.stderr}`);
  const cpu = /SIQ_BENCH_CPU_MICROS=(\d+)/.exec(result.stderr)?.[1];
  if (cpu === undefined) throw new Error("bench: the process did not report its CPU time");
  return { wallMs, cpuMs: Number(cpu) / 1000 };
}

export async function startup(config: BenchConfig): Promise<Figure[]> {
  const repoRoot = join(__dirname, "..", "..", "..");
  const siq = join(repoRoot, "dist", "bin", "siq.js");
  if (!existsSync(siq)) throw new Error("bench: dist/bin/siq.js is missing; build first (npm run build)");
  // An example pipeline of the project when there is one, else the bench's copy of SPEC's example.
  const example = join(repoRoot, "examples", "onboard.pipeline.json");
  const pipeline = existsSync(example) ? example : join(repoRoot, "bench", "fixtures", "onboard.pipeline.json");
  const validate = [siq, "validate", pipeline];
  const bare = ["-e", "0"];
  timed(validate, repoRoot); // warm the file cache
  timed(bare, repoRoot);
  const engine: Start[] = [];
  const baseline: Start[] = [];
  for (let i = 0; i < config.starts; i++) {
    if (i % 2 === 0) {
      engine.push(timed(validate, repoRoot));
      baseline.push(timed(bare, repoRoot));
    } else {
      baseline.push(timed(bare, repoRoot));
      engine.push(timed(validate, repoRoot));
    }
  }
  const what = `node dist/bin/siq.js validate ${pipeline.slice(repoRoot.length + 1)}`;
  return (["wallMs", "cpuMs"] as const).map((key) => {
    const a = engine.map((start) => start[key]);
    const b = baseline.map((start) => start[key]);
    return {
      scenario: "6 siq validate start-up",
      metric: key === "wallMs" ? "wall ms" : "CPU ms",
      better: "lower" as const,
      engine: median(a),
      baseline: median(b),
      baselineName: "node -e 0",
      ratio: pairedRatio(a, b),
      samples: { engine: a, baseline: b },
      note: key === "wallMs" ? `${what}: whole process, spawn to exit` : `${what}: CPU time (user + system) the process reports at exit; steadier than wall time on a busy machine`,
    };
  });
}
