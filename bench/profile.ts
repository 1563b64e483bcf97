/**
 * Runs one contender of scenario 1 or 2 alone for a while, to profile it:
 *
 *   node --cpu-prof --cpu-prof-dir=prof dist/bench/profile.js post [seconds]
 *
 * Contenders: `get`, `post` (the engine against the local server, 32 at once), `raw-get`,
 * `raw-post` (raw undici), `inproc` and `inproc-get` (the typical and the minimal pipeline on
 * the in-process dispatcher, one at a time), `host` (the embedded host in this process, its
 * pipeline endpoint driven by the load generator in another, as in scenario 1c).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { startHost } from "../runtime/host";
import { createRuntime } from "../runtime/runtime";
import { startChild } from "./lib/child";
import { ImmediateDispatcher } from "./lib/immediate-dispatcher";
import { AGENT_OPTIONS, minimalGet, typicalAnswers, typicalBody, typicalPost } from "./lib/pipelines";
import { writeBenchPipeline } from "./lib/host-pipeline";
import { closedLoop } from "./lib/stats";

async function main(): Promise<void> {
  const which = process.argv[2] ?? "post";
  const seconds = Number(process.argv[3] ?? 10);
  if (which === "inproc" || which === "inproc-get") {
    const runtime = createRuntime({ dispatcher: new ImmediateDispatcher() });
    const pipeline = which === "inproc" ? typicalPost("http://bench.invalid") : minimalGet("http://bench.invalid");
    const result = await closedLoop(1, seconds * 1000, (n) => runtime.run(pipeline, { answers: which === "inproc" ? typicalAnswers(n) : {} }));
    console.log(`${which}: ${Math.round(result.perSecond)} runs/s, ${Math.round(result.cpuMicrosPerOp)} µs CPU/run`);
    return;
  }
  const server = await startChild("http-server");
  const baseUrl = server.ready.url as string;
  if (which === "host") {
    await profileHost(baseUrl, seconds);
    await server.stop();
    return;
  }
  const agent = new Agent(AGENT_OPTIONS);
  const runtime = createRuntime({ dispatcher: agent });
  const get = minimalGet(baseUrl);
  const post = typicalPost(baseUrl);
  const contenders: Record<string, (n: number) => Promise<unknown>> = {
    get: () => runtime.run(get),
    post: (n) => runtime.run(post, { answers: typicalAnswers(n) }),
    "raw-get": async () => (await request(`${baseUrl}/ping`, { dispatcher: agent })).body.text(),
    "raw-post": async (n) =>
      (await request(`${baseUrl}/users`, { dispatcher: agent, method: "POST", headers: { "content-type": "application/json" }, body: typicalBody(n) })).body.text(),
  };
  const contender = contenders[which];
  if (!contender) throw new Error(`unknown contender ${which}`);
  const result = await closedLoop(32, seconds * 1000, contender);
  console.log(`${which}: ${Math.round(result.perSecond)} runs/s, ${Math.round(result.cpuMicrosPerOp)} µs CPU/run`);
  await agent.close();
  await server.stop();
}

/** The host here, the load generator in its own process: what the host spends per request. */
async function profileHost(baseUrl: string, seconds: number): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), "siq-bench-host-"));
  const pipelinesDir = writeBenchPipeline(folder, baseUrl);
  const host = await startHost({ dataDir: join(folder, ".siq"), pipelinesDir, allowHosts: [new URL(baseUrl).host], env: { SIQ_ADMIN_PASSWORD: "bench-admin-password-1" } });
  const load = await startChild("load-generator");
  try {
    const admin = host.directory.findUser("admin");
    if (!admin) throw new Error("bench: the host has no admin user");
    const cpu0 = process.cpuUsage();
    const result = await load.call<{ count: number; errors: number; firstError?: string; perSecond: number }>("run", {
      url: `${host.url}/api/v1/pipelines/bench/run`,
      method: "POST",
      headers: { authorization: `Bearer ${host.tokens.issue(admin).token}`, "content-type": "application/json" },
      body: JSON.stringify({ answers: typicalAnswers(1) }),
      concurrency: 32,
      durationMs: seconds * 1000,
    });
    const cpu = process.cpuUsage(cpu0);
    if (result.errors > 0) throw new Error(`bench: ${result.errors} errors (${result.firstError ?? ""})`);
    console.log(`host: ${Math.round(result.perSecond)} runs/s, ${Math.round((cpu.user + cpu.system) / result.count)} µs host CPU/run`);
  } finally {
    await load.stop();
    await host.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
