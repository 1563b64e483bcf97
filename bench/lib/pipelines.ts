/** The pipelines the scenarios run, built through the same loader and checks as a file. */
import { inspectPipelineData } from "../../runtime/pipeline/load";
import { PipelineInvalidError, errorCount } from "../../runtime/pipeline/problems";
import type { Pipeline } from "../../runtime/pipeline/types";

/**
 * Keep-alive settings shared by the engine's dispatcher and the raw undici baseline, so the
 * two differ only by what the engine does.
 */
export const AGENT_OPTIONS = { keepAliveTimeout: 10_000, keepAliveMaxTimeout: 600_000, connections: 128, headersTimeout: 0, bodyTimeout: 0 } as const;

export function pipelineFrom(data: unknown, env: Record<string, string> = {}): Pipeline {
  const result = inspectPipelineData(data, { env, displayName: "bench.pipeline.json" }, "error");
  if (!result.pipeline || errorCount(result.problems) > 0) throw new PipelineInvalidError(result.problems);
  return result.pipeline;
}

export const USER_SCHEMA = {
  type: "object",
  required: ["username", "email"],
  properties: { username: { type: "string" }, email: { type: "string", format: "email" }, groups: { type: "array", items: { type: "string" } } },
};

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

export function typicalAnswers(n: number): Record<string, unknown> {
  return { q1: `user${n}`, q2: `User${n}@Example.com`, q37: [{ GroupName: "Sales" }, { GroupName: "Support" }] };
}

/** The body the typical pipeline sends for run n, as the raw baseline sends it. */
export function typicalBody(n: number): string {
  return JSON.stringify({ username: `user${n}`, email: `user${n}@example.com`, groups: ["Sales", "Support"] });
}
