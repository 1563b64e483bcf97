/**
 * A stand-in for the insightIQ users API (seed: insightiq-users-api.txt).
 *
 * Mounted under /v1 ("https://api.staging.insightiq.ai/v1"). Operations: create a user
 * (POST /users), retrieve a user by external ID (GET /users/external_id/{external_id}), create
 * an SDK token (POST /sdk-tokens). Every request needs HTTP Basic authentication; every response
 * carries the `request-id` header ("Unique ID associated with this request").
 *
 * The seed documents only successful responses. Failures use one JSON body,
 * `{ "error_code", "message", "status_code", "request_id" }`, with 400 for a body that breaks a
 * documented rule (required, "<= 100 characters", "Allowed values"), 401 for missing or wrong
 * credentials, 404 for an unknown user, and 409 for a second user with the same external_id
 * ("Unique ID for the user supplied by you").
 */
import { createHmac, randomUUID } from "node:crypto";
import type { Route, StandIn, StandInReply, StandInRequest } from "./stand-in-kit";
import { authorizationCredentials, isRecord, json, parseJsonBody, serve } from "./stand-in-kit";

export const INSIGHTIQ_TEST_USERNAME = "insightiq-client-id";
export const INSIGHTIQ_TEST_PASSWORD = "insightiq-client-secret";

/** "Allowed values" of products in the seed. */
export const INSIGHTIQ_PRODUCTS = ["IDENTITY", "IDENTITY.AUDIENCE", "ENGAGEMENT", "ENGAGEMENT.AUDIENCE", "INCOME", "PUBLISH.CONTENT", "ACTIVITY"] as const;

/** The seed's sample token is valid for 7 days (iat 1648575447, exp 1649180247). */
const SDK_TOKEN_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
const TOKEN_SIGNING_KEY = "insightiq-stand-in-signing-key";

export interface InsightUser {
  name: string;
  external_id: string;
  id: string;
  created_at: string;
  updated_at: string;
  status: "ACTIVE" | "INACTIVE";
}

export interface InsightSdkToken {
  user_id: string;
  products: string[];
  sdk_token: string;
  expires_at: string;
}

export interface InsightIqState {
  credentials: { username: string; password: string };
  users: Map<string, InsightUser>;
  sdkTokens: InsightSdkToken[];
  /** The request-id of every response, in order. */
  requestIds: string[];
  addUser(name: string, externalId: string, status?: InsightUser["status"]): InsightUser;
}

export interface InsightIqStandInOptions {
  username?: string;
  password?: string;
  /** The clock for created_at, updated_at and expires_at (default: the real one). */
  now?: () => Date;
}

