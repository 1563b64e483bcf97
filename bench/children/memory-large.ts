/**
 * Scenario 7b, in a process of its own: one large JSON response through Output Path
 * (`$.total`), or, for the baseline, the same response read with undici and parsed with
 * JSON.parse (the least any JSONPath evaluation needs).
 *
 *   node memory-large.js engine|raw URL MAX_BYTES
 */
import { Agent, request } from "undici";
import { serveParent } from "../lib/child";
import { AGENT_OPTIONS } from "../lib/workload";

async function main(): Promise<void> {
  const [mode = "engine", url = "", maxBytesText = "0"] = process.argv.slice(2);
  const agent = new Agent(AGENT_OPTIONS);
  const before = process.memoryUsage().rss;
  let total: unknown;
  if (mode === "engine") {
    const { createRuntime } = await import("../../runtime/runtime.js");
    const { pipelineFrom } = await import("../lib/pipelines.js");
    const runtime = createRuntime({ dispatcher: agent, settings: { maxResponseBytes: Number(maxBytesText) } });
    const pipeline = pipelineFrom({ name: "Large", actions: [{ name: "Fetch", type: "Send to REST Service", inputs: { URL: url, "HTTP Method": "GET", "Output Path": "$.total" } }] });
    const result = await runtime.run(pipeline);
    if (result.status !== "succeeded") throw new Error(`bench run failed: ${JSON.stringify(result.actions[0]?.error)}`);
    total = result.actions[0]?.outputs?.["Output Path Data"];
  } else {
    const response = await request(url, { dispatcher: agent });
    total = (JSON.parse(await response.body.text()) as { total: number }).total;
  }
  if (typeof total !== "number") throw new Error("bench: no total in the large response");
  await agent.close();
  serveParent({ peakRssKb: process.resourceUsage().maxRSS, startRssKb: Math.round(before / 1024), total }, {});
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
