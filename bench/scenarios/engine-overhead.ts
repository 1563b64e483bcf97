/**
 * Scenario 2: the engine's cost per action in microseconds, with HTTP answered in-process at
 * once (no network, no server), next to calling the same dispatcher directly. One run at a
 * time, so each figure is a latency.
 */
import { createRuntime } from "../../runtime/runtime";
import type { BenchConfig } from "../lib/config";
import { ImmediateDispatcher } from "../lib/immediate-dispatcher";
import { minimalGet, pipelineFrom, typicalAnswers, typicalBody, typicalPost } from "../lib/pipelines";
import type { Figure } from "../lib/report";
import { asyncRate, interleave, median, pairedRatio } from "../lib/stats";

const BASE = "http://bench.invalid";
const CHAIN = 10;

export async function engineOverhead(config: BenchConfig): Promise<Figure[]> {
  const dispatcher = new ImmediateDispatcher();
  const runtime = createRuntime({ dispatcher });
  const chain = pipelineFrom({
    name: "Bench chain",
    connections: { api: { baseUrl: BASE } },
    actions: Array.from({ length: CHAIN }, (_, i) => ({ name: `Call ${i + 1}`, type: "Send to REST Service", inputs: { Connection: "api", URL: `/ping/${i}`, "HTTP Method": "GET" } })),
  });
  const get = minimalGet(BASE);
  const post = typicalPost(BASE);

  const direct = async (method: "GET" | "POST", n: number): Promise<void> => {
    const response = await dispatcher.request({
      origin: BASE,
      path: method === "GET" ? "/ping" : "/users",
      method,
      headers: method === "GET" ? ["accept", "*/*"] : ["accept", "*/*", "content-type", "application/json"],
      body: method === "GET" ? null : typicalBody(n),
    });
    const text = await response.body.text();
    if (method === "POST" && (JSON.parse(text) as { id: number }).id !== 42) throw new Error("unexpected response");
  };
  const ok = (result: Awaited<ReturnType<typeof runtime.run>>) => {
    if (result.status !== "succeeded") throw new Error(`bench run failed: ${JSON.stringify(result.actions.find((a) => a.error)?.error)}`);
  };

  const cases = [
    { label: "2a GET, 1 action/run", actions: 1, engine: async () => ok(await runtime.run(get)), baseline: (n: number) => direct("GET", n) },
    { label: "2b POST+schema+Output Path", actions: 1, engine: async (n: number) => ok(await runtime.run(post, { answers: typicalAnswers(n) })), baseline: (n: number) => direct("POST", n) },
    { label: `2c GET, ${CHAIN} actions/run`, actions: CHAIN, engine: async () => ok(await runtime.run(chain)), baseline: (n: number) => direct("GET", n) },
  ];
  const figures: Figure[] = [];
  for (const c of cases) {
    await asyncRate(config.microMs, c.engine);
    await asyncRate(config.microMs, c.baseline);
    // Microseconds per action: a run of `actions` actions against one direct request each.
    const rounds = await interleave(
      config.rounds,
      async () => 1e6 / (await asyncRate(config.microMs, c.engine)) / c.actions,
      async () => 1e6 / (await asyncRate(config.microMs, c.baseline)),
    );
    const engine = median(rounds.a);
    const baseline = median(rounds.b);
    figures.push({
      scenario: c.label,
      metric: "µs/action",
      better: "lower",
      engine,
      baseline,
      baselineName: "dispatcher.request() + read body, same in-process dispatcher",
      ratio: pairedRatio(rounds.a, rounds.b),
      samples: { engine: rounds.a, baseline: rounds.b },
      note: `engine overhead ≈ ${Math.round(engine - baseline)} µs per action`,
    });
  }
  await runtime.close();
  return figures;
}
