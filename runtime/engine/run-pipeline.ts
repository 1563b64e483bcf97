/**
 * Runs a checked pipeline: actions in file order, `when`, `retry`, `continueOnError`,
 * cancellation, and the result of SPEC 6. Everything the outside world sees passes through
 * the run's redactor.
 */
import { performance } from "node:perf_hooks";
import type { Answers } from "../answers";
import { bindInputs, evaluateCondition } from "../binding/bind-inputs";
import { AUDIT_TARGET, RUN_SIGNAL, type ActionContext, type AuditSink, type Logger, type PipelineInfo, type RunningUser } from "../context";
import type { ActionPlugin } from "../definition";
import { SiqError, toSiqError } from "../errors";
import type { ReferenceIndex } from "../pipeline/references";
import type { Pipeline, PipelineAction } from "../pipeline/types";
import type { Redactor } from "../redact";
import { silentLogger } from "../silent-logger";
import { toJson, type JsonValue, type Value } from "../values";
import type { ActionResult, RunEvent, RunResult } from "./result";
import { References, RunScope } from "./scope";

/** Everything a run needs besides the pipeline and answers; built by the runtime. */
export interface RunEnvironment {
  plugins: readonly ActionPlugin[];
  services: Omit<ActionContext, "action" | "pipeline" | "user" | "redactor" | "signal" | "dryRun" | "message" | "logger" | "audit"> & {
    logger: Logger;
    audit: AuditSink;
  };
  redactor: Redactor;
  user: RunningUser;
  signal: AbortSignal | undefined;
  dryRun: ActionContext["dryRun"];
  onEvent: ((event: RunEvent) => void) | undefined;
}

export async function runPipeline(pipeline: Pipeline, answers: Answers, env: RunEnvironment): Promise<RunResult> {
  const started = performance.now();
  const { redactor } = env;
  const logger = maskedLogger(env.services.logger, redactor);
  const audit = maskedAudit(env.services.audit, redactor);
  // A run given no signal cannot be cancelled: its actions' `context.signal` is made only if one asks.
  const cancel = env.signal;
  let ownSignal: AbortSignal | undefined;
  const signal = (): AbortSignal => cancel ?? (ownSignal ??= new AbortController().signal);
  const scope = new RunScope(pipeline, answers, referencesOf(pipeline, env.plugins), () => env.services.clock.now());
  const info: PipelineInfo = {
    name: pipeline.name,
    file: pipeline.file,
    baseDir: pipeline.baseDir,
    connections: pipeline.connections as Record<string, JsonValue>,
    culture: pipeline.culture,
    timeZone: pipeline.timeZone,
  };
  const results: ActionResult[] = [];
  let failed = false;
  let stopped = false;
  // Log lines are built only for a logger that keeps them.
  const logging = logger !== silentLogger;
  if (logging) logger.log("info", "run.started", { pipeline: pipeline.name, user: env.user.username });

  for (const action of pipeline.actions) {
    const plugin = env.plugins[action.index];
    const type = plugin?.definition.displayName ?? action.type;
    if (stopped || !plugin) {
      results.push(finish(env, { name: action.name, type, status: "not-run" }, action.index));
      continue;
    }
    if (cancel?.aborted) {
      results.push(finish(env, failure(action.name, type, 0, 0, cancelled()), action.index));
      stopped = true;
      failed = true;
      continue;
    }
    const result = await runAction(action, plugin, type, { env, scope, info, logger, audit, cancel, signal });
    results.push(finish(env, result, action.index));
    if (result.status === "failed" && !action.continueOnError) {
      failed = true;
      stopped = true;
    }
  }

  const result: RunResult = {
    pipeline: pipeline.name,
    status: failed ? "failed" : "succeeded",
    durationMs: Math.round(performance.now() - started),
    actions: results,
  };
  if (logging) logger.log("info", "run.finished", { pipeline: pipeline.name, status: result.status, durationMs: result.durationMs });
  return result;
}

/** Where an action's context finds its run (for the `signal` getter). */
const RUN_STATE: unique symbol = Symbol("siq-actions.run-state");

const LAZY_SIGNAL: PropertyDescriptor = {
  get(this: { [RUN_STATE]: ActionRun }): AbortSignal {
    return this[RUN_STATE].signal();
  },
  enumerable: true,
  configurable: true,
};

const references = new WeakMap<readonly ActionPlugin[], References>();

/**
 * What the pipeline's references point at, worked out once for a pipeline and its plugins (the
 * runtime keeps one plugins list per pipeline): neither changes once the pipeline is checked.
 */
function referencesOf(pipeline: Pipeline, plugins: readonly ActionPlugin[]): References {
  let known = references.get(plugins);
  if (!known) {
    const index: ReferenceIndex = {
      questions: pipeline.questions,
      actions: pipeline.actions.map((action, i) => ({ name: action.name, outputs: plugins[i]?.definition.outputs.map((o) => o.name) })),
    };
    known = new References(index);
    references.set(plugins, known);
  }
  return known;
}

interface ActionRun {
  env: RunEnvironment;
  scope: RunScope;
  info: PipelineInfo;
  logger: Logger;
  audit: AuditSink;
  /** The run's signal, if it was given one. */
  cancel: AbortSignal | undefined;
  /** `context.signal`: the run's signal, or one made on first use that nothing aborts. */
  signal: () => AbortSignal;
}

