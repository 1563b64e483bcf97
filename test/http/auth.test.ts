import type { Dispatcher } from "undici";
import { Redactor } from "../../runtime/redact";
import { parseConnectionAuth } from "../../runtime/http/auth/connection-auth";
import { AUTH_INPUT_NAMES, noAuth, readAuthInputs, resolveAuth, type AuthInputs, type ResolveAuthOptions } from "../../runtime/http/auth/resolve-auth";
import { jwtExpiry, TokenCache } from "../../runtime/http/auth/token-cache";
import { createDispatcher } from "../../runtime/http/dispatcher";
import { buildRequestHeaders } from "../../runtime/http/headers";
import { sendRequest } from "../../runtime/http/send-request";
import type { DryRunRequest } from "../../runtime/context";
import { CapturingLogger, caught, FakeClock, sendJson, startServer, type Loopback, type ReceivedRequest } from "./helpers/loopback";

let dispatcher: Dispatcher;
const servers: Loopback[] = [];
beforeAll(() => {
  dispatcher = createDispatcher();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(async () => {
  await dispatcher.close();
});

const CLIENT_SECRET = "client-secret-XYZ";
const USER_PASSWORD = "user-password-QRS";

function basicCredentials(request: ReceivedRequest): [string, string] | undefined {
  const header = request.headers["authorization"];
  if (!header?.startsWith("Basic ")) return undefined;
  const [id, secret] = Buffer.from(header.slice(6), "base64").toString("utf8").split(":");
  return [decodeURIComponent((id ?? "").replace(/\+/g, " ")), decodeURIComponent((secret ?? "").replace(/\+/g, " "))];
}

/**
 * A token endpoint as the RFC describes it: client authentication through Basic (or, with
 * `bodyOnly`, only through form fields), client credentials and password grants, counting
 * tokens handed out.
 */
async function tokenServer(settings: { bodyOnly?: boolean; expiresIn?: number; delayMs?: number } = {}): Promise<Loopback & { issued: () => number }> {
  let issued = 0;
  const server = await startServer(async (req, res) => {
    if (settings.delayMs) await new Promise((resolve) => setTimeout(resolve, settings.delayMs));
    const form = new URLSearchParams(req.body.toString());
    const basic = basicCredentials(req);
    if (settings.bodyOnly && basic) return sendJson(res, 401, { error: "invalid_client", error_description: "client_secret_basic is not allowed" });
    const [clientId, secret] = basic ?? [form.get("client_id") ?? "", form.get("client_secret") ?? ""];
    if (clientId !== "my client" || secret !== CLIENT_SECRET) {
      return sendJson(res, 401, { error: "invalid_client", error_description: `Client authentication failed for secret ${secret}` });
    }
    const grant = form.get("grant_type");
    if (grant === "password" && (form.get("username") !== "jdoe" || form.get("password") !== USER_PASSWORD)) {
      return sendJson(res, 400, { error: "invalid_grant", error_description: "bad user credentials" });
    }
    if (grant !== "password" && grant !== "client_credentials") return sendJson(res, 400, { error: "unsupported_grant_type" });
    issued++;
    sendJson(res, 200, { access_token: `tok-${grant}-${issued}-${form.get("scope") ?? "none"}`, token_type: "bearer", ...(settings.expiresIn === undefined ? {} : { expires_in: settings.expiresIn }) });
  });
  servers.push(server);
  return Object.assign(server, { issued: () => issued });
}

function oauthInputs(tokenUrl: string, extra: Partial<AuthInputs> = {}): AuthInputs {
  return { oauthTokenUrl: tokenUrl, oauthClientId: "my client", oauthClientSecret: CLIENT_SECRET, oauthScope: "users.read", ...extra };
}

function resolveOptions(extra: Partial<ResolveAuthOptions> = {}): ResolveAuthOptions {
  return { tokenCache: new TokenCache(), http: { dispatcher }, redactor: new Redactor(), ...extra };
}

describe("action auth inputs", () => {
  test("readAuthInputs reads the exact input names", () => {
    const inputs = new Map<string, unknown>([
      [AUTH_INPUT_NAMES.basicUsername, "jdoe"],
      [AUTH_INPUT_NAMES.basicPassword, "pw"],
      [AUTH_INPUT_NAMES.sendAccessToken, true],
      ["Unrelated", "x"],
    ]);
    expect(readAuthInputs(inputs as never)).toEqual({ basicUsername: "jdoe", basicPassword: "pw", sendAccessToken: true });
  });

  test("Basic from the inputs, registering the password and its encoded form", async () => {
    const redactor = new Redactor();
    const auth = await resolveAuth({ basicUsername: "jdoe", basicPassword: "pässword!" }, resolveOptions({ redactor }));
    const encoded = Buffer.from("jdoe:pässword!", "utf8").toString("base64");
    expect(auth).toEqual({ source: "action", type: "basic", headers: [["Authorization", `Basic ${encoded}`]], query: [] });
    expect(redactor.maskText(`x pässword! ${encoded} y`)).toBe("x *** *** y");
  });

  test("the action's inputs win over the connection's auth", async () => {
    const auth = await resolveAuth(
      { basicUsername: "action-user", basicPassword: "pw" },
      resolveOptions({ connection: { name: "crm", baseUrl: "https://crm.example/v1", auth: { type: "bearer", token: "connection-token" } } }),
    );
    expect(auth.source).toBe("action");
    expect(auth.headers[0]?.[1]).toBe(`Basic ${Buffer.from("action-user:pw").toString("base64")}`);
  });

  test.each([
    ["Basic and OAuth together", { basicUsername: "a", oauthClientId: "c" }],
    ["Basic and Send Access Token", { basicUsername: "a", sendAccessToken: true }],
    ["a Basic password without a username", { basicPassword: "pw-only" }],
    ["OAuth without a token URL", { oauthClientId: "c", oauthClientSecret: "s" }],
    ["OAuth without a client id", { oauthTokenUrl: "https://idp/token", oauthClientSecret: "s" }],
    ["OAuth client credentials without a secret", { oauthTokenUrl: "https://idp/token", oauthClientId: "c" }],
    ["Send Access Token without a token provider", { sendAccessToken: true }],
  ] as Array<[string, AuthInputs]>)("%s is AUTH_INVALID", async (_name, inputs) => {
    const error = await caught(() => resolveAuth(inputs, resolveOptions()));
    expect(error.code).toBe("AUTH_INVALID");
  });

  test("Send Access Token sends the running user's token as Bearer and masks it", async () => {
    const redactor = new Redactor();
    const auth = await resolveAuth({ sendAccessToken: true }, resolveOptions({ redactor, accessToken: async () => "user-access-token-1" }));
    expect(auth.headers).toEqual([["Authorization", "Bearer user-access-token-1"]]);
    expect(redactor.maskText("user-access-token-1")).toBe("***");
  });

  test("no inputs and no connection: no auth", async () => {
    expect(await resolveAuth({}, resolveOptions())).toEqual({ source: "none", type: "none", headers: [], query: [] });
  });

  test("noAuth answers without waiting exactly when there is nothing to resolve, as resolveAuth would", async () => {
    const none = { source: "none", type: "none", headers: [], query: [] };
    expect(noAuth({}, undefined)).toEqual(none);
    expect(noAuth({}, { name: "crm", baseUrl: "https://crm.example" })).toEqual(await resolveAuth({}, resolveOptions({ connection: { name: "crm", baseUrl: "https://crm.example" } })));
    // Anything set, even blank or invalid, goes through resolveAuth (which checks it).
    expect(noAuth({ basicUsername: "" }, undefined)).toBeUndefined();
    expect(noAuth({ sendAccessToken: true }, undefined)).toBeUndefined();
    expect(noAuth({ oauthScope: "read" }, undefined)).toBeUndefined();
    expect(noAuth({}, { name: "crm", auth: { type: "bearer", token: "t0k3n-1" } })).toBeUndefined();
    expect(noAuth({}, { name: "crm", auth: "basic" })).toBeUndefined();
    // Each answer is its own object: a caller changing it changes no other request's auth.
    expect(noAuth({}, undefined)).not.toBe(noAuth({}, undefined));
  });
});

describe("connection auth", () => {
  test.each([
    [{ type: "basic", username: "u", password: "p4ssw0rd" }, { headers: [["Authorization", `Basic ${Buffer.from("u:p4ssw0rd").toString("base64")}`]], query: [] }],
    [{ type: "bearer", token: "bearer-token-1" }, { headers: [["Authorization", "Bearer bearer-token-1"]], query: [] }],
    [{ type: "apiKey", in: "header", name: "X-Api-Key", value: "header-key-1" }, { headers: [["X-Api-Key", "header-key-1"]], query: [] }],
    [{ type: "apiKey", in: "query", name: "api_key", value: "query-key-1" }, { headers: [], query: [["api_key", "query-key-1"]] }],
  ])("%j", async (auth, expected) => {
    const redactor = new Redactor();
    const resolved = await resolveAuth({}, resolveOptions({ redactor, connection: { name: "crm", baseUrl: "https://crm.example", auth } }));
    expect(resolved).toMatchObject({ source: "connection", type: auth.type, ...expected });
    const secret = Object.values(auth).at(-1) as string;
    expect(redactor.maskText(`say ${secret}`)).toBe("say ***");
  });

  test.each([
    ["not an object", "basic"],
    ["unknown type", { type: "digest" }],
    ["missing field", { type: "basic", username: "u" }],
    ["blank username", { type: "basic", username: "", password: "p" }],
    ["unknown field (typo)", { type: "oauth2", tokenUrl: "https://i/t", clientID: "c", clientSecret: "s" }],
    ["apiKey in body", { type: "apiKey", in: "body", name: "k", value: "v" }],
    ["oauth2 without clientSecret", { type: "oauth2", tokenUrl: "https://i/t", clientId: "c" }],
    ["login outside smartiq", { type: "login", username: "u", password: "p" }],
    ["non-text scope", { type: "oauth2", tokenUrl: "https://i/t", clientId: "c", clientSecret: "s", scope: 5 }],
  ])("%s is AUTH_INVALID, naming fields and never values", (_name, auth) => {
    let error: { code?: string; message?: string } | undefined;
    try {
      parseConnectionAuth(auth, "crm");
    } catch (caughtError) {
      error = caughtError as typeof error;
    }
    expect(error?.code).toBe("AUTH_INVALID");
    expect(error?.message).toContain("connections.crm.auth");
  });

  test("login is accepted for smartiq, and a blank Basic password is allowed", () => {
    expect(parseConnectionAuth({ type: "login", username: "u", password: "p" }, "smartiq", { allowLogin: true })?.type).toBe("login");
    expect(parseConnectionAuth({ type: "basic", username: "u", password: "" }, "crm")?.type).toBe("basic");
    expect(parseConnectionAuth(undefined, "crm")).toBeUndefined();
  });
});

describe("OAuth 2.0", () => {
  test("client credentials: one token request however many requests need the token at once, then reused", async () => {
    const idp = await tokenServer({ expiresIn: 3600, delayMs: 50 });
    const api = await startServer((req, res) => res.end(req.headers["authorization"] ?? "none"));
    servers.push(api);
    const cache = new TokenCache();
    const call = async (): Promise<string> => {
      const auth = await resolveAuth(oauthInputs(`${idp.origin}/token`), resolveOptions({ tokenCache: cache }));
      const response = await sendRequest({ method: "GET", url: `${api.origin}/data`, headers: buildRequestHeaders({ auth }) }, { dispatcher });
      return response.body;
    };
    const bodies = await Promise.all(Array.from({ length: 25 }, call));
    expect(idp.requests).toHaveLength(1);
    expect(new Set(bodies)).toEqual(new Set(["Bearer tok-client_credentials-1-users.read"]));
    await call();
    expect(idp.requests).toHaveLength(1);
    expect(api.requests).toHaveLength(26);
    // RFC 6749: form POST, client authenticated with HTTP Basic, scope sent.
    const tokenRequest = idp.requests[0];
    expect(tokenRequest?.method).toBe("POST");
    expect(tokenRequest?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(basicCredentials(tokenRequest as ReceivedRequest)).toEqual(["my client", CLIENT_SECRET]);
    expect(tokenRequest?.body.toString()).toBe("grant_type=client_credentials&scope=users.read");
  });

  test("a token is refreshed before it expires (fake clock)", async () => {
    const idp = await tokenServer({ expiresIn: 600 });
    const clock = new FakeClock();
    const cache = new TokenCache({ clock });
    const get = async () => (await resolveAuth(oauthInputs(`${idp.origin}/token`), resolveOptions({ tokenCache: cache }))).headers[0]?.[1];
    expect(await get()).toBe("Bearer tok-client_credentials-1-users.read");
    clock.advance(530_000); // 70 s left: more than the 60 s margin
    expect(await get()).toBe("Bearer tok-client_credentials-1-users.read");
    clock.advance(20_000); // 50 s left: refreshed
    expect(await get()).toBe("Bearer tok-client_credentials-2-users.read");
    expect(idp.issued()).toBe(2);
  });

  test("tokens are cached per scope, client and credentials", async () => {
    const idp = await tokenServer({ expiresIn: 3600 });
    const cache = new TokenCache();
    const url = `${idp.origin}/token`;
    await resolveAuth(oauthInputs(url), resolveOptions({ tokenCache: cache }));
    await resolveAuth(oauthInputs(url, { oauthScope: "users.write" }), resolveOptions({ tokenCache: cache }));
    await resolveAuth(oauthInputs(url, { oauthUsername: "jdoe", oauthPassword: USER_PASSWORD }), resolveOptions({ tokenCache: cache }));
    await resolveAuth(oauthInputs(url), resolveOptions({ tokenCache: cache }));
    expect(idp.issued()).toBe(3);
    // A wrong secret is not served the token cached for the right one.
    const error = await caught(() => resolveAuth(oauthInputs(url, { oauthClientSecret: "wrong-secret-1" }), resolveOptions({ tokenCache: cache })));
    expect(error.code).toBe("OAUTH_TOKEN_FAILED");
  });

  test("password grant when a username is given", async () => {
    const idp = await tokenServer();
    const auth = await resolveAuth(oauthInputs(`${idp.origin}/token`, { oauthUsername: "jdoe", oauthPassword: USER_PASSWORD, oauthScope: "" }), resolveOptions());
    expect(auth.headers).toEqual([["Authorization", "Bearer tok-password-1-none"]]);
    expect(Object.fromEntries(new URLSearchParams(idp.requests[0]?.body.toString()))).toEqual({ grant_type: "password", username: "jdoe", password: USER_PASSWORD });
  });

  test("a server that accepts client credentials only in the body gets them there after refusing Basic", async () => {
    const idp = await tokenServer({ bodyOnly: true });
    const auth = await resolveAuth(oauthInputs(`${idp.origin}/token`), resolveOptions());
    expect(auth.headers[0]?.[1]).toBe("Bearer tok-client_credentials-1-users.read");
    expect(idp.requests).toHaveLength(2);
    expect(idp.requests[1]?.headers["authorization"]).toBeUndefined();
    expect(new URLSearchParams(idp.requests[1]?.body.toString()).get("client_secret")).toBe(CLIENT_SECRET);
  });

  test("a 401 from the token endpoint is OAUTH_TOKEN_FAILED with the server's text, masked", async () => {
    const idp = await tokenServer();
    const redactor = new Redactor();
    const secret = "bad-secret-echoed-1";
    const error = await caught(() => resolveAuth(oauthInputs(`${idp.origin}/token`, { oauthClientSecret: secret }), resolveOptions({ redactor })));
    expect(error.code).toBe("OAUTH_TOKEN_FAILED");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("401: invalid_client: Client authentication failed for secret ***");
    expect(error.message).toContain("OAuth Client Secret");
    expect(`${error.message}${JSON.stringify(error.details)}`).not.toContain(secret);
  });

  test("a wrong password is reported as invalid_grant", async () => {
    const idp = await tokenServer();
    const error = await caught(() => resolveAuth(oauthInputs(`${idp.origin}/token`, { oauthUsername: "jdoe", oauthPassword: "nope-nope" }), resolveOptions()));
    expect(error.code).toBe("OAUTH_TOKEN_FAILED");
    expect(error.message).toContain("invalid_grant");
    expect(error.message).toContain("OAuth 2.0 Password");
  });

  test("a failed token request is not cached, and waiters all see the failure", async () => {
    let fail = true;
    const idp = await startServer((_req, res) => (fail ? sendJson(res, 503, { error: "temporarily_unavailable" }) : sendJson(res, 200, { access_token: "late-token-1" })));
    servers.push(idp);
    const cache = new TokenCache();
    const errors = await Promise.all(Array.from({ length: 5 }, () => caught(() => resolveAuth(oauthInputs(`${idp.origin}/t`), resolveOptions({ tokenCache: cache })))));
    expect(errors.map((e) => [e.code, e.retryable])).toEqual(Array.from({ length: 5 }, () => ["OAUTH_TOKEN_FAILED", true]));
    expect(idp.requests).toHaveLength(1);
    fail = false;
    expect((await resolveAuth(oauthInputs(`${idp.origin}/t`), resolveOptions({ tokenCache: cache }))).headers[0]?.[1]).toBe("Bearer late-token-1");
  });

  test("connection oauth2 with a token URL relative to the base URL", async () => {
    const idp = await tokenServer({ expiresIn: 60 });
    const auth = await resolveAuth(
      {},
      resolveOptions({ connection: { name: "crm", baseUrl: `${idp.origin}/v1`, auth: { type: "oauth2", tokenUrl: "/oauth/token", clientId: "my client", clientSecret: CLIENT_SECRET } } }),
    );
    expect(auth).toMatchObject({ source: "connection", type: "oauth2", headers: [["Authorization", "Bearer tok-client_credentials-1-none"]] });
    expect(idp.requests[0]?.url).toBe("/v1/oauth/token");
  });

  test("a cached token is registered with each run's redactor", async () => {
    const idp = await tokenServer({ expiresIn: 3600 });
    const cache = new TokenCache();
    await resolveAuth(oauthInputs(`${idp.origin}/token`), resolveOptions({ tokenCache: cache }));
    const laterRun = new Redactor();
    await resolveAuth(oauthInputs(`${idp.origin}/token`), resolveOptions({ tokenCache: cache, redactor: laterRun }));
    expect(laterRun.maskText("tok-client_credentials-1-users.read")).toBe("***");
  });

  test("in a dry run the token request is recorded, masked, and not sent", async () => {
    const idp = await tokenServer();
    const recorded: DryRunRequest[] = [];
    const auth = await resolveAuth(oauthInputs(`${idp.origin}/token`, { oauthUsername: "jdoe", oauthPassword: USER_PASSWORD }), resolveOptions({ http: { dispatcher, dryRun: (r) => void recorded.push(r), action: "A" } }));
    expect(idp.requests).toHaveLength(0);
    expect(auth.headers[0]?.[0]).toBe("Authorization");
    expect(recorded).toHaveLength(1);
    const text = JSON.stringify(recorded);
    expect(text).toContain("grant_type=password");
    expect(text).not.toContain(USER_PASSWORD);
    expect(text).not.toContain(CLIENT_SECRET);
  });
});

describe("SmartIQ login", () => {
  async function smartiq(): Promise<Loopback> {
    const server = await startServer((req, res) => {
      if (req.method === "POST" && req.url === "/api/v1/admin/login/forms") {
        const body = JSON.parse(req.body.toString()) as { username?: string; password?: string };
        if (body.username === "svc" && body.password === "svc-password-1") return sendJson(res, 200, { authorizationToken: `siq-token-${server.requests.length}` });
        return sendJson(res, 401, { message: `Invalid username or password for ${body.password}` });
      }
      sendJson(res, 404, {});
    });
    servers.push(server);
    return server;
  }

  test("logs in once and caches the token", async () => {
    const siq = await smartiq();
    const cache = new TokenCache();
    const connection = { name: "smartiq", baseUrl: siq.origin, auth: { type: "login", username: "svc", password: "svc-password-1" } };
    const results = await Promise.all(Array.from({ length: 5 }, () => resolveAuth({}, resolveOptions({ tokenCache: cache, connection }))));
    expect(results.map((r) => r.headers[0]?.[1])).toEqual(Array.from({ length: 5 }, () => "Bearer siq-token-1"));
    expect(siq.requests).toHaveLength(1);
    expect(siq.requests[0]?.headers["content-type"]).toBe("application/json; charset=utf-8");
  });

  test("a refused login is LOGIN_FAILED with the password masked", async () => {
    const siq = await smartiq();
    const connection = { name: "smartiq", baseUrl: siq.origin, auth: { type: "login", username: "svc", password: "wrong-password-9" } };
    const error = await caught(() => resolveAuth({}, resolveOptions({ connection })));
    expect(error.code).toBe("LOGIN_FAILED");
    expect(error.message).toContain("Invalid username or password for ***");
    expect(error.message).not.toContain("wrong-password-9");
  });
});

describe("no secret in any error or log line", () => {
  test("failing and succeeding auth flows, logged, never show a secret", async () => {
    const idp = await tokenServer({ bodyOnly: true });
    const api = await startServer((_req, res) => sendJson(res, 500, { echoed: "x" }));
    servers.push(api);
    const logger = new CapturingLogger();
    const redactor = new Redactor();
    const http = { dispatcher, logger, redactor };
    const messages: string[] = [];
    const secrets = [CLIENT_SECRET, USER_PASSWORD, "conn-pass-1234", "q-key-5678", "tok-password-1-none"];
    const auth = await resolveAuth(oauthInputs(`${idp.origin}/token`, { oauthUsername: "jdoe", oauthPassword: USER_PASSWORD, oauthScope: "" }), resolveOptions({ http, redactor }));
    await sendRequest({ method: "POST", url: `${api.origin}/x`, headers: buildRequestHeaders({ auth }), body: `{"password":"${USER_PASSWORD}"}` }, http);
    for (const run of [
      () => resolveAuth(oauthInputs(`${idp.origin}/token`, { oauthClientSecret: "conn-pass-1234" }), resolveOptions({ http, redactor })),
      () => resolveAuth({}, resolveOptions({ http, redactor, connection: { name: "x", baseUrl: "http://127.0.0.1:1", auth: { type: "oauth2", tokenUrl: "/t?secret=q-key-5678", clientId: "c", clientSecret: "conn-pass-1234" } } })),
      () => sendRequest({ method: "GET", url: "http://127.0.0.1:1/x", headers: [], credentialQuery: [["key", "q-key-5678"]] }, http),
    ]) {
      const error = await caught(run);
      messages.push(`${error.message} ${JSON.stringify(error.details)}`);
    }
    const everything = `${messages.join("\n")}\n${logger.text()}`;
    expect(logger.lines.length).toBeGreaterThan(4);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});

test("jwtExpiry reads exp from a JWT and ignores other tokens", () => {
  const payload = Buffer.from(JSON.stringify({ exp: 1_900_000_000 })).toString("base64url");
  expect(jwtExpiry(`e30.${payload}.sig`)).toBe(1_900_000_000_000);
  expect(jwtExpiry("opaque-token")).toBeUndefined();
  expect(jwtExpiry("a.!!!.c")).toBeUndefined();
});
