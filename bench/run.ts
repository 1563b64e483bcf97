/**
 * `npm run bench` (and `bench:quick`): every scenario next to its baseline, measured in the
 * same run, printed as one table and written to bench/results.json. See docs/performance.md.
 *
 *   node dist/bench/run.js [--quick] [--only 1,3] [--rounds N]
 */
import { join } from "node:path";
import { configFor } from "./lib/config";
import { formatTable, isPending, machine, writeResults, type Row } from "./lib/report";
import { bulk } from "./scenarios/bulk";
import { directoryUsers } from "./scenarios/directory";
import { engineOverhead } from "./scenarios/engine-overhead";
import { formulas } from "./scenarios/formulas";
import { httpPipeline } from "./scenarios/http-pipeline";
import { memory } from "./scenarios/memory";
import { requestSchema } from "./scenarios/request-schema";
import { startup } from "./scenarios/startup";

const repoRoot = join(__dirname, "..", "..");

interface Scenario {
  id: string;
  title: string;
  run: (config: ReturnType<typeof configFor>) => Promise<Row[]>;
}

const SCENARIOS: Scenario[] = [
  { id: "1", title: "REST pipeline against a local server, 32 at once", run: httpPipeline },
  { id: "2", title: "engine overhead per action, HTTP answered in-process", run: engineOverhead },
  { id: "3", title: "formulas and templates", run: formulas },
  { id: "4", title: "Request Schema validation", run: requestSchema },
  { id: "5", title: "SmartIQ User creations", run: directoryUsers },
  { id: "6", title: "siq validate start-up", run: startup },
  { id: "7", title: "peak memory", run: memory },
  { id: "8", title: "siq bulk (bench/bulk.ts)", run: bulk },
];

function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const config = configFor(quick);
  const rounds = Number(argValue("--rounds"));
  if (Number.isInteger(rounds) && rounds > 0) config.rounds = rounds;
  const only = argValue("--only")?.split(",").map((s) => s.trim());
  const started = new Date();
  const info = machine(repoRoot);
  console.log(`siq-actions benchmarks${quick ? " (quick: small counts, figures not meaningful)" : ""}`);
  console.log(`${info.cpus} × ${info.cpuModel}, ${info.memoryGb} GB, Node ${info.node}, ${info.platform}, commit ${info.commit}\n`);

  const rows: Row[] = [];
  let failed = false;
  for (const scenario of SCENARIOS) {
    if (only && !only.includes(scenario.id)) continue;
    const t0 = performance.now();
    process.stdout.write(`${scenario.id}. ${scenario.title} ... `);
    try {
      const produced = await scenario.run(config);
      rows.push(...produced);
      console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (error) {
      failed = true;
      console.log("FAILED");
      console.error(error);
    }
  }
  console.log(`\n${formatTable(rows)}\n`);
  console.log("Ratio = engine ÷ baseline (↑ higher is better, ↓ lower is better); medians of alternating rounds.");
  const file = join(repoRoot, "bench", "results.json");
  writeResults(file, { machine: info, quick, started: started.toISOString(), durationS: Math.round((Date.now() - started.getTime()) / 1000), rows });
  console.log(`Wrote ${file}`);
  const pending = rows.filter(isPending).length;
  if (pending > 0) console.log(`${pending} figure(s) pending.`);
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
