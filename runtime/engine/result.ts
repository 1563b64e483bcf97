/** The result of a run (SPEC 6): what `runtime.run` returns and `siq run --json` prints. */
import type { JsonValue } from "../values";

export type RunStatus = "succeeded" | "failed";
export type ActionStatus = "succeeded" | "failed" | "skipped" | "not-run";

export interface ActionError {
  code: string;
  message: string;
}

export interface ActionResult {
  name: string;
  /** The action's display name. */
  type: string;
  status: ActionStatus;
  /** Runs of the action, the first included (absent when skipped or not run). */
  attempts?: number;
  durationMs?: number;
  outputs?: Record<string, JsonValue>;
  messages?: string[];
  error?: ActionError;
}

export interface RunResult {
  pipeline: string;
  status: RunStatus;
  durationMs: number;
  actions: ActionResult[];
}

/** Progress events, for hosts that show actions as they finish (form pages, bulk progress). */
export type RunEvent =
  | { type: "action-started"; index: number; name: string; attempt: number }
  | { type: "action-finished"; index: number; result: ActionResult };
