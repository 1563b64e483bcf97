/** Builds pipelines from data in tests, through the same loader a file goes through. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspectPipelineData, type LoadResult } from "../../runtime/pipeline/load";
import { PipelineInvalidError, errorCount } from "../../runtime/pipeline/problems";
import type { Pipeline } from "../../runtime/pipeline/types";
import { testActions } from "./test-actions";

/** `baseDir` is the folder Action Documents files are read from (default: the working folder). */
export function inspect(data: unknown, env: Record<string, string> = {}, options: { baseDir?: string } = {}): LoadResult {
  return inspectPipelineData(data, { actions: testActions, env, displayName: "test.pipeline.json", ...options }, "error");
}

export function pipelineOf(data: unknown, env: Record<string, string> = {}, options: { baseDir?: string } = {}): Pipeline {
  const result = inspect(data, env, options);
  if (!result.pipeline || errorCount(result.problems) > 0) throw new PipelineInvalidError(result.problems);
  return result.pipeline;
}

/** Writes text to a new temporary folder and returns the file's path. */
export function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "siq-test-"));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
