/**
 * `POST /api/v1/pipelines/{name}/run/stream` { answers }: the run endpoint for pages that show
 * each action as it finishes. The same checks as `/run` (invalid answers are a plain 400
 * ANSWERS_INVALID before anything runs), then `application/x-ndjson`, one JSON object a line:
 *
 * - `{ "type": "run-started", "pipeline", "actions": [{ "index", "name", "type", "attempts", "secretOutputs" }] }`
 * - the runtime's RunEvents: `action-started` { index, name, attempt } and `action-finished`
 *   { index, result } (a failed one adds `meaning`: what its error code means, from ERROR_CODES)
 * - last, `{ "type": "run-finished", "result" }` (the result `/run` answers with), or
 *   `{ "type": "run-error", "error": { "code", "message" } }` when the run could not go on.
 *
 * The form pages call it with their session cookie (and CSRF token); bearer clients may too.
 */
import { PassThrough } from "node:stream";
import type { FastifyInstance } from "fastify";
import { requireAnswers } from "../../answers";
import type { RunEvent } from "../../engine/result";
import { ERROR_CODES, toSiqError } from "../../errors";
import type { Pipeline } from "../../pipeline/types";
import { CHECKED_USER, type Runtime } from "../../runtime";
import { ApiError, errorBody, statusOf } from "../api-error";
import { actingUser, type HostContext } from "../host-context";
import { RUN_BODY } from "../schemas";

export const NDJSON = "application/x-ndjson; charset=utf-8";

/** An action of the pipeline as the page lists it before it runs. */
export interface StreamedAction {
  index: number;
  name: string;
  /** The action's display name. */
  type: string;
  /** How many times it may run (retry.attempts, else 1). */
  attempts: number;
  /** Outputs the action declares secret (a generated password): the page hides them until asked. */
  secretOutputs: string[];
}

export type StreamLine =
  | { type: "run-started"; pipeline: string; actions: StreamedAction[] }
  | Exclude<RunEvent, { type: "action-finished" }>
  | (Extract<RunEvent, { type: "action-finished" }> & { meaning?: string })
  | { type: "run-finished"; result: unknown }
  | { type: "run-error"; error: { code: string; message: string } };

const NO_QUERY = { type: "object", additionalProperties: false, properties: {} } as const;

export function registerPipelineStreamRoutes(app: FastifyInstance, host: HostContext): void {
  app.post<{ Params: { name: string }; Body: { answers?: Record<string, unknown> } | undefined }>(
    "/api/v1/pipelines/:name/run/stream",
    { schema: { body: RUN_BODY, querystring: NO_QUERY }, config: { pageSession: true } },
    async (request, reply) => {
      const user = actingUser(request);
      if (!host.pipelines) throw new ApiError(404, "PIPELINE_NOT_FOUND", "This host has no pipelines folder.");
      const pipeline = await host.pipelines.load(request.params.name);
      const answers = requireAnswers(pipeline.questions, request.body?.answers ?? {});
      const runtime = host.runtime();

      const stream = new PassThrough();
      const send = (line: StreamLine) => {
        // After the caller left, the rest of the run (cancelled) is told to no one.
        if (!stream.writableEnded && !stream.destroyed) stream.write(`${JSON.stringify(line)}\n`);
      };
      // A caller that goes away cancels its run, as with /run.
      const controller = new AbortController();
      const onClose = () => {
        if (!reply.raw.writableFinished) controller.abort(new Error("The caller closed the connection."));
      };
      reply.raw.once("close", onClose);

      send({ type: "run-started", pipeline: pipeline.name, actions: describeActions(pipeline, runtime) });
      runtime
        .run(pipeline, { answers, user: user.username, signal: controller.signal, [CHECKED_USER]: user, onEvent: (event) => send(withMeaning(event)) })
        .then(
          (result) => send({ type: "run-finished", result }),
          (thrown: unknown) => {
            const error = toSiqError(thrown);
            const status = statusOf(error);
            if (status >= 500) host.logger.log("error", "host.error", { method: request.method, url: request.url.split("?")[0], code: error.code, message: error.message, stack: error.stack });
            request.siq.errorCode = String(error.code);
            const body = errorBody(error, status).error;
            send({ type: "run-error", error: { code: body.code, message: body.message } });
          },
        )
        .finally(() => {
          reply.raw.off("close", onClose);
          stream.end();
        });

      // No proxy should hold the lines back until the run ends.
      reply.header("x-accel-buffering", "no");
      return reply.code(200).type(NDJSON).send(stream);
    },
  );
}

function describeActions(pipeline: Pipeline, runtime: Runtime): StreamedAction[] {
  return pipeline.actions.map((action) => {
    const definition = runtime.actions.find(action.type)?.definition;
    return {
      index: action.index,
      name: action.name,
      type: definition?.displayName ?? action.type,
      attempts: action.retry?.attempts ?? 1,
      secretOutputs: (definition?.outputs ?? []).filter((output) => output.secret === true).map((output) => output.name),
    };
  });
}

function withMeaning(event: RunEvent): StreamLine {
  if (event.type !== "action-finished" || !event.result.error) return event;
  const code = event.result.error.code;
  const meaning = Object.hasOwn(ERROR_CODES, code) ? ERROR_CODES[code as keyof typeof ERROR_CODES] : undefined;
  return meaning === undefined ? event : { ...event, meaning };
}
