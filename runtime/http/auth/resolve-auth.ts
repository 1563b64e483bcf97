/**
 * Credentials for a request (SPEC 5.1 and rule 2), from the action's auth inputs or its
 * connection's `auth`.
 *
 * Precedence: the action's own auth inputs win over the connection's auth (the connection
 * then only gives the base URL), the same rule as for headers: what the action says beats
 * what the connection says. An action sets at most one kind of auth (Basic, OAuth 2.0 or Send
 * Access Token); more than one is refused as ambiguous.
 */
import type { BoundInputs } from "../../definition";
import { SiqError } from "../../errors";
import type { Redactor } from "../../redact";
import { toDryRunRequest } from "../curl";
import { sendRequest, type SendOptions } from "../send-request";
import { joinUrl } from "../url";
import { parseConnectionAuth, type ConnectionAuth } from "./connection-auth";
import type { TokenCache } from "./token-cache";
import { loginRequest, oauthTokenRequest, requestLoginToken, requestOAuthToken, type OAuth2Config } from "./token-requests";

/** The exact names of the auth inputs of Send to REST Service (SPEC 5.1). */
export const AUTH_INPUT_NAMES = {
  basicUsername: "Basic Auth Username",
  basicPassword: "Basic Auth Password",
  oauthClientId: "OAuth 2.0 Client Id",
  oauthClientSecret: "OAuth Client Secret",
  oauthScope: "OAuth 2.0 Scope",
  oauthTokenUrl: "OAuth 2.0 Token URL",
  oauthUsername: "OAuth 2.0 Username",
  oauthPassword: "OAuth 2.0 Password",
  sendAccessToken: "Send Access Token",
} as const;

/** The auth inputs, as {@link readAuthInputs} reads them (blank text counts as unset). */
export interface AuthInputs {
  basicUsername?: string;
  basicPassword?: string;
  oauthClientId?: string;
  oauthClientSecret?: string;
  oauthScope?: string;
  oauthTokenUrl?: string;
  oauthUsername?: string;
  oauthPassword?: string;
  sendAccessToken?: boolean;
}

/** The auth inputs as [key, name] pairs, built once (every HTTP action reads them). */
const AUTH_INPUT_ENTRIES = Object.entries(AUTH_INPUT_NAMES) as Array<[keyof typeof AUTH_INPUT_NAMES, string]>;

/** Reads the auth inputs from bound inputs by their exact names. */
export function readAuthInputs(inputs: BoundInputs): AuthInputs {
  const out: AuthInputs = {};
  for (const [key, name] of AUTH_INPUT_ENTRIES) {
    const value = inputs.get(name);
    if (key === "sendAccessToken") {
      if (value === true) out.sendAccessToken = true;
    } else if (typeof value === "string" || typeof value === "number") {
      out[key] = String(value);
    }
  }
  return out;
}

export type AuthType = "none" | "basic" | "bearer" | "apiKey" | "oauth2" | "login" | "accessToken";

export interface ResolvedAuth {
  /** Where the credentials came from: decides precedence against Custom Headers. */
  source: "action" | "connection" | "none";
  type: AuthType;
  /** Credential headers (`Authorization`, an API key header). */
  headers: Array<[string, string]>;
  /** Credential query parameters (an API key `in: "query"`). */
  query: Array<[string, string]>;
}

export interface ConnectionInfo {
  name: string;
  baseUrl?: string | undefined;
  /** The connection's `auth`, checked here (see {@link parseConnectionAuth}). */
  auth?: unknown;
}

export interface ResolveAuthOptions {
  connection?: ConnectionInfo | undefined;
  /** The runtime's token cache (one per runtime). */
  tokenCache: TokenCache;
  /** How token requests are sent (dispatcher, clock, logger, dry run...). Their own timeout is `timeoutMs`. */
  http: SendOptions;
  redactor: Redactor;
  /** Gives the running user's access token, for Send Access Token (from the host's token provider). */
  accessToken?: (() => Promise<string>) | undefined;
  /** Waiting for a token stops when this aborts (the token request goes on for other callers). */
  signal?: AbortSignal | undefined;
}

