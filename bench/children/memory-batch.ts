/**
 * Scenario 7a, in a process of its own so its peak RSS is its own: a batch of runs of the
 * typical pipeline (HTTP answered in-process), 32 at once, each result written as a JSON line
 * to a results file as `siq bulk` does; or, for the baseline, the same number of direct
 * dispatcher requests with a result line each.
 *
 *   node memory-batch.js engine|raw RUNS RESULTS_FILE
 */
import { createWriteStream } from "node:fs";
import { serveParent } from "../lib/child";
import { ImmediateDispatcher } from "../lib/immediate-dispatcher";
import { typicalAnswers, typicalBody } from "../lib/workload";

const CONCURRENCY = 32;

async function main(): Promise<void> {
  const [mode = "engine", runsText = "1000", file = "/dev/null"] = process.argv.slice(2);
  const runs = Number(runsText);
  const out = createWriteStream(file);
  // One shared wait for "drain": 32 writers must not each add a listener.
  let drained: Promise<void> | undefined;
  const write = async (line: string): Promise<void> => {
    if (drained) await drained;
    if (!out.write(`${line}\n`)) drained ??= new Promise<void>((resolve) => out.once("drain", () => ((drained = undefined), resolve())));
  };
  const dispatcher = new ImmediateDispatcher();
  let one: (n: number) => Promise<unknown>;
  if (mode === "engine") {
    // Loaded only here, so the baseline process holds none of the runtime's code.
    const { createRuntime } = await import("../../runtime/runtime.js");
    const { typicalPost } = await import("../lib/pipelines.js");
    const runtime = createRuntime({ dispatcher });
    const pipeline = typicalPost("http://bench.invalid");
    one = (n) => runtime.run(pipeline, { answers: typicalAnswers(n) });
  } else {
    one = async (n) => {
      const response = await dispatcher.request({ origin: "http://bench.invalid", path: "/users", method: "POST", headers: ["content-type", "application/json"], body: typicalBody(n) });
      const text = await response.body.text();
      return { status: response.statusCode, body: text };
    };
  }
  await write(JSON.stringify(await one(-1)));
  const floorRss = process.memoryUsage().rss;
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < runs) {
        const n = next++;
        await write(JSON.stringify({ row: n, result: await one(n) }));
      }
    }),
  );
  await new Promise<void>((resolve) => out.end(resolve));
  serveParent({ peakRssKb: process.resourceUsage().maxRSS, floorRssKb: Math.round(floorRss / 1024), elapsedMs: performance.now() - started }, {});
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