async function runAction(action: PipelineAction, plugin: ActionPlugin, type: string, run: ActionRun): Promise<ActionResult> {
  const { env, scope, logger } = run;
  const logging = logger !== silentLogger;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  if (action.when !== undefined) {
    let runIt: boolean;
    try {
      runIt = evaluateCondition(action.when, scope, action.name);
    } catch (error) {
      return failure(action.name, type, 1, elapsed(), toSiqError(error), env.redactor);
    }
    if (!runIt) {
      logger.log("info", "action.skipped", { action: action.name });
      return { name: action.name, type, status: "skipped" };
    }
  }

  const attempts = action.retry?.attempts ?? 1;
  let wait = (action.retry?.waitSeconds ?? 1) * 1000;
  const backoff = action.retry?.backoff ?? 1;
  let lastError: SiqError | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    env.onEvent?.({ type: "action-started", index: action.index, name: action.name, attempt });
    const messages: string[] = [];
    try {
      const inputs = bindInputs(plugin, action.inputs, {
        action: action.name,
        baseDir: run.info.baseDir,
        scope,
        onSecret: (value) => env.redactor.addSecret(value),
      });
      if (logging) logger.log("debug", "action.started", { action: action.name, type, attempt });
      // Every field written out (no spread of services): one object literal of fixed shape is
      // several times cheaper to build than a spread followed by more properties. Creating an
      // AbortSignal costs about 3 µs on Node 20 (a sixth of a short run), so a run given none
      // makes one only if an action reads `context.signal`; the runtime's own code reads
      // `cancellationSignal(context)` instead, undefined for such a run.
      const { services } = env;
      const context = {
        action: { name: action.name, type, index: action.index },
        pipeline: run.info,
        user: env.user,
        dispatcher: services.dispatcher,
        directory: services.directory,
        tokens: services.tokens,
        audit: run.audit,
        clock: services.clock,
        logger,
        redactor: env.redactor,
        [RUN_SIGNAL]: run.cancel,
        [RUN_STATE]: run,
        dryRun: env.dryRun,
        message: (text: string) => messages.push(env.redactor.maskText(text)),
        settings: services.settings,
        shared: services.shared,
        egress: services.egress,
      } as Omit<ActionContext, "signal"> as ActionContext;
      // `signal` is an own, enumerable property (a spread copies it) read through one shared
      // getter: the run's signal, made on first use when the run was given none.
      Object.defineProperty(context, "signal", LAZY_SIGNAL);
      const outcome = await plugin.handler(inputs, context);
      scope.setOutputs(action.name, outcome.outputs);
      for (const text of outcome.messages ?? []) messages.push(env.redactor.maskText(text));
      if (logging) logger.log("info", "action.succeeded", { action: action.name, attempt, durationMs: elapsed() });
      return {
        name: action.name,
        type,
        status: "succeeded",
        attempts: attempt,
        durationMs: elapsed(),
        outputs: resultOutputs(plugin, outcome.outputs, env.redactor),
        messages,
      };
    } catch (thrown) {
      lastError = toSiqError(thrown);
      if (run.cancel?.aborted) lastError = cancelled(thrown);
      logger.log("warn", "action.failed", { action: action.name, attempt, code: lastError.code, message: lastError.message });
      const more = attempt < attempts && lastError.retryable && run.cancel?.aborted !== true;
      if (!more) return failure(action.name, type, attempt, elapsed(), lastError, env.redactor, messages);
      try {
        await env.services.clock.sleep(wait, run.cancel);
      } catch (error) {
        return failure(action.name, type, attempt, elapsed(), cancelled(error), env.redactor, messages);
      }
      wait *= backoff;
    }
  }
  // The loop always returns; this satisfies the compiler.
  return failure(action.name, type, attempts, elapsed(), lastError ?? new SiqError("INTERNAL", "no attempt ran"), env.redactor);
}

/**
 * Outputs as JSON for the result. Secrets met during the run are masked, except in outputs the
 * action deliberately returns as secrets (a generated password): SPEC 6, "outputs aside".
 */
function resultOutputs(plugin: ActionPlugin, outputs: Readonly<Record<string, Value>>, redactor: Redactor): Record<string, JsonValue> {
  const secrets = secretOutputsOf(plugin);
  const out: Record<string, JsonValue> = {};
  for (const name of Object.keys(outputs)) {
    const json = toJson(outputs[name]);
    out[name] = secrets.has(name) ? json : redactor.maskKnownSecrets(json);
  }
  return out;
}

const secretOutputs = new WeakMap<ActionPlugin, ReadonlySet<string>>();

/** The names of the outputs a plugin declares secret, found once per plugin. */
function secretOutputsOf(plugin: ActionPlugin): ReadonlySet<string> {
  let names = secretOutputs.get(plugin);
  if (!names) {
    names = new Set(plugin.definition.outputs.filter((output) => output.secret).map((output) => output.name));
    secretOutputs.set(plugin, names);
  }
  return names;
}

function failure(name: string, type: string, attempts: number, durationMs: number, error: SiqError, redactor?: Redactor, messages: string[] = []): ActionResult {
  const message = redactor ? redactor.maskText(error.message) : error.message;
  return { name, type, status: "failed", attempts, durationMs, messages, error: { code: error.code, message } };
}

function cancelled(cause?: unknown): SiqError {
  return new SiqError("CANCELLED", "The run was cancelled before this action finished; nothing after it ran.", { cause });
}

function finish(env: RunEnvironment, result: ActionResult, index: number): ActionResult {
  env.onEvent?.({ type: "action-finished", index, result });
  return result;
}

function maskedLogger(logger: Logger, redactor: Redactor): Logger {
  // Nothing to mask for a logger that drops every line; keeping it recognisable lets the HTTP
  // layer skip building its lines too.
  if (logger === silentLogger) return silentLogger;
  return {
    log: (level, event, fields) => logger.log(level, event, fields === undefined ? undefined : redactor.mask(fields)),
  };
}

function maskedAudit(audit: AuditSink, redactor: Redactor): AuditSink {
  return { record: (entry) => audit.record(redactor.mask(entry)), [AUDIT_TARGET]: audit };
}
