/**
 * The embedded host (SPEC 8): an HTTP server (Fastify) on the user directory, with login,
 * users, groups, roles, audit, the pipelines of its folder and an inbox.
 *
 * `startHost` is what `siq serve` runs, what `siq run` starts in-process on a loopback port
 * when a pipeline needs the SmartIQ API, and what an embedding host or a test calls.
 *
 * Every request but login is authenticated by a bearer token before its body is read;
 * X-As-User is honoured only after checking the caller's Impersonate permission; every call,
 * allowed or denied, gets one audit record and one request log line.
 */
import { randomBytes } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import type fastifyFactory from "fastify";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Dispatcher } from "undici";
import type { AuditRecord, Clock, Logger, RuntimeSettings } from "../context";
import type { ActionPlugin } from "../definition";
import { openDirectory, type SqliteDirectory } from "../directory";
import { SiqError, toSiqError } from "../errors";
import { createRuntime, defaultSettings, systemClock, type Runtime } from "../runtime";
import { silentLogger } from "../silent-logger";
import { ApiError, errorBody, statusOf } from "./api-error";
import { EgressPolicy, parseAllowHosts, type AllowedHost, type Resolver } from "./egress";
import type { HostContext, RequestState } from "./host-context";
import { wantsXml } from "./host-context";
import { HostTokens, DEFAULT_TOKEN_LIFETIME_SECONDS, bearerToken } from "./host-tokens";
import { withHostUrl } from "./host-url";
import { Inbox, type InboxOptions } from "./inbox";
import { LoginThrottle, type LoginThrottleOptions } from "./login-throttle";
import { PipelinesFolder } from "./pipelines-folder";
import { auditRecordOf, logEntryOf, type RequestLogEntry } from "./request-records";
import { registerAuditRoutes } from "./routes/audit-routes";
import { registerGroupRoutes } from "./routes/group-routes";
import { registerInboxRoutes } from "./routes/inbox-routes";
import { registerLoginRoutes } from "./routes/login-routes";
import { registerPipelineRoutes } from "./routes/pipeline-routes";
import { registerPipelineStreamRoutes } from "./routes/pipeline-stream-routes";
import { cookieSessionToken } from "./pages/page-session";
import { registerPageRoutes } from "./pages/page-routes";
import { registerUserRoutes } from "./routes/user-routes";
import { SIGNING_KEY_FILE, loadSigningKey } from "./signing-key";
import { toXml } from "./xml";

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
export const DEFAULT_PIPELINES_DIR = "pipelines";

export interface HostOptions {
  /**
   * The directory to serve. When given, the caller keeps it (the host does not close it);
   * otherwise the host opens the one in `dataDir` and closes it when it closes.
   */
  directory?: SqliteDirectory;
  /** The data folder (directory file and token key); default SIQ_DATA_DIR, else ./.siq. */
  dataDir?: string;
  /** Port to listen on; default 0 (a free port). */
  port?: number;
  /** Address to listen on; default 127.0.0.1 (this machine only). */
  host?: string;
  /** The pipelines folder, or false for none; default ./pipelines. */
  pipelinesDir?: string | false;
  /** How long a run may use a pipeline without looking at its file again; default 1000 ms (0: every run). */
  pipelinesRecheckMs?: number;
  /** Hosts that pipelines run by the host may reach although private (`--allow-hosts`). */
  allowHosts?: readonly string[] | readonly AllowedHost[];
  /** Token lifetime; default 3600 s. */
  tokenLifetimeSeconds?: number;
  /** The token signing key; default the key file in the data folder (created 0600 on first start). */
  signingKey?: Buffer;
  /** Largest request body; default 1 MB (the inbox allows 64 KB per message). */
  bodyLimitBytes?: number;
  clock?: Clock;
  /** One entry per answered request (default: none). `siq serve` writes them as JSON lines. */
  requestLog?: (entry: RequestLogEntry) => void;
  /** The runtime's logger for pipeline runs, and the host's own warnings. */
  logger?: Logger;
  /** Environment for the pipelines' `${NAME}` and SIQ_DATA_DIR; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Relative folders resolve against this; default the process's working folder. */
  cwd?: string;
  /** Host actions for pipeline runs, besides the built-ins. */
  actions?: readonly ActionPlugin[];
  /** Settings of the runtime that runs pipelines (smartiqBaseUrl is always the host's own URL). */
  settings?: Partial<RuntimeSettings>;
  /** DNS for the egress check (tests map names to addresses); default node:dns lookup. */
  resolver?: Resolver;
  login?: LoginThrottleOptions;
  inbox?: InboxOptions;
}

