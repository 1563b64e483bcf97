/**
 * Pipelines of the host's folder: `GET /api/v1/pipelines` lists them with their questions;
 * `POST /api/v1/pipelines/{name}/run` { answers } runs one as the caller (or the X-As-User
 * user) and answers with the run's result (SPEC 6). Answers are converted as on the command
 * line; invalid answers are a 400 listing every problem. The host never runs a pipeline sent in
 * a request: only files in its folder.
 */
import type { FastifyInstance } from "fastify";
import { convertAnswers } from "../../answers";
import { CHECKED_USER } from "../../runtime";
import { ApiError } from "../api-error";
import { actingUser, connectionSignal, pathOf, respond, type HostContext } from "../host-context";
import { pageBody, pageQuery, slicePage } from "../paging";
import { FORMAT_QUERY, PAGE_QUERY, RUN_BODY } from "../schemas";

export function registerPipelineRoutes(app: FastifyInstance, host: HostContext): void {
  app.get<{ Querystring: { skip?: string; top?: string; format?: string } }>("/api/v1/pipelines", { schema: { querystring: PAGE_QUERY }, config: { pageSession: true } }, async (request, reply) => {
    const page = pageQuery(request.query);
    const all = host.pipelines ? await host.pipelines.list() : [];
    return respond(request, reply, 200, pageBody(slicePage(all, page), all.length, page, pathOf(request), request.query), { root: "Pipelines", item: "Pipeline" });
  });

  app.post<{ Params: { name: string }; Body: { answers?: Record<string, unknown> } | undefined }>(
    "/api/v1/pipelines/:name/run",
    { schema: { body: RUN_BODY, querystring: FORMAT_QUERY } },
    async (request, reply) => {
      const user = actingUser(request);
      if (!host.pipelines) throw new ApiError(404, "PIPELINE_NOT_FOUND", "This host has no pipelines folder.");
      const pipeline = await host.pipelines.load(request.params.name);
      const { answers, problems } = convertAnswers(pipeline.questions, request.body?.answers ?? {});
      if (problems.length > 0) {
        throw new ApiError(400, "ANSWERS_INVALID", `The answers have ${problems.length} problem${problems.length === 1 ? "" : "s"}: ${problems.map((p) => p.message).join("; ")}.`, {
          details: { problems },
        });
      }
      // A caller that goes away cancels its run; a host shutting down lets runs finish.
      const result = await host.runtime().run(pipeline, { answers, user: user.username, signal: connectionSignal(request), [CHECKED_USER]: user });
      return respond(request, reply, 200, result, { root: "RunResult" });
    },
  );
}

