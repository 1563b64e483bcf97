/**
 * A closed-loop HTTP load generator in its own process (autocannon-like, on undici): N
 * connections, each sending its next request as soon as the last answer is read.
 */
import { Agent, request } from "undici";
import { serveParent } from "../lib/child";

interface Load {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  concurrency: number;
  durationMs: number;
}

const agent = new Agent({ keepAliveTimeout: 30_000, connections: 256 });

async function run(load: Load): Promise<Record<string, unknown>> {
  let count = 0;
  let errors = 0;
  let firstError: string | undefined;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const end = started + load.durationMs;
  await Promise.all(
    Array.from({ length: load.concurrency }, async () => {
      while (performance.now() < end) {
        const response = await request(load.url, { dispatcher: agent, method: load.method, headers: load.headers, body: load.body ?? null });
        const text = await response.body.text();
        if (response.statusCode >= 400) {
          errors++;
          firstError ??= `${response.statusCode} ${text.slice(0, 300)}`;
        } else count++;
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  return { count, errors, firstError, elapsedMs, perSecond: (count * 1000) / elapsedMs, cpuMicros: cpu.user + cpu.system };
}

serveParent({}, { run: (args) => run(args as unknown as Load) });