/** Shown instead of a token in dry runs, where no token request is sent. */
const DRY_RUN_TOKEN = "dry-run-token";

const NONE: ResolvedAuth = { source: "none", type: "none", headers: [], query: [] };

/**
 * The credentials when they can be known without waiting: none at all (no auth input set, no
 * connection auth), which is what {@link resolveAuth} would give. Undefined when there is auth
 * to resolve (then call resolveAuth). Saves an asynchronous step per request without auth.
 */
export function noAuth(inputs: AuthInputs, connection: ConnectionInfo | undefined): ResolvedAuth | undefined {
  if (connection !== undefined && connection.auth !== undefined && connection.auth !== null) return undefined;
  for (const key in inputs) if (inputs[key as keyof AuthInputs] !== undefined) return undefined;
  return { source: "none", type: "none", headers: [], query: [] };
}

/** The credentials for a request; registers every secret it meets with the redactor. */
export async function resolveAuth(inputs: AuthInputs, options: ResolveAuthOptions): Promise<ResolvedAuth> {
  const { redactor } = options;
  for (const key of ["basicPassword", "oauthClientSecret", "oauthPassword"] as const) redactor.addSecret(inputs[key]);

  const basic = present(inputs.basicUsername) || present(inputs.basicPassword);
  const oauth = [inputs.oauthClientId, inputs.oauthClientSecret, inputs.oauthTokenUrl, inputs.oauthUsername, inputs.oauthPassword, inputs.oauthScope].some(present);
  const accessToken = inputs.sendAccessToken === true;
  const chosen = [basic && "Basic Auth", oauth && "OAuth 2.0", accessToken && "Send Access Token"].filter((name): name is string => typeof name === "string");
  if (chosen.length > 1) {
    throw new SiqError("AUTH_INVALID", `The action sets ${chosen.join(" and ")}; a request takes one kind of auth. Keep the inputs of one and clear the others.`);
  }

  if (basic) {
    if (!present(inputs.basicUsername)) {
      throw new SiqError("AUTH_INVALID", "Basic Auth Password is set but Basic Auth Username is not; set both.", { input: AUTH_INPUT_NAMES.basicUsername });
    }
    return { source: "action", type: "basic", headers: [basicHeader(inputs.basicUsername ?? "", inputs.basicPassword ?? "", redactor)], query: [] };
  }
  if (oauth) {
    for (const key of ["oauthTokenUrl", "oauthClientId"] as const) {
      if (!present(inputs[key])) {
        throw new SiqError("AUTH_INVALID", `OAuth 2.0 needs ${AUTH_INPUT_NAMES[key]}; it is not set.`, { input: AUTH_INPUT_NAMES[key] });
      }
    }
    if (!present(inputs.oauthUsername) && !present(inputs.oauthClientSecret)) {
      throw new SiqError("AUTH_INVALID", "OAuth 2.0 client credentials need OAuth Client Secret (or set OAuth 2.0 Username and OAuth 2.0 Password for the password grant).", {
        input: AUTH_INPUT_NAMES.oauthClientSecret,
      });
    }
    const config: OAuth2Config = {
      tokenUrl: joinUrl(options.connection?.baseUrl, inputs.oauthTokenUrl ?? ""),
      clientId: inputs.oauthClientId ?? "",
      clientSecret: present(inputs.oauthClientSecret) ? inputs.oauthClientSecret : undefined,
      scope: inputs.oauthScope,
      username: present(inputs.oauthUsername) ? inputs.oauthUsername : undefined,
      password: inputs.oauthPassword,
    };
    return { source: "action", type: "oauth2", headers: [bearer(await oauthToken(config, options))], query: [] };
  }
  if (accessToken) {
    if (!options.accessToken) {
      throw new SiqError("AUTH_INVALID", "Send Access Token is set, but this runtime has no token provider to give the running user's token.", { input: AUTH_INPUT_NAMES.sendAccessToken });
    }
    const token = await options.accessToken();
    redactor.addSecret(token);
    return { source: "action", type: "accessToken", headers: [bearer(token)], query: [] };
  }

  const connection = options.connection;
  if (connection === undefined) return NONE;
  const auth = parseConnectionAuth(connection.auth, connection.name, { allowLogin: connection.name === "smartiq" });
  if (auth === undefined) return NONE;
  return connectionAuth(auth, connection, options);
}