export interface Host {
  /** `http://127.0.0.1:PORT`: the host's own origin (what pipelines' SmartIQ API calls use). */
  readonly url: string;
  readonly port: number;
  /** Issues and checks the host's tokens; a TokenProvider for a runtime calling this host. */
  readonly tokens: HostTokens;
  readonly directory: SqliteDirectory;
  /** The generated admin password, when this start created the directory. */
  readonly createdAdminPassword: string | undefined;
  /** The pipelines folder, when there is one. */
  readonly pipelinesDir: string | undefined;
  /** Stops taking requests, lets those in flight finish, then closes what the host opened. Idempotent. */
  close(): Promise<void>;
}

export async function startHost(options: HostOptions = {}): Promise<Host> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const clock = options.clock ?? systemClock;
  // The runtime recognises the silent logger and then builds and masks no log lines at all.
  const logger: Logger = options.logger ?? silentLogger;

  let directory: SqliteDirectory;
  let createdAdminPassword: string | undefined;
  const ownsDirectory = options.directory === undefined;
  if (options.directory) {
    directory = options.directory;
  } else {
    const opened = openDirectory({ ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}), env, cwd });
    directory = opened.directory;
    createdAdminPassword = opened.createdAdminPassword;
  }

  let dispatcher: Dispatcher | undefined;
  let runtime: Runtime | undefined;
  let app: FastifyInstance | undefined;
  try {
    const tokens = new HostTokens(signingKey(options, directory, cwd), directory, clock, options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS);
    const allowHosts = (options.allowHosts ?? []).flatMap((entry: string | AllowedHost) => (typeof entry === "string" ? parseAllowHosts(entry) : [entry]));
    const pipelinesDir = options.pipelinesDir === false ? undefined : resolve(cwd, options.pipelinesDir ?? DEFAULT_PIPELINES_DIR);
    let ownUrl = "";
    const context: HostContext = {
      directory,
      tokens,
      throttle: new LoginThrottle(clock, options.login),
      clock,
      inbox: new Inbox(options.inbox),
      pipelines: pipelinesDir === undefined ? undefined : new PipelinesFolder(pipelinesDir, {
              env: () => withHostUrl(env, ownUrl),
              ...(options.actions ? { actions: options.actions } : {}),
              ...(options.pipelinesRecheckMs !== undefined ? { recheckMs: options.pipelinesRecheckMs } : {}),
            }),
      runtime: () => {
        if (!runtime) throw new ApiError(503, "HOST_STARTING", "The host is still starting; try again in a moment.");
        return runtime;
      },
      logger,
    };

    const state = { closing: false };
    app = buildApp(context, options, state);
    await app.listen({ port: options.port ?? 0, host: options.host ?? "127.0.0.1" });
    const address = app.server.address();
    if (address === null || typeof address === "string") throw new SiqError("INTERNAL", "The host's server has no TCP address.");
    ownUrl = `http://${urlHost(address.address)}:${address.port}`;

    const egress = new EgressPolicy({ ownOrigin: ownUrl, allowHosts, ...(options.resolver ? { resolver: options.resolver } : {}) });
    dispatcher = egress.createDispatcher();
    runtime = createRuntime({
      directory,
      tokens,
      audit: directory,
      dispatcher,
      clock,
      logger,
      egress: egress.checkUrl,
      // The environment the host was given (not only process.env) sets the defaults.
      settings: { ...(options.env ? defaultSettings(options.env) : {}), ...options.settings, smartiqBaseUrl: ownUrl },
      ...(options.actions ? { actions: options.actions } : {}),
    });

    const server = app;
    const ownedDispatcher = dispatcher;
    let closing: Promise<void> | undefined;
    return {
      url: ownUrl,
      port: address.port,
      tokens,
      directory,
      createdAdminPassword,
      pipelinesDir,
      close() {
        closing ??= (async () => {
          state.closing = true;
          await server.close();
          await ownedDispatcher.close();
          // The audit records of the last requests, queued for the end of the turn, are written now.
          directory.flushAudit();
          if (ownsDirectory) directory.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await dispatcher?.close().catch(() => undefined);
    if (ownsDirectory) directory.close();
    throw error;
  }
}

/**
 * Fastify is loaded when a host starts, not when the command line starts: it takes about 70 ms
 * to load, which `siq validate` and every other command would otherwise pay.
 */
function loadFastify(): typeof fastifyFactory {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("fastify") as typeof fastifyFactory;
}

function buildApp(host: HostContext, options: HostOptions, state: { closing: boolean }): FastifyInstance {
  const hostContext = host;
  const app = loadFastify()({
    logger: false,
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    // Our own identifiers; Fastify's default would take the client's X-Request-Id on trust.
    requestIdHeader: false,
    // While closing, our own hook answers 503 HOST_CLOSING in the API's error shape.
    return503OnClosing: false,
    // A URL Fastify cannot route (malformed percent-encoding) fails before routing and our hooks:
    // answered here in the API's error shape, and logged and audited like every other call.
    frameworkErrors: (error, request, reply) => {
      request.siq = { caller: undefined, asUser: undefined, asUserHeader: undefined, loginName: undefined, errorCode: undefined };
      try {
        authenticate(hostContext, request);
      } catch {
        // not signed in: the caller is recorded as anonymous, and the 400 stands either way
      }
      const apiError =
        error.code === "FST_ERR_BAD_URL"
          ? new ApiError(400, "PATH_INVALID", "The URL's path is not valid: it has a malformed percent-encoding. Encode each path segment as UTF-8 (encodeURIComponent).")
          : toApiError(error);
      sendError(hostContext, request, reply, apiError);
      // Fastify runs no hooks for such a request: record it here.
      recordRequest(hostContext, options, request, reply);
    },
    ajv: {
      customOptions: {
        // Reject what the schema does not allow: never drop unknown properties, never coerce types.
        removeAdditional: false,
        coerceTypes: false,
        useDefaults: false,
        allErrors: true,
        allowUnionTypes: true,
      },
    },
  });

  // JSON only: a text/plain body would otherwise reach handlers as a string.
  app.removeContentTypeParser("text/plain");
  app.decorateRequest("siq", null as unknown as RequestState);

  // The hooks take Fastify's callback (an async hook costs a promise and its turns per request);
  // a hook that throws fails the request as a rejected promise would.
  app.addHook("onRequest", (request, _reply, done) => {
    request.siq = { caller: undefined, asUser: undefined, asUserHeader: undefined, loginName: undefined, errorCode: undefined };
    if (state.closing) throw new ApiError(503, "HOST_CLOSING", "The host is shutting down; try again once it is back.");
    if (request.routeOptions.config.public !== true) {
      if (!request.is404) authenticate(host, request);
      else {
        // An unknown endpoint answers 404 either way; the caller is still named in the audit log when known.
        try {
          authenticate(host, request);
        } catch {
          // not signed in, or the impersonation was refused: the 404 stands
        }
      }
    }
    done();
  });

  app.addHook("onSend", (_request, reply, payload, done) => {
    reply.header("cache-control", "no-store");
    reply.header("x-content-type-options", "nosniff");
    // A request that was in flight when closing began ends its connection, so the close can complete.
    if (state.closing) reply.header("connection", "close");
    done(null, payload);
  });

  // Audit records are written in one transaction per event-loop turn (recordSoon); the audit
  // endpoint, dump and close write what is queued first.
  app.addHook("onResponse", (request, reply, done) => {
    recordRequest(host, options, request, reply);
    done();
  });

  app.setErrorHandler((error: FastifyError | Error, request, reply) => sendError(host, request, reply, toApiError(error)));
  app.setNotFoundHandler((request, reply) =>
    sendError(host, request, reply, new ApiError(404, "NOT_FOUND", `No endpoint ${request.method} ${request.url.split("?")[0]}; the README lists the host's endpoints.`)),
  );

  registerLoginRoutes(app, host);
  registerUserRoutes(app, host);
  registerGroupRoutes(app, host);
  registerAuditRoutes(app, host);
  registerPipelineRoutes(app, host);
  registerPipelineStreamRoutes(app, host);
  registerPageRoutes(app, host);
  registerInboxRoutes(app, host);
  return app;
}

/** One audit record and one request log line per answered request. */
function auditFailed(host: HostContext): (error: unknown, entry: AuditRecord) => void {
  return (error, entry) => host.logger.log("error", "host.audit-failed", { code: toSiqError(error).code, url: entry.url });
}

function recordRequest(host: HostContext, options: HostOptions, request: FastifyRequest, reply: FastifyReply): void {
  const now = host.clock.now();
  try {
    // The form pages' static files are not calls of the API (the request log still has them).
    if (request.routeOptions?.config?.audit !== false) host.directory.recordSoon(auditRecordOf(request, reply, now), auditFailed(host));
  } catch (error) {
    host.logger.log("error", "host.audit-failed", { code: toSiqError(error).code, url: request.url });
  }
  options.requestLog?.(logEntryOf(request, reply, now));
}

/** Bearer token (or, on the form pages' routes without Authorization, their session cookie), then X-As-User. Throws ApiError 401/403. */
function authenticate(host: HostContext, request: FastifyRequest): void {
  const bearer = bearerToken(request.headers.authorization);
  const cookie = request.headers.authorization === undefined && request.routeOptions.config.pageSession === true ? cookieSessionToken(host.tokens, request) : undefined;
  const token = bearer ?? cookie;
  if (token === undefined) {
    throw new ApiError(401, "AUTH_REQUIRED", "This endpoint needs `Authorization: Bearer <token>`; get a token from POST /api/v1/admin/login/forms.", {
      headers: { "www-authenticate": 'Bearer realm="siq"' },
    });
  }
  try {
    request.siq.caller = host.tokens.verify(token, cookie === undefined ? "api" : "session");
  } catch (error) {
    if (error instanceof ApiError) error.headers["www-authenticate"] = 'Bearer realm="siq", error="invalid_token"';
    throw error;
  }

  const raw = request.headers["x-as-user"];
  if (raw === undefined) return;
  const asUser = (Array.isArray(raw) ? raw.join(",") : raw).trim();
  if (asUser === "") return;
  request.siq.asUserHeader = asUser.length > 256 ? `${asUser.slice(0, 256)}…` : asUser;
  const caller = request.siq.caller;
  // The permission is checked before the named user is even looked up: no probing of usernames.
  if (!host.directory.hasPermission(caller.guid, "Impersonate")) {
    throw new ApiError(403, "IMPERSONATION_DENIED", `"${caller.username}" may not act as another user (X-As-User): it needs the Impersonate permission, through a role of one of the user's groups.`);
  }
  const target = host.directory.findUser(asUser);
  if (!target) throw new ApiError(403, "IMPERSONATED_USER_NOT_FOUND", `X-As-User names "${request.siq.asUserHeader}", but no user has that username or GUID.`);
  if (target.disabled) throw new ApiError(403, "IMPERSONATED_USER_DISABLED", `X-As-User names "${target.username}", whose account is disabled; a disabled user cannot be impersonated.`);
  // Impersonate must not be a way up: only an administrator may act as an administrator.
  if (host.directory.isAdministrator(target.guid) && !host.directory.isAdministrator(caller.guid)) {
    throw new ApiError(403, "IMPERSONATION_DENIED", `"${caller.username}" may not act as the administrator "${target.username}": only administrators may act as administrators.`);
  }
  request.siq.asUser = target;
}

function toApiError(error: FastifyError | Error): SiqError {
  if (error instanceof SiqError) return error;
  const fastifyError = error as FastifyError & { validation?: Array<{ instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }>; validationContext?: string };
  if (fastifyError.validation) {
    const where = fastifyError.validationContext ?? "body";
    const problems = fastifyError.validation.map((issue) => ({ path: issue.instancePath === "" ? "/" : issue.instancePath, message: describe(issue) }));
    const code = where === "querystring" ? "QUERY_INVALID" : where === "params" ? "PATH_INVALID" : "BODY_INVALID";
    const what = where === "querystring" ? "query string" : where === "params" ? "URL path" : "request body";
    return new ApiError(400, code, `The ${what} is not valid: ${problems.map((p) => `${p.path} ${p.message}`).join("; ")}.`, { details: { problems } });
  }
  switch (fastifyError.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new ApiError(413, "BODY_TOO_LARGE", "The request body is larger than this endpoint accepts; send less data.");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new ApiError(415, "MEDIA_TYPE_UNSUPPORTED", "The request body must be JSON (Content-Type: application/json).");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new ApiError(400, "BODY_INVALID", "The request says it has a JSON body but the body is empty; send a JSON object.");
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new ApiError(400, "BODY_INVALID", "The request body is not valid JSON.");
    default:
      break;
  }
  if (fastifyError instanceof SyntaxError || fastifyError.statusCode === 400) {
    return new ApiError(400, "BODY_INVALID", `The request is not valid: ${error.message}`);
  }
  if (typeof fastifyError.statusCode === "number" && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new ApiError(fastifyError.statusCode, "BAD_REQUEST", error.message);
  }
  return new SiqError("INTERNAL", error.message, { cause: error });
}

function describe(issue: { keyword: string; message?: string; params: Record<string, unknown> }): string {
  if (issue.keyword === "additionalProperties") return `has a property that is not allowed: "${String(issue.params.additionalProperty)}"`;
  if (issue.keyword === "required") return `is missing the required property "${String(issue.params.missingProperty)}"`;
  return issue.message ?? issue.keyword;
}

function sendError(host: HostContext, request: FastifyRequest, reply: FastifyReply, error: SiqError): FastifyReply {
  const status = statusOf(error);
  if (request.siq) request.siq.errorCode = String(error.code);
  if (status >= 500) host.logger.log("error", "host.error", { method: request.method, url: request.url.split("?")[0], code: error.code, message: error.message, stack: error.stack });
  if (error instanceof ApiError) for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  if (status === 503 && error.code === "DIRECTORY_BUSY") reply.header("retry-after", "1");
  const body = errorBody(error, status);
  reply.code(status);
  if (wantsXml(request)) return reply.type("application/xml; charset=utf-8").send(toXml(body.error, { root: "Error" }));
  return reply.type("application/json; charset=utf-8").send(JSON.stringify(body));
}

/** The signing key: given, else `host.key` beside the directory file or in the data folder, else (in-memory directories) a key for this start only. */
function signingKey(options: HostOptions, directory: SqliteDirectory, cwd: string): Buffer {
  if (options.signingKey) return options.signingKey;
  if (options.dataDir !== undefined) return loadSigningKey(join(resolve(cwd, options.dataDir), SIGNING_KEY_FILE));
  if (directory.file !== ":memory:") return loadSigningKey(join(dirname(directory.file), SIGNING_KEY_FILE));
  return randomBytes(32);
}

function urlHost(address: string): string {
  if (address === "0.0.0.0") return "127.0.0.1";
  if (address === "::") return "[::1]";
  return address.includes(":") ? `[${address}]` : address;
}
