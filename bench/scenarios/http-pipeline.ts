/**
 * Scenario 1: a pipeline of one Send to REST Service action against a local node:http server
 * in another process, 32 runs at once, next to raw undici `request()` on an Agent with the
 * same keep-alive settings against the same server (1a, 1b); and the same pipeline run through
 * the embedded host's pipeline endpoint, driven over HTTP by a load generator in a third
 * process, next to the same load generator sending the same request to the server directly (1c).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
    figures.push(await viaHost(config, baseUrl));
  } finally {
    await runtime.close();
    await engineAgent.close();
    await rawAgent.close();
    await server.stop();
  }
  return figures;
}

interface LoadResult {
  count: number;
  errors: number;
  firstError?: string;
  perSecond: number;
}

/** 1c: the host's `POST /api/v1/pipelines/bench/run` next to the server itself, both over HTTP. */
async function viaHost(config: BenchConfig, baseUrl: string): Promise<Figure> {
  const folder = mkdtempSync(join(tmpdir(), "siq-bench-host-"));
  const host = await startChild("host", [baseUrl, folder]);
  const load = await startChild("load-generator");
  try {
    const hostLoad = {
      url: `${host.ready.url as string}/api/v1/pipelines/bench/run`,
      method: "POST",
      headers: { authorization: `Bearer ${host.ready.token as string}`, "content-type": "application/json" },
      body: JSON.stringify({ answers: typicalAnswers(1) }),
      concurrency: CONCURRENCY,
    };
    const directLoad = { url: `${baseUrl}/users`, method: "POST", headers: { "content-type": "application/json" }, body: typicalBody(1), concurrency: CONCURRENCY };
    const run = async (spec: Record<string, unknown>, durationMs: number): Promise<number> => {
      const result = await load.call<LoadResult>("run", { ...spec, durationMs });
      if (result.errors > 0 || result.count === 0) throw new Error(`bench: the load generator saw ${result.errors} errors (${result.firstError ?? "no answers"})`);
      return result.perSecond;
    };
    await run(hostLoad, config.roundMs / 2);
    await run(directLoad, config.roundMs / 2);
    const rounds = await interleave(config.rounds, () => run(hostLoad, config.roundMs), () => run(directLoad, config.roundMs));
    return {
      scenario: "1c host pipeline endpoint, 32 at once",
      metric: "runs/s",
      better: "higher",
      engine: median(rounds.a),
      baseline: median(rounds.b),
      baselineName: "the same load generator POSTing to the server directly",
      ratio: pairedRatio(rounds.a, rounds.b),
      target: ">= 0.50",
      samples: { engine: rounds.a, baseline: rounds.b },
      note: "load generator, host and server in three processes on the same machine; the host authenticates, audits and runs the pipeline per request",
    };
  } finally {
    await load.stop();
    await host.stop();
    rmSync(folder, { recursive: true, force: true });
  }
}
