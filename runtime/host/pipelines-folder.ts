/**
 * The host's pipelines folder (`--pipelines DIR`, default ./pipelines): the only pipelines the
 * host runs. `NAME` in the API is the file `NAME.pipeline.json` directly in the folder; names
 * cannot hold a path separator, so no request reaches a file outside it. Loaded pipelines are
 * cached until the file changes.
 *
 * When a file changes: listing the folder always looks at every file, so the list is always
 * current. Running a pipeline looks at its file at most once per `recheckMs` (default one
 * second): an edited, replaced or removed file is used from the first run after that. Looking on
 * every run (a `stat` through the thread pool) cost more than anything else the host does per
 * run but the network and the run itself.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { ActionPlugin } from "../definition";
import { inspectPipelineFile } from "../pipeline/load";
import { errorCount, type Problem } from "../pipeline/problems";
import type { Pipeline, Question } from "../pipeline/types";
import { ApiError } from "./api-error";

export const PIPELINE_SUFFIX = ".pipeline.json";
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/;

export interface PipelineSummary {
  /** The name in the API (the file name without `.pipeline.json`). */
  name: string;
  /** The pipeline's own `name`. */
  title: string | undefined;
  description: string | undefined;
  questions: Readonly<Record<string, Question>>;
  valid: boolean;
  problems?: Array<Pick<Problem, "path" | "column" | "code" | "message" | "severity">>;
}

interface Cached {
  mtimeMs: number;
  size: number;
  pipeline: Pipeline | undefined;
  problems: Problem[];
  /** When the file was last seen unchanged (performance.now()). */
  seenAt: number;
}

export interface PipelinesFolderOptions {
  env: () => Readonly<Record<string, string | undefined>>;
  actions?: readonly ActionPlugin[];
  /** How long a run may use a pipeline without looking at its file again; default 1000 ms. */
  recheckMs?: number;
}

export const DEFAULT_RECHECK_MS = 1000;

export class PipelinesFolder {
  private readonly cache = new Map<string, Cached>();

  constructor(
    readonly dir: string,
    private readonly options: PipelinesFolderOptions,
  ) {}

  async list(): Promise<PipelineSummary[]> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const names = files.filter((file) => file.endsWith(PIPELINE_SUFFIX)).map((file) => file.slice(0, -PIPELINE_SUFFIX.length)).filter((name) => NAME.test(name)).sort();
    const out: PipelineSummary[] = [];
    for (const name of names) {
      const loaded = await this.read(name, 0);
      if (loaded) out.push(summary(name, loaded));
    }
    return out;
  }

  /** A pipeline to run: 404 PIPELINE_NOT_FOUND, or 500 PIPELINE_INVALID listing its problems. */
  async load(name: string): Promise<Pipeline> {
    const loaded = NAME.test(name) ? await this.read(name, this.options.recheckMs ?? DEFAULT_RECHECK_MS) : undefined;
    if (!loaded) throw new ApiError(404, "PIPELINE_NOT_FOUND", `No pipeline "${name}" in the host's pipelines folder; GET /api/v1/pipelines lists them.`);
    if (!loaded.pipeline || errorCount(loaded.problems) > 0) {
      throw new ApiError(500, "PIPELINE_INVALID", `The pipeline "${name}" in the host's pipelines folder has problems; fix the file (siq validate lists them).`, {
        details: { problems: loaded.problems.filter((p) => p.severity === "error").map(publicProblem) },
      });
    }
    return loaded.pipeline;
  }

  /** The file's pipeline, from the cache when its file was seen unchanged less than `recentMs` ago. */
  private async read(name: string, recentMs: number): Promise<Cached | undefined> {
    const cached = this.cache.get(name);
    const now = performance.now();
    if (cached && now - cached.seenAt < recentMs) return cached;
    const file = join(this.dir, `${name}${PIPELINE_SUFFIX}`);
    let info;
    try {
      info = await stat(file);
    } catch {
      this.cache.delete(name);
      return undefined;
    }
    if (!info.isFile()) {
      this.cache.delete(name);
      return undefined;
    }
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) {
      cached.seenAt = now;
      return cached;
    }
    const result = await inspectPipelineFile(file, { env: this.options.env(), displayName: `${name}${PIPELINE_SUFFIX}`, ...(this.options.actions ? { actions: this.options.actions } : {}) }, "defer");
    const entry: Cached = { mtimeMs: info.mtimeMs, size: info.size, pipeline: result.pipeline, problems: result.problems, seenAt: now };
    this.cache.set(name, entry);
    return entry;
  }
}

function summary(name: string, loaded: Cached): PipelineSummary {
  const valid = loaded.pipeline !== undefined && errorCount(loaded.problems) === 0;
  const out: PipelineSummary = {
    name,
    title: loaded.pipeline?.name,
    description: loaded.pipeline?.description,
    questions: loaded.pipeline?.questions ?? {},
    valid,
  };
  if (!valid) out.problems = loaded.problems.map(publicProblem);
  return out;
}

function publicProblem(problem: Problem): Pick<Problem, "path" | "column" | "code" | "message" | "severity"> {
  return { path: problem.path, column: problem.column, code: problem.code, message: problem.message, severity: problem.severity };
}
