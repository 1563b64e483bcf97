/**
 * Secrets through the command line: `siq run --json --verbose` (and `--dry-run`) with random
 * secrets in the environment (Basic password, bearer token, OAuth client secret), the running
 * user's SmartIQ token (the in-process host's, sent with Send Access Token), and servers that
 * echo, refuse or are not there. Nothing secret appears on stdout, stderr or in the directory
 * file (audit log, management log).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { openDirectory } from "../../runtime/directory";
import { wellFormed } from "../../runtime/formula/unicode";
import { siq } from "../helpers/cli";
import { json, startRecordingServer, type RecordingServer } from "../helpers/recording-server";
import { findLeak, headerSafeSecret, secretText } from "./hostile";

const RUNS = 12;
const ADMIN_PASSWORD = "Cli-Review-Admin-Pass!9";

let service: RecordingServer;
let closedPort: number;
let dataDir: string;
const current = { clientSecret: "", accessToken: "" };

beforeAll(async () => {
  service = await startRecordingServer((request, response) => {
    const path = request.url.split("?")[0];
    if (path === "/token") {
      const secret = new URLSearchParams(request.body).get("client_secret") ?? Buffer.from((request.headers.authorization ?? "").slice(6), "base64").toString("utf8").split(":").slice(1).join(":");
      if (decodeURIComponent(secret.replace(/\+/g, " ")) !== current.clientSecret) return json(response, 401, { message: `bad secret ${secret}`, body: request.body });
      return json(response, 200, { access_token: current.accessToken, expires_in: 60 });
    }
    json(response, path === "/deny" ? 403 : 200, { url: request.url, headers: request.headers, body: request.body });
  });
  const probe: Server = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  dataDir = mkdtempSync(join(tmpdir(), "siq-review-cli-"));
  // Created once: later runs reuse the directory file, as a user's runs do.
  openDirectory({ dataDir, env: { SIQ_ADMIN_PASSWORD: ADMIN_PASSWORD } }).directory.close();
});
afterAll(() => service.close());

function writePipeline(dir: string): string {
  const file = join(dir, "secrets.pipeline.json");
  const keep = { continueOnError: true };
  writeFileSync(
    file,
    JSON.stringify({
      name: "Secrets on the command line",
      questions: { q1: { label: "Note", type: "text" } },
      connections: {
        crm: { baseUrl: service.url, auth: { type: "basic", username: "svc", password: "${CRM_PASSWORD}" } },
        idp: { baseUrl: service.url, auth: { type: "oauth2", tokenUrl: "/token", clientId: "cli", clientSecret: "${CLIENT_SECRET}" } },
        down: { baseUrl: `http://127.0.0.1:${closedPort}`, auth: { type: "bearer", token: "${API_TOKEN}" } },
      },
      actions: [
        { name: "Echo basic", type: "Send to REST Service", ...keep, inputs: { Connection: "crm", URL: "/echo", "Request Body": { note: "=[q1]" }, "Request Schema": { type: "object", properties: { note: { type: "string" } } } } },
        { name: "Refused with OAuth", type: "Send to REST Service", ...keep, inputs: { Connection: "idp", URL: "/deny", "HTTP Method": "GET", "Fail On Error Status": true } },
        { name: "Access token", type: "Send to REST Service", ...keep, inputs: { URL: `${service.url}/echo`, "HTTP Method": "GET", "Send Access Token": true } },
        { name: "Nobody there", type: "Send to REST Service", ...keep, inputs: { Connection: "down", URL: "/x", "HTTP Method": "GET" } },
        { name: "Read admin", type: "SmartIQ API", ...keep, inputs: { URL: "/api/v1/admin/users/name/admin", "HTTP Method": "GET", "As-User (Impersonate)": "admin" } },
      ],
    }),
  );
  return file;
}

test("siq run --json --verbose, and --dry-run, never print or store a secret", async () => {
  const dir = mkdtempSync(join(tmpdir(), "siq-review-cli-p-"));
  const file = writePipeline(dir);
  const secrets = fc.record({ password: secretText.map(wellFormed), token: headerSafeSecret, clientSecret: secretText.map(wellFormed), accessToken: headerSafeSecret });
  await fc.assert(
    fc.asyncProperty(secrets, fc.boolean(), async (secret, dryRun) => {
      Object.assign(current, { clientSecret: secret.clientSecret, accessToken: secret.accessToken });
      service.requests.length = 0;
      const env = { SIQ_DATA_DIR: dataDir, CRM_PASSWORD: secret.password, CLIENT_SECRET: secret.clientSecret, API_TOKEN: secret.token, NO_COLOR: "1" };
      const run = await siq(["run", file, "--answers", "-", "--verbose", ...(dryRun ? ["--dry-run"] : ["--json"])], { env, stdin: JSON.stringify({ q1: "hello" }), cwd: dir });
      expect([0, 1]).toContain(run.code);
      // The host's token for the running user, as the echo server received it.
      const hostTokens = service.requests
        .map((request) => /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1])
        .filter((token): token is string => token !== undefined && token !== secret.accessToken);
      if (!dryRun) expect(hostTokens).toHaveLength(1);
      const directory = openDirectory({ dataDir, env: {} }).directory;
      let dump: unknown;
      try {
        dump = directory.dump();
      } finally {
        directory.close();
      }
      const leak = findLeak(
        [secret.password, Buffer.from(`svc:${secret.password}`).toString("base64"), secret.token, secret.clientSecret, secret.accessToken, ADMIN_PASSWORD, ...hostTokens],
        { stdout: run.stdout, stderr: run.stderr, directory: dump },
      );
      if (leak) throw new Error(leak);
    }),
    { numRuns: RUNS },
  );
}, 120_000);
