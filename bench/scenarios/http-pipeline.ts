/**
 * Scenario 1: a pipeline of one Send to REST Service action against a local node:http server
 * in another process, 32 runs at once, next to raw undici `request()` on an Agent with the
 * same keep-alive settings against the same server.
 */
import { Agent, request } from "undici";
import { createRuntime } from "../../runtime/runtime";
import { startChild } from "../lib/child";
import type { BenchConfig } from "../lib/config";
import { AGENT_OPTIONS, minimalGet, typicalAnswers, typicalBody, typicalPost } from "../lib/pipelines";
import type { Figure } from "../lib/report";
import { closedLoop, interleave, median, pairedRatio, type Throughput } from "../lib/stats";

const CONCURRENCY = 32;

export async function httpPipeline(config: BenchConfig): Promise<Figure[]> {
  const server = await startChild("http-server");
  const baseUrl = server.ready.url as string;
  const engineAgent = new Agent(AGENT_OPTIONS);
  const rawAgent = new Agent(AGENT_OPTIONS);
  const runtime = createRuntime({ dispatcher: engineAgent });
  const figures: Figure[] = [];
  try {
    const get = minimalGet(baseUrl);
    const post = typicalPost(baseUrl);

    const engineGet = async () => {
      const result = await runtime.run(get);
      if (result.status !== "succeeded") throw new Error(`bench run failed: ${JSON.stringify(result.actions[0]?.error)}`);
    };
    const rawGet = async () => {
      const response = await request(`${baseUrl}/ping`, { dispatcher: rawAgent, method: "GET", headers: { accept: "*/*", "user-agent": "bench" } });
      await response.body.text();
    };
    const enginePost = async (n: number) => {
      const result = await runtime.run(post, { answers: typicalAnswers(n) });
      if (result.status !== "succeeded" || result.actions[0]?.outputs?.["Output Path Data"] !== 42) throw new Error(`bench run failed: ${JSON.stringify(result.actions[0])}`);
    };
    const rawPost = async (n: number) => {
      const response = await request(`${baseUrl}/users`, {
        dispatcher: rawAgent,
        method: "POST",
        headers: { accept: "*/*", "user-agent": "bench", "content-type": "application/json" },
        body: typicalBody(n),
      });
      const data = JSON.parse(await response.body.text()) as { id: number };
      if (data.id !== 42) throw new Error("unexpected response");
    };

    for (const [label, engine, raw] of [
      ["1a REST GET, 32 at once", engineGet, rawGet],
      ["1b REST POST+schema+Output Path, 32 at once", enginePost, rawPost],
    ] as const) {
      // Warm up both (JIT, connections) before measuring.
      await closedLoop(CONCURRENCY, config.roundMs / 2, engine);
      await closedLoop(CONCURRENCY, config.roundMs / 2, raw);
      const rounds = await interleave<Throughput>(config.rounds, () => closedLoop(CONCURRENCY, config.roundMs, engine), () => closedLoop(CONCURRENCY, config.roundMs, raw));
      const engineRate = rounds.a.map((r) => r.perSecond);
      const rawRate = rounds.b.map((r) => r.perSecond);
      const engineCpu = rounds.a.map((r) => r.cpuMicrosPerOp);
      const rawCpu = rounds.b.map((r) => r.cpuMicrosPerOp);
      figures.push({
        scenario: label,
        metric: "runs/s",
        better: "higher",
        engine: median(engineRate),
        baseline: median(rawRate),
        baselineName: "raw undici request(), same Agent settings",
        ratio: pairedRatio(engineRate, rawRate),
        target: ">= 0.90",
        samples: { engine: engineRate, baseline: rawRate },
      });
      figures.push({
        scenario: label,
        metric: "client CPU µs/run",
        better: "lower",
        engine: median(engineCpu),
        baseline: median(rawCpu),
        baselineName: "raw undici request(), same Agent settings",
        ratio: pairedRatio(engineCpu, rawCpu),
        samples: { engine: engineCpu, baseline: rawCpu },
        note: "CPU time of the client process per run (server excluded): the engine's cost, free of the server's share of the 2 cores",
      });
    }
  } finally {
    await runtime.close();
    await engineAgent.close();
    await rawAgent.close();
    await server.stop();
  }
  return figures;
}
