/**
 * Secrets never appear in results, logs, error messages or audit records (SPEC 6): random
 * secret values in connection auth (basic, bearer, apiKey in a header or the query, OAuth 2.0
 * client credentials and password grant against a stand-in token endpoint) and in secret inputs
 * (Basic Auth Password, OAuth Client Secret), through real pipelines run by createRuntime
 * against loopback servers that echo everything they receive, refuse it, redirect it to another
 * origin, never answer, or are not there at all.
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import type { LogLevel } from "../../runtime/context";
import type { SqliteDirectory } from "../../runtime/directory";
import { wellFormed } from "../../runtime/formula/unicode";
import { createRuntime } from "../../runtime/runtime";
import { pipelineOf } from "../helpers/pipelines";
import { json, startRecordingServer, type RecordedRequest, type RecordingServer } from "../helpers/recording-server";
import { openTestDirectory } from "../helpers/test-directory";
import { findLeak, headerSafeSecret, secretText } from "./hostile";

const RUNS = 120;

/** What the stand-in token endpoint expects and hands out in the current run. */
const tokenEndpoint = { clientSecret: "", password: "", accessToken: "", refuse: false };

let service: RecordingServer;
let other: RecordingServer;
let closedPort: number;
const hanging = new Set<ServerResponse>();

function echo(request: RecordedRequest, response: ServerResponse, status = 200): void {
  json(response, status, { method: request.method, url: request.url, headers: request.headers, body: request.body });
}

function basicCredentials(header: string | undefined): [string, string] | undefined {
  const match = /^Basic (.+)$/.exec(header ?? "");
  if (!match) return undefined;
  const text = Buffer.from(match[1] as string, "base64").toString("utf8");
  const at = text.indexOf(":");
  const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, " "));
  return [decode(text.slice(0, at)), decode(text.slice(at + 1))];
}

