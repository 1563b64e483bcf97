/**
 * The embedded host in its own process, with one pipeline in its folder (the typical POST to
 * the local server) and the local server allowed as an egress target. Gives its URL and an
 * admin token.
 *
 *   node host.js SERVER_URL FOLDER
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startHost } from "../../runtime/host";
import { serveParent } from "../lib/child";
import { USER_SCHEMA } from "../lib/pipelines";

async function main(): Promise<void> {
  const [serverUrl = "", folder = ""] = process.argv.slice(2);
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
  const host = await startHost({
    dataDir: join(folder, ".siq"),
    pipelinesDir,
    allowHosts: [new URL(serverUrl).host],
    env: { SIQ_ADMIN_PASSWORD: "bench-admin-password-1" },
  });
  const admin = host.directory.findUser("admin");
  if (!admin) throw new Error("bench: the host has no admin user");
  const cpu0 = process.cpuUsage();
  serveParent(
    { url: host.url, token: host.tokens.issue(admin).token },
    {
      stats: () => {
        const cpu = process.cpuUsage(cpu0);
        return { cpuMicros: cpu.user + cpu.system };
      },
    },
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
