/** The pipelines the scenarios run, built through the same loader and checks as a file. */
import { inspectPipelineData } from "../../runtime/pipeline/load";
import { PipelineInvalidError, errorCount } from "../../runtime/pipeline/problems";
import type { Pipeline } from "../../runtime/pipeline/types";
import { USER_SCHEMA } from "./workload";

export { AGENT_OPTIONS, USER_SCHEMA, typicalAnswers, typicalBody } from "./workload";

export function pipelineFrom(data: unknown, env: Record<string, string> = {}): Pipeline {
  const result = inspectPipelineData(data, { env, displayName: "bench.pipeline.json" }, "error");
  if (!result.pipeline || errorCount(result.problems) > 0) throw new PipelineInvalidError(result.problems);
  return result.pipeline;
}

/** The least an HTTP pipeline can be: one GET with a literal URL. */
export function minimalGet(baseUrl: string): Pipeline {
  return pipelineFrom({
    name: "Bench GET",
    connections: { api: { baseUrl } },
    actions: [{ name: "Call", type: "Send to REST Service", inputs: { Connection: "api", URL: "/ping", "HTTP Method": "GET" } }],
  });
}

/**
 * A typical one: POST a body built from answers by formulas, checked against its exact
 * Request Schema, and pick a value from the response with Output Path.
 */
export function typicalPost(baseUrl: string): Pipeline {
  return pipelineFrom({
    name: "Bench POST",
    questions: { q1: { label: "Username", type: "text" }, q2: { label: "Email", type: "text" }, q37: { label: "Groups", type: "repeat", fields: { GroupName: "text" } } },
    connections: { api: { baseUrl } },
    actions: [
      {
        name: "Tell CRM",
        type: "Send to REST Service",
        inputs: {
          Connection: "api",
          URL: "/users",
          "Request Body": { username: "=[q1]", email: "=Lower([q2])", groups: "=Split(Join([q37.GroupName], \"|\"), \"|\")" },
          "Request Schema": USER_SCHEMA,
          "Output Path": "$.id",
        },
      },
    ],
  });
}
