/** What running a spec gives: pass or fail, every difference, and what was run and sent. */
import type { RunResult } from "../engine/result";

export type { SpecFile, SpecHttpEntry, SpecRequest, SpecResponse, SpecDirectory, SpecExpect, ExpectedAction, ExpectedUser, ExpectedAudit } from "../../schemas/spec";

/** One difference between what a spec expects and what happened. */
export interface SpecFailure {
  /**
   * Where: `status`, `actions["Create User"].outputs["Existing User Updated"]`,
   * `directory.users.jdoe.groups`, `audit[0]`, `http[1]`, `http` (a request no entry matched),
   * `requests[2]`, or `run` (the run itself threw).
   */
  path: string;
  /** What differs, for people: `expected false, got true`, or several lines for a request. */
  message: string;
}

/** A request the pipeline sent, secrets masked. */
export interface SpecRequestRecord {
  method: string;
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body?: string;
  /** The index of the http entry that answered it; absent when none matched. */
  entry?: number;
}

export interface SpecResult {
  /** The spec's name. */
  name: string;
  /** The spec file as given (absent for a spec object). */
  file: string | undefined;
  status: "passed" | "failed";
  passed: boolean;
  durationMs: number;
  /** Empty when the spec passed. */
  failures: SpecFailure[];
  /** The run's result (SPEC 6), as the runtime gave it; absent when the run threw. */
  run: RunResult | undefined;
  /** Every request sent, in order, secrets masked. */
  requests: SpecRequestRecord[];
}