async function connectionAuth(auth: ConnectionAuth, connection: ConnectionInfo, options: ResolveAuthOptions): Promise<ResolvedAuth> {
  const { redactor } = options;
  switch (auth.type) {
    case "basic":
      redactor.addSecret(auth.password);
      return { source: "connection", type: "basic", headers: [basicHeader(auth.username, auth.password, redactor)], query: [] };
    case "bearer":
      redactor.addSecret(auth.token);
      return { source: "connection", type: "bearer", headers: [bearer(auth.token)], query: [] };
    case "apiKey":
      redactor.addSecret(auth.value);
      return auth.in === "header"
        ? { source: "connection", type: "apiKey", headers: [[auth.name, auth.value]], query: [] }
        : { source: "connection", type: "apiKey", headers: [], query: [[auth.name, auth.value]] };
    case "oauth2": {
      redactor.addSecret(auth.clientSecret);
      redactor.addSecret(auth.password);
      const config: OAuth2Config = {
        tokenUrl: joinUrl(connection.baseUrl, auth.tokenUrl),
        clientId: auth.clientId,
        clientSecret: auth.clientSecret,
        scope: auth.scope,
        username: present(auth.username) ? auth.username : undefined,
        password: auth.password,
      };
      return { source: "connection", type: "oauth2", headers: [bearer(await oauthToken(config, options))], query: [] };
    }
    case "login": {
      redactor.addSecret(auth.password);
      const loginUrl = joinUrl(connection.baseUrl, "/api/v1/admin/login/forms");
      let token: string;
      if (options.http.dryRun) {
        options.http.dryRun(toDryRunRequest(loginRequest(loginUrl, auth.username, auth.password), redactor, options.http.action ?? ""));
        token = DRY_RUN_TOKEN;
      } else {
        token = await options.tokenCache.get(
          ["login", loginUrl, auth.username, auth.password],
          () => requestLoginToken(loginUrl, auth.username, auth.password, tokenSender(options), redactor),
          options.signal,
        );
      }
      redactor.addSecret(token);
      return { source: "connection", type: "login", headers: [bearer(token)], query: [] };
    }
  }
}

async function oauthToken(config: OAuth2Config, options: ResolveAuthOptions): Promise<string> {
  if (options.http.dryRun) {
    options.http.dryRun(toDryRunRequest(oauthTokenRequest(config, config.clientSecret === undefined), options.redactor, options.http.action ?? ""));
    return DRY_RUN_TOKEN;
  }
  // The secrets are part of the key (hashed), so a token is never reused for other credentials.
  const key = ["oauth2", config.tokenUrl, config.clientId, config.scope ?? "", config.username ?? "", config.clientSecret ?? "", config.password ?? ""];
  const token = await options.tokenCache.get(key, () => requestOAuthToken(config, tokenSender(options), options.redactor), options.signal);
  // A token cached by an earlier run must be masked in this run's output too.
  options.redactor.addSecret(token);
  return token;
}

/**
 * Token requests go through the same pipeline, but without the caller's signal: one request
 * serves every caller waiting for it, so one caller's cancellation must not fail the others.
 * Their bodies hold credentials (client secret, password): no redirect takes them to another origin.
 */
function tokenSender(options: ResolveAuthOptions) {
  const { signal: _ignored, dryRun: _none, ...http } = options.http;
  return (request: Parameters<typeof sendRequest>[0]) => sendRequest(request, { ...http, redactor: options.redactor, credentialBody: true });
}

function basicHeader(username: string, password: string, redactor: Redactor): [string, string] {
  const encoded = Buffer.from(`${username}:${password}`, "utf8").toString("base64");
  redactor.addSecret(encoded);
  return ["Authorization", `Basic ${encoded}`];
}

function bearer(token: string): [string, string] {
  return ["Authorization", `Bearer ${token}`];
}

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== "";
}
