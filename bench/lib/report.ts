/** The figures a scenario reports, the table printed at the end, and bench/results.json. */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { round } from "./stats";

export interface Figure {
  /** Scenario number and short name, e.g. "1a REST pipeline, 32 at once". */
  scenario: string;
  /** What is measured and its unit, e.g. "runs/s". */
  metric: string;
  /** Which way is better for this metric. */
  better: "higher" | "lower";
  engine: number;
  baseline: number;
  /** What the baseline is, e.g. "raw undici request()". */
  baselineName: string;
  /** engine / baseline, the median of per-round ratios where rounds were paired. */
  ratio: number;
  /** The goal, when the issue sets one, e.g. ">= 0.90". */
  target?: string;
  /** Every round's figures, for whoever wants to see the spread. */
  samples?: { engine: number[]; baseline: number[] };
  note?: string;
}

export interface Pending {
  scenario: string;
  pending: string;
}

export type Row = Figure | Pending;

export function isPending(row: Row): row is Pending {
  return (row as Pending).pending !== undefined;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  platform: string;
  commit: string;
}

export function machine(repoRoot: string): Machine {
  let cpuModel = cpus()[0]?.model ?? "unknown";
  try {
    cpuModel = /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpuModel;
  } catch {
    // not Linux: os.cpus() is the best we have
  }
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    // not a git checkout
  }
  return {
    cpus: cpus().length,
    cpuModel,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    commit,
  };
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const rounded = round(value, 3);
  return Math.abs(rounded) >= 10_000 ? Math.round(rounded).toLocaleString("en-US") : String(rounded);
}

/** The table of every figure: engine, baseline, ratio, and whether the target is met. */
export function formatTable(rows: readonly Row[]): string {
  const header = ["Scenario", "Metric", "Engine", "Baseline", "Ratio", "Target", "Baseline is"];
  const lines: string[][] = [header];
  for (const row of rows) {
    if (isPending(row)) {
      lines.push([row.scenario, "pending", "", "", "", "", row.pending]);
      continue;
    }
    const arrow = row.better === "higher" ? "↑" : "↓";
    lines.push([row.scenario, `${row.metric} ${arrow}`, formatNumber(row.engine), formatNumber(row.baseline), round(row.ratio, 3).toFixed(3), row.target ?? "", row.baselineName]);
  }
  const widths = header.map((_, column) => Math.max(...lines.map((line) => (line[column] ?? "").length)));
  const numeric = new Set([2, 3, 4]);
  const render = (line: string[]) =>
    line.map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column] as number) : cell.padEnd(widths[column] as number))).join("  ").trimEnd();
  return [render(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.slice(1).map(render)].join("\n");
}

export function writeResults(file: string, data: { machine: Machine; quick: boolean; started: string; durationS: number; rows: readonly Row[] }): void {
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}
