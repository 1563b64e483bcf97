/**
 * Runs one contender of scenario 1 or 2 alone for a while, to profile it:
 *
 *   node --cpu-prof --cpu-prof-dir=prof dist/bench/profile.js post [seconds]
 *
 * Contenders: `get`, `post` (the engine against the local server, 32 at once), `raw-get`,
 * `raw-post` (raw undici), `inproc` and `inproc-get` (the typical and the minimal pipeline on
 * the in-process dispatcher, one at a time).
 */
import { Agent, request } from "undici";
import { createRuntime } from "../runtime/runtime";
import { startChild } from "./lib/child";
import { ImmediateDispatcher } from "./lib/immediate-dispatcher";
import { AGENT_OPTIONS, minimalGet, typicalAnswers, typicalBody, typicalPost } from "./lib/pipelines";
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

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
