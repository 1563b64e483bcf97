/**
 * Medians over several `npm run bench` runs: one run's figures move with the machine's load, so
 * the figures in docs/performance.md are the medians of a few whole runs.
 *
 *   cp bench/results.json run1.json   (after each `npm run bench`)
 *   node dist/bench/summarize.js run1.json run2.json run3.json
 */
import { readFileSync } from "node:fs";
import { formatTable, isPending, type Figure, type Row } from "./lib/report";
import { median } from "./lib/stats";

interface Results {
  machine: { cpus: number; cpuModel: string; node: string; commit: string };
  quick: boolean;
  rows: Row[];
}

function main(): void {
  const files = process.argv.slice(2);
  if (files.length === 0) throw new Error("usage: node dist/bench/summarize.js RESULTS.json...");
  const runs = files.map((file) => JSON.parse(readFileSync(file, "utf8")) as Results);
  const byKey = new Map<string, Figure[]>();
  const pending = new Map<string, Row>();
  for (const run of runs) {
    for (const row of run.rows) {
      if (isPending(row)) {
        pending.set(row.scenario, row);
        continue;
      }
      const key = `${row.scenario}\u0000${row.metric}`;
      byKey.set(key, [...(byKey.get(key) ?? []), row]);
    }
  }
  const rows: Row[] = [];
  for (const figures of byKey.values()) {
    const first = figures[0] as Figure;
    rows.push({
      ...first,
      engine: median(figures.map((f) => f.engine)),
      baseline: median(figures.map((f) => f.baseline)),
      ratio: median(figures.map((f) => f.ratio)),
      samples: { engine: figures.map((f) => f.engine), baseline: figures.map((f) => f.baseline) },
    });
  }
  rows.push(...pending.values());
  const machine = runs[0]?.machine;
  if (machine) console.log(`${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}; commits ${[...new Set(runs.map((r) => r.machine.commit))].join(", ")}`);
  console.log(`Medians of ${runs.length} run(s)${runs.some((r) => r.quick) ? " (some quick: not meaningful)" : ""}; ratio = median of each run's ratio.\n`);
  console.log(formatTable(rows));
}

main();
