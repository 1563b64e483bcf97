/**
 * Comparing what happened with `expect`: the run's status, each listed action's status, outputs,
 * error, attempts and messages, and the requests sent. Every difference becomes one failure
 * that names its place, `actions["Create User"].outputs["Existing User Updated"]`.
 */
import type { ExpectedAction, SpecExpect } from "../../schemas/spec";
import type { ActionResult, RunResult } from "../engine/result";
import { formatJsonPath, type PathSegment } from "../pipeline/problems";
import type { Redactor } from "../redact";
import type { HttpExchange } from "./mock-http";
import { matchValue, type MatchContext, type Mismatch } from "./matchers";
import { compareRequest, differingParts } from "./request-match";
import { describeMismatch, requestRecord, showMismatch, showRequest } from "./show-request";
import type { SpecFailure } from "./types";

export function checkRun(expect: SpecExpect, run: RunResult, redactor: Redactor, context?: MatchContext): SpecFailure[] {
  const failures: SpecFailure[] = [];
  const wantedStatus = expect.status ?? "succeeded";
  if (run.status !== wantedStatus) {
    const failed = run.actions.find((action) => action.status === "failed");
    const why = failed?.error ? ` (the action "${failed.name}" failed with ${failed.error.code}: ${firstLine(failed.error.message)})` : "";
    failures.push({ path: "status", message: `expected ${JSON.stringify(wantedStatus)}, got ${JSON.stringify(run.status)}${why}` });
  }
  for (const [name, expected] of Object.entries(expect.actions ?? {})) {
    const actual = run.actions.find((action) => action.name === name);
    if (!actual) {
      failures.push({ path: formatJsonPath(["actions", name]), message: "the action is not in the run's result" });
      continue;
    }
    failures.push(...checkAction(name, expected, actual, redactor, context));
  }
  return failures;
}

function checkAction(name: string, expected: ExpectedAction, actual: ActionResult, redactor: Redactor, context: MatchContext | undefined): SpecFailure[] {
  const failures: SpecFailure[] = [];
  const base: PathSegment[] = ["actions", name];
  const push = (mismatches: Mismatch[]) => {
    for (const mismatch of mismatches) failures.push(describeMismatch(mismatch, redactor, base));
  };
  // Outputs are expected of an action that succeeded, an error of one that failed.
  const wantedStatus = expected.status ?? (expected.error !== undefined ? "failed" : expected.outputs !== undefined ? "succeeded" : undefined);
  if (wantedStatus !== undefined && actual.status !== wantedStatus) {
    const why = actual.error ? ` (${actual.error.code}: ${firstLine(actual.error.message)})` : "";
    failures.push({ path: formatJsonPath([...base, "status"]), message: `expected ${JSON.stringify(wantedStatus)}, got ${JSON.stringify(actual.status)}${why}` });
  }
  if (expected.outputs !== undefined && actual.status === "succeeded") {
    const mismatches: Mismatch[] = [];
    for (const [output, value] of Object.entries(expected.outputs)) {
      matchValue(value, actual.outputs && Object.hasOwn(actual.outputs, output) ? actual.outputs[output] : undefined, mismatches, ["outputs", output], context);
    }
    push(mismatches);
  }
  if (expected.error !== undefined && actual.status === "failed") {
    const mismatches: Mismatch[] = [];
    if (expected.error.code !== undefined) matchValue(expected.error.code, actual.error?.code, mismatches, ["error", "code"]);
    if (expected.error.message !== undefined) matchValue(expected.error.message, actual.error?.message, mismatches, ["error", "message"], context);
    push(mismatches);
  }
  if (expected.attempts !== undefined) push(matchValue(expected.attempts, actual.attempts, [], ["attempts"]));
  if (expected.messages !== undefined) push(matchValue(expected.messages, actual.messages ?? [], [], ["messages"], context));
  return failures;
}

/** `expect.requests`: exactly these requests, in the order sent. */
export function checkRequests(expect: SpecExpect, exchanges: readonly HttpExchange[], redactor: Redactor, context?: MatchContext): SpecFailure[] {
  const wanted = expect.requests;
  if (wanted === undefined) return [];
  const failures: SpecFailure[] = [];
  wanted.forEach((request, i) => {
    const exchange = exchanges[i];
    const path = formatJsonPath(["requests", i]);
    if (!exchange) {
      failures.push({ path, message: `expected ${request.method.toUpperCase()} ${String(request.url)}, but only ${exchanges.length} request${exchanges.length === 1 ? " was" : "s were"} sent` });
      return;
    }
    const comparison = compareRequest(request, exchange.request, context);
    const parts = differingParts(comparison);
    if (parts.length === 0) return;
    const lines = [`request ${i + 1} differs in ${parts.join(", ")}:`];
    for (const part of parts) for (const mismatch of comparison[part]) lines.push(`  ${showMismatch(mismatch, redactor)}`);
    failures.push({ path, message: lines.join("\n") });
  });
  for (let i = wanted.length; i < exchanges.length; i++) {
    const exchange = exchanges[i] as HttpExchange;
    failures.push({ path: formatJsonPath(["requests", i]), message: ["a request was sent that expect.requests does not list:", ...showRequest(requestRecord(exchange.request, redactor, exchange.entry), "  ")].join("\n") });
  }
  return failures;
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