export async function startInsightIqStandIn(options: InsightIqStandInOptions = {}): Promise<StandIn<InsightIqState>> {
  const now = options.now ?? (() => new Date());
  const state = createState({ username: options.username ?? INSIGHTIQ_TEST_USERNAME, password: options.password ?? INSIGHTIQ_TEST_PASSWORD }, now);

  const table: Route[] = [
    { method: "POST", pattern: /^\/users\/?$/, handle: createUser },
    { method: "GET", pattern: /^\/users\/external_id\/([^/]+)\/?$/, handle: getByExternalId },
    { method: "POST", pattern: /^\/sdk-tokens\/?$/, handle: createSdkToken },
  ];
  const routes = table.map((route): Route => ({ ...route, handle: requireBasic(route.handle) }));

  return serve(state, routes, {
    prefix: "/v1",
    decorate: (reply, request) => {
      state.requestIds.push(request.id);
      return { ...reply, headers: { ...reply.headers, "request-id": request.id } };
    },
    notFound: (request) => unauthorized(request) ?? failure(request, 404, "not_found", `No route for ${request.method} ${request.url.pathname}.`),
    methodNotAllowed: (request) => unauthorized(request) ?? failure(request, 405, "method_not_allowed", `${request.method} is not allowed here.`),
  });

  /** "send your HTTP requests with an Authorization header that contains the word Basic followed by a space and a base64-encoded string username:password". */
  function unauthorized(request: StandInRequest): StandInReply | undefined {
    const encoded = authorizationCredentials(request.headers, "Basic");
    if (encoded !== undefined) {
      const decoded = Buffer.from(encoded, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon >= 0 && decoded.slice(0, colon) === state.credentials.username && decoded.slice(colon + 1) === state.credentials.password) return undefined;
    }
    const reply = failure(request, 401, "unauthorized", "Authentication failed: send valid Basic credentials.");
    return { ...reply, headers: { ...reply.headers, "www-authenticate": 'Basic realm="insightIQ"' } };
  }

  function requireBasic(handle: Route["handle"]): Route["handle"] {
    return (request) => unauthorized(request) ?? handle(request);
  }

  /** name: string, required; external_id: string, required, "<= 100 characters". Answers 201. */
  function createUser(request: StandInRequest): StandInReply {
    const parsed = objectBody(request);
    if (!parsed.ok) return parsed.reply;
    const body = parsed.value;
    const problems: string[] = [];
    const name = requiredText(body, "name", problems);
    const externalId = requiredText(body, "external_id", problems);
    if (externalId !== undefined && externalId.length > 100) problems.push("'external_id' must be at most 100 characters.");
    if (problems.length > 0) return failure(request, 400, "validation_error", problems.join(" "));
    for (const user of state.users.values()) {
      if (user.external_id === externalId) return failure(request, 409, "user_already_exists", "A user with this external_id already exists.");
    }
    const user = state.addUser(name as string, externalId as string);
    return json(201, user);
  }

  function getByExternalId(request: StandInRequest): StandInReply {
    const externalId = request.params[0] ?? "";
    for (const user of state.users.values()) if (user.external_id === externalId) return json(200, user);
    return failure(request, 404, "user_not_found", "No user has this external_id.");
  }

  /** user_id: required, the id of a user; products: required, each one of the "Allowed values". Answers 201. */
  function createSdkToken(request: StandInRequest): StandInReply {
    const parsed = objectBody(request);
    if (!parsed.ok) return parsed.reply;
    const body = parsed.value;
    const problems: string[] = [];
    const userId = requiredText(body, "user_id", problems);
    const products = body.products;
    if (!Array.isArray(products) || products.length === 0) problems.push("'products' is required: a list of one or more products.");
    else {
      products.forEach((product: unknown, index) => {
        if (typeof product !== "string" || !(INSIGHTIQ_PRODUCTS as readonly string[]).includes(product)) {
          problems.push(`'products[${index}]' must be one of ${INSIGHTIQ_PRODUCTS.join(", ")}.`);
        }
      });
    }
    if (problems.length > 0) return failure(request, 400, "validation_error", problems.join(" "));
    if (!state.users.has(userId as string)) return failure(request, 404, "user_not_found", "No user has this user_id.");
    const issued = now();
    const expires = new Date(issued.getTime() + SDK_TOKEN_LIFETIME_MS);
    const token: InsightSdkToken = {
      user_id: userId as string,
      products: products as string[],
      sdk_token: signToken({ user_id: userId, products, iat: issued.getTime() / 1000, exp: expires.getTime() / 1000 }),
      expires_at: timestamp(expires),
    };
    state.sdkTokens.push(token);
    return json(201, { sdk_token: token.sdk_token, expires_at: token.expires_at });
  }
}

function objectBody(request: StandInRequest): { ok: true; value: Record<string, unknown> } | { ok: false; reply: StandInReply } {
  const body = parseJsonBody(request);
  if (!body.ok || !isRecord(body.value)) return { ok: false, reply: failure(request, 400, "validation_error", "The request body must be a JSON object (application/json).") };
  return { ok: true, value: body.value };
}

function requiredText(body: Record<string, unknown>, name: string, problems: string[]): string | undefined {
  const value = body[name];
  if (typeof value !== "string" || value.trim() === "") {
    problems.push(`'${name}' is required and must be a non-empty string.`);
    return undefined;
  }
  return value;
}

/** Error bodies quote the request id that the response's request-id header carries. */
function failure(request: StandInRequest, status: number, code: string, message: string): StandInReply {
  return json(status, { error_code: code, message, status_code: status, request_id: request.id });
}

/** "UTC date and time in ISO 8601 format", as the seed writes it: 2020-03-27T12:34:56.534978. */
function timestamp(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000`;
}

function signToken(payload: Record<string, unknown>): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ typ: "JWT", alg: "HS256" })}.${encode(payload)}`;
  return `${unsigned}.${createHmac("sha256", TOKEN_SIGNING_KEY).update(unsigned).digest("base64url")}`;
}

function createState(credentials: { username: string; password: string }, now: () => Date): InsightIqState {
  const state: InsightIqState = {
    credentials,
    users: new Map(),
    sdkTokens: [],
    requestIds: [],
    addUser(name, externalId, status = "ACTIVE") {
      const at = timestamp(now());
      const user: InsightUser = { name, external_id: externalId, id: randomUUID(), created_at: at, updated_at: at, status };
      state.users.set(user.id, user);
      return user;
    },
  };
  return state;
}
