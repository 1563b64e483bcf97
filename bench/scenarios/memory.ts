/**
 * Scenario 7: peak memory (RSS, each in a child process of its own) of a batch of pipeline runs
 * and of a large JSON response through Output Path, each next to its baseline.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChild } from "../lib/child";
import type { BenchConfig } from "../lib/config";
import type { Figure } from "../lib/report";
import { median, pairedRatio } from "../lib/stats";

const MB = 1024;

async function childFigures(name: string, args: string[]): Promise<Record<string, number>> {
  const child = await startChild(name, args);
  await child.stop();
  return child.ready as Record<string, number>;
}

export async function memory(config: BenchConfig): Promise<Figure[]> {
  const folder = mkdtempSync(join(tmpdir(), "siq-bench-"));
  const repeats = config.quick ? 1 : 3;
  try {
    const batch = { engine: [] as number[], baseline: [] as number[], floor: [] as number[] };
    for (let i = 0; i < repeats; i++) {
      const engine = await childFigures("memory-batch", ["engine", String(config.batchRuns), join(folder, "engine.results.jsonl")]);
      const raw = await childFigures("memory-batch", ["raw", String(config.batchRuns), join(folder, "raw.results.jsonl")]);
      batch.engine.push((engine.peakRssKb as number) / MB);
      batch.floor.push((engine.floorRssKb as number) / MB);
      batch.baseline.push((raw.peakRssKb as number) / MB);
    }

    const server = await startChild("http-server", ["--large-mb", String(config.largeMb)]);
    const large = { engine: [] as number[], baseline: [] as number[] };
    const bytes = server.ready.largeBytes as number;
    try {
      const url = `${server.ready.url as string}/large`;
      const limit = String(bytes + 1024 * 1024);
      for (let i = 0; i < repeats; i++) {
        large.engine.push(((await childFigures("memory-large", ["engine", url, limit])).peakRssKb as number) / MB);
        large.baseline.push(((await childFigures("memory-large", ["raw", url, limit])).peakRssKb as number) / MB);
      }
    } finally {
      await server.stop();
    }
    return [
      {
        scenario: `7a batch of ${config.batchRuns.toLocaleString("en-US")} runs`,
        metric: "peak RSS MB",
        better: "lower",
        engine: median(batch.engine),
        baseline: median(batch.baseline),
        baselineName: "the same count of direct dispatcher requests, results written alike",
        ratio: pairedRatio(batch.engine, batch.baseline),
        samples: { engine: batch.engine, baseline: batch.baseline },
        note: `32 at once, results as JSON lines; the engine process holds ${Math.round(median(batch.floor))} MB after loading and one run`,
      },
      {
        scenario: `7b ${Math.round(bytes / 1024 / 1024)} MB JSON via Output Path`,
        metric: "peak RSS MB",
        better: "lower",
        engine: median(large.engine),
        baseline: median(large.baseline),
        baselineName: "undici body.text() + JSON.parse of the same response",
        ratio: pairedRatio(large.engine, large.baseline),
        samples: { engine: large.engine, baseline: large.baseline },
        note: "Output Path $.total on the whole document; response limit raised above its size",
      },
    ];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
