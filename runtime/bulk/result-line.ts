/**
 * One line of the results file. Kept small: the outputs of the actions that produced any (as the
 * run result gives them, secrets masked as the runtime masks them) and, for a failed row, the
 * error that stopped it. Per-action statuses, attempts and messages are left out; run a single
 * row with `siq run --set ...` to see them.
 */
import type { RunResult } from "../engine/result";
import type { SiqError } from "../errors";
import type { JsonValue } from "../values";

export interface RowError {
  code: string;
  message: string;
  /** The action that failed, when an action failed. */
  action?: string;
  /** The question whose answer did not convert (invalid rows). */
  question?: string;
}

export interface ResultLine {
  row: number;
  line: number;
  status: "succeeded" | "failed" | "invalid";
  /** Outputs by action name, then output name. */
  outputs?: Record<string, Record<string, JsonValue>>;
  error?: RowError;
  /** The row had started before an earlier run stopped, and was run again (SPEC 11.16). */
  resumed?: true;
  durationMs: number;
}

export function resultFromRun(row: number, line: number, result: RunResult, resumed: boolean): ResultLine {
  const outputs: Record<string, Record<string, JsonValue>> = {};
  let any = false;
  let error: RowError | undefined;
  for (const action of result.actions) {
    if (action.outputs && Object.keys(action.outputs).length > 0 && action.status === "succeeded") {
      outputs[action.name] = action.outputs;
      any = true;
    }
    if (!error && action.status === "failed" && action.error && result.status === "failed") {
      error = { code: action.error.code, message: action.error.message, action: action.name };
    }
  }
  return {
    row,
    line,
    status: result.status,
    ...(any ? { outputs } : {}),
    ...(error ? { error } : {}),
    ...(resumed ? { resumed: true as const } : {}),
    durationMs: result.durationMs,
  };
}

export function resultFromError(row: number, line: number, error: SiqError, durationMs: number, resumed: boolean): ResultLine {
  return {
    row,
    line,
    status: "failed",
    error: { code: error.code, message: error.message, ...(error.action !== undefined ? { action: error.action } : {}) },
    ...(resumed ? { resumed: true as const } : {}),
    durationMs,
  };
}

export function invalidResult(row: number, line: number, message: string, question: string | undefined): ResultLine {
  return { row, line, status: "invalid", error: { code: "ANSWERS_INVALID", message, ...(question !== undefined ? { question } : {}) }, durationMs: 0 };
}
