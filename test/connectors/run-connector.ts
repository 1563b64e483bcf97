/**
 * Runs connector actions the way a user does: a pipeline (data, loaded and checked by the real
 * loader) run by a runtime from createRuntime, against a stand-in on 127.0.0.1. Captures the log
 * lines and dry-run records so tests can look for secrets in everything that leaves the run.
 */
import type { DryRunRequest, Logger } from "../../runtime/context";
import type { ActionPlugin } from "../../runtime/definition";
import type { ActionResult, RunResult } from "../../runtime/engine/result";
import { inspectPipelineData } from "../../runtime/pipeline/load";
import { PipelineInvalidError, errorCount } from "../../runtime/pipeline/problems";
import { createRuntime } from "../../runtime/runtime";
import type { JsonValue } from "../../runtime/values";

export interface ConnectorRun {
  result: RunResult;
  logs: string[];
  dryRuns: DryRunRequest[];
}

export interface PipelineSpec {
  connections: Record<string, JsonValue>;
  actions: Array<{ name: string; type: string; inputs?: Record<string, JsonValue>; when?: string; continueOnError?: boolean; retry?: JsonValue }>;
  questions?: Record<string, JsonValue>;
}

export interface RunConnectorOptions {
  /** Actions besides the built-ins (a connector loaded at test time). */
  actions?: readonly ActionPlugin[];
  answers?: Record<string, unknown>;
  dryRun?: boolean;
}

export async function runPipelineData(spec: PipelineSpec, options: RunConnectorOptions = {}): Promise<ConnectorRun> {
  const data = { name: "connector test", ...spec };
  const loaded = inspectPipelineData(data, { actions: options.actions ?? [], env: {}, displayName: "test.pipeline.json" }, "error");
  if (!loaded.pipeline || errorCount(loaded.problems) > 0) throw new PipelineInvalidError(loaded.problems);
  const logs: string[] = [];
  const logger: Logger = { log: (level, event, fields) => logs.push(`${level} ${event} ${JSON.stringify(fields ?? {})}`) };
  const dryRuns: DryRunRequest[] = [];
  const runtime = createRuntime({ logger, ...(options.actions ? { actions: options.actions } : {}) });
  try {
    const result = await runtime.run(loaded.pipeline, {
      answers: options.answers ?? {},
      ...(options.dryRun ? { dryRun: (request: DryRunRequest) => dryRuns.push(request) } : {}),
    });
    return { result, logs, dryRuns };
  } finally {
    await runtime.close();
  }
}

/** Runs one action and returns its result (and the run's logs). */
export async function runOne(
  connections: Record<string, JsonValue>,
  type: string,
  inputs: Record<string, JsonValue>,
  options: RunConnectorOptions = {},
): Promise<ActionResult & { logs: string[]; dryRuns: DryRunRequest[] }> {
  const run = await runPipelineData({ connections, actions: [{ name: "Step", type, inputs }] }, options);
  const action = run.result.actions[0];
  if (!action) throw new Error("no action result");
  return { ...action, logs: run.logs, dryRuns: run.dryRuns };
}

/** Every place a secret could leak from a run: the result (outputs aside), messages, errors, logs, dry runs. */
export function visibleText(run: { result?: RunResult; logs: string[]; dryRuns: DryRunRequest[] } | (ActionResult & { logs: string[]; dryRuns: DryRunRequest[] }), except: string[] = []): string {
  const strip = (action: ActionResult): unknown => {
    const outputs = Object.fromEntries(Object.entries(action.outputs ?? {}).filter(([name]) => !except.includes(name)));
    return { ...action, outputs };
  };
  const actions = "result" in run && run.result ? run.result.actions.map(strip) : [strip(run as ActionResult)];
  return JSON.stringify({ actions, logs: run.logs, dryRuns: run.dryRuns });
}