beforeAll(async () => {
  other = await startRecordingServer((request, response) => echo(request, response), { maxHeaderSize: 1024 * 1024 });
  service = await startRecordingServer(
    (request, response) => {
      const path = request.url.split("?")[0];
      if (path === "/token") {
        const form = new URLSearchParams(request.body);
        const secret = basicCredentials(request.headers.authorization)?.[1] ?? form.get("client_secret");
        const grantOk = form.get("grant_type") === "client_credentials" || form.get("password") === tokenEndpoint.password;
        if (tokenEndpoint.refuse || secret !== tokenEndpoint.clientSecret || !grantOk) {
          // A careless token endpoint: it quotes what it got, secrets included.
          json(response, 401, { message: `refused client secret ${secret ?? ""} and password ${form.get("password") ?? ""}`, received: request.body, headers: request.headers });
          return;
        }
        json(response, 200, { access_token: tokenEndpoint.accessToken, token_type: "Bearer", expires_in: 3600, refresh_token: `${tokenEndpoint.accessToken}-refresh` });
      } else if (path === "/echo") echo(request, response);
      else if (path === "/deny") echo(request, response, 401);
      else if (path === "/redirect") {
        response.writeHead(Number(new URLSearchParams(request.url.split("?")[1]).get("status") ?? 302), { location: `${other.url}/landing?from=redirect` });
        response.end();
      } else if (path === "/hang") hanging.add(response);
      else json(response, 404, {});
    },
    { maxHeaderSize: 1024 * 1024 },
  );
  const probe: Server = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(async () => {
  for (const response of hanging) response.destroy();
  await service.close();
  await other.close();
});

type AuthKind = "basic" | "bearer" | "apiKeyHeader" | "apiKeyQuery" | "oauthClient" | "oauthPassword" | "basicInput" | "oauthInput";
type Outcome = "echo" | "deny" | "redirect" | "refused" | "timeout" | "tokenRefused";

interface Secrets {
  password: string;
  token: string;
  clientSecret: string;
  accessToken: string;
}

// Well-formed Unicode: a lone surrogate cannot be sent as UTF-8 at all, so it could not be a working credential.
const secrets: fc.Arbitrary<Secrets> = fc.record({ password: secretText.map(wellFormed), token: headerSafeSecret, clientSecret: secretText.map(wellFormed), accessToken: headerSafeSecret });

/** The pipeline of one case: one Send to REST Service action, its auth from the connection or its own inputs. */
function pipelineFor(kind: AuthKind, outcome: Outcome, secret: Secrets) {
  const baseUrl = outcome === "refused" ? `http://127.0.0.1:${closedPort}` : service.url;
  const auth: Record<AuthKind, unknown> = {
    basic: { type: "basic", username: "svc", password: "${PASSWORD}" },
    bearer: { type: "bearer", token: "${TOKEN}" },
    apiKeyHeader: { type: "apiKey", in: "header", name: "X-Service-Key", value: "${TOKEN}" },
    apiKeyQuery: { type: "apiKey", in: "query", name: "sig", value: "${PASSWORD}" },
    oauthClient: { type: "oauth2", tokenUrl: `${service.url}/token`, clientId: "client one", clientSecret: "${CLIENT_SECRET}" },
    oauthPassword: { type: "oauth2", tokenUrl: `${service.url}/token`, clientId: "client one", clientSecret: "${CLIENT_SECRET}", username: "jdoe", password: "${PASSWORD}" },
    basicInput: undefined,
    oauthInput: undefined,
  };
  const inputs: Record<string, unknown> = {
    Connection: "api",
    URL: outcome === "deny" ? "/deny" : outcome === "redirect" ? "/redirect?status=307" : outcome === "timeout" ? "/hang" : "/echo",
    "Request Body": { note: "=[q1]" },
    "Request Schema": { type: "object", properties: { note: { type: "string" } } },
    "Fail On Error Status": true,
    "Timeout (Seconds)": outcome === "timeout" ? 0.2 : 5,
  };
  if (kind === "basicInput") Object.assign(inputs, { "Basic Auth Username": "svc", "Basic Auth Password": "=[qs]" });
  if (kind === "oauthInput") Object.assign(inputs, { "OAuth 2.0 Client Id": "client one", "OAuth Client Secret": "=[qs]", "OAuth 2.0 Token URL": `${service.url}/token` });
  return pipelineOf(
    {
      name: "Secrets",
      questions: { q1: { label: "Note", type: "text" }, qs: { label: "Secret", type: "text" } },
      connections: { api: auth[kind] === undefined ? { baseUrl } : { baseUrl, auth: auth[kind] } },
      actions: [{ name: "Call", type: "Send to REST Service", inputs }],
    },
    { PASSWORD: secret.password, TOKEN: secret.token, CLIENT_SECRET: secret.clientSecret },
  );
}

/** The secrets of a case, with the encoded forms that reveal them (Basic credentials). */
function secretsOf(kind: AuthKind, secret: Secrets): string[] {
  const out = [secret.accessToken, `${secret.accessToken}-refresh`];
  if (kind === "basic" || kind === "apiKeyQuery" || kind === "oauthPassword") out.push(secret.password);
  if (kind === "basic") out.push(Buffer.from(`svc:${secret.password}`).toString("base64"));
  if (kind === "basicInput") out.push(secret.clientSecret, Buffer.from(`svc:${secret.clientSecret}`).toString("base64"));
  if (kind === "bearer" || kind === "apiKeyHeader") out.push(secret.token);
  if (kind === "oauthClient" || kind === "oauthPassword" || kind === "oauthInput") out.push(secret.clientSecret);
  return out;
}

const usesTokenEndpoint = (kind: AuthKind) => kind === "oauthClient" || kind === "oauthPassword" || kind === "oauthInput";

describe("secrets in connection auth and secret inputs", () => {
  let directory: SqliteDirectory;
  beforeAll(() => {
    directory = openTestDirectory();
  });
  afterAll(() => directory.close());

  test("never appear in the result, the logs, error messages or the audit log, whatever the server does", async () => {
    const kinds = fc.constantFrom<AuthKind>("basic", "bearer", "apiKeyHeader", "apiKeyQuery", "oauthClient", "oauthPassword", "basicInput", "oauthInput");
    const outcomes = fc.constantFrom<Outcome>("echo", "deny", "redirect", "refused", "timeout", "tokenRefused");
    await fc.assert(
      fc.asyncProperty(kinds, outcomes, secrets, fc.boolean(), async (kind, outcome, secret, noteIsSecret) => {
        if (outcome === "tokenRefused" && !usesTokenEndpoint(kind)) return;
        Object.assign(tokenEndpoint, { clientSecret: secret.clientSecret, password: secret.password, accessToken: secret.accessToken, refuse: outcome === "tokenRefused" });
        service.requests.length = 0;
        other.requests.length = 0;
        const logs: Array<{ level: LogLevel; event: string; fields: unknown }> = [];
        const runtime = createRuntime({ directory, logger: { log: (level, event, fields) => logs.push({ level, event, fields }) } });
        try {
          const pipeline = pipelineFor(kind, outcome, secret);
          // The note is the secret too in some runs: a secret input's value sent in the body must be masked in the echo.
          const answers = { q1: noteIsSecret && kind === "basicInput" ? secret.clientSecret : "hello", qs: secret.clientSecret };
          const result = await runtime.run(pipeline, { answers, user: "admin" });
          const expectedCode: Partial<Record<Outcome, string>> = { deny: "HTTP_ERROR_STATUS", refused: "CONNECTION_FAILED", timeout: "TIMEOUT", tokenRefused: "OAUTH_TOKEN_FAILED" };
          expect(result.actions[0]?.error?.code).toBe(expectedCode[outcome]);
          const leak = findLeak(secretsOf(kind, secret), { result, logs, audit: directory.dump() });
          if (leak) throw new Error(leak);
          // Credentials never reach another origin (SPEC rule 13).
          for (const request of other.requests) {
            expect(request.headers.authorization).toBeUndefined();
            expect(request.headers["x-service-key"]).toBeUndefined();
            expect(request.url).not.toContain("sig=");
          }
          if (outcome === "redirect") expect(other.requests).toHaveLength(1);
        } finally {
          await runtime.close();
        }
      }),
      { numRuns: RUNS },
    );
  });
});
