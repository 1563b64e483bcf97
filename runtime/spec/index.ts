/**
 * siq-actions/testing: action specs (SPEC section 10) from code, for use inside Jest or any
 * test runner.
 *
 *   import { runSpec, expectSpecToPass } from "siq-actions/testing";
 *
 *   test("onboarding adds the groups", async () => {
 *     await expectSpecToPass("specs/onboard.spec.json");
 *   });
 *
 * `runSpec` returns the result (passed, failures, the run, the requests); `expectSpecToPass`
 * throws an Error whose message is the readable diff, which is what a test runner shows.
 */
import { SiqError } from "../errors";
import { runSpec, type RunSpecOptions } from "./run-spec";
import type { SpecFile, SpecResult } from "./types";

export { runSpec, specToken, SPEC_SMARTIQ_BASE_URL, type RunSpecOptions } from "./run-spec";
export { loadSpec, SpecInvalidError, DEFAULT_SPEC_NOW, type LoadedSpec, type SpecLoadOptions } from "./load-spec";
export { MATCHER_NAMES, matchValue, type Mismatch } from "./matchers";
export type {
  ExpectedAction,
  ExpectedAudit,
  ExpectedUser,
  SpecDirectory,
  SpecExpect,
  SpecFailure,
  SpecFile,
  SpecHttpEntry,
  SpecRequest,
  SpecRequestRecord,
  SpecResponse,
  SpecResult,
} from "./types";

/** A failed spec as text: a title line, then one `path: expected X, got Y` block per difference. */
export function formatSpecFailures(result: SpecResult): string {
  const where = result.file === undefined ? "" : ` (${result.file})`;
  const lines = [`spec "${result.name}"${where} failed with ${result.failures.length} difference${result.failures.length === 1 ? "" : "s"}:`];
  for (const failure of result.failures) lines.push(indent(`${failure.path}: ${failure.message}`));
  return lines.join("\n");
}

/**
 * Runs a spec and throws when it fails, with the diff as the error's message (code
 * SPEC_FAILED), so a test runner shows exactly what differs. Returns the result when it passes.
 */
export async function expectSpecToPass(spec: string | SpecFile | object, options: RunSpecOptions = {}): Promise<SpecResult> {
  const result = await runSpec(spec, options);
  if (!result.passed) throw new SiqError("SPEC_FAILED", formatSpecFailures(result), { details: { failures: result.failures } });
  return result;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `  ${line}`)
    .join("\n");
}
