/** The pipeline file the host serves in scenario 1c: the typical POST of scenario 1b. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { USER_SCHEMA } from "./workload";

/** Writes `bench.pipeline.json` into FOLDER/pipelines and returns that folder. */
export function writeBenchPipeline(folder: string, serverUrl: string): string {
  const pipelinesDir = join(folder, "pipelines");
  mkdirSync(pipelinesDir, { recursive: true });
  writeFileSync(
    join(pipelinesDir, "bench.pipeline.json"),
    JSON.stringify({
      name: "Bench POST",
      questions: { q1: { label: "Username", type: "text" }, q2: { label: "Email", type: "text" }, q37: { label: "Groups", type: "repeat", fields: { GroupName: "text" } } },
      connections: { api: { baseUrl: serverUrl } },
      actions: [
        {
          name: "Tell CRM",
          type: "Send to REST Service",
          inputs: {
            Connection: "api",
            URL: "/users",
            "Request Body": { username: "=[q1]", email: "=Lower([q2])", groups: '=Split(Join([q37.GroupName], "|"), "|")' },
            "Request Schema": USER_SCHEMA,
            "Output Path": "$.id",
          },
        },
      ],
    }),
  );
  return pipelinesDir;
}
