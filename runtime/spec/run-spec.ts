/**
 * Runs one spec: its pipeline on a runtime whose every dependency is a fake the spec controls,
 * then compares what happened with what it expects.
 *
 * - HTTP: the spec's `http` entries, on undici's MockAgent with real connections disabled.
 * - Directory: a new in-memory SQLite directory plus the spec's roles, groups and users; it is
 *   also the audit sink, as in the embedded host.
 * - Tokens: `spec-token-<username>` for the running user (SmartIQ API, Send Access Token).
 * - SmartIQ: without `connections.smartiq`, SmartIQ API calls go to https://smartiq.test.
 * - Clock: fixed at the spec's `now`; waits (retries, Retry-After) pass at once.
 */
import type { StoredAuditRecord } from "../directory";
import type { Clock, TokenProvider } from "../context";
import type { RunResult } from "../engine/result";
import { SiqError } from "../errors";
import type { Pipeline } from "../pipeline/types";
import { Redactor } from "../redact";
import { createRuntime } from "../runtime";
import type { SqliteDirectory } from "../directory";
import { checkAudit } from "./audit-check";
import { applyDirectoryState, checkDirectoryUsers, directoryContext, openSpecDirectory } from "./directory-state";
import { checkRequests, checkRun } from "./expectations";
import { httpFailures } from "./http-report";
import { loadSpec, problem, SpecInvalidError, type SpecLoadOptions } from "./load-spec";
import { SpecHttp } from "./mock-http";
import { describeMismatch, requestRecord } from "./show-request";
import type { SpecFile, SpecResult, SpecFailure } from "./types";

/** Where SmartIQ API calls go when the pipeline has no `connections.smartiq`. */
export const SPEC_SMARTIQ_BASE_URL = "https://smartiq.test";

/** The fake SmartIQ token a spec's running user gets. */
export function specToken(username: string): string {
  return `spec-token-${username}`;
}

/** Where a spec object's relative pipeline path resolves, host actions, and the name problem lines use. */
export type RunSpecOptions = SpecLoadOptions;

/**
 * Runs a spec file (path) or spec object and returns its result; a failing spec is a result
 * with `passed: false` and its failures. Throws {@link SpecInvalidError} (code SPEC_INVALID)
 * when the spec cannot run: bad JSON, schema, matchers, pipeline, answers or directory state.
 */
export async function runSpec(spec: string | SpecFile | object, options: RunSpecOptions = {}): Promise<SpecResult> {
  const started = performance.now();
  const loaded = await loadSpec(spec, options);
  const clock = specClock(loaded.now);
  const directory = openSpecDirectory(clock);
  try {
    const user = loaded.spec.user ?? "admin";
    const problems = applyDirectoryState(directory, loaded.spec.directory).map((p) => problem(loaded.displayName, p.path, "SPEC_INVALID", p.message));
    const running = directory.findUser(user);
    if (!running) problems.push(problem(loaded.displayName, ["user"], "SPEC_INVALID", `the running user "${user}" is not in the directory; add it under directory.users`));
    else if (running.disabled) problems.push(problem(loaded.displayName, ["user"], "SPEC_INVALID", `the running user "${user}" is disabled; a pipeline runs only as an enabled user`));
    if (problems.length > 0) throw new SpecInvalidError(problems);

    const entries = loaded.spec.http ?? [];
    const context = directoryContext(directory);
    const http = new SpecHttp(entries, context);
    const redactor = specRedactor(loaded.pipeline);
    const tokens: TokenProvider = {
      tokenFor: async (forUser) => {
        const token = specToken(forUser.username);
        redactor.addSecret(token);
        return token;
      },
    };
    const runtime = createRuntime({
      directory,
      tokens,
      dispatcher: http.dispatcher,
      clock,
      ...(options.actions ? { actions: options.actions } : {}),
      settings: { smartiqBaseUrl: SPEC_SMARTIQ_BASE_URL },
    });
    let run: RunResult | undefined;
    let thrown: unknown;
    try {
      run = await runtime.run(loaded.pipeline, { answers: loaded.answers, user });
    } catch (error) {
      thrown = error;
    } finally {
      await runtime.close();
      await http.close();
    }

    const expect = loaded.spec.expect;
    // Requests no entry matched come first: they are usually why everything else differs.
    const fromHttp = httpFailures(http, entries, redactor);
    const failures: SpecFailure[] = fromHttp.filter((f) => f.path === "http");
    if (thrown !== undefined) {
      const error = thrown instanceof SiqError ? thrown : new SiqError("INTERNAL", thrown instanceof Error ? thrown.message : String(thrown));
      failures.push({ path: "run", message: `the run did not complete: ${error.code}: ${redactor.maskText(error.message)}` });
    }
    if (run) failures.push(...checkRun(expect, run, redactor, context));
    if (expect.directory?.users) failures.push(...checkDirectoryUsers(directory, expect.directory.users).map((m) => describeMismatch(m, redactor)));
    if (expect.audit) {
      failures.push(...checkAudit(expect.audit, auditRecords(directory), context).map((f) => ({ path: `audit[${f.index}]`, message: redactor.maskText(f.message) })));
    }
    failures.push(...checkRequests(expect, http.exchanges, redactor, context));
    failures.push(...fromHttp.filter((f) => f.path !== "http"));

    return {
      name: loaded.spec.name,
      file: loaded.file === undefined ? undefined : loaded.displayName,
      status: failures.length === 0 ? "passed" : "failed",
      passed: failures.length === 0,
      durationMs: Math.round(performance.now() - started),
      failures,
      run,
      requests: http.exchanges.map((exchange) => requestRecord(exchange.request, redactor, exchange.entry)),
    };
  } finally {
    directory.close();
  }
}

/** A clock fixed at `now`: sleeps return at once and move it on, so retries and Retry-After cost nothing. */
export function specClock(now: Date): Clock {
  let current = now.getTime();
  return {
    now: () => new Date(current),
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new SiqError("CANCELLED", "The run was cancelled.");
      current += Math.max(0, ms);
    },
  };
}

/** Masks the pipeline's connection credentials wherever a report might show them. */
function specRedactor(pipeline: Pipeline): Redactor {
  const redactor = new Redactor();
  for (const connection of Object.values(pipeline.connections)) {
    const auth = connection.auth as Record<string, unknown> | undefined;
    for (const [key, value] of Object.entries(auth ?? {})) {
      if (key !== "type" && key !== "in" && key !== "name" && key !== "tokenUrl" && key !== "scope" && typeof value === "string") redactor.addSecret(value);
    }
  }
  return redactor;
}

function auditRecords(directory: SqliteDirectory): StoredAuditRecord[] {
  const records: StoredAuditRecord[] = [];
  for (let skip = 0; ; ) {
    const page = directory.listAudit({ skip, top: 1000 });
    records.push(...page.items);
    skip += page.items.length;
    if (page.items.length === 0 || skip >= page.total) return records;
  }
}
